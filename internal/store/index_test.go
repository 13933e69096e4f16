package store

import (
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	chromem "github.com/philippgille/chromem-go"

	"github.com/gazettebot/gazette/internal/store/vindex"
	"github.com/gazettebot/gazette/news"
)

// TestDenseFilters checks dense search under each kind of filter against a
// brute force over SQLite: those chromem-go's metadata filter expresses
// (one outlet, one article), those resolved into a set of articles (several
// outlets or articles, dates), whose chunks are queried on their own or by
// over-fetching (selective ones in several rounds), and the two combined.
func TestDenseFilters(t *testing.T) {
	t.Run("subset", func(t *testing.T) { testDenseFilters(t, defaultSubsetMax) })
	t.Run("over-fetch", func(t *testing.T) { testDenseFilters(t, 0) })
}

func testDenseFilters(t *testing.T, subsetMax int) {
	ctx := t.Context()
	s := openTest(t, "")
	s.subsetMax = subsetMax
	words := []string{"rates", "storm", "court", "match", "vote", "market", "bridge", "port", "film", "chip"}
	outlets := []string{"Reuters", "AP", "The Verge", "BBC News"}
	for i := range 200 {
		w := words[i%len(words)] + " " + words[(i/3)%len(words)] + " " + words[(i/7)%len(words)]
		a, chunks := article("g", fmt.Sprintf("a%03d", i), "T "+w, outlets[i%len(outlets)], day.AddDate(0, 0, i%30),
			w+" one", w+" two", "three "+w)
		mustPut(t, s, a, chunks, news.PutNew)
	}
	all := storedChunks(t, s, "g")
	in := func(ids ...string) func(news.Article) bool {
		return func(a news.Article) bool { return slices.Contains(ids, a.ID) }
	}
	for _, tc := range []struct {
		name string
		f    news.Filter
		keep func(news.Article) bool
	}{
		{"none", news.Filter{}, func(news.Article) bool { return true }},
		{"one outlet, any case", news.Filter{Outlets: []string{"the verge"}}, func(a news.Article) bool { return a.Outlet == "The Verge" }},
		{"two outlets", news.Filter{Outlets: []string{"AP", "bbc news"}}, func(a news.Article) bool { return a.Outlet == "AP" || a.Outlet == "BBC News" }},
		{"one article", news.Filter{ArticleIDs: []string{"a017"}}, in("a017")},
		{"a few articles", news.Filter{ArticleIDs: []string{"a003", "a150", "a199", "nope"}}, in("a003", "a150", "a199")},
		{"dates", news.Filter{Since: day.AddDate(0, 0, 10), Until: day.AddDate(0, 0, 12)}, func(a news.Article) bool {
			return !a.PublishedAt.Before(day.AddDate(0, 0, 10)) && a.PublishedAt.Before(day.AddDate(0, 0, 12))
		}},
		{"one outlet and dates", news.Filter{Outlets: []string{"Reuters"}, Since: day.AddDate(0, 0, 20)}, func(a news.Article) bool {
			return a.Outlet == "Reuters" && !a.PublishedAt.Before(day.AddDate(0, 0, 20))
		}},
		{"nothing allowed", news.Filter{Outlets: []string{"Nobody"}}, func(news.Article) bool { return false }},
	} {
		for _, w := range []string{"rates storm", "film chip", "bridge"} {
			q := testEmbedder.vec(w)
			for _, k := range []int{1, 7, 30, 1000} {
				hits, err := s.Dense(ctx, "g", q, k, tc.f)
				if err != nil {
					t.Fatalf("%s: Dense() error = %v", tc.name, err)
				}
				var got []float64
				for i, h := range hits {
					got = append(got, h.Score)
					if !tc.keep(h.Article) {
						t.Errorf("%s: Dense() returned %s outside the filter", tc.name, h.Chunk.ID)
					}
					if i > 0 && h.Score == hits[i-1].Score && h.Chunk.ID < hits[i-1].Chunk.ID {
						t.Errorf("%s: equal scores not ordered by id: %s after %s", tc.name, h.Chunk.ID, hits[i-1].Chunk.ID)
					}
				}
				want := ranked(all, q, k, tc.keep)
				if diff := cmp.Diff(want, got, cmpopts.EquateEmpty(), cmpopts.EquateApprox(0, 1e-5)); diff != "" {
					t.Errorf("%s: Dense(%q, k=%d) scores mismatch (-want +got):\n%s", tc.name, w, k, diff)
				}
			}
		}
	}
}

// storedChunk is a chunk with its article, as stored.
type storedChunk struct {
	a news.Article
	c news.Chunk
}

// storedChunks reads every chunk of ns from SQLite.
func storedChunks(t *testing.T, s *Store, ns string) []storedChunk {
	t.Helper()
	arts, _, err := s.ListArticles(t.Context(), ns, news.ListOptions{Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	var out []storedChunk
	for _, a := range arts {
		chunks, err := s.Chunks(t.Context(), ns, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range chunks {
			out = append(out, storedChunk{a, c})
		}
	}
	return out
}

// ranked is the brute-force reference for Dense over stored chunks: the
// k best cosines among the chunks of the articles keep passes.
func ranked(all []storedChunk, q []float32, k int, keep func(news.Article) bool) []float64 {
	var scores []float64
	for _, sc := range all {
		if keep(sc.a) {
			scores = append(scores, news.Cosine(q, sc.c.Embedding))
		}
	}
	slices.Sort(scores)
	slices.Reverse(scores)
	return scores[:min(k, len(scores))]
}

// TestDenseFollowsWrites puts, replaces and deletes articles and whole
// namespaces, and checks after each step that dense search agrees with a
// brute force over SQLite and that the store's check finds it sound.
func TestDenseFollowsWrites(t *testing.T) {
	ctx := t.Context()
	path := t.TempDir() + "/g.db"
	s := openTest(t, path)
	nss := []string{"g1", "g2"}
	put := func(ns, id, text string, want news.PutResult) {
		a, chunks := article(ns, id, "T "+id, "Outlet", day, text+" one", text+" two", text+" three")
		mustPut(t, s, a, chunks, want)
	}
	words := []string{"rates", "storm", "court", "match", "vote", "market"}
	for i := range 30 {
		put(nss[i%2], "a"+strconv.Itoa(i), words[i%len(words)]+" "+words[(i/2)%len(words)], news.PutNew)
	}
	for i := 0; i < 30; i += 4 {
		put(nss[i%2], "a"+strconv.Itoa(i), "replaced "+words[(i+1)%len(words)], news.PutUpdated)
	}
	for i := 1; i < 30; i += 5 {
		if err := s.DeleteArticle(ctx, nss[i%2], "a"+strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
	}
	verify := func(step string) {
		t.Helper()
		mustCheck(t, s)
		for _, ns := range nss {
			for _, w := range words {
				q := testEmbedder.vec(w + " court")
				hits, err := s.Dense(ctx, ns, q, 12, news.Filter{})
				if err != nil {
					t.Fatal(err)
				}
				var got []float64
				for _, h := range hits {
					got = append(got, h.Score)
				}
				want := bruteForce(t, s, ns, q, 12, func(news.Article) bool { return true })
				if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-5)); diff != "" {
					t.Errorf("%s: Dense(%s, %q) scores mismatch (-want +got):\n%s", step, ns, w, diff)
				}
				// Restricted to some articles, among them replaced ones.
				some := []string{"a0", "a4", "a6", "a9", "fresh"}
				hits, err = s.Dense(ctx, ns, q, 5, news.Filter{ArticleIDs: some})
				if err != nil {
					t.Fatal(err)
				}
				got = nil
				for _, h := range hits {
					got = append(got, h.Score)
				}
				want = bruteForce(t, s, ns, q, 5, func(a news.Article) bool { return slices.Contains(some, a.ID) })
				if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-5)); diff != "" {
					t.Errorf("%s: Dense(%s, %q, articles) scores mismatch (-want +got):\n%s", step, ns, w, diff)
				}
			}
		}
	}
	verify("after writes")

	// A namespace deleted and written again serves only its new articles.
	if _, err := s.DeleteNamespace(ctx, "g1"); err != nil {
		t.Fatal(err)
	}
	put("g1", "fresh", "storm court", news.PutNew)
	verify("after namespace delete")
	hits, err := s.Dense(ctx, "g1", testEmbedder.vec("storm"), 50, news.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(hits); got != 3 {
		t.Errorf("Dense(g1) after delete = %d hits, want 3", got)
	}

	s.Close()
	s = openTest(t, path)
	verify("after reopen")
}

func TestGeneration(t *testing.T) {
	ctx := t.Context()
	path := t.TempDir() + "/g.db"
	s := openTest(t, path)
	seen := map[uint64]string{s.Generation("g"): "empty"}
	step := func(name string, changed bool) {
		t.Helper()
		g := s.Generation("g")
		prev, dup := seen[g]
		switch {
		case changed && dup:
			t.Errorf("after %s: Generation = %d, the same as after %s", name, g, prev)
		case !changed && !dup:
			t.Errorf("after %s: Generation changed to %d", name, g)
		}
		seen[g] = name
	}
	a, achunks := article("g", "a1", "Rates", "Reuters", day, "rates rise", "markets fall")
	mustPut(t, s, a, achunks, news.PutNew)
	step("put", true)
	mustPut(t, s, a, achunks, news.PutUnchanged)
	if _, err := s.Dense(ctx, "g", testEmbedder.vec("rates"), 3, news.Filter{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Outlets(ctx, "g"); err != nil {
		t.Fatal(err)
	}
	step("an unchanged put and reads", false)
	b, bchunks := article("g", "a1", "Rates", "Bloomberg", day, "rates rise again")
	mustPut(t, s, b, bchunks, news.PutUpdated)
	step("update", true)
	other, ochunks := article("h", "x", "Other", "AP", day, "elsewhere")
	mustPut(t, s, other, ochunks, news.PutNew)
	step("a write to another namespace", false)
	if err := s.DeleteArticle(ctx, "g", "a1"); err != nil {
		t.Fatal(err)
	}
	step("delete", true)
	mustPut(t, s, a, achunks, news.PutNew)
	step("put again", true)
	if _, err := s.DeleteNamespace(ctx, "g"); err != nil {
		t.Fatal(err)
	}
	step("namespace delete", true)
	s.mu.RLock()
	kept := s.index.GetCollection("g", vindex.NoEmbedding) != nil
	s.mu.RUnlock()
	if kept {
		t.Error("DeleteNamespace kept the namespace's vectors in memory")
	}
	mustPut(t, s, a, achunks, news.PutNew)
	step("put after namespace delete", true)
	s.Close()
	s = openTest(t, path)
	step("reopen", true)
}

func TestCheckFindsIndexDrift(t *testing.T) {
	s := openTest(t, "")
	for _, id := range []string{"a1", "a2"} {
		a, chunks := article("g", id, "Title "+id, "Reuters", day, "rates rise", "markets fall")
		mustPut(t, s, a, chunks, news.PutNew)
	}
	mustCheck(t, s)
	s.mu.Lock()
	coll, _ := s.collection("g", false)
	// One document gets another vector, one is filed under another
	// article, one goes missing.
	other := make([]float32, testEmbedder.dim)
	other[1] = 1
	if err := coll.AddDocument(t.Context(), chromem.Document{ID: "a1#0", Metadata: chunkMeta("a1", "Reuters"), Embedding: other}); err != nil {
		t.Fatal(err)
	}
	if err := coll.AddDocument(t.Context(), chromem.Document{ID: "a1#1", Metadata: chunkMeta("a2", "Reuters"), Embedding: other}); err != nil {
		t.Fatal(err)
	}
	if err := coll.Delete(t.Context(), nil, nil, "a2#1"); err != nil {
		t.Fatal(err)
	}
	s.mu.Unlock()
	r, err := s.Check(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`chunk g/a1#0 is indexed under article "a1", outlet "reuters", or with a vector, other than stored`,
		`chunk g/a1#1 is indexed under article "a2", outlet "reuters", or with a vector, other than stored`,
		`chunk g/a2#1 is not in the vector index`,
	}
	if diff := cmp.Diff(want, r.Problems); diff != "" {
		t.Errorf("Check() problems mismatch (-want +got):\n%s", diff)
	}
}
