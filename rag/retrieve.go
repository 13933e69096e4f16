package rag

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/gazettebot/gazette/news"
)

// Index is the store as the retriever sees it: dense and keyword search over
// one namespace's chunks, and the outlets it holds. Keyword search is given
// the question's search terms ([KeywordTerms]), not the question.
type Index interface {
	Dense(ctx context.Context, ns string, vec []float32, k int, f news.Filter) ([]news.Hit, error)
	Keyword(ctx context.Context, ns string, terms []string, k int, f news.Filter) ([]news.Hit, error)
	Outlets(ctx context.Context, ns string) ([]news.OutletInfo, error)
}

// DefaultCandidates is the number of chunks taken from each search. Fewer
// candidates keep each list's long tail out of the fusion, and they cost
// less (the measurement is in BENCHMARKS.md).
const DefaultCandidates = 30

// RetrieverOptions tunes hybrid retrieval. Zero values take the defaults
// measured best on the development bench (see BENCHMARKS.md).
type RetrieverOptions struct {
	Candidates    int     // chunks taken from each of dense and keyword search; default DefaultCandidates
	RRFK          float64 // Reciprocal Rank Fusion constant; default 10
	DenseWeight   float64 // default 1
	KeywordWeight float64 // default 1
	// OutletWeight weighs the per-outlet sub-queries run when a question
	// names several outlets; default 1.
	OutletWeight float64
	// GlobalWeight weighs a search over every outlet run when the question
	// names outlets, so a strongly relevant article from an outlet it did not
	// name can still appear after the named outlets' articles; default 0.3.
	// A negative value turns it off.
	GlobalWeight float64
	// DateBoost multiplies the score of passages published on a day the
	// question names; default 0.5 (a 1.5× score).
	DateBoost float64
	Limit     int // passages returned; default 10
	// Mode selects the retrievers for ablations: "" (hybrid, the default),
	// "dense" or "keyword". Plain turns off the use of the question's
	// outlets and dates, also for ablations.
	Mode   string
	Plain  bool
	Logger *slog.Logger
}

func (o *RetrieverOptions) defaults() {
	if o.Candidates <= 0 {
		o.Candidates = DefaultCandidates
	}
	if o.RRFK <= 0 {
		// A small constant lets the top ranks of each list count for more
		// than the long tail: 10 beat 30, 60 and 120 on the dev bench.
		o.RRFK = 10
	}
	if o.DenseWeight == 0 {
		o.DenseWeight = 1
	}
	if o.KeywordWeight == 0 {
		o.KeywordWeight = 1
	}
	if o.OutletWeight == 0 {
		o.OutletWeight = 1
	}
	if o.GlobalWeight == 0 {
		o.GlobalWeight = 0.3
	}
	if o.DateBoost == 0 {
		o.DateBoost = 0.5
	}
	if o.Limit <= 0 {
		o.Limit = 10
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// HybridRetriever fuses dense and keyword search and uses what the question
// says: outlets become filters and per-outlet sub-queries, named days boost
// the passages published on them, relative periods ("last week") restrict
// the search, and the top passages are spread over distinct articles.
type HybridRetriever struct {
	ix  Index
	emb news.Embedder
	o   RetrieverOptions

	mu      sync.Mutex
	outlets map[string]outletList // by namespace, when ix is a generationer
}

// generationer is implemented by an [Index] that can tell when a
// namespace's articles change: Generation returns a number that differs
// after every change. The retriever then reuses the namespace's outlet list
// until it does.
type generationer interface {
	Generation(ns string) uint64
}

// outletList is a namespace's outlets at one generation.
type outletList struct {
	gen  uint64
	list []news.OutletInfo
}

// listOutlets returns the namespace's outlets, from the cache when the
// index says its articles have not changed since.
func (r *HybridRetriever) listOutlets(ctx context.Context, ns string) ([]news.OutletInfo, error) {
	g, ok := r.ix.(generationer)
	if !ok {
		return r.ix.Outlets(ctx, ns)
	}
	// Read the generation first: a change after it makes the list stored
	// below stale, and the next call sees a new generation.
	gen := g.Generation(ns)
	r.mu.Lock()
	c, ok := r.outlets[ns]
	r.mu.Unlock()
	if ok && c.gen == gen {
		return slices.Clone(c.list), nil
	}
	list, err := r.ix.Outlets(ctx, ns)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	if r.outlets == nil {
		r.outlets = make(map[string]outletList)
	}
	r.outlets[ns] = outletList{gen: gen, list: slices.Clone(list)}
	r.mu.Unlock()
	return list, nil
}

var _ Retriever = (*HybridRetriever)(nil)

// NewRetriever returns a hybrid retriever over ix that embeds questions
// with emb.
func NewRetriever(ix Index, emb news.Embedder, o RetrieverOptions) *HybridRetriever {
	o.defaults()
	return &HybridRetriever{ix: ix, emb: emb, o: o}
}

// Retrieve implements [Retriever].
func (r *HybridRetriever) Retrieve(ctx context.Context, ns string, q Query) (Retrieval, error) {
	text := strings.TrimSpace(q.Text)
	if text == "" {
		return Retrieval{}, ErrEmptyQuestion
	}
	now := q.Now
	if now.IsZero() {
		now = time.Now()
	}
	limit := q.Limit
	if limit <= 0 {
		limit = r.o.Limit
	}
	outlets, err := r.listOutlets(ctx, ns)
	if err != nil {
		return Retrieval{}, fmt.Errorf("list outlets: %w", err)
	}
	in := ParseIntent(text, outlets, now)
	if r.o.Plain {
		in = Intent{}
	}
	// The question's salient terms, without the outlets and dates it names,
	// and how often the library mentions them.
	spans := slices.Clone(in.Spans)
	for _, p := range in.Periods {
		spans = append(spans, p.Label)
	}
	terms := SalientTerms(text, spans)
	// An attribution to a name that is no stored outlet ("according to
	// NASA", "the report from the Central Bank") is a claim to check: a
	// name the library mentions is searched like any other; only one it
	// never mentions ends the search.
	claims := make([]Term, 0, len(in.UnknownOutlets))
	for _, u := range in.UnknownOutlets {
		name := strings.TrimSpace(u)
		if rest, ok := strings.CutPrefix(name, "The "); ok {
			name = rest
		} else if rest, ok := strings.CutPrefix(name, "the "); ok {
			name = rest
		}
		claims = append(claims, Term{Text: name, Kind: TermName, Passages: -1, Words: extractTerms(name)})
	}
	counted := append(slices.Clone(terms), claims...)
	library, err := countTerms(ctx, r.ix, ns, counted)
	if err != nil {
		if ctx.Err() != nil {
			return Retrieval{}, ctx.Err()
		}
		// Rarity in the library is a refinement: go on without it.
		r.o.Logger.Warn("count question terms", "ns", ns, "err", err)
		library = 0
		for i := range counted {
			counted[i].Passages = -1
		}
	}
	terms, claims = counted[:len(terms)], counted[len(terms):]
	var unknown, mentioned []string
	var held, spelt []Term
	var speltNames []string
	for i, c := range claims {
		switch {
		case len(c.Words) == 0:
		case c.Passages == 0 && library > 0 && len(c.Words) == 1 && isUpperWord(c.Text):
			// An acronym the library may only spell out ("the CPJ", the
			// Committee to Protect Journalists): the passages found
			// tell.
			spelt = append(spelt, c)
			speltNames = append(speltNames, in.UnknownOutlets[i])
		case c.Passages == 0:
			unknown = append(unknown, in.UnknownOutlets[i])
		default:
			mentioned = append(mentioned, in.UnknownOutlets[i])
			held = append(held, c)
		}
	}
	// In an empty library every source is unknown: the search below says
	// there are no articles at all.
	if len(unknown) > 0 && library > 0 {
		return Retrieval{Notice: "I have no articles from " + joinNames(unknown) + ".", Terms: terms, Library: library}, nil
	}

	f := q.Filter
	var period string
	if in.Relative != nil && !q.AnyDay {
		period = in.Relative.Label
		// A period read from the question's words is loose by a day either
		// way: the asker's day is not the outlet's, and a report of
		// "yesterday" is often dated today.
		f.Since = later(f.Since, in.Relative.Since.AddDate(0, 0, -1))
		f.Until = earlier(f.Until, in.Relative.Until.AddDate(0, 0, 1))
		// Nor can it rule out an article whose date is unknown.
		f.Undated = true
	}
	// Outlets the question names (rather than an explicit filter) steer
	// the search without forbidding other outlets.
	global := f
	namedOnly := len(f.Outlets) == 0 && len(in.Outlets) > 0
	if namedOnly {
		f.Outlets = in.Outlets
	}

	vecs, err := r.emb.Embed(ctx, []string{text})
	if err != nil {
		return Retrieval{}, fmt.Errorf("embed question: %w", err)
	}
	if len(vecs) != 1 {
		return Retrieval{}, fmt.Errorf("embed question: got %d vectors, want 1", len(vecs))
	}
	qv := vecs[0]

	fused := map[string]*fusedHit{}
	add := func(hits []news.Hit, w float64) {
		for rank, h := range hits {
			fh := fused[h.Chunk.ID]
			if fh == nil {
				fh = &fusedHit{hit: h}
				fh.hit.Score = 0
				fused[h.Chunk.ID] = fh
			}
			fh.score += w / (r.o.RRFK + float64(rank+1))
		}
	}
	// The searches are independent: queue them, run them concurrently and
	// fuse them in queue order.
	var searches []search
	queue := func(f news.Filter, k int, w float64) {
		searches = append(searches, search{f: f, k: k, w: w})
	}
	queue(f, r.o.Candidates, 1)
	if len(f.Prefer) > 0 && f.ArticleIDs == nil {
		pf := f
		pf.ArticleIDs, pf.Prefer = f.Prefer, nil
		queue(pf, r.o.Candidates, 1)
	}
	if namedOnly && r.o.GlobalWeight > 0 {
		queue(global, r.o.Candidates, r.o.GlobalWeight)
	}
	// Several outlets named: each gets its own sub-query, so one outlet's
	// many articles cannot crowd out another's few.
	if len(f.Outlets) > 1 {
		for _, o := range f.Outlets {
			sub := f
			sub.Outlets = []string{o}
			queue(sub, max(10, r.o.Candidates/4), r.o.OutletWeight)
		}
	}
	// Keyword search looks for a word as the library writes it too.
	keywords := text
	for _, t := range terms {
		if t.Respelt != "" {
			keywords += " " + t.Respelt
		}
	}
	if err := r.run(ctx, ns, qv, keywords, searches, add); err != nil {
		return Retrieval{}, err
	}
	if len(fused) == 0 {
		switch {
		case period != "":
			return Retrieval{Notice: "I have no articles from " + period + ".", Terms: terms, Library: library, Period: period}, nil
		case len(f.Outlets) > 0 && len(q.Filter.Outlets) > 0:
			return Retrieval{Notice: "I have no articles from " + joinNames(f.Outlets) + " on this.", Terms: terms, Library: library}, nil
		}
		return Retrieval{Terms: terms, Library: library}, nil
	}
	var found []map[string]bool
	if len(spelt) > 0 {
		for _, fh := range fused {
			found = append(found, passageTerms(fh.hit))
		}
	}
	for i, c := range spelt {
		if !slices.ContainsFunc(found, c.in) {
			return Retrieval{Notice: "I have no articles from " + speltNames[i] + ".", Terms: terms, Library: library}, nil
		}
		mentioned = append(mentioned, speltNames[i])
		held = append(held, c)
	}
	// Passages that mention a name the question attributes to.
	var claimStems [][]string
	for _, c := range claims {
		if c.Passages != 0 && len(c.Words) > 0 {
			claimStems = append(claimStems, c.Words)
		}
	}

	var days []Period
	for _, p := range in.Periods {
		if p.Exact {
			days = append(days, p)
		}
	}
	hits := make([]fusedHit, 0, len(fused))
	for _, fh := range fused {
		if len(days) > 0 && publishedIn(fh.hit.Article.PublishedAt, days) {
			fh.score *= 1 + r.o.DateBoost
		}
		if slices.Contains(f.Prefer, fh.hit.Article.ID) {
			fh.score *= 2
		}
		if len(claimStems) > 0 {
			set := passageTerms(fh.hit)
			if slices.ContainsFunc(claimStems, func(st []string) bool { return hasAll(set, st) }) {
				fh.score *= 1 + claimBoost
			}
		}
		hits = append(hits, *fh)
	}
	slices.SortFunc(hits, func(a, b fusedHit) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return strings.Compare(a.hit.Chunk.ID, b.hit.Chunk.ID)
	})
	top := spread(hits, f.Outlets, limit)
	out := deepen(top, hits, q.Deep)
	out = rescue(out, hits, append(slices.Clone(held), terms...), library)
	r.o.Logger.Debug("retrieve", "ns", ns, "outlets", f.Outlets, "periods", len(in.Periods), "claims", mentioned, "candidates", len(hits), "returned", len(out))
	if len(claimStems) > 0 && library == 0 && !slices.ContainsFunc(out, func(h news.Hit) bool {
		set := passageTerms(h)
		return slices.ContainsFunc(claimStems, func(st []string) bool { return hasAll(set, st) })
	}) {
		// The index cannot count mentions, and no passage found mentions
		// the name.
		return Retrieval{Notice: "I have no articles from " + joinNames(in.UnknownOutlets) + ".", Terms: terms}, nil
	}
	return Retrieval{Hits: out, Terms: terms, Library: library, Claims: held, Extra: len(out) - len(top), Spanning: len(in.Outlets) >= 2, Period: period}, nil
}

// deepen appends to out up to n further candidate passages of the two
// best articles of out, in score order.
func deepen(out []news.Hit, candidates []fusedHit, n int) []news.Hit {
	if n <= 0 || len(out) == 0 {
		return out
	}
	best := map[string]bool{}
	for _, h := range out {
		if len(best) == 2 {
			break
		}
		best[h.Article.ID] = true
	}
	have := map[string]bool{}
	for _, h := range out {
		have[h.Chunk.ID] = true
	}
	for _, fh := range candidates {
		if n == 0 {
			break
		}
		if best[fh.hit.Article.ID] && !have[fh.hit.Chunk.ID] {
			h := fh.hit
			h.Score = fh.score
			out = append(out, h)
			have[h.Chunk.ID] = true
			n--
		}
	}
	return out
}

// maxRescued bounds the passages added after the top ones for names and
// numbers of the question that the top passages do not hold.
const maxRescued = 3

// passageTerms returns the words of a passage and its article's title,
// with the acronyms of their runs of capitalised words: what a question's
// name or claim is looked for in.
func passageTerms(h news.Hit) map[string]bool {
	set := termSet(h.Chunk.Text + " " + h.Article.Title)
	addAcronyms(set, h.Chunk.Text+" "+h.Article.Title)
	return set
}

// rescue appends to out, for each name or number of the question that no
// passage of out holds, the best candidate passage that holds it, so that
// the answerer sees it; the top passages keep their order. A word the
// library rarely uses is a name typed in lower case ("how much did
// sleepagotchi raise?") and is rescued too; library is how many passages
// the library holds.
func rescue(out []news.Hit, candidates []fusedHit, terms []Term, library int) []news.Hit {
	sets := map[string]map[string]bool{}
	set := func(h news.Hit) map[string]bool {
		m, ok := sets[h.Chunk.ID]
		if !ok {
			m = passageTerms(h)
			sets[h.Chunk.ID] = m
		}
		return m
	}
	have := map[string]bool{}
	for _, h := range out {
		have[h.Chunk.ID] = true
	}
	added := 0
	for _, t := range terms {
		if t.Kind == TermWord && !rareWord(t, library) || t.Passages == 0 || len(t.Words) == 0 {
			continue
		}
		if slices.ContainsFunc(out, func(h news.Hit) bool { return t.in(set(h)) }) {
			continue
		}
		for _, fh := range candidates {
			if !have[fh.hit.Chunk.ID] && t.in(set(fh.hit)) {
				h := fh.hit
				h.Score = fh.score
				out = append(out, h)
				have[h.Chunk.ID] = true
				added++
				break
			}
		}
		if added == maxRescued {
			break
		}
	}
	return out
}

// rareWord reports whether the library, of library passages, mentions
// the word t in so few that it names one thing.
func rareWord(t Term, library int) bool {
	return t.Passages > 0 && library > 0 && t.Passages <= max(rareWordPassages, library/rareWordShare)
}

// A word is rare when at most rareWordPassages passages of the library,
// or one in rareWordShare, mention it.
const (
	rareWordPassages = 3
	rareWordShare    = 500
)

// claimBoost raises the passages that mention a name the question
// attributes a statement to ("according to NASA").
const claimBoost = 0.5

// search is one dense and keyword search of a retrieval: its filter, its
// candidate count and its weight in the fusion.
type search struct {
	f news.Filter
	k int
	w float64
}

// maxParallelSearches bounds the store calls one retrieval runs at once.
const maxParallelSearches = 4

// run runs the dense and keyword searches of ss concurrently, then adds
// their results in order (each search's dense, then its keyword), so the
// fused scores are exactly those of running them one after the other.
func (r *HybridRetriever) run(ctx context.Context, ns string, qv []float32, text string, ss []search, add func([]news.Hit, float64)) error {
	results := make([][]news.Hit, 2*len(ss))
	terms := KeywordTerms(text)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(maxParallelSearches)
	for i, s := range ss {
		if r.o.Mode != "keyword" {
			g.Go(func() error {
				hits, err := r.ix.Dense(gctx, ns, qv, s.k, s.f)
				if err != nil {
					return fmt.Errorf("dense search: %w", err)
				}
				results[2*i] = hits
				return nil
			})
		}
		if r.o.Mode != "dense" {
			g.Go(func() error {
				hits, err := r.ix.Keyword(gctx, ns, terms, s.k, s.f)
				if err != nil {
					return fmt.Errorf("keyword search: %w", err)
				}
				results[2*i+1] = hits
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for i, s := range ss {
		add(results[2*i], s.w*r.o.DenseWeight)
		add(results[2*i+1], s.w*r.o.KeywordWeight)
	}
	return nil
}

type fusedHit struct {
	hit   news.Hit
	score float64
}

// spread orders the passages for the answer: first the best passage of each
// article, articles in score order, taking named outlets in turn so that a
// multi-outlet question sees every outlet early; then the remaining
// passages in score order.
func spread(hits []fusedHit, outlets []string, limit int) []news.Hit {
	var firsts, rest []fusedHit
	seen := map[string]bool{}
	for _, h := range hits {
		if seen[h.hit.Article.ID] {
			rest = append(rest, h)
			continue
		}
		seen[h.hit.Article.ID] = true
		firsts = append(firsts, h)
	}
	if len(outlets) > 1 {
		firsts = interleaveByOutlet(firsts, outlets)
	}
	out := make([]news.Hit, 0, limit)
	for _, list := range [][]fusedHit{firsts, rest} {
		for _, h := range list {
			if len(out) == limit {
				return out
			}
			h.hit.Score = h.score
			out = append(out, h.hit)
		}
	}
	return out
}

// interleaveByOutlet takes the best article of each named outlet in turn
// for the first rounds, then keeps score order.
func interleaveByOutlet(firsts []fusedHit, outlets []string) []fusedHit {
	const rounds = 2
	queues := make(map[string][]int, len(outlets))
	for i, h := range firsts {
		o := h.hit.Article.Outlet
		queues[o] = append(queues[o], i)
	}
	used := make([]bool, len(firsts))
	out := make([]fusedHit, 0, len(firsts))
	for round := 0; round < rounds; round++ {
		// Visit outlets in the order of their best remaining article.
		order := slices.Clone(outlets)
		slices.SortStableFunc(order, func(a, b string) int {
			qa, qb := queues[a], queues[b]
			ia, ib := len(firsts), len(firsts)
			if round < len(qa) {
				ia = qa[round]
			}
			if round < len(qb) {
				ib = qb[round]
			}
			return cmp.Compare(ia, ib)
		})
		for _, o := range order {
			if q := queues[o]; round < len(q) {
				used[q[round]] = true
				out = append(out, firsts[q[round]])
			}
		}
	}
	for i, h := range firsts {
		if !used[i] {
			out = append(out, h)
		}
	}
	return out
}

// publishedIn reports whether t falls in one of the days, allowing a day
// either side for time zones and late-night publication.
func publishedIn(t time.Time, days []Period) bool {
	if t.IsZero() {
		return false
	}
	for _, d := range days {
		lo, hi := d.Since, d.Until
		if hi.Sub(lo) <= 48*time.Hour {
			lo, hi = lo.Add(-24*time.Hour), hi.Add(24*time.Hour)
		}
		// Compare the calendar date in the article's own zone.
		local := time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, lo.Location())
		if !local.Before(lo) && local.Before(hi) {
			return true
		}
	}
	return false
}

func later(a, b time.Time) time.Time {
	if a.IsZero() || b.After(a) {
		return b
	}
	return a
}

func earlier(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

// joinNames writes "A", "A and B" or "A, B and C".
func joinNames(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
