package rag

import (
	"regexp"
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

// --- checking a model's reply against its sources ---------------------------

// minCiteSupport is the share of a sentence's content words that a source
// must hold to support it.
const minCiteSupport = 0.5

// replyCheck checks the sentences of a model's reply against the numbered
// sources: a citation must point at a source that shares the sentence's
// content (and every number it states); an unsupported citation is
// re-pointed to the source that supports the sentence, or removed; a
// sentence no source supports is dropped. Links are kept only when they
// are a source's own URL.
type replyCheck struct {
	question map[string]bool
	qNumbers map[string]bool
	sources  []map[string]bool // terms of each source's passages and title, by number-1
	numbers  []map[string]bool // the numbers of each source
	urls     map[string]bool
}

func newReplyCheck(question string, groups []answerSource) *replyCheck {
	c := &replyCheck{question: termSet(question), qNumbers: numbersIn(question), urls: map[string]bool{}}
	for _, g := range groups {
		text := g.src.Title + "\n" + g.src.Outlet + "\n" + g.passage(nil)
		set := termSet(text)
		addAcronyms(set, text)
		c.sources = append(c.sources, set)
		c.numbers = append(c.numbers, numbersIn(text))
		if g.src.URL != "" {
			c.urls[strings.TrimRight(g.src.URL, "/")] = true
		}
	}
	return c
}

var (
	mdLinkRe   = regexp.MustCompile(`\[([^\[\]\n]{0,200})\]\(\s*<?((?:https?://|www\.)[^)\s>]*)>?\s*\)`)
	bareLinkRe = regexp.MustCompile(`<?(?:https?://|www\.)[^\s<>()\[\]]+>?`)
	// absenceRe matches a sentence that says what the sources do not
	// cover; it needs no source.
	absenceRe = regexp.MustCompile(`(?i)\b(not|no|none|nothing|neither|nor|don't|doesn't|didn't|isn't|aren't|couldn't|can't|cannot|unclear|unknown)\b.*\b(say|says|said|mention|mentions|mentioned|state|states|stated|specify|specifies|specified|report|reports|reported|cover|covers|covered|include|includes|included|provide|provides|provided|give|gives|detail|details|clear|known|find|found|information|sources?|articles?)\b`)
	numberRe  = regexp.MustCompile(`\d[\d,.]*\d|\d`)
)

// links removes the links of a model's sentence that are not a source's
// URL: a masked link becomes its text, a bare link disappears.
func (c *replyCheck) links(s string) string {
	s = mdLinkRe.ReplaceAllStringFunc(s, func(m string) string {
		sub := mdLinkRe.FindStringSubmatch(m)
		text, url := sub[1], strings.TrimRight(sub[2], "/")
		if _, ok := parseCiteInner(text); ok {
			// "[1](https://…)": a citation with a link; keep the citation.
			return "[" + text + "]"
		}
		if c.urls[url] {
			return m
		}
		return text
	})
	return bareLinkRe.ReplaceAllStringFunc(s, func(m string) string {
		url := strings.TrimRight(strings.Trim(m, "<>"), "/.,;:!?")
		if c.urls[url] {
			return m
		}
		return ""
	})
}

// support is the share of terms that source n (1-based) holds, 0 when a
// number of the sentence is missing from it.
func (c *replyCheck) support(terms []string, nums []string, n int) float64 {
	if n < 1 || n > len(c.sources) || len(terms) == 0 {
		return 0
	}
	for _, num := range nums {
		if !c.numbers[n-1][num] {
			return 0
		}
	}
	got := 0
	for _, t := range terms {
		if c.sources[n-1][t] {
			got++
		}
	}
	return float64(got) / float64(len(terms))
}

// sentence returns the checked form of one sentence of the reply (with
// its surrounding spaces), or "" to drop it.
func (c *replyCheck) sentence(seg string) string {
	core := strings.TrimSpace(seg)
	if core == "" {
		return seg
	}
	lead := seg[:strings.Index(seg, core)]
	trail := seg[len(lead)+len(core):]
	core = strings.TrimSpace(c.links(core))
	if core == "" {
		return ""
	}
	plain := stripCitations(core)
	terms, nums := c.content(plain)
	novel := 0
	for _, t := range terms {
		if !c.question[t] {
			novel++
		}
	}
	groups := parseCitations(core)
	switch {
	case len(terms) == 0:
		// Nothing to check: a list marker, "Here is what I found:".
		return lead + core + trail
	case len(groups) == 0 && absenceRe.MatchString(plain):
		return lead + core + trail
	}
	// Each citation must be supported by the words it closes (from the
	// previous citation on) or by the whole sentence.
	var b strings.Builder
	prev, kept := 0, 0
	for _, g := range groups {
		b.WriteString(core[prev:g.start])
		segTerms, segNums := c.content(core[prev:g.start])
		var good []int
		for _, n := range g.nums {
			ok := c.support(terms, nums, n) >= minCiteSupport ||
				len(segTerms) >= 2 && c.support(segTerms, segNums, n) >= minCiteSupport
			if ok && !slices.Contains(good, n) {
				good = append(good, n)
			}
		}
		for _, n := range good {
			b.WriteString("[" + strconv.Itoa(n) + "]")
		}
		kept += len(good)
		prev = g.end
	}
	b.WriteString(core[prev:])
	if kept > 0 {
		if kept == countNums(groups) {
			return lead + core + trail
		}
		return lead + tidyCitations(b.String()) + trail
	}
	// No cited source supports it: the one that supports the whole
	// sentence, if any.
	best, bestSup := 0, 0.0
	for n := 1; n <= len(c.sources); n++ {
		if sup := c.support(terms, nums, n); sup > bestSup {
			best, bestSup = n, sup
		}
	}
	switch {
	case bestSup >= minCiteSupport:
		return lead + withCitations(plain, []int{best}) + trail
	case novel == 0 && len(groups) == 0:
		// It only restates the question.
		return lead + core + trail
	}
	return ""
}

// content returns the content words of text and the numbers it states
// that the question does not.
func (c *replyCheck) content(text string) ([]string, []string) {
	text = bareLinkRe.ReplaceAllString(text, " ")
	terms := uniqueTerms(extractTerms(stripCitations(text)))
	var nums []string
	for n := range numbersIn(text) {
		if !c.qNumbers[n] {
			nums = append(nums, n)
		}
	}
	return terms, nums
}

func countNums(groups []citeGroup) int {
	n := 0
	for _, g := range groups {
		n += len(g.nums)
	}
	return n
}

// tidyCitations removes the spaces left before a full stop or comma where
// a citation was dropped: "won ." -> "won.".
func tidyCitations(s string) string {
	return strings.NewReplacer(" .", ".", " ,", ",", " ;", ";", "  ", " ").Replace(s)
}

// withCitations appends citations to a sentence, before its final full
// stop: "Apple won [1][2]."
func withCitations(s string, nums []int) string {
	s = strings.TrimSpace(s)
	var cite strings.Builder
	for _, n := range nums {
		cite.WriteString("[" + strconv.Itoa(n) + "]")
	}
	if last, size := utf8.DecodeLastRuneInString(s); last == '.' || last == '!' || last == '?' {
		return s[:len(s)-size] + " " + cite.String() + string(last)
	}
	return s + " " + cite.String()
}

// numbersIn returns the numbers written in text, without thousands
// separators: "1,200" and "1200" are one number.
func numbersIn(text string) map[string]bool {
	m := map[string]bool{}
	for _, n := range numberRe.FindAllString(text, -1) {
		m[normNumber(n)] = true
	}
	return m
}

func normNumber(n string) string {
	return strings.TrimRight(strings.ReplaceAll(n, ",", ""), ".")
}

// sentenceStream cuts streamed text into sentences and passes each through
// check as soon as it is complete, so what streams is what the final
// answer holds. A sentence is complete when the text after it starts the
// next one: after a line break, or after . ! ? (and any closing quotes and
// citations) followed by a space and a capital, a digit or a quote.
type sentenceStream struct {
	check func(string) string
	out   func(string)
	buf   strings.Builder
	done  int
}

func (s *sentenceStream) write(t string) {
	s.buf.WriteString(t)
	text := s.buf.String()
	for {
		n := sentenceEnd(text[s.done:])
		if n <= 0 {
			return
		}
		seg := text[s.done : s.done+n]
		s.done += n
		if out := s.check(seg); out != "" {
			s.out(out)
		}
	}
}

// flush checks what is left, the last sentence.
func (s *sentenceStream) flush() {
	text := s.buf.String()
	if s.done < len(text) {
		seg := text[s.done:]
		s.done = len(text)
		if out := s.check(seg); out != "" {
			s.out(out)
		}
	}
}

// sentenceEnd returns the length of the first complete sentence of text,
// with the spaces after it, or 0 when more text is needed to tell.
func sentenceEnd(text string) int {
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == '\n' {
			j := i
			for j < len(text) && (text[j] == '\n' || text[j] == ' ' || text[j] == '\t' || text[j] == '\r') {
				j++
			}
			if j == len(text) {
				return 0
			}
			return j
		}
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		j := i + 1
		for j < len(text) && strings.IndexByte(`"')]*_`, text[j]) >= 0 {
			j++
		}
		if j < len(text) && (strings.HasPrefix(text[j:], "”") || strings.HasPrefix(text[j:], "’")) {
			j += len("”")
		}
		// Citations after the full stop belong to the sentence.
		for {
			k := j
			for k < len(text) && text[k] == ' ' {
				k++
			}
			if k < len(text) && text[k] == '[' {
				if strings.IndexByte(text[k:], ']') < 0 {
					return 0 // a citation still arriving
				}
				if gs := parseCitations(text[k:]); len(gs) > 0 && gs[0].start == 0 {
					j = k + gs[0].end
					continue
				}
			}
			break
		}
		if j == len(text) {
			return 0
		}
		if text[j] != ' ' && text[j] != '\n' {
			continue // "3.5", "U.S."
		}
		if text[j] == '\n' {
			i = j - 1
			continue
		}
		k := j
		for k < len(text) && text[k] == ' ' {
			k++
		}
		if k == len(text) {
			return 0
		}
		r, _ := utf8.DecodeRuneInString(text[k:])
		if !startsSentence(r) && r != '*' && r != '-' {
			continue
		}
		if c == '.' && isAbbreviation([]rune(text[:i])) {
			continue
		}
		return k
	}
	return 0
}
