package uselite

import (
	"strings"
	"sync"
)

var (
	wordsOnce sync.Once
	words     map[string]bool
)

// CommonWord reports whether w is an everyday English word: one whole
// piece of the encoder's SentencePiece vocabulary (8,000 pieces learnt from
// general web text), as written or without a common inflection ("decided",
// "jumps", "making"). Rare words ("sourdough", "Artemis") are spelt with
// several pieces. Only the vocabulary is read, not the model's weights.
func CommonWord(w string) bool {
	wordsOnce.Do(loadWords)
	w = strings.ToLower(strings.TrimSpace(w))
	if w == "" {
		return false
	}
	if words[w] {
		return true
	}
	for _, suf := range []string{"s", "es", "ed", "d", "ing", "ly"} {
		base, ok := strings.CutSuffix(w, suf)
		if !ok || len(base) < 3 {
			continue
		}
		if words[base] || (suf == "ing" || suf == "ed") && words[base+"e"] {
			return true
		}
		// "stopped", "running": a doubled final consonant.
		if n := len(base); (suf == "ing" || suf == "ed") && n >= 4 && base[n-1] == base[n-2] && words[base[:n-1]] {
			return true
		}
	}
	return false
}

// loadWords keeps the vocabulary's whole-word pieces ("▁decide"), without
// the word-start mark. A damaged weights file leaves the set empty: every
// word then reads as rare, which only makes answering more cautious.
func loadWords() {
	words = map[string]bool{}
	pieces, err := parseVocabulary(weightsFile)
	if err != nil {
		return
	}
	for i, p := range pieces {
		if i < reservedPieces {
			continue
		}
		if w, ok := strings.CutPrefix(p, "▁"); ok && len(w) > 1 {
			words[strings.ToLower(w)] = true
		}
	}
}
