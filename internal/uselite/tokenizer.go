package uselite

import (
	"strings"
	"unicode/utf16"

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
	// prefixes maps every piece and every prefix of a piece to the piece's
	// id, or to -1 for a prefix that is no piece itself.
	prefixes map[string]int32
	scores   []float64 // by id
	steps    []int     // by id: UTF-16 length of the piece, used to backtrack
}

func newTokenizer(pieces []string, scores []float64) *tokenizer {
	t := &tokenizer{prefixes: make(map[string]int32, 2*len(pieces)), scores: scores, steps: make([]int, len(pieces))}
	for i, p := range pieces {
		t.steps[i] = len(utf16.Encode([]rune(p)))
		if i < reservedPieces {
			continue
		}
		for j := range p {
			if _, ok := t.prefixes[p[:j]]; j > 0 && !ok {
				t.prefixes[p[:j]] = -1
			}
		}
		t.prefixes[p] = int32(i) // a later duplicate wins, as in the reference trie
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
	// The reference collects every candidate (start, end) and then
	// relaxes ends in increasing order and, for each end, starts in
	// increasing order. Relaxing by increasing start instead visits the
	// candidates of each end in the same order, and best[start] is final by
	// then, so the result is identical.
	for start := range n {
		found := false
		for end := start + 1; end <= n; end++ {
			id, ok := t.prefixes[text[s.offs[start]:s.offs[end]]]
			if !ok {
				break
			}
			if id < 0 {
				continue
			}
			found = true
			s.relax(start, end, t.scores[id]+s.best[start], id)
		}
		if !found { // unknown character: id 0, score 0
			s.relax(start, start+1, s.best[start], 0)
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

// relax keeps the candidate when it is at least as good as the best path
// to end so far; a best score of exactly 0 counts as unset, as in the
// reference.
func (s *tokScratch) relax(start, end int, score float64, id int32) {
	if s.best[end] == 0 || score >= s.best[end] {
		s.best[end] = score
		s.words[end] = id
	}
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
