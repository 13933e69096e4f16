package rag

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxCiteRange bounds the expansion of a range citation such as [1-3], so
// a reply like [1-99999] cannot blow up.
const maxCiteRange = 50

// citeGroup is one bracketed citation found in a text, such as "[1]",
// "[2, 3]", "[4-6]" or "［1］", with the source numbers it names in order.
type citeGroup struct {
	start, end int // byte offsets of the whole group, brackets included
	nums       []int
}

// citeBrackets pairs the opening brackets accepted around citations with
// their closing ones: ASCII, full-width and lenticular.
var citeBrackets = map[rune]rune{'[': ']', '［': '］', '【': '】'}

// parseCitations finds the citation groups in text, in order. Bracketed
// text that is not a list of numbers and ranges (like "[citation needed]")
// is not a citation.
func parseCitations(text string) []citeGroup {
	var groups []citeGroup
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		closing, ok := citeBrackets[r]
		if !ok {
			i += size
			continue
		}
		// Look for the closing bracket within a short distance.
		limit := min(len(text), i+size+64)
		j := strings.IndexRune(text[i+size:limit], closing)
		if j < 0 {
			i += size
			continue
		}
		inner := text[i+size : i+size+j]
		nums, ok := parseCiteInner(inner)
		if !ok {
			i += size
			continue
		}
		end := i + size + j + utf8.RuneLen(closing)
		groups = append(groups, citeGroup{start: i, end: end, nums: nums})
		i = end
	}
	return groups
}

// parseCiteInner parses the inside of a citation: an optional "source"
// word, then numbers and ranges separated by commas, semicolons or spaces.
// Digits may be full-width.
func parseCiteInner(s string) ([]int, bool) {
	s = strings.TrimSpace(s)
	lower := strings.ToLower(s)
	for _, p := range []string{"sources", "source", "src"} {
		if strings.HasPrefix(lower, p) {
			s = strings.TrimSpace(s[len(p):])
			s = strings.TrimLeft(s, ": ")
			break
		}
	}
	if s == "" {
		return nil, false
	}
	var nums []int
	rs := []rune(s)
	i := 0
	readNum := func() (int, bool) {
		start := i
		n := 0
		for i < len(rs) {
			d, ok := citeDigit(rs[i])
			if !ok {
				break
			}
			if i-start >= 6 {
				return 0, false
			}
			n = n*10 + d
			i++
		}
		return n, i > start
	}
	skipSpace := func() {
		for i < len(rs) && unicode.IsSpace(rs[i]) {
			i++
		}
	}
	for {
		skipSpace()
		a, ok := readNum()
		if !ok {
			return nil, false
		}
		skipSpace()
		if i < len(rs) && isCiteDash(rs[i]) {
			i++
			skipSpace()
			b, ok := readNum()
			if !ok {
				return nil, false
			}
			if a > b {
				a, b = b, a
			}
			if b-a >= maxCiteRange {
				return nil, false
			}
			for n := a; n <= b; n++ {
				nums = append(nums, n)
			}
		} else {
			nums = append(nums, a)
		}
		skipSpace()
		if i == len(rs) {
			return nums, true
		}
		switch rs[i] {
		case ',', ';', '，', '；', '、':
			i++
		default:
			// Numbers separated by spaces only: "[1 2]".
			if _, ok := citeDigit(rs[i]); !ok {
				return nil, false
			}
		}
	}
}

func citeDigit(r rune) (int, bool) {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0'), true
	case r >= '０' && r <= '９':
		return int(r - '０'), true
	}
	return 0, false
}

func isCiteDash(r rune) bool {
	switch r {
	case '-', '–', '—', '‐', '‑', '−', '－', '~', '〜':
		return true
	}
	return false
}

// Renumber rewrites the citations in text for an answer drawn on n
// numbered sources. Citations outside 1..n are dropped; the rest are
// renumbered 1, 2, … in order of first citation and written in the
// canonical form "[1][2]" (adjacent citations merged, in ascending order). cited lists, for each new number, the original
// source number it stands for (so cited[0] is the original number of the
// new [1]). Every citation left in out is within 1..len(cited).
func Renumber(text string, n int) (out string, cited []int) {
	out, cited = renumberOnce(text, n)
	// Dropping a group can join the text around it into a new citation
	// ("[[9]1]" becomes "[1]"), so repeat until nothing changes.
	for pass := 0; ; pass++ {
		next, again := renumberOnce(out, len(cited))
		if next == out {
			return out, cited
		}
		if pass == 8 {
			// Pathological input: neutralise the remaining brackets.
			return strings.Map(func(r rune) rune {
				if _, ok := citeBrackets[r]; ok {
					return '('
				}
				return r
			}, out), cited
		}
		var composed []int
		for _, c := range again {
			composed = append(composed, cited[c-1])
		}
		out, cited = next, composed
	}
}

func renumberOnce(text string, n int) (string, []int) {
	var r renumberer
	out := r.render(text, n)
	return out, r.cited
}

// renumberer renumbers citations in order of first citation; its state
// carries over between calls to render, so a text can be renumbered piece
// by piece as long as no piece ends inside a run of citations.
type renumberer struct {
	newNum map[int]int // original number -> new number
	cited  []int       // original numbers, in order of new number
}

func (r *renumberer) render(text string, n int) string {
	groups := parseCitations(text)
	if len(groups) == 0 {
		return text
	}
	if r.newNum == nil {
		r.newNum = map[int]int{}
	}
	// Adjacent groups ("[3][1]") form one run, written in ascending order.
	var runs []citeGroup
	for _, g := range groups {
		if k := len(runs) - 1; k >= 0 && runs[k].end == g.start {
			runs[k].end = g.end
			runs[k].nums = append(runs[k].nums, g.nums...)
			continue
		}
		runs = append(runs, citeGroup{start: g.start, end: g.end, nums: slices.Clone(g.nums)})
	}
	var b strings.Builder
	prev := 0
	for _, g := range runs {
		var nums []int
		for _, old := range g.nums {
			if old < 1 || old > n {
				continue
			}
			nn, ok := r.newNum[old]
			if !ok {
				r.cited = append(r.cited, old)
				nn = len(r.cited)
				r.newNum[old] = nn
			}
			nums = append(nums, nn)
		}
		slices.Sort(nums)
		nums = slices.Compact(nums)
		chunk := text[prev:g.start]
		if len(nums) == 0 {
			// Drop the group and the spaces before it: "won [9]." -> "won."
			chunk = strings.TrimRight(chunk, " \t")
		}
		b.WriteString(chunk)
		for _, nn := range nums {
			b.WriteString("[" + strconv.Itoa(nn) + "]")
		}
		prev = g.end
	}
	b.WriteString(text[prev:])
	return b.String()
}

// stripCitations removes every citation group from text.
func stripCitations(text string) string {
	out, _ := Renumber(text, 0)
	return strings.TrimSpace(out)
}

// citeStream renumbers the citations of streamed text as it arrives, so
// that what a reader sees while a reply streams already matches the final
// answer. It holds back text that a later piece could still change: an
// unclosed bracket, trailing spaces, a rune cut in two, and a citation at
// the very end (an adjacent one may follow and be merged with it). Each
// piece costs time in proportion to its own length, not the reply's.
type citeStream struct {
	out     func(string)
	n       int // sources
	raw     strings.Builder
	done    int // bytes of the reply (without leading space) already sent
	r       renumberer
	emitted strings.Builder
}

// write adds a piece of the reply.
func (c *citeStream) write(s string) {
	c.raw.WriteString(s)
	text := strings.TrimLeft(c.raw.String(), " \t\r\n")
	safe := c.done + len(streamSafePrefix(text[c.done:]))
	if safe <= c.done {
		return
	}
	out := c.r.render(text[c.done:safe], c.n)
	c.done = safe
	c.emitted.WriteString(out)
	c.out(out)
}

// finish sends what is left of final, the whole renumbered answer. When
// final does not extend what was sent (renumbering piece by piece can
// differ on pathological brackets), nothing more is sent and the caller's
// final text wins.
func (c *citeStream) finish(final string) {
	sent := c.emitted.String()
	if len(final) > len(sent) && strings.HasPrefix(final, sent) {
		c.out(final[len(sent):])
		c.emitted.WriteString(final[len(sent):])
	}
}

// streamSafePrefix returns the part of text that later pieces cannot turn
// into, or merge with, a citation.
func streamSafePrefix(text string) string {
	// A rune split between pieces.
	if i := len(text) - 1; i >= 0 {
		for i > 0 && !utf8.RuneStart(text[i]) {
			i--
		}
		if !utf8.FullRuneInString(text[i:]) {
			text = text[:i]
		}
	}
	// An opening bracket near the end with no closing one yet.
	for open, closing := range citeBrackets {
		i := strings.LastIndex(text, string(open))
		if i >= 0 && len(text)-i <= 64 && !strings.ContainsRune(text[i:], closing) {
			text = text[:i]
		}
	}
	for {
		text = strings.TrimRight(text, " \t\r\n")
		groups := parseCitations(text)
		if len(groups) == 0 || groups[len(groups)-1].end != len(text) {
			return text
		}
		text = text[:groups[len(groups)-1].start]
	}
}
