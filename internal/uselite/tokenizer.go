package uselite

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// reservedPieces are the ids the tokenizer never produces by matching:
// 0 is the unknown piece, then <s>, </s> and three spare ids.
const reservedPieces = 6

// tokenizer is the SentencePiece unigram tokenizer of the reference
// JavaScript runtime, ported with its exact tie-breaking: the Viterbi search
// keeps the later candidate on equal scores and treats a best score of 0 as
// unset, a character no piece starts with becomes the unknown id 0, and runs
// of unknown ids merge into one.
type tokenizer struct {
	pieces  map[string]int32
	scores  []float64 // by id
	steps   []int     // by id: UTF-16 length of the piece, used to backtrack
	maxRune int       // longest piece in runes
}

func newTokenizer(pieces []string, scores []float64) *tokenizer {
	t := &tokenizer{pieces: make(map[string]int32, len(pieces)), scores: scores, steps: make([]int, len(pieces))}
	for i, p := range pieces {
		t.steps[i] = len(utf16.Encode([]rune(p)))
		if i < reservedPieces {
			continue
		}
		t.pieces[p] = int32(i) // a later duplicate wins, as in the reference trie
		if n := utf8.RuneCountInString(p); n > t.maxRune {
			t.maxRune = n
		}
	}
	return t
}

// tokScratch holds the buffers of one encode call so that they can be reused.
type tokScratch struct {
	offs  []int // byte offset of each rune, plus the end
	best  []float64
	words []int32
	out   []int32
}

// encode appends the token ids of text to s.out[:0] and returns them.
func (t *tokenizer) encode(text string, s *tokScratch) []int32 {
	text = norm.NFKC.String(text)
	if text == "" {
		s.out = s.out[:0]
		return s.out
	}
	text = "▁" + strings.ReplaceAll(text, " ", "▁")
	s.offs = s.offs[:0]
	for i := range text {
		s.offs = append(s.offs, i)
	}
	n := len(s.offs)
	s.offs = append(s.offs, len(text))
	s.best = resize(s.best, n+1)
	s.words = resize(s.words, n+1)
	clear(s.best)
	clear(s.words)
	// The reference collects every candidate (start, end) first and then
	// relaxes ends in increasing order, starts in increasing order. There
	// is at most one candidate per (start, end), so relaxing in order of
	// end, then start, reproduces it exactly.
	for end := 1; end <= n; end++ {
		lo := max(0, end-t.maxRune)
		for start := lo; start < end; start++ {
			id, ok := t.candidate(text, start, end, s.offs)
			if !ok {
				continue
			}
			score := t.scores[id] + s.best[start]
			if id == 0 {
				score = s.best[start]
			}
			if s.best[end] == 0 || score >= s.best[end] {
				s.best[end] = score
				s.words[end] = id
			}
		}
	}
	s.out = s.out[:0]
	for i := n; i > 0; i -= t.steps[s.words[i]] {
		s.out = append(s.out, s.words[i])
	}
	// Merge runs of unknowns (scanning from the end, as the reference
	// does), then reverse into reading order.
	k := 0
	prevUnk := false
	for _, id := range s.out {
		if !(prevUnk && id == 0) {
			s.out[k] = id
			k++
		}
		prevUnk = id == 0
	}
	s.out = s.out[:k]
	for i, j := 0, k-1; i < j; i, j = i+1, j-1 {
		s.out[i], s.out[j] = s.out[j], s.out[i]
	}
	return s.out
}

// candidate reports the piece the reference proposes for runes
// [start, end): a vocabulary piece, or the unknown id 0 for a single rune
// when no piece starts at start.
func (t *tokenizer) candidate(text string, start, end int, offs []int) (int32, bool) {
	if id, ok := t.pieces[text[offs[start]:offs[end]]]; ok {
		return id, true
	}
	if end != start+1 {
		return 0, false
	}
	n := len(offs) - 1
	for e := start + 1; e <= min(n, start+t.maxRune); e++ {
		if _, ok := t.pieces[text[offs[start]:offs[e]]]; ok {
			return 0, false
		}
	}
	return 0, true
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
