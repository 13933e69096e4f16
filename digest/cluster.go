package digest

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gazettebot/gazette/news"
)

// Clustering defaults. Two articles are about the same event when their pair
// score reaches the threshold, where the pair score is the cosine similarity
// of the articles plus EntityWeight for each shared named entity beyond the
// first (at most two), minus EntityWeight when they share none. Stories are
// formed by average-linkage agglomerative clustering: the two stories with
// the highest mean pair score merge while that mean reaches the threshold.
//
// Articles published (or, when that is unknown, ingested) more than
// DefaultMaxEventSpan apart never share a story: a daily market report or
// a league's weekly games are new events each time, however alike.
//
// The cosine is taken between the articles' mean chunk embeddings when both
// have them (DefaultThreshold), and otherwise between TF-IDF vectors of the
// title and lead (DefaultLexicalThreshold), whose scores run lower.
//
// The thresholds were read off the bench corpus of 609 news articles (the
// opt-in TestCorpusDigest): with the built-in encoder, mean chunk vectors
// of one topic (a league, a trial, a sale) score 0.80–0.93, so below 0.87
// stories gather a topic's articles rather than one event's; TF-IDF pairs
// of one event score 0.35–0.55 and unrelated ones under 0.15.
const (
	DefaultThreshold        = 0.87
	DefaultLexicalThreshold = 0.40
	DefaultEntityWeight     = 0.05
	DefaultMaxEventSpan     = 48 * time.Hour
)

// minIDFDocs is the smallest document count IDF weights assume.
const minIDFDocs = 50

// leadChars is how much of the body, after the title, describes the event
// for entities and the lexical vector.
const leadChars = 1200

// ClusterOptions tune [Cluster]. Zero fields take the defaults above.
type ClusterOptions struct {
	Threshold        float64 // for embedding cosine; 0 means DefaultThreshold
	LexicalThreshold float64 // for TF-IDF cosine; 0 means DefaultLexicalThreshold
	EntityWeight     float64 // 0 means DefaultEntityWeight; negative means none
	// MaxEventSpan is the widest time between two articles of one story;
	// 0 means DefaultMaxEventSpan, negative means no limit.
	MaxEventSpan time.Duration
}

// item is one article prepared for clustering.
type item struct {
	art      news.Article
	lead     string             // body text used for summaries when Body is empty
	vec      []float32          // unit mean chunk embedding; nil when unknown
	entities map[string]bool    // lower-cased capitalised token sequences
	terms    map[string]float64 // term counts, then unit TF-IDF weights
	// weighTerms fills these sorted forms of terms and entities, which
	// the O(n²) pair scores read much faster than maps.
	sparse []termWeight
	ents   []int32
}

// termWeight is one component of a sparse TF-IDF vector.
type termWeight struct {
	id int32
	w  float64
}

// newItem prepares an article and its chunks.
func newItem(a news.Article, chunks []news.Chunk) item {
	it := item{art: a}
	var parts []string
	for _, c := range chunks {
		if len(parts) < 2 {
			parts = append(parts, c.Text)
		}
		if len(c.Embedding) == 0 {
			continue
		}
		if it.vec == nil {
			it.vec = make([]float32, len(c.Embedding))
		}
		if len(c.Embedding) != len(it.vec) {
			it.vec = nil
			break
		}
		for i, v := range c.Embedding {
			it.vec[i] += v
		}
	}
	normalise(it.vec)
	it.lead = a.Body
	if strings.TrimSpace(it.lead) == "" {
		it.lead = strings.Join(parts, "\n\n")
	}
	text := a.Title + ".\n" + truncate(it.lead, leadChars)
	it.entities = entities(text, outletName(a))
	it.terms = map[string]float64{}
	for _, w := range words(text) {
		if !stopword[w] && utf8.RuneCountInString(w) > 2 {
			it.terms[w]++
		}
	}
	// The title says what the event is: count its words twice.
	for _, w := range words(a.Title) {
		if !stopword[w] && utf8.RuneCountInString(w) > 2 {
			it.terms[w]++
		}
	}
	return it
}

func normalise(v []float32) {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		return
	}
	inv := float32(1 / math.Sqrt(s))
	for i := range v {
		v[i] *= inv
	}
}

// weighTerms turns each item's term counts into a unit TF-IDF vector, with
// document frequencies taken over items.
func weighTerms(items []item) {
	df := map[string]int{}
	for _, it := range items {
		for w := range it.terms {
			df[w]++
		}
	}
	// A small batch (one quiet day) would make the words of its main event
	// look common; counting as if there were at least minIDFDocs documents
	// keeps them weighty.
	n := float64(max(len(items), minIDFDocs))
	ids := map[string]int32{}
	id := func(s string) int32 {
		v, ok := ids[s]
		if !ok {
			v = int32(len(ids))
			ids[s] = v
		}
		return v
	}
	for i := range items {
		it := &items[i]
		var norm float64
		for w, c := range it.terms {
			x := (1 + math.Log(c)) * math.Log(1+n/float64(df[w]))
			it.terms[w] = x
			norm += x * x
		}
		if norm > 0 {
			norm = math.Sqrt(norm)
			for w := range it.terms {
				it.terms[w] /= norm
			}
		}
		it.sparse = it.sparse[:0]
		for w, x := range it.terms {
			it.sparse = append(it.sparse, termWeight{id("t:" + w), x})
		}
		slices.SortFunc(it.sparse, func(a, b termWeight) int { return cmp.Compare(a.id, b.id) })
		it.ents = it.ents[:0]
		for e := range it.entities {
			it.ents = append(it.ents, id("e:"+e))
		}
		slices.Sort(it.ents)
	}
}

// dense reports whether both items have comparable embeddings.
func dense(a, b item) bool { return a.vec != nil && len(a.vec) == len(b.vec) }

// similarity is the cosine of two items: dense when both have embeddings,
// lexical otherwise.
func similarity(a, b item) float64 {
	if dense(a, b) {
		var s float64
		for i, x := range a.vec {
			s += float64(x) * float64(b.vec[i])
		}
		return s
	}
	var s float64
	if a.sparse != nil && b.sparse != nil {
		i, j := 0, 0
		for i < len(a.sparse) && j < len(b.sparse) {
			switch x, y := a.sparse[i], b.sparse[j]; {
			case x.id == y.id:
				s += x.w * y.w
				i++
				j++
			case x.id < y.id:
				i++
			default:
				j++
			}
		}
		return s
	}
	small, large := a.terms, b.terms
	if len(small) > len(large) {
		small, large = large, small
	}
	for w, x := range small {
		s += x * large[w]
	}
	return s
}

// sharedEntities counts the entities two items have in common.
func sharedEntities(a, b item) int {
	if a.ents != nil && b.ents != nil {
		n, i, j := 0, 0, 0
		for i < len(a.ents) && j < len(b.ents) {
			switch {
			case a.ents[i] == b.ents[j]:
				n++
				i++
				j++
			case a.ents[i] < b.ents[j]:
				i++
			default:
				j++
			}
		}
		return n
	}
	small, large := a.entities, b.entities
	if len(small) > len(large) {
		small, large = large, small
	}
	n := 0
	for e := range small {
		if large[e] {
			n++
		}
	}
	return n
}

// pairMargin is the similarity of two items adjusted for shared entities,
// minus the threshold that applies to it: non-negative means same event.
func pairMargin(a, b item, o ClusterOptions) float64 {
	threshold := o.LexicalThreshold
	if dense(a, b) {
		threshold = o.Threshold
	}
	if o.MaxEventSpan > 0 {
		if d := when(a.art).Sub(when(b.art)).Abs(); d > o.MaxEventSpan {
			return -1
		}
	}
	w := o.EntityWeight
	if w < 0 {
		w = 0
	}
	shared := min(sharedEntities(a, b), 3)
	return similarity(a, b) + w*float64(shared-1) - threshold
}

// cluster groups items into stories (lists of indexes into items, in no
// particular order) by average-linkage agglomerative clustering; see
// DefaultThreshold for the rule.
func cluster(items []item, o ClusterOptions) [][]int {
	if o.Threshold == 0 {
		o.Threshold = DefaultThreshold
	}
	if o.LexicalThreshold == 0 {
		o.LexicalThreshold = DefaultLexicalThreshold
	}
	if o.EntityWeight == 0 {
		o.EntityWeight = DefaultEntityWeight
	}
	if o.MaxEventSpan == 0 {
		o.MaxEventSpan = DefaultMaxEventSpan
	}
	weighTerms(items)
	n := len(items)
	// sum[i][j] is the sum of pair margins (score minus its threshold)
	// between clusters i and j; size[i] is 0 once i is merged away.
	// Margins let dense and lexical pairs mix in one average.
	sum := make([][]float64, n)
	for i := range sum {
		sum[i] = make([]float64, n)
	}
	for i := range n {
		for j := i + 1; j < n; j++ {
			m := pairMargin(items[i], items[j], o)
			sum[i][j], sum[j][i] = m, m
		}
	}
	size := make([]int, n)
	members := make([][]int, n)
	for i := range n {
		size[i] = 1
		members[i] = []int{i}
	}
	for {
		bi, bj, best := -1, -1, 0.0
		for i := range n {
			if size[i] == 0 {
				continue
			}
			for j := i + 1; j < n; j++ {
				if size[j] == 0 {
					continue
				}
				avg := sum[i][j] / float64(size[i]*size[j])
				if avg >= 0 && (bi < 0 || avg > best) {
					bi, bj, best = i, j, avg
				}
			}
		}
		if bi < 0 {
			break
		}
		members[bi] = append(members[bi], members[bj]...)
		for k := range n {
			if k != bi && k != bj && size[k] > 0 {
				sum[bi][k] += sum[bj][k]
				sum[k][bi] = sum[bi][k]
			}
		}
		size[bi] += size[bj]
		size[bj] = 0
		members[bj] = nil
	}
	var out [][]int
	for i := range n {
		if size[i] > 0 {
			out = append(out, members[i])
		}
	}
	return out
}

// entities returns the lower-cased sequences of capitalised words in text
// (named entities, roughly), leaving out one-word sequences that are
// common words capitalised at a sentence start, calendar words and the
// article's own outlet.
func entities(text, outlet string) map[string]bool {
	out := map[string]bool{}
	outlet = strings.ToLower(outlet)
	var seq []string
	flush := func() {
		if len(seq) == 0 {
			return
		}
		// Drop leading function words ("The", "In") from the sequence.
		for len(seq) > 0 && stopword[strings.ToLower(seq[0])] {
			seq = seq[1:]
		}
		if len(seq) > 0 {
			e := strings.ToLower(strings.Join(seq, " "))
			if !(len(seq) == 1 && (calendar[e] || utf8.RuneCountInString(e) < 2)) && e != outlet && strings.TrimPrefix(outlet, "the ") != e {
				out[e] = true
			}
		}
		seq = seq[:0]
	}
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return unicode.IsSpace(r) || r == '—' || r == '/' }) {
		tok := strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		tok = strings.TrimSuffix(strings.TrimSuffix(tok, "'s"), "’s")
		r, _ := utf8.DecodeRuneInString(tok)
		if tok != "" && unicode.IsUpper(r) {
			seq = append(seq, tok)
		} else {
			flush()
		}
		// Punctuation that ends a phrase ends the sequence.
		if strings.ContainsAny(f[max(0, len(f)-1):], ".,;:!?\"”)") {
			flush()
		}
	}
	flush()
	return out
}

// words splits text into lower-cased words.
func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

var calendar = set("monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec today yesterday")

var stopword = set(`a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has have having he
her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now
of off on once only or other our ours out over own same she should so some such than that the their theirs them
then there these they this those through to too under until up very was we were what when where which while who
whom why will with would you your yours new says said according read more photo image getty images via update
one two three its it's here's what's`)

func set(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}
