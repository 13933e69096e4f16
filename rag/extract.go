package rag

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gazettebot/gazette/news"
)

// Extractive answering: with no chat model, the answer is made of the
// retrieved sentences that best match the question, each cited.

// DefaultMinSupport is the support below which the extractive answerer
// declines when Options.MinSupport is 0. Chosen on the development bench
// (300 questions) with the hybrid retriever and the built-in encoder: of the
// questions the retriever had no notice for, it declines 1 of 206
// answerable ones (lowest support 0.517, next 0.619) and 8 of 13 null ones;
// with the notices, 94% of null questions are declined. A lower threshold
// was preferred to a tighter one because wrongly declining an answerable
// question costs more than answering an unanswerable one with cited
// sentences.
const DefaultMinSupport = 0.55

// Limits of the extractive answerer.
const (
	extractMaxSentences  = 4
	extractMinSentences  = 2
	extractMaxWords      = 60 // longer runs without boundaries are cut into windows
	extractWindowWords   = 40
	extractMinWords      = 4
	extractEmbedTop      = 16 // sentences rescored by meaning when an Embedder is given
	extractDenseWeight   = 0.4
	extractRelativeFloor = 0.5  // extra sentences must score at least this share of the best
	extractSecondFloor   = 0.3  // … or this share, for a second sentence from a used passage
	extractMinGain       = 0.15 // … or add this share of the question's words
	// extractMetaWeight is the share of a question word's weight earned
	// when it is in the article's outlet or title rather than the sentence.
	extractMetaWeight = 0.5
	// extractFragmentPenalty scales the score of a piece of a sentence.
	extractFragmentPenalty = 0.85
)

// extractCandidate is one sentence of a retrieved passage.
type extractCandidate struct {
	text string
	hit  int // index into the hits
	// fragment is set for a passage's first sentence when it starts in
	// lower case, or its last when it lacks an ending: pieces of a
	// sentence cut by chunking.
	fragment bool
	terms    map[string]bool
	meta     map[string]bool // words of the article's outlet and title
	own      float64         // share of the question's weight in the sentence itself
	kw       float64         // own plus the outlet and title words' share
	cos      float64
	score    float64
}

// extract picks the sentences of hits that best answer question and
// returns the answer text citing sources by their number in groups, and
// the chunk ids used. ok is false when no sentence matches the question.
func extract(ctx context.Context, emb news.Embedder, question string, hits []news.Hit, groups []answerSource) (text string, used map[string]bool, ok bool, err error) {
	qTerms := uniqueTerms(extractTerms(question))
	if len(qTerms) == 0 {
		return "", nil, false, nil
	}
	var cands []*extractCandidate
	for i, h := range hits {
		// The outlet and title tell which article a sentence speaks for
		// ("according to The Verge"): their words count for each sentence.
		meta := map[string]bool{}
		for _, t := range extractTerms(h.Article.Outlet + " " + h.Article.Title) {
			meta[t] = true
		}
		sents := extractSentences(h.Chunk.Text)
		for j, s := range sents {
			terms := map[string]bool{}
			for _, t := range extractTerms(s) {
				terms[t] = true
			}
			first, _ := utf8.DecodeRuneInString(s)
			last, _ := utf8.DecodeLastRuneInString(s)
			fragment := len(sents) > 1 && (j == 0 && unicode.IsLower(first) ||
				j == len(sents)-1 && !strings.ContainsRune(".!?\"'”’)。！？", last))
			cands = append(cands, &extractCandidate{text: s, hit: i, terms: terms, meta: meta, fragment: fragment})
		}
	}
	if len(cands) == 0 {
		return "", nil, false, nil
	}
	// Term weights: inverse sentence frequency within the retrieved pool, so
	// the words that single out a sentence count most. A question word no
	// sentence has keeps the largest weight and lowers every score.
	n := float64(len(cands))
	var total float64
	weight := map[string]float64{}
	for _, t := range qTerms {
		df := 0
		for _, c := range cands {
			if c.terms[t] {
				df++
			}
		}
		w := math.Log(1 + n/float64(max(df, 1)))
		weight[t] = w
		total += w
	}
	for _, c := range cands {
		var own, meta float64
		for _, t := range qTerms {
			switch {
			case c.terms[t]:
				own += weight[t]
			case c.meta[t]:
				meta += extractMetaWeight * weight[t]
			}
		}
		c.own = own / total
		c.kw = (own + meta) / total
		// Earlier hits were ranked more relevant by retrieval.
		prior := 1 / (1 + 0.15*float64(c.hit))
		c.score = c.kw * (0.8 + 0.2*prior)
		if c.fragment {
			c.score *= extractFragmentPenalty
		}
	}
	slices.SortStableFunc(cands, func(a, b *extractCandidate) int { return cmpFloatDesc(a.score, b.score) })
	if emb != nil {
		if err := rescoreByMeaning(ctx, emb, question, cands); err != nil {
			return "", nil, false, err
		}
	}
	// Only sentences that share words with the question are quoted.
	cands = slices.DeleteFunc(cands, func(c *extractCandidate) bool { return c.own == 0 })
	if len(cands) == 0 {
		return "", nil, false, nil
	}

	picked := pickSentences(cands, qTerms, weight, total)
	groupOf := map[string]int{} // article id -> source number
	for _, g := range groups {
		groupOf[g.src.ArticleID] = g.src.N
	}
	used = map[string]bool{}
	var b strings.Builder
	for i, c := range picked {
		h := hits[c.hit]
		used[h.Chunk.ID] = true
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(withCitation(stripCitations(c.text), groupOf[h.Article.ID]))
	}
	return b.String(), used, true, nil
}

// rescoreByMeaning adds the cosine similarity between the question and the
// best keyword candidates to their score, and re-sorts them.
func rescoreByMeaning(ctx context.Context, emb news.Embedder, question string, cands []*extractCandidate) error {
	top := cands[:min(len(cands), extractEmbedTop)]
	texts := []string{question}
	for _, c := range top {
		texts = append(texts, c.text)
	}
	vecs, err := emb.Embed(ctx, texts)
	if err != nil {
		return fmt.Errorf("embed sentences: %w", err)
	}
	if len(vecs) != len(texts) {
		return fmt.Errorf("embed sentences: got %d vectors for %d texts", len(vecs), len(texts))
	}
	for i, c := range top {
		c.cos = max(0, cosine(vecs[0], vecs[i+1]))
		c.score = (1-extractDenseWeight)*c.score + extractDenseWeight*c.cos
	}
	slices.SortStableFunc(top, func(a, b *extractCandidate) int { return cmpFloatDesc(a.score, b.score) })
	return nil
}

// pickSentences takes the best sentence, then up to three more, each time
// the one that best adds question words not yet covered (so a multi-part
// question gets a sentence for each part), from passages not used yet,
// while they score close to the best or add much; near duplicates are
// skipped. It settles for a second sentence from a used passage only to
// reach two.
func pickSentences(cands []*extractCandidate, qTerms []string, weight map[string]float64, total float64) []*extractCandidate {
	best := cands[0]
	picked := []*extractCandidate{best}
	usedHit := map[int]bool{best.hit: true}
	covered := map[string]bool{}
	cover := func(c *extractCandidate) {
		for t := range c.terms {
			covered[t] = true
		}
	}
	cover(best)
	dup := func(c *extractCandidate) bool {
		for _, p := range picked {
			if c.text == p.text || jaccard(c.terms, p.terms) > 0.7 {
				return true
			}
		}
		return false
	}
	gain := func(c *extractCandidate) float64 {
		var g float64
		for _, t := range qTerms {
			if c.terms[t] && !covered[t] {
				g += weight[t]
			}
		}
		return g / total
	}
	for len(picked) < extractMaxSentences {
		var next *extractCandidate
		var nextVal float64
		for _, c := range cands[1:] {
			if usedHit[c.hit] || dup(c) {
				continue
			}
			g := gain(c)
			if c.score < extractRelativeFloor*best.score && g < extractMinGain {
				continue
			}
			if v := c.score + g; next == nil || v > nextVal {
				next, nextVal = c, v
			}
		}
		if next == nil {
			break
		}
		picked = append(picked, next)
		usedHit[next.hit] = true
		cover(next)
	}
	if len(picked) < extractMinSentences {
		for _, c := range cands[1:] {
			if c.score < extractSecondFloor*best.score {
				break
			}
			if !dup(c) {
				picked = append(picked, c)
				break
			}
		}
	}
	return picked
}

// withCitation appends the citation [n] to a sentence, before its final
// full stop when it has one: "Apple won [1]."
func withCitation(s string, n int) string {
	cite := fmt.Sprintf("[%d]", n)
	s = strings.TrimSpace(s)
	if last, size := utf8.DecodeLastRuneInString(s); last == '.' || last == '!' || last == '?' {
		return s[:len(s)-size] + " " + cite + string(last)
	}
	if last, size := utf8.DecodeLastRuneInString(s); last == '。' || last == '！' || last == '？' {
		return s[:len(s)-size] + cite + string(last)
	}
	return s + " " + cite + "."
}

// Support scores how well retrieved hits cover a question, from 0 (none of
// its words) to 1: the weighted share of the question's content words
// found in the hits' text, titles, outlets or dates, where names and
// numbers weigh more than other words. The extractive answerer declines
// below Options.MinSupport; this lets callers calibrate that threshold.
func Support(question string, hits []news.Hit) float64 {
	words := supportWords(question)
	if len(words) == 0 {
		return 0
	}
	have := map[string]bool{}
	for _, h := range hits {
		for _, s := range []string{h.Chunk.Text, h.Article.Title, h.Article.Outlet, dateWords(h.Article)} {
			for _, t := range extractTerms(s) {
				have[t] = true
			}
			for _, a := range acronyms(s) {
				have[a] = true
			}
		}
	}
	var got, total float64
	for _, w := range words {
		total += w.weight
		if have[w.term] || w.alt != "" && have[w.alt] {
			got += w.weight
		}
	}
	return got / total
}

type weightedTerm struct {
	term   string
	weight float64
	// alt is the acronym of the run of capitalised words the term is part
	// of ("united" in "United States" -> "us"): the text may use either.
	alt string
}

// supportWords returns the distinct content words of a question with their
// weights: 3 for a capitalised word inside a sentence (a name), 1.5 for a
// number, 1 otherwise.
func supportWords(question string) []weightedTerm {
	idx := map[string]int{}
	var out []weightedTerm
	sentenceStart := true
	var run []int // indices in out of the current run of capitalised words
	var initials []rune
	closeRun := func() {
		if len(initials) >= 2 {
			alt := strings.ToLower(string(initials))
			for _, i := range run {
				if out[i].alt == "" {
					out[i].alt = alt
				}
			}
		}
		run, initials = run[:0], initials[:0]
	}
	for _, raw := range strings.FieldsFunc(question, func(r rune) bool {
		return unicode.IsSpace(r) || r == '"' || r == '(' || r == ')' || r == '“' || r == '”'
	}) {
		w := 1.0
		first, _ := utf8.DecodeRuneInString(strings.TrimLeft(raw, "'‘"))
		capital := unicode.IsUpper(first)
		switch {
		case unicode.IsDigit(first):
			w = 1.5
		case capital && !sentenceStart:
			w = 3
		}
		if !capital {
			closeRun()
		}
		last, _ := utf8.DecodeLastRuneInString(raw)
		sentenceStart = last == '.' || last == '?' || last == '!' || last == ':'
		terms := extractTerms(raw)
		for _, t := range terms {
			i, ok := idx[t]
			if ok {
				out[i].weight = max(out[i].weight, w)
			} else {
				i = len(out)
				idx[t] = i
				out = append(out, weightedTerm{term: t, weight: w})
			}
			if capital {
				run = append(run, i)
			}
		}
		if capital && len(terms) > 0 {
			initials = append(initials, first)
		}
		if capital && len(terms) == 0 || strings.ContainsRune(",;:.?!'’", last) {
			closeRun()
		}
	}
	closeRun()
	return out
}

// acronyms returns the lower-case initials of each run of two or more
// capitalised words in text: "the European Union's rules" gives "eu".
func acronyms(text string) []string {
	var out []string
	var initials []rune
	flush := func() {
		if len(initials) >= 2 {
			out = append(out, strings.ToLower(string(initials)))
		}
		initials = initials[:0]
	}
	for _, w := range strings.Fields(text) {
		first, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(first) {
			flush()
			continue
		}
		initials = append(initials, first)
		if last, _ := utf8.DecodeLastRuneInString(w); !unicode.IsLetter(last) {
			flush()
		}
	}
	flush()
	return out
}

// dateWords spells an article's publication date the ways a question may
// name it.
func dateWords(a news.Article) string {
	if a.PublishedAt.IsZero() {
		return ""
	}
	return a.PublishedAt.Format("January 2 2006 Jan Monday")
}

// extractSentences splits a passage into sentences. Line breaks end
// sentences; so do . ! ? (and their CJK forms) followed by a capital, a
// digit or a quote, except after common abbreviations and initials. Very
// long runs without boundaries (tables, lists) are cut into windows, and
// fragments of fewer than four words are dropped.
func extractSentences(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" {
			continue
		}
		for _, s := range splitLine(line) {
			out = append(out, windows(s)...)
		}
	}
	return out
}

func splitLine(line string) []string {
	var out []string
	rs := []rune(line)
	start := 0
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r == '。' || r == '！' || r == '？' {
			j := i + 1
			for j < len(rs) && isClosing(rs[j]) {
				j++
			}
			out = append(out, strings.TrimSpace(string(rs[start:j])))
			start, i = j, j-1
			continue
		}
		if r != '.' && r != '!' && r != '?' {
			continue
		}
		j := i + 1
		for j < len(rs) && isClosing(rs[j]) {
			j++
		}
		if j < len(rs) && rs[j] != ' ' {
			continue // "3.5", "U.S.A", "Yahoo!Inc"
		}
		k := j
		for k < len(rs) && rs[k] == ' ' {
			k++
		}
		if k < len(rs) && !startsSentence(rs[k]) {
			continue
		}
		if r == '.' && isAbbreviation(rs[start:i]) {
			continue
		}
		out = append(out, strings.TrimSpace(string(rs[start:j])))
		start = k
		i = k - 1
	}
	if rest := strings.TrimSpace(string(rs[min(start, len(rs)):])); rest != "" {
		out = append(out, rest)
	}
	return out
}

func isClosing(r rune) bool {
	return r == '"' || r == '\'' || r == ')' || r == ']' || r == '”' || r == '’' || r == '»'
}

func startsSentence(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsDigit(r) || r == '"' || r == '“' || r == '\'' || r == '‘' || r == '(' || r == '[' ||
		(unicode.IsLetter(r) && !unicode.IsLower(r)) // scripts without case
}

// abbreviations end with a full stop without ending a sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "sr": true, "jr": true, "st": true,
	"vs": true, "etc": true, "inc": true, "ltd": true, "co": true, "corp": true, "gov": true, "sen": true,
	"rep": true, "gen": true, "col": true, "lt": true, "capt": true, "no": true, "vol": true, "fig": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true, "sep": true,
	"sept": true, "oct": true, "nov": true, "dec": true, "e.g": true, "i.e": true, "u.s": true, "u.k": true,
	"u.n": true, "a.m": true, "p.m": true, "approx": true, "est": true,
}

// isAbbreviation reports whether the word before a full stop is an
// abbreviation or an initial ("J. R. R. Tolkien").
func isAbbreviation(before []rune) bool {
	i := len(before)
	for i > 0 && before[i-1] != ' ' {
		i--
	}
	w := strings.ToLower(strings.TrimLeft(string(before[i:]), "(\"'“"))
	if utf8.RuneCountInString(w) == 1 && unicode.IsLetter([]rune(w)[0]) {
		return true
	}
	return abbreviations[w]
}

// windows cuts a sentence longer than extractMaxWords into windows of
// extractWindowWords, and drops fragments too short to say anything.
func windows(s string) []string {
	words := strings.Fields(s)
	if len(words) < extractMinWords && !hasUncasedScript(s) {
		return nil
	}
	if len(words) <= extractMaxWords {
		return []string{s}
	}
	var out []string
	for i := 0; i < len(words); i += extractWindowWords {
		w := words[i:min(i+extractWindowWords, len(words))]
		if len(w) >= extractMinWords {
			out = append(out, strings.Join(w, " "))
		}
	}
	return out
}

func hasUncasedScript(s string) bool {
	for _, r := range s {
		if isIdeograph(r) {
			return true
		}
	}
	return false
}

func isIdeograph(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r) || unicode.Is(unicode.Thai, r)
}

// extractTerms lower-cases text and returns its content words, without
// stop words, possessives and plural s; CJK characters count one each.
func extractTerms(text string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) == 0 {
			return
		}
		w := string(cur)
		cur = cur[:0]
		w = strings.TrimSuffix(w, "'s")
		w = strings.TrimSuffix(w, "’s")
		w = strings.Trim(w, "'’")
		if w == "" || answerStopwords[w] {
			return
		}
		out = append(out, stem(w))
	}
	text = dottedAcronym.ReplaceAllStringFunc(text, func(m string) string { return strings.ReplaceAll(m, ".", "") })
	for _, r := range strings.ToLower(text) {
		switch {
		case isIdeograph(r):
			flush()
			out = append(out, string(r))
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’':
			cur = append(cur, r)
		default:
			flush()
		}
	}
	flush()
	return out
}

// dottedAcronym matches acronyms written with full stops, "U.S." or
// "e.g.", which are read as one word.
var dottedAcronym = regexp.MustCompile(`\b(?:[A-Za-z]\.){2,}`)

// stem strips common English endings so that inflections meet: plural
// s, -ed, -ing and a final e ("fined" and "fine" -> "fin", "companies" ->
// "company", "streaming" -> "stream"). Short words are left alone.
func stem(w string) string {
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		w = w[:len(w)-1]
	}
	switch {
	case len(w) > 5 && strings.HasSuffix(w, "ing"):
		w = w[:len(w)-3]
	case len(w) > 4 && strings.HasSuffix(w, "ed"):
		w = w[:len(w)-2]
	}
	if len(w) > 3 && strings.HasSuffix(w, "e") {
		w = w[:len(w)-1]
	}
	return w
}

func uniqueTerms(ts []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range ts {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for t := range a {
		if b[t] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

func cosine(a, b []float32) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 0
	}
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

func cmpFloatDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// answerStopwords are words that do not say what a question is about:
// function words, and the words questions use to frame a request about
// news ("according to the article reported by").
var answerStopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
a about above after again against all also am an and any are aren't as at be because been before being
below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down
during each few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here
here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself
let's me more most mustn't my myself no nor not of off on once only or other ought our ours ourselves
out over own same shan't she she'd she'll she's should shouldn't so some such than that that's the
their theirs them themselves then there there's these they they'd they'll they're they've this those
through to too under until up very was wasn't we we'd we'll we're we've were weren't what what's when
when's where where's which while who who's whom why why's with won't would wouldn't you you'd you'll
you're you've your yours yourself yourselves will just into per via upon
article articles report reports reported reporting according mention mentioned mentions discuss
discussed discusses discussing consider considering suggest suggests suggested published piece pieces
news source sources tell told say said says indicate indicated indicates
describe described describes regarding based recent recently whether either one name named
`) {
		m[w] = true
	}
	return m
}()
