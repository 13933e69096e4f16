package digest

import (
	"cmp"
	"container/heap"
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
	counts   map[string]float64 // term counts of the title and lead
	terms    map[string]float64 // unit TF-IDF weights, set by weighTerms
	// weighTerms fills these sorted forms of terms and entities, which
	// the pair scores read much faster than maps.
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
	if it.vec != nil {
		// A mean of zero (opposite chunks) has no direction: lexical then.
		it.vec, _ = news.Normalize(it.vec)
	}
	it.lead = a.Body
	if strings.TrimSpace(it.lead) == "" {
		it.lead = strings.Join(parts, "\n\n")
	}
	text := a.Title + ".\n" + truncate(it.lead, leadChars)
	it.entities = entities(text, outletName(a))
	it.counts = map[string]float64{}
	for _, w := range words(text) {
		if !stopword[w] && utf8.RuneCountInString(w) > 2 {
			it.counts[w]++
		}
	}
	// The title says what the event is: count its words twice.
	for _, w := range words(a.Title) {
		if !stopword[w] && utf8.RuneCountInString(w) > 2 {
			it.counts[w]++
		}
	}
	return it
}

// weighTerms turns each item's term counts into a unit TF-IDF vector, with
// document frequencies taken over items. It leaves the counts as they are,
// so items can be weighed again among others.
func weighTerms(items []item) {
	df := map[string]int{}
	for _, it := range items {
		for w := range it.counts {
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
		it.terms = make(map[string]float64, len(it.counts))
		for w, c := range it.counts {
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
		it.sparse = make([]termWeight, 0, len(it.terms))
		for w, x := range it.terms {
			it.sparse = append(it.sparse, termWeight{id("t:" + w), x})
		}
		slices.SortFunc(it.sparse, func(a, b termWeight) int { return cmp.Compare(a.id, b.id) })
		it.ents = make([]int32, 0, len(it.entities))
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
		return news.Cosine(a.vec, b.vec)
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

// Candidate pairs. Only some pairs are scored up front; the pair score of
// any other two is computed only if their stories become neighbours, where
// it counts against a merge. So the pairs scored grow with the stories, not
// with the square of the window:
//
//   - a pair of which one article has no embedding (scored by words) is a
//     candidate when their word vectors could reach the lowest lexical score
//     of a same-event pair: such pairs are all found (see candidateEdges);
//   - two embedded articles are a candidate when they share a named entity,
//     or one of the candidateTerms most distinctive words of each, that is
//     in at most max(candidateMinDF, n/candidateDFShare) of the n articles:
//     articles of one event name the same people, places and things, while
//     a word every fiftieth article uses (a president, "market") does not
//     single out an event.
const (
	candidateTerms   = 10
	candidateMinDF   = 32
	candidateDFShare = 50
)

// cluster groups items into stories (lists of indexes into items, in no
// particular order) by average-linkage agglomerative clustering; see
// DefaultThreshold for the rule. Two stories can merge only when some pair
// of their articles has a non-negative margin (otherwise their mean is
// negative), so it keeps, for each story, the sum of margins with the
// stories it has such a pair with, and merges the pair of stories with the
// highest mean first (ties to the lowest indexes), as the dense all-pairs
// form of the same rule does.
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
	c := &clusters{
		items:   items,
		o:       o,
		members: make([][]int, n),
		near:    make([]map[int]float64, n),
		version: make([]int, n),
	}
	for i := range n {
		c.members[i] = []int{i}
		c.near[i] = map[int]float64{}
	}
	for _, e := range candidateEdges(items, o) {
		c.near[e.i][e.j], c.near[e.j][e.i] = e.m, e.m
		heap.Push(&c.queue, merge{avg: e.m, i: e.i, j: e.j})
	}
	for c.queue.Len() > 0 {
		m := heap.Pop(&c.queue).(merge)
		if c.members[m.i] == nil || c.members[m.j] == nil || m.vi != c.version[m.i] || m.vj != c.version[m.j] {
			continue // a story merged since
		}
		c.merge(m.i, m.j)
	}
	var out [][]int
	for _, m := range c.members {
		if m != nil {
			out = append(out, m)
		}
	}
	return out
}

// clusters is the state of the agglomeration: the members of each story
// (nil once merged away) and, for each story, the sum of pair margins with
// each neighbouring story.
type clusters struct {
	items   []item
	o       ClusterOptions
	members [][]int
	near    []map[int]float64
	version []int // bumped when a story grows, to spot stale queue entries
	queue   mergeQueue
}

// merge moves story j into story i (i < j) and updates the neighbours'
// sums: a neighbour of only one of them gets the margins with the other's
// members computed now.
func (c *clusters) merge(i, j int) {
	ni, nj := c.near[i], c.near[j]
	delete(ni, j)
	delete(nj, i)
	for k, s := range nj {
		if _, ok := ni[k]; !ok {
			ni[k] = c.crossSum(c.members[i], c.members[k])
		}
		ni[k] += s
		delete(c.near[k], j)
	}
	for k := range ni {
		if _, ok := nj[k]; !ok {
			ni[k] += c.crossSum(c.members[j], c.members[k])
		}
	}
	c.members[i] = append(c.members[i], c.members[j]...)
	c.members[j], c.near[j] = nil, nil
	c.version[i]++
	for k, s := range ni {
		c.near[k][i] = s
		avg := s / float64(len(c.members[i])*len(c.members[k]))
		if avg < 0 {
			continue
		}
		a, b := min(i, k), max(i, k)
		heap.Push(&c.queue, merge{avg: avg, i: a, j: b, vi: c.version[a], vj: c.version[b]})
	}
}

// crossSum is the sum of the pair margins between two sets of items.
func (c *clusters) crossSum(a, b []int) float64 {
	var s float64
	for _, x := range a {
		for _, y := range b {
			s += pairMargin(c.items[x], c.items[y], c.o)
		}
	}
	return s
}

// merge is a candidate merge of stories i < j whose mean pair margin is
// avg, valid while both stories are at versions vi and vj.
type merge struct {
	avg    float64
	i, j   int
	vi, vj int
}

// mergeQueue orders candidate merges best first: highest mean, then the
// lowest i, then the lowest j.
type mergeQueue []merge

func (q mergeQueue) Len() int { return len(q) }
func (q mergeQueue) Less(a, b int) bool {
	if q[a].avg != q[b].avg {
		return q[a].avg > q[b].avg
	}
	if q[a].i != q[b].i {
		return q[a].i < q[b].i
	}
	return q[a].j < q[b].j
}
func (q mergeQueue) Swap(a, b int) { q[a], q[b] = q[b], q[a] }
func (q *mergeQueue) Push(x any)   { *q = append(*q, x.(merge)) }
func (q *mergeQueue) Pop() any {
	old := *q
	m := old[len(old)-1]
	*q = old[:len(old)-1]
	return m
}

// edge is a pair of items i < j whose margin m is non-negative.
type edge struct {
	i, j int
	m    float64
}

// candidateEdges scores the candidate pairs and returns those with a
// non-negative margin, in index order.
//
// Lexical pairs are found by prefix filtering: a pair's lexical score (the
// dot product of unit TF-IDF vectors) reaches t only if they share a word
// that the second indexes, when each article leaves out of the index its
// most common words whose weights have a norm under t (the rest of the dot
// product is at most that norm). t is the lexical threshold less the most
// that shared entities add.
func candidateEdges(items []item, o ClusterOptions) []edge {
	n := len(items)
	maxDF := max(candidateMinDF, n/candidateDFShare)
	t := o.LexicalThreshold - 2*max(o.EntityWeight, 0)
	df := map[int32]int{}
	for _, it := range items {
		for _, e := range it.ents {
			df[e]++
		}
		for _, w := range it.sparse {
			df[w.id]++
		}
	}
	var (
		keyPost = map[int32][]int32{} // embedded articles by entity and distinctive word
		lexPost = map[int32][]int32{} // every article by the words it indexes
		keys    = make([][]int32, n)
		ranked  []termWeight
	)
	for i, it := range items {
		if it.vec != nil {
			for _, e := range it.ents {
				if df[e] <= maxDF {
					keys[i] = append(keys[i], e)
				}
			}
			ranked = append(ranked[:0], it.sparse...)
			slices.SortFunc(ranked, func(a, b termWeight) int { return cmp.Or(cmp.Compare(b.w, a.w), cmp.Compare(a.id, b.id)) })
			for _, w := range ranked[:min(candidateTerms, len(ranked))] {
				if df[w.id] <= maxDF {
					keys[i] = append(keys[i], w.id)
				}
			}
			for _, k := range keys[i] {
				keyPost[k] = append(keyPost[k], int32(i))
			}
		}
		ranked = append(ranked[:0], it.sparse...)
		slices.SortFunc(ranked, func(a, b termWeight) int { return cmp.Or(cmp.Compare(df[b.id], df[a.id]), cmp.Compare(a.id, b.id)) })
		left := 0.0 // squared norm of the words left out
		for k, w := range ranked {
			if left+w.w*w.w < t*t {
				left += w.w * w.w
				continue
			}
			for _, w := range ranked[k:] {
				lexPost[w.id] = append(lexPost[w.id], int32(i))
			}
			break
		}
	}
	var (
		edges []edge
		seen  = make([]int32, n) // item+1 that last looked at each item
		done  = map[[2]int32]bool{}
	)
	score := func(i, j int) {
		if m := pairMargin(items[i], items[j], o); m >= 0 {
			edges = append(edges, edge{i, j, m})
		}
	}
	for i, it := range items {
		// Embedded pairs share a key of both, so each is met from both
		// ends: score it from the lower.
		for _, k := range keys[i] {
			for _, j := range keyPost[k] {
				if int(j) > i && seen[j] != int32(i+1) {
					seen[j] = int32(i + 1)
					score(i, int(j))
				}
			}
		}
		// Lexical pairs may be met from either end, or both.
		for _, w := range it.sparse {
			for _, j := range lexPost[w.id] {
				if int(j) == i || seen[j] == int32(i+1) || dense(it, items[j]) {
					continue
				}
				seen[j] = int32(i + 1)
				pair := [2]int32{min(int32(i), j), max(int32(i), j)}
				if !done[pair] {
					done[pair] = true
					score(int(pair[0]), int(pair[1]))
				}
			}
		}
	}
	slices.SortFunc(edges, func(a, b edge) int {
		return cmp.Or(cmp.Compare(a.i, b.i), cmp.Compare(a.j, b.j))
	})
	return edges
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
