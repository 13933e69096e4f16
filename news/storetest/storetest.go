// Package storetest is the conformance suite of the storage contract
// [news.Store], in the manner of testing/fstest: every backend's tests call
// [Run] with a function that opens an empty store, and the suite checks the
// guarantees the contract documents (atomic articles, namespace isolation,
// content hashes, unit vectors, not-found errors, digest claims, feedback).
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) news.Store {
//			s, err := Open(t.Context(), filepath.Join(t.TempDir(), "db"),
//				Options{EmbedderID: storetest.EmbedderID, Dim: storetest.Dim})
//			if err != nil {
//				t.Fatal(err)
//			}
//			return s
//		})
//	}
package storetest

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gazettebot/gazette/news"
)

// The embedder a store under test must be opened with.
const (
	EmbedderID = "storetest-16"
	Dim        = 16
)

// Open returns a new, empty store whose embedder is [EmbedderID] of
// dimension [Dim]. Run closes it when the test ends.
type Open func(t *testing.T) news.Store

// Run runs the conformance suite, each part as a subtest with a store of
// its own.
func Run(t *testing.T, open Open) {
	t.Helper()
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, news.Store)
	}{
		{"PutAndGet", testPutAndGet},
		{"PutRefusesBadInput", testPutRefusesBadInput},
		{"FailedPutKeepsPrevious", testFailedPutKeepsPrevious},
		{"UpdateReplacesChunks", testUpdateReplacesChunks},
		{"Delete", testDelete},
		{"NotFound", testNotFound},
		{"NamespaceIsolation", testNamespaceIsolation},
		{"ListArticles", testListArticles},
		{"IngestedBetween", testIngestedBetween},
		{"OutletsAndStats", testOutletsAndStats},
		{"Generation", testGeneration},
		{"Dense", testDense},
		{"DenseFilters", testDenseFilters},
		{"Keyword", testKeyword},
		{"KeywordFilters", testKeywordFilters},
		{"TermCounts", testTermCounts},
		{"Feeds", testFeeds},
		{"Subscriptions", testSubscriptions},
		{"DigestRuns", testDigestRuns},
		{"DigestLeases", testDigestLeases},
		{"Feedback", testFeedback},
		{"Maintenance", testMaintenance},
		{"Concurrent", testConcurrent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close() error = %v", err)
				}
			})
			tc.fn(t, s)
		})
	}
}

// day is a fixed instant the fixtures are dated from.
var day = time.Date(2024, 3, 11, 0, 0, 0, 0, time.UTC)

// vec embeds text by hashing its words into Dim buckets: deterministic,
// unit length, and texts that share words are close.
func vec(text string) []float32 {
	v := make([]float32, Dim)
	v[0] = 0.01 // never the zero vector
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	}) {
		h := fnv.New32a()
		h.Write([]byte(w))
		v[h.Sum32()%Dim]++
	}
	return unit(v)
}

func unit(v []float32) []float32 {
	u, err := news.Normalize(v)
	if err != nil {
		panic(err) // the fixtures never make a zero vector
	}
	return u
}

func cosine(a, b []float32) float64 { return news.Cosine(a, b) }

// article builds an article of ns with one chunk per passage, embedded.
func article(ns, id, title, outlet string, published time.Time, passages ...string) (news.Article, []news.Chunk) {
	a := news.Article{
		Namespace: ns, ID: id, URL: "https://example.test/" + id, Title: title, Outlet: outlet,
		Author: "A. Writer", PublishedAt: published, Language: "en", Body: strings.Join(passages, "\n\n"),
	}
	if !published.IsZero() {
		a.IngestedAt = published.Add(time.Hour)
	}
	chunks := make([]news.Chunk, len(passages))
	for i, p := range passages {
		chunks[i] = news.Chunk{ID: fmt.Sprintf("%s#%d", id, i), ArticleID: id, Position: i, Text: p,
			Embedding: vec(news.EmbeddingText(a, p))}
	}
	return a, chunks
}

func put(t *testing.T, s news.Store, a news.Article, chunks []news.Chunk, want news.PutResult) {
	t.Helper()
	got, err := s.PutArticle(t.Context(), a, chunks)
	if err != nil {
		t.Fatalf("PutArticle(%s/%s) error = %v", a.Namespace, a.ID, err)
	}
	if got != want {
		t.Fatalf("PutArticle(%s/%s) = %v, want %v", a.Namespace, a.ID, got, want)
	}
}

// seed stores a small library in namespace ns.
func seed(t *testing.T, s news.Store, ns string) {
	t.Helper()
	for _, f := range []struct {
		id, title, outlet string
		published         time.Time
		passages          []string
	}{
		{"chips", "Nvidia chips lift markets", "TechCrunch", day,
			[]string{"Nvidia shares rose after strong demand for its accelerator chips.", "Analysts expect growing data centre sales."}},
		{"rates", "Central bank holds rates", "Reuters", day.AddDate(0, 0, 1),
			[]string{"The central bank kept interest rates steady on Tuesday.", "Markets rallied after the decision."}},
		{"football", "Eagles beat Chiefs", "Sporting News", day.AddDate(0, 0, 2),
			[]string{"The Eagles won the final against the Chiefs in overtime."}},
		{"phones", "New phones arrive", "The Verge", day.AddDate(0, 0, 4),
			[]string{"The new phones have faster chips and better cameras.", "Prices start at 799 dollars."}},
		{"undated", "Harbour closed by storm", "", time.Time{},
			[]string{"The harbour closed on Sunday and the ferries were cancelled."}},
	} {
		a, c := article(ns, f.id, f.title, f.outlet, f.published, f.passages...)
		if f.published.IsZero() {
			a.IngestedAt = day.AddDate(0, 0, 5)
		}
		put(t, s, a, c, news.PutNew)
	}
}

func hitIDs(hits []news.Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Chunk.ID)
	}
	return out
}

func articleIDs(arts []news.Article) []string {
	var out []string
	for _, a := range arts {
		out = append(out, a.ID)
	}
	return out
}

func testPutAndGet(t *testing.T, s news.Store) {
	ctx := t.Context()
	a, chunks := article("g1", "a1", "Harbour closed", "Coastal Times", day.Add(90*time.Minute+123*time.Millisecond+456*time.Microsecond),
		"The harbour closed on Sunday.", "Ferries were cancelled.")
	a.IngestedAt = time.Time{}
	// Embeddings of any length are stored normalised.
	chunks[1].Embedding = slices.Clone(chunks[1].Embedding)
	for i := range chunks[1].Embedding {
		chunks[1].Embedding[i] *= 3
	}
	before := time.Now().Add(-time.Second)
	put(t, s, a, chunks, news.PutNew)

	got, err := s.Article(ctx, "g1", "a1")
	if err != nil {
		t.Fatalf("Article() error = %v", err)
	}
	want := a
	want.ContentHash = news.ContentHash(a.Body)
	want.PublishedAt = a.PublishedAt.Truncate(time.Millisecond)
	if got.IngestedAt.Before(before) || got.IngestedAt.After(time.Now().Add(time.Second)) {
		t.Errorf("IngestedAt = %v, want about now (a zero IngestedAt is set when stored)", got.IngestedAt)
	}
	if got.IngestedAt.Location() != time.UTC || got.PublishedAt.Location() != time.UTC {
		t.Errorf("times not in UTC: published %v, ingested %v", got.PublishedAt, got.IngestedAt)
	}
	want.IngestedAt = got.IngestedAt
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Article() mismatch (-want +got):\n%s", diff)
	}

	for name, get := range map[string]func() (news.Article, error){
		"ArticleByURL":  func() (news.Article, error) { return s.ArticleByURL(ctx, "g1", a.URL) },
		"ArticleByHash": func() (news.Article, error) { return s.ArticleByHash(ctx, "g1", want.ContentHash) },
	} {
		got, err := get()
		if err != nil || got.ID != "a1" || got.Body != a.Body {
			t.Errorf("%s() = %s (body %q), %v; want a1 with its body", name, got.ID, got.Body, err)
		}
	}

	cs, err := s.Chunks(ctx, "g1", "a1")
	if err != nil {
		t.Fatalf("Chunks() error = %v", err)
	}
	if len(cs) != 2 {
		t.Fatalf("Chunks() returned %d chunks, want 2", len(cs))
	}
	for i, c := range cs {
		if c.ID != chunks[i].ID || c.ArticleID != "a1" || c.Position != i || c.Text != chunks[i].Text {
			t.Errorf("chunk %d = %+v, want %+v", i, c, chunks[i])
		}
		if len(c.Embedding) != Dim {
			t.Fatalf("chunk %d has %d dimensions, want %d", i, len(c.Embedding), Dim)
		}
		if cos := cosine(c.Embedding, chunks[i].Embedding); math.Abs(cos-1) > 1e-5 {
			t.Errorf("chunk %d embedding differs from the one stored (cosine %v)", i, cos)
		}
		var n float64
		for _, x := range c.Embedding {
			n += float64(x) * float64(x)
		}
		if math.Abs(n-1) > 1e-4 {
			t.Errorf("chunk %d embedding has squared norm %v, want 1", i, n)
		}
	}

	// The same content again writes nothing, whatever else changed.
	again := a
	again.Title = "Another title"
	put(t, s, again, chunks, news.PutUnchanged)
	if got, _ := s.Article(ctx, "g1", "a1"); got.Title != a.Title {
		t.Errorf("an unchanged put rewrote the title: %q", got.Title)
	}
	// A given content hash is kept as given.
	b, bc := article("g1", "b1", "Given hash", "", time.Time{}, "Body of b.")
	b.ContentHash = "0123abcd"
	put(t, s, b, bc, news.PutNew)
	if got, err := s.ArticleByHash(ctx, "g1", "0123abcd"); err != nil || got.ID != "b1" {
		t.Errorf("ArticleByHash(given hash) = %s, %v; want b1", got.ID, err)
	}
}

func testPutRefusesBadInput(t *testing.T, s news.Store) {
	ctx := t.Context()
	good := func() (news.Article, []news.Chunk) {
		return article("g1", "x", "Title", "Outlet", day, "First passage.", "Second passage.")
	}
	nan := float32(math.NaN())
	for _, tc := range []struct {
		name   string
		change func(*news.Article, *[]news.Chunk)
	}{
		{"no namespace", func(a *news.Article, _ *[]news.Chunk) { a.Namespace = "" }},
		{"no id", func(a *news.Article, _ *[]news.Chunk) { a.ID = "" }},
		{"no chunks", func(_ *news.Article, c *[]news.Chunk) { *c = nil }},
		{"wrong dimension", func(_ *news.Article, c *[]news.Chunk) { (*c)[1].Embedding = make([]float32, Dim+1) }},
		{"no embedding", func(_ *news.Article, c *[]news.Chunk) { (*c)[1].Embedding = nil }},
		{"zero vector", func(_ *news.Article, c *[]news.Chunk) { (*c)[0].Embedding = make([]float32, Dim) }},
		{"not finite", func(_ *news.Article, c *[]news.Chunk) {
			(*c)[0].Embedding = slices.Clone((*c)[0].Embedding)
			(*c)[0].Embedding[3] = nan
		}},
		{"positions out of order", func(_ *news.Article, c *[]news.Chunk) { (*c)[0].Position, (*c)[1].Position = 1, 0 }},
		{"duplicate chunk id", func(_ *news.Article, c *[]news.Chunk) { (*c)[1].ID = (*c)[0].ID }},
		{"chunk of another article", func(_ *news.Article, c *[]news.Chunk) { (*c)[1].ArticleID = "y" }},
	} {
		a, c := good()
		tc.change(&a, &c)
		if _, err := s.PutArticle(ctx, a, c); err == nil {
			t.Errorf("%s: PutArticle() error = nil, want an error", tc.name)
		}
	}
	if st, err := s.Stats(ctx, "g1"); err != nil || st.Articles != 0 || st.Chunks != 0 {
		t.Errorf("Stats() after refused puts = %+v, %v; want nothing stored", st, err)
	}
}

func testFailedPutKeepsPrevious(t *testing.T, s news.Store) {
	ctx := t.Context()
	a, c := article("g1", "a1", "First edition", "Outlet", day, "Alpha passage about storms.", "Beta passage about ferries.")
	put(t, s, a, c, news.PutNew)
	b, bc := article("g1", "a1", "Second edition", "Outlet", day, "Gamma passage about bridges.", "Delta passage.", "Epsilon.")
	bc[2].Embedding = make([]float32, Dim-1)
	if _, err := s.PutArticle(ctx, b, bc); err == nil {
		t.Fatal("PutArticle() with a bad chunk error = nil")
	}
	got, err := s.Article(ctx, "g1", "a1")
	if err != nil || got.Title != "First edition" || got.Body != a.Body {
		t.Errorf("after a failed update Article() = %q, %v; want the first edition", got.Title, err)
	}
	cs, err := s.Chunks(ctx, "g1", "a1")
	if err != nil || len(cs) != 2 || cs[0].Text != c[0].Text {
		t.Errorf("after a failed update Chunks() = %d chunks, %v; want the first edition's 2", len(cs), err)
	}
	if hits, err := s.Keyword(ctx, "g1", []string{"bridges"}, 5, news.Filter{}); err != nil || len(hits) != 0 {
		t.Errorf("Keyword(bridges) after a failed update = %v, %v; want nothing", hitIDs(hits), err)
	}
	if hits, err := s.Dense(ctx, "g1", c[1].Embedding, 1, news.Filter{}); err != nil || len(hits) != 1 || hits[0].Chunk.ID != "a1#1" {
		t.Errorf("Dense() after a failed update = %v, %v; want a1#1", hitIDs(hits), err)
	}
}

func testUpdateReplacesChunks(t *testing.T, s news.Store) {
	ctx := t.Context()
	a, c := article("g1", "a1", "Storm", "Outlet", day, "Alpha passage about storms.", "Beta passage about ferries.", "Gamma about tides.")
	put(t, s, a, c, news.PutNew)
	b, bc := article("g1", "a1", "Storm update", "Outlet", day, "Alpha passage about storms, revised with bridges.")
	put(t, s, b, bc, news.PutUpdated)
	cs, err := s.Chunks(ctx, "g1", "a1")
	if err != nil || len(cs) != 1 || cs[0].Text != bc[0].Text {
		t.Fatalf("Chunks() after an update = %+v, %v; want the one new chunk", cs, err)
	}
	for _, term := range []string{"ferries", "tides"} {
		if hits, err := s.Keyword(ctx, "g1", []string{term}, 5, news.Filter{}); err != nil || len(hits) != 0 {
			t.Errorf("Keyword(%s) finds removed chunks: %v, %v", term, hitIDs(hits), err)
		}
	}
	if hits, err := s.Keyword(ctx, "g1", []string{"bridges"}, 5, news.Filter{}); err != nil || len(hits) != 1 {
		t.Errorf("Keyword(bridges) = %v, %v; want the new chunk", hitIDs(hits), err)
	}
	hits, err := s.Dense(ctx, "g1", c[2].Embedding, 10, news.Filter{})
	if err != nil || len(hits) != 1 || hits[0].Chunk.ID != "a1#0" || hits[0].Article.Title != "Storm update" {
		t.Errorf("Dense() after an update = %v, %v; want only a1#0 of the new edition", hitIDs(hits), err)
	}
	if st, err := s.Stats(ctx, "g1"); err != nil || st.Articles != 1 || st.Chunks != 1 {
		t.Errorf("Stats() = %+v, %v; want 1 article, 1 chunk", st, err)
	}
}

func testDelete(t *testing.T, s news.Store) {
	ctx := t.Context()
	seed(t, s, "g1")
	if err := s.DeleteArticle(ctx, "g1", "chips"); err != nil {
		t.Fatalf("DeleteArticle() error = %v", err)
	}
	if _, err := s.Article(ctx, "g1", "chips"); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("Article(deleted) error = %v, want ErrNotFound", err)
	}
	if hits, err := s.Keyword(ctx, "g1", []string{"nvidia"}, 5, news.Filter{}); err != nil || len(hits) != 0 {
		t.Errorf("Keyword() finds a deleted article: %v, %v", hitIDs(hits), err)
	}
	hits, err := s.Dense(ctx, "g1", vec("Nvidia shares rose after strong demand for its accelerator chips."), 20, news.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hits {
		if h.Chunk.ArticleID == "chips" {
			t.Errorf("Dense() returns chunk %s of a deleted article", h.Chunk.ID)
		}
	}
	if err := s.DeleteArticle(ctx, "g1", "chips"); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("DeleteArticle(again) error = %v, want ErrNotFound", err)
	}

	seed(t, s, "g2")
	n, err := s.DeleteNamespace(ctx, "g1")
	if err != nil || n != 4 {
		t.Errorf("DeleteNamespace(g1) = %d, %v; want 4", n, err)
	}
	if st, err := s.Stats(ctx, "g1"); err != nil || st.Articles != 0 || st.Chunks != 0 {
		t.Errorf("Stats(g1) after DeleteNamespace = %+v, %v", st, err)
	}
	if hits, err := s.Dense(ctx, "g1", vec("markets"), 5, news.Filter{}); err != nil || len(hits) != 0 {
		t.Errorf("Dense(g1) after DeleteNamespace = %v, %v; want nothing", hitIDs(hits), err)
	}
	if st, err := s.Stats(ctx, "g2"); err != nil || st.Articles != 5 {
		t.Errorf("Stats(g2) after deleting g1 = %+v, %v; want 5 articles", st, err)
	}
	// A deleted namespace can be written again.
	a, c := article("g1", "again", "Back again", "", day, "A new start.")
	put(t, s, a, c, news.PutNew)
	if hits, err := s.Dense(ctx, "g1", c[0].Embedding, 5, news.Filter{}); err != nil || len(hits) != 1 {
		t.Errorf("Dense(g1) after writing again = %v, %v; want 1 hit", hitIDs(hits), err)
	}
	if n, err := s.DeleteNamespace(ctx, "nobody"); err != nil || n != 0 {
		t.Errorf("DeleteNamespace(empty) = %d, %v; want 0, nil", n, err)
	}
}

func testNotFound(t *testing.T, s news.Store) {
	ctx := t.Context()
	seed(t, s, "g1")
	checks := map[string]error{}
	_, checks["Article"] = s.Article(ctx, "g1", "missing")
	_, checks["ArticleByURL"] = s.ArticleByURL(ctx, "g1", "https://example.test/missing")
	_, checks["ArticleByURL empty"] = s.ArticleByURL(ctx, "g1", "")
	_, checks["ArticleByHash"] = s.ArticleByHash(ctx, "g1", "feedface")
	_, checks["ArticleByHash empty"] = s.ArticleByHash(ctx, "g1", "")
	_, checks["Chunks"] = s.Chunks(ctx, "g1", "missing")
	checks["DeleteArticle"] = s.DeleteArticle(ctx, "g1", "missing")
	checks["DeleteFeed"] = s.DeleteFeed(ctx, "g1", "https://example.test/feed")
	_, _, checks["RecordedAnswer"] = s.RecordedAnswer(ctx, "g1", 424242)
	checks["Vote"] = s.Vote(ctx, "g1", 424242, "u1", 1)
	for name, err := range checks {
		if !errors.Is(err, news.ErrNotFound) {
			t.Errorf("%s() error = %v, want news.ErrNotFound", name, err)
		}
	}
}

func testNamespaceIsolation(t *testing.T, s news.Store) {
	ctx := t.Context()
	seed(t, s, "g1")
	// g2 holds an article of the same id, URL and body, and another.
	a, c := article("g2", "chips", "Nvidia chips lift markets", "TechCrunch", day,
		"Nvidia shares rose after strong demand for its accelerator chips.", "Analysts expect growing data centre sales.")
	put(t, s, a, c, news.PutNew)
	b, bc := article("g2", "only2", "Volcano erupts", "Island Post", day, "The volcano erupted at dawn.")
	put(t, s, b, bc, news.PutNew)

	if _, err := s.Article(ctx, "g1", "only2"); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("Article(g1, only2) error = %v, want ErrNotFound", err)
	}
	if _, err := s.ArticleByURL(ctx, "g1", b.URL); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("ArticleByURL(g1, g2's url) error = %v, want ErrNotFound", err)
	}
	if _, err := s.ArticleByHash(ctx, "g1", news.ContentHash(b.Body)); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("ArticleByHash(g1, g2's hash) error = %v, want ErrNotFound", err)
	}
	if _, err := s.Chunks(ctx, "g1", "only2"); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("Chunks(g1, only2) error = %v, want ErrNotFound", err)
	}
	for _, ns := range []string{"g1", "g2"} {
		dense, err := s.Dense(ctx, ns, vec("volcano erupted nvidia chips"), 50, news.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		kw, err := s.Keyword(ctx, ns, []string{"volcano", "nvidia", "chips", "harbour"}, 50, news.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range append(dense, kw...) {
			if h.Article.Namespace != ns {
				t.Errorf("search in %s returned %s of namespace %s", ns, h.Chunk.ID, h.Article.Namespace)
			}
		}
		arts, total, err := s.ListArticles(ctx, ns, news.ListOptions{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		between, err := s.IngestedBetween(ctx, ns, day.AddDate(-1, 0, 0), day.AddDate(1, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range append(arts, between...) {
			if a.Namespace != ns {
				t.Errorf("listing %s returned %s of namespace %s", ns, a.ID, a.Namespace)
			}
		}
		want := map[string]int{"g1": 5, "g2": 2}[ns]
		if total != want || len(arts) != want {
			t.Errorf("ListArticles(%s) = %d of %d, want %d", ns, len(arts), total, want)
		}
	}
	outs, err := s.Outlets(ctx, "g2")
	if err != nil {
		t.Fatal(err)
	}
	if got := len(outs); got != 2 {
		t.Errorf("Outlets(g2) = %+v, want TechCrunch and Island Post only", outs)
	}
	if err := s.DeleteArticle(ctx, "g2", "rates"); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("DeleteArticle(g2, g1's article) error = %v, want ErrNotFound", err)
	}
	if _, err := s.Article(ctx, "g1", "rates"); err != nil {
		t.Errorf("g1's article is gone after a delete in g2: %v", err)
	}
	if err := s.DeleteArticle(ctx, "g2", "chips"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Article(ctx, "g1", "chips"); err != nil || got.Namespace != "g1" {
		t.Errorf("deleting g2/chips removed g1/chips: %v", err)
	}
	if hits, err := s.Keyword(ctx, "g1", []string{"nvidia"}, 5, news.Filter{}); err != nil || len(hits) == 0 {
		t.Errorf("Keyword(g1, nvidia) after deleting g2/chips = %v, %v; want g1's chunks", hitIDs(hits), err)
	}
}

func testListArticles(t *testing.T, s news.Store) {
	ctx := t.Context()
	seed(t, s, "g1")
	for _, tc := range []struct {
		name      string
		o         news.ListOptions
		want      []string
		wantTotal int
	}{
		{"all, newest ingested first", news.ListOptions{}, []string{"undated", "phones", "football", "rates", "chips"}, 5},
		{"page", news.ListOptions{Offset: 1, Limit: 2}, []string{"phones", "football"}, 5},
		{"past the end", news.ListOptions{Offset: 10}, nil, 5},
		{"search title", news.ListOptions{Search: "PHONES"}, []string{"phones"}, 1},
		{"search outlet", news.ListOptions{Search: "reuters"}, []string{"rates"}, 1},
		{"search url", news.ListOptions{Search: "example.test/foot"}, []string{"football"}, 1},
		{"search like wildcards are literal", news.ListOptions{Search: "%"}, nil, 0},
		{"search underscore is literal", news.ListOptions{Search: "_"}, nil, 0},
		{"outlets", news.ListOptions{Outlets: []string{"techcrunch", "The Verge"}}, []string{"phones", "chips"}, 2},
		{"ingested since", news.ListOptions{IngestedSince: day.AddDate(0, 0, 2).Add(time.Hour)}, []string{"undated", "phones", "football"}, 3},
	} {
		arts, total, err := s.ListArticles(ctx, "g1", tc.o)
		if err != nil {
			t.Fatalf("%s: ListArticles() error = %v", tc.name, err)
		}
		if diff := cmp.Diff(tc.want, articleIDs(arts), cmpopts.EquateEmpty()); diff != "" || total != tc.wantTotal {
			t.Errorf("%s: ListArticles() total %d (want %d), mismatch (-want +got):\n%s", tc.name, total, tc.wantTotal, diff)
		}
		for _, a := range arts {
			if a.Body != "" || a.Title == "" || a.ContentHash == "" {
				t.Errorf("%s: listed article %s has body %q, title %q, hash %q; want no body, the rest", tc.name, a.ID, a.Body, a.Title, a.ContentHash)
			}
		}
	}
}

func testIngestedBetween(t *testing.T, s news.Store) {
	ctx := t.Context()
	seed(t, s, "g1")
	// chips was ingested at day+1h, rates at day+1d+1h, football at day+2d+1h.
	arts, err := s.IngestedBetween(ctx, "g1", day.Add(time.Hour), day.AddDate(0, 0, 2).Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"rates", "chips"}, articleIDs(arts)); diff != "" {
		t.Errorf("IngestedBetween() mismatch (since inclusive, until exclusive, newest first) (-want +got):\n%s", diff)
	}
	for _, a := range arts {
		if a.Body == "" {
			t.Errorf("IngestedBetween() returned %s without its body", a.ID)
		}
	}
}

func testOutletsAndStats(t *testing.T, s news.Store) {
	ctx := t.Context()
	seed(t, s, "g1")
	a, c := article("g1", "phones2", "More phones", "The Verge", day.AddDate(0, 0, 6), "Even more phones.")
	put(t, s, a, c, news.PutNew)
	outs, err := s.Outlets(ctx, "g1")
	if err != nil {
		t.Fatal(err)
	}
	want := []news.OutletInfo{
		{Name: "The Verge", Articles: 2, First: day.AddDate(0, 0, 4), Last: day.AddDate(0, 0, 6)},
		{Name: "Reuters", Articles: 1, First: day.AddDate(0, 0, 1), Last: day.AddDate(0, 0, 1)},
		{Name: "Sporting News", Articles: 1, First: day.AddDate(0, 0, 2), Last: day.AddDate(0, 0, 2)},
		{Name: "TechCrunch", Articles: 1, First: day, Last: day},
	}
	if diff := cmp.Diff(want, outs); diff != "" {
		t.Errorf("Outlets() mismatch (most articles first, then by name; none empty) (-want +got):\n%s", diff)
	}
	st, err := s.Stats(ctx, "g1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(news.Stats{Articles: 6, Chunks: 9, EmbedderID: EmbedderID, Dim: Dim}, st); diff != "" {
		t.Errorf("Stats() mismatch (-want +got):\n%s", diff)
	}
	if st, err := s.Stats(ctx, "empty"); err != nil || st.Articles != 0 || st.Chunks != 0 {
		t.Errorf("Stats(empty) = %+v, %v", st, err)
	}
}

func testGeneration(t *testing.T, s news.Store) {
	ctx := t.Context()
	seen := map[uint64]bool{}
	step := func(what string) {
		t.Helper()
		g := s.Generation("g1")
		if seen[g] {
			t.Errorf("Generation(g1) after %s = %d, seen before", what, g)
		}
		seen[g] = true
	}
	a, c := article("g1", "a1", "First", "", day, "One passage.")
	put(t, s, a, c, news.PutNew)
	step("a put")
	if g := s.Generation("g1"); s.Generation("g1") != g {
		t.Error("Generation(g1) changed with no write")
	}
	b, bc := article("g1", "a1", "First", "", day, "One passage, edited.")
	put(t, s, b, bc, news.PutUpdated)
	step("an update")
	a2, c2 := article("g1", "a2", "Second", "", day, "Two.")
	put(t, s, a2, c2, news.PutNew)
	step("a second article")
	if err := s.DeleteArticle(ctx, "g1", "a1"); err != nil {
		t.Fatal(err)
	}
	step("a delete")
	if _, err := s.DeleteNamespace(ctx, "g1"); err != nil {
		t.Fatal(err)
	}
	step("a namespace delete")
}

func testDense(t *testing.T, s news.Store) {
	ctx := t.Context()
	seed(t, s, "g1")
	all, err := allChunks(ctx, s, "g1")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"nvidia chips", "interest rates markets", "eagles overtime", "ferries harbour storm", "zebra"} {
		qv := vec(q)
		for _, k := range []int{1, 3, 100} {
			hits, err := s.Dense(ctx, "g1", qv, k, news.Filter{})
			if err != nil {
				t.Fatalf("Dense(%q, %d) error = %v", q, k, err)
			}
			want := bruteForce(all, qv, k, nil)
			if len(hits) != len(want) {
				t.Fatalf("Dense(%q, %d) returned %d hits, want %d", q, k, len(hits), len(want))
			}
			for i, h := range hits {
				if math.Abs(h.Score-want[i].score) > 1e-5 {
					t.Errorf("Dense(%q, %d) hit %d = %s score %.6f, want score %.6f (%s)", q, k, i, h.Chunk.ID, h.Score, want[i].score, want[i].id)
				}
				if h.Article.Body != "" || h.Article.Title == "" || h.Chunk.Text == "" || h.Chunk.ArticleID != h.Article.ID {
					t.Errorf("Dense() hit %s lacks metadata or carries the body: %+v", h.Chunk.ID, h)
				}
			}
		}
	}
	// A query need not be unit length.
	q := vec("nvidia chips")
	long := make([]float32, len(q))
	for i, x := range q {
		long[i] = 5 * x
	}
	hits, err := s.Dense(ctx, "g1", long, 1, news.Filter{})
	if err != nil || len(hits) != 1 || hits[0].Score > 1+1e-5 {
		t.Errorf("Dense(scaled query) = %+v, %v; want one hit with a cosine", hits, err)
	}
	if _, err := s.Dense(ctx, "g1", make([]float32, Dim+2), 3, news.Filter{}); err == nil {
		t.Error("Dense(wrong dimension) error = nil")
	}
	if hits, err := s.Dense(ctx, "g1", q, 0, news.Filter{}); err != nil || len(hits) != 0 {
		t.Errorf("Dense(k=0) = %v, %v; want nothing", hitIDs(hits), err)
	}
	if hits, err := s.Dense(ctx, "nobody", q, 5, news.Filter{}); err != nil || len(hits) != 0 {
		t.Errorf("Dense(empty namespace) = %v, %v; want nothing, no error", hitIDs(hits), err)
	}
}

func testDenseFilters(t *testing.T, s news.Store) {
	ctx := t.Context()
	seed(t, s, "g1")
	all, err := allChunks(ctx, s, "g1")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range filterCases() {
		qv := vec("chips markets phones harbour")
		for _, k := range []int{1, 2, 50} {
			hits, err := s.Dense(ctx, "g1", qv, k, tc.f)
			if err != nil {
				t.Fatalf("%s: Dense() error = %v", tc.name, err)
			}
			want := bruteForce(all, qv, k, tc.keep)
			var got, wantIDs []string
			for i, h := range hits {
				got = append(got, h.Chunk.ID)
				if i < len(want) && math.Abs(h.Score-want[i].score) > 1e-5 {
					t.Errorf("%s: Dense(k=%d) hit %d score %.6f, want %.6f", tc.name, k, i, h.Score, want[i].score)
				}
			}
			for _, w := range want {
				wantIDs = append(wantIDs, w.id)
			}
			if len(got) != len(wantIDs) {
				t.Errorf("%s: Dense(k=%d) = %v, want %v", tc.name, k, got, wantIDs)
			}
			for _, h := range hits {
				if !tc.keep(h.Article) {
					t.Errorf("%s: Dense() returned %s outside the filter", tc.name, h.Chunk.ID)
				}
			}
		}
	}
}

type filterCase struct {
	name string
	f    news.Filter
	keep func(news.Article) bool
}

func filterCases() []filterCase {
	return []filterCase{
		{"outlets, any case", news.Filter{Outlets: []string{"techcrunch", "THE VERGE"}}, func(a news.Article) bool {
			return a.Outlet == "TechCrunch" || a.Outlet == "The Verge"
		}},
		{"since inclusive", news.Filter{Since: day.AddDate(0, 0, 1)}, func(a news.Article) bool {
			return !a.PublishedAt.IsZero() && !a.PublishedAt.Before(day.AddDate(0, 0, 1))
		}},
		{"until exclusive", news.Filter{Until: day.AddDate(0, 0, 2)}, func(a news.Article) bool {
			return !a.PublishedAt.IsZero() && a.PublishedAt.Before(day.AddDate(0, 0, 2))
		}},
		{"ingested since", news.Filter{IngestedSince: day.AddDate(0, 0, 2)}, func(a news.Article) bool {
			return !a.IngestedAt.Before(day.AddDate(0, 0, 2))
		}},
		{"a window keeps the undated when asked", news.Filter{Since: day.AddDate(0, 0, 1), Until: day.AddDate(0, 0, 2), Undated: true}, func(a news.Article) bool {
			return a.PublishedAt.IsZero() || !a.PublishedAt.Before(day.AddDate(0, 0, 1)) && a.PublishedAt.Before(day.AddDate(0, 0, 2))
		}},
		{"undated alone filters nothing", news.Filter{Undated: true}, func(news.Article) bool { return true }},
		{"article ids", news.Filter{ArticleIDs: []string{"rates", "undated", "missing"}}, func(a news.Article) bool {
			return a.ID == "rates" || a.ID == "undated"
		}},
		{"empty article ids match nothing", news.Filter{ArticleIDs: []string{}}, func(news.Article) bool { return false }},
		{"prefer does not filter", news.Filter{Prefer: []string{"rates"}}, func(news.Article) bool { return true }},
		{"combined", news.Filter{Outlets: []string{"Reuters", "TechCrunch"}, Since: day.Add(time.Hour)}, func(a news.Article) bool {
			return a.Outlet == "Reuters"
		}},
		{"unknown outlet", news.Filter{Outlets: []string{"Nobody"}}, func(news.Article) bool { return false }},
	}
}

func testKeyword(t *testing.T, s news.Store) {
	ctx := t.Context()
	seed(t, s, "g1")
	for _, tc := range []struct {
		name  string
		terms []string
		want  []string // the first hits, in order
	}{
		{"passage term", []string{"overtime"}, []string{"football#0"}},
		{"title term", []string{"eagles"}, []string{"football#0"}},
		{"stemmed like the index", []string{"grows", "accelerators"}, nil},
		{"any of the terms", []string{"ferries", "overtime"}, nil},
		{"case", []string{"NVIDIA"}, []string{"chips#0"}},
		{"no letters or digits", []string{"?!", " ", `"`, ""}, nil},
		{"no terms", nil, nil},
		{"unknown word", []string{"zeppelin"}, nil},
	} {
		hits, err := s.Keyword(ctx, "g1", tc.terms, 10, news.Filter{})
		if err != nil {
			t.Fatalf("%s: Keyword(%q) error = %v", tc.name, tc.terms, err)
		}
		got := hitIDs(hits)
		if set := map[string][]string{
			"any of the terms":       {"football#0", "undated#0"},
			"stemmed like the index": {"chips#0", "chips#1"},
		}[tc.name]; set != nil {
			slices.Sort(got)
			if diff := cmp.Diff(set, got); diff != "" {
				t.Errorf("%s: Keyword(%q) mismatch (-want +got):\n%s", tc.name, tc.terms, diff)
			}
			continue
		}
		if len(got) > len(tc.want) {
			got = got[:len(tc.want)]
		}
		if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: Keyword(%q) mismatch (-want +got):\n%s", tc.name, tc.terms, diff)
		}
		for i, h := range hits {
			if i > 0 && h.Score > hits[i-1].Score {
				t.Errorf("%s: scores not descending: %v then %v", tc.name, hits[i-1].Score, h.Score)
			}
			if h.Article.Body != "" || h.Article.Title == "" || h.Chunk.Text == "" || h.Chunk.ArticleID != h.Article.ID {
				t.Errorf("%s: hit %s lacks metadata or carries the body: %+v", tc.name, h.Chunk.ID, h)
			}
		}
	}
	// Terms are words, never query syntax, whatever they hold.
	for _, term := range []string{`"`, `NEAR(chiefs eagles)`, `-"x"`, "*", "^", "AND", "OR", "NOT", "col:val", "a'b", `\`, "%", "_",
		"(", ")", "{", "}", "eagles*", "'; DROP TABLE articles; --", "\x00", "東京", "ñandú"} {
		if _, err := s.Keyword(ctx, "g1", []string{term, "eagles"}, 5, news.Filter{}); err != nil {
			t.Errorf("Keyword(%q) error = %v", term, err)
		}
	}
	if hits, err := s.Keyword(ctx, "g1", []string{"eagles"}, 0, news.Filter{}); err != nil || len(hits) != 0 {
		t.Errorf("Keyword(k=0) = %v, %v; want nothing", hitIDs(hits), err)
	}
	many := make([]string, 500)
	for i := range many {
		many[i] = fmt.Sprintf("word%d", i)
	}
	if _, err := s.Keyword(ctx, "g1", append(many, "eagles"), 5, news.Filter{}); err != nil {
		t.Errorf("Keyword(500 terms) error = %v", err)
	}
}

func testTermCounts(t *testing.T, s news.Store) {
	ctx := t.Context()
	seed(t, s, "g1")
	phrases := []string{"Nvidia", "chips", "interest rates", "rates interest", "central bank", "rate", "zeppelin", "", "?!", "NVIDIA"}
	want := []int{
		2, // chips#0 by its text and title, chips#1 by its title
		3, // both chips passages and phones#0
		1, // rates#0
		0, // the words, not in that order
		2, // rates#0's text, and the title of both (counted once each)
		2, // "rates", stemmed, in rates#0's text and both titles
		0, 0, 0,
		2, // case aside
	}
	counts, total, err := s.TermCounts(ctx, "g1", phrases)
	if err != nil {
		t.Fatalf("TermCounts() error = %v", err)
	}
	if total != 8 {
		t.Errorf("TermCounts() total = %d, want the 8 passages of g1", total)
	}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("TermCounts(%q) mismatch (-want +got):\n%s", phrases, diff)
	}
	counts, total, err = s.TermCounts(ctx, "g2", []string{"Nvidia"})
	if err != nil || total != 0 || len(counts) != 1 || counts[0] != 0 {
		t.Errorf("TermCounts(another namespace) = %v, %d, %v; want nothing", counts, total, err)
	}
	many := make([]string, 70)
	for i := range many {
		many[i] = "chips"
	}
	counts, _, err = s.TermCounts(ctx, "g1", many)
	if err != nil || len(counts) != 70 || counts[0] != 3 || counts[69] != 0 {
		t.Errorf("TermCounts(70 phrases) = %v, %v; want 3 for the first 64 and 0 after", counts, err)
	}
}

func testKeywordFilters(t *testing.T, s news.Store) {
	ctx := t.Context()
	seed(t, s, "g1")
	terms := []string{"chips", "markets", "phones", "harbour", "rates", "eagles"}
	for _, tc := range filterCases() {
		for _, k := range []int{1, 50} {
			hits, err := s.Keyword(ctx, "g1", terms, k, tc.f)
			if err != nil {
				t.Fatalf("%s: Keyword() error = %v", tc.name, err)
			}
			if len(hits) > k {
				t.Errorf("%s: Keyword(k=%d) returned %d hits", tc.name, k, len(hits))
			}
			for _, h := range hits {
				if !tc.keep(h.Article) {
					t.Errorf("%s: Keyword() returned %s outside the filter", tc.name, h.Chunk.ID)
				}
			}
			if k == 50 {
				all, _ := s.Keyword(ctx, "g1", terms, 50, news.Filter{})
				want := 0
				for _, h := range all {
					if tc.keep(h.Article) {
						want++
					}
				}
				if len(hits) != want {
					t.Errorf("%s: Keyword() found %d hits, want the %d unfiltered hits the filter keeps", tc.name, len(hits), want)
				}
			}
		}
	}
}

type scored struct {
	id    string
	score float64
}

type chunkOf struct {
	c news.Chunk
	a news.Article
}

func allChunks(ctx context.Context, s news.Store, ns string) ([]chunkOf, error) {
	arts, _, err := s.ListArticles(ctx, ns, news.ListOptions{Limit: 1000})
	if err != nil {
		return nil, err
	}
	var out []chunkOf
	for _, a := range arts {
		cs, err := s.Chunks(ctx, ns, a.ID)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			out = append(out, chunkOf{c, a})
		}
	}
	return out, nil
}

// bruteForce ranks the chunks keep selects (all when nil) by cosine to q.
func bruteForce(all []chunkOf, q []float32, k int, keep func(news.Article) bool) []scored {
	var out []scored
	for _, c := range all {
		if keep == nil || keep(c.a) {
			out = append(out, scored{c.c.ID, cosine(q, c.c.Embedding)})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		return out[i].id < out[j].id
	})
	if len(out) > k {
		out = out[:k]
	}
	return out
}

func testFeeds(t *testing.T, s news.Store) {
	ctx := t.Context()
	t0 := day.Add(123 * time.Millisecond)
	a := news.Feed{Namespace: "g1", URL: "https://a.test/feed", Title: "A", AddedAt: t0, NextPollAt: t0}
	b := news.Feed{Namespace: "g1", URL: "https://b.test/feed", AddedAt: t0, NextPollAt: t0.Add(time.Hour),
		LastPolledAt: t0, LastSuccessAt: t0, ETag: `"v1"`, LastModified: "Mon, 11 Mar 2024 00:00:00 GMT", Failures: 2,
		LastError: "the feed answered 503", Items: 7}
	c := news.Feed{Namespace: "g2", URL: "https://a.test/feed", AddedAt: t0, NextPollAt: t0.Add(-time.Minute)}
	for _, f := range []news.Feed{b, a, c} {
		if err := s.SaveFeed(ctx, f); err != nil {
			t.Fatalf("SaveFeed() error = %v", err)
		}
	}
	got, err := s.Feeds(ctx, "g1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]news.Feed{a, b}, got); diff != "" {
		t.Errorf("Feeds(g1) mismatch (-want +got):\n%s", diff)
	}
	due, err := s.DueFeeds(ctx, t0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]news.Feed{c, a}, due); diff != "" {
		t.Errorf("DueFeeds() mismatch (every namespace, most overdue first) (-want +got):\n%s", diff)
	}
	a.Title, a.Failures = "A renamed", 1
	if err := s.SaveFeed(ctx, a); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Feeds(ctx, "g1"); len(got) != 2 || got[0].Title != "A renamed" || got[0].Failures != 1 {
		t.Errorf("SaveFeed() did not replace the feed: %+v", got)
	}

	if err := s.MarkItemSeen(ctx, "g1", a.URL, news.SeenItem{Key: "guid:1", ArticleID: "art1", Status: "new", SeenAt: t0}); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkItemSeen(ctx, "g1", a.URL, news.SeenItem{Key: "guid:1", Status: "refused", SeenAt: t0}); err != nil {
		t.Fatalf("MarkItemSeen(again) error = %v", err)
	}
	keys := []string{"guid:1", "guid:2"}
	for i := range 450 {
		keys = append(keys, fmt.Sprintf("guid:x%d", i))
	}
	seen, err := s.SeenItems(ctx, "g1", a.URL, keys)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]bool{"guid:1": true}, seen, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("SeenItems() mismatch (-want +got):\n%s", diff)
	}
	for _, other := range []struct{ ns, url string }{{"g2", a.URL}, {"g1", b.URL}} {
		if seen, err := s.SeenItems(ctx, other.ns, other.url, keys); err != nil || len(seen) != 0 {
			t.Errorf("SeenItems(%s, %s) = %v, %v; want nothing (items belong to one feed)", other.ns, other.url, seen, err)
		}
	}
	if seen, err := s.SeenItems(ctx, "g1", a.URL, nil); err != nil || len(seen) != 0 {
		t.Errorf("SeenItems(no keys) = %v, %v", seen, err)
	}

	if err := s.DeleteFeed(ctx, "g1", a.URL); err != nil {
		t.Fatalf("DeleteFeed() error = %v", err)
	}
	if got, _ := s.Feeds(ctx, "g1"); len(got) != 1 || got[0].URL != b.URL {
		t.Errorf("Feeds(g1) after delete = %+v", got)
	}
	if got, _ := s.Feeds(ctx, "g2"); len(got) != 1 {
		t.Errorf("deleting g1's feed touched g2's: %+v", got)
	}
	if err := s.SaveFeed(ctx, a); err != nil {
		t.Fatal(err)
	}
	if seen, err := s.SeenItems(ctx, "g1", a.URL, keys); err != nil || len(seen) != 0 {
		t.Errorf("SeenItems() of a feed deleted and added again = %v, %v; want nothing", seen, err)
	}
}

func testSubscriptions(t *testing.T, s news.Store) {
	ctx := t.Context()
	created := day.Add(321 * time.Millisecond)
	a := news.Subscription{GuildID: "g1", ChannelID: "c1", Hour: 7, Minute: 30, Timezone: "Europe/Paris",
		Outlets: []string{"Reuters"}, Topics: []string{"rates", "chips"}, CreatedBy: "u1", CreatedAt: created}
	b := news.Subscription{GuildID: "g2", ChannelID: "c2", Hour: 8, Timezone: "UTC", CreatedAt: created}
	c := news.Subscription{GuildID: "g1", ChannelID: "c0", Hour: 23, Minute: 59, Timezone: "Asia/Tokyo", CreatedAt: created}
	for _, sub := range []news.Subscription{a, b, c} {
		if err := s.PutSubscription(ctx, sub); err != nil {
			t.Fatalf("PutSubscription() error = %v", err)
		}
	}
	opts := cmpopts.EquateEmpty()
	got, err := s.ListSubscriptions(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]news.Subscription{c, a, b}, got, opts); diff != "" {
		t.Errorf("ListSubscriptions(all) mismatch (-want +got):\n%s", diff)
	}
	got, _ = s.ListSubscriptions(ctx, "g1")
	if diff := cmp.Diff([]news.Subscription{c, a}, got, opts); diff != "" {
		t.Errorf("ListSubscriptions(g1) mismatch (-want +got):\n%s", diff)
	}
	a.Hour, a.Outlets = 9, nil
	if err := s.PutSubscription(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, _ = s.ListSubscriptions(ctx, "g1")
	if diff := cmp.Diff([]news.Subscription{c, a}, got, opts); diff != "" {
		t.Errorf("ListSubscriptions(g1) after a replace mismatch (-want +got):\n%s", diff)
	}
	if ok, err := s.DeleteSubscription(ctx, "g2", "c1"); err != nil || ok {
		t.Errorf("DeleteSubscription(another guild's channel) = %v, %v; want false", ok, err)
	}
	if ok, err := s.DeleteSubscription(ctx, "g1", "c1"); err != nil || !ok {
		t.Errorf("DeleteSubscription() = %v, %v; want true", ok, err)
	}
	if ok, err := s.DeleteSubscription(ctx, "g1", "c1"); err != nil || ok {
		t.Errorf("DeleteSubscription(again) = %v, %v; want false", ok, err)
	}
	got, _ = s.ListSubscriptions(ctx, "")
	if diff := cmp.Diff([]news.Subscription{c, b}, got, opts); diff != "" {
		t.Errorf("ListSubscriptions() after a delete mismatch (-want +got):\n%s", diff)
	}
}

func testDigestRuns(t *testing.T, s news.Store) {
	ctx := t.Context()
	at := day.Add(7 * time.Hour)
	r := news.DigestRun{ChannelID: "c1", GuildID: "g1", Day: "2024-03-11", ScheduledAt: at, ClaimedAt: at}
	if ok, err := s.ClaimRun(ctx, r); err != nil || !ok {
		t.Fatalf("ClaimRun() = %v, %v; want true", ok, err)
	}
	if ok, err := s.ClaimRun(ctx, r); err != nil || ok {
		t.Errorf("ClaimRun(claimed) = %v, %v; want false", ok, err)
	}
	if _, ok, err := s.LastRun(ctx, "c1"); err != nil || ok {
		t.Errorf("LastRun() with only a claimed run = %v, %v; want none", ok, err)
	}
	// A failed run is claimed again, up to MaxRunAttempts claims in all.
	failed := r
	failed.Status, failed.Error, failed.FinishedAt = news.RunFailed, "discord is down", at
	if err := s.FinishRun(ctx, failed); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishRun(ctx, failed); err == nil {
		t.Error("FinishRun() of a run not claimed error = nil")
	}
	for i := 2; i <= news.MaxRunAttempts; i++ {
		if ok, err := s.ClaimRun(ctx, r); err != nil || !ok {
			t.Fatalf("claim %d of a failed run = %v, %v; want true", i, ok, err)
		}
		if err := s.FinishRun(ctx, failed); err != nil {
			t.Fatal(err)
		}
	}
	if ok, err := s.ClaimRun(ctx, r); err != nil || ok {
		t.Errorf("claim %d of a failing run = %v, %v; want false", news.MaxRunAttempts+1, ok, err)
	}

	r2 := news.DigestRun{ChannelID: "c1", GuildID: "g1", Day: "2024-03-12", ScheduledAt: at.AddDate(0, 0, 1), ClaimedAt: at.AddDate(0, 0, 1)}
	if ok, err := s.ClaimRun(ctx, r2); err != nil || !ok {
		t.Fatalf("ClaimRun(next day) = %v, %v", ok, err)
	}
	sent := r2
	sent.Status, sent.MessageID, sent.FinishedAt = news.RunSent, "m1", at.AddDate(0, 0, 1).Add(time.Second)
	sent.Since, sent.Until = day, day.AddDate(0, 0, 1)
	sent.ArticleIDs = []string{"a2", "a1"}
	if err := s.FinishRun(ctx, sent); err != nil {
		t.Fatal(err)
	}
	want := sent
	want.Attempts = 1
	for name, get := range map[string]func() (news.DigestRun, bool, error){
		"LastRun":      func() (news.DigestRun, bool, error) { return s.LastRun(ctx, "c1") },
		"RunByMessage": func() (news.DigestRun, bool, error) { return s.RunByMessage(ctx, "m1") },
	} {
		got, ok, err := get()
		if err != nil || !ok {
			t.Fatalf("%s() = %v, %v", name, ok, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s() mismatch (-want +got):\n%s", name, diff)
		}
	}
	if _, ok, err := s.RunByMessage(ctx, ""); err != nil || ok {
		t.Errorf("RunByMessage(\"\") = %v, %v; want none", ok, err)
	}
	if _, ok, err := s.LastRun(ctx, "c9"); err != nil || ok {
		t.Errorf("LastRun(unknown channel) = %v, %v; want none", ok, err)
	}

	// One claim wins among concurrent claimers.
	r3 := news.DigestRun{ChannelID: "c3", GuildID: "g1", Day: "2024-03-11", ScheduledAt: at, ClaimedAt: at}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		wins int
	)
	for range 8 {
		wg.Go(func() {
			ok, err := s.ClaimRun(ctx, r3)
			if err != nil {
				t.Errorf("ClaimRun() error = %v", err)
			}
			if ok {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("%d concurrent claims won, want 1", wins)
	}
}

// testDigestLeases checks that a claim is a lease: only its holder renews
// or finishes it, and once it ran out unfinished another may claim the
// run, within MaxRunAttempts claims.
func testDigestLeases(t *testing.T, s news.Store) {
	ctx := t.Context()
	at := day.Add(7 * time.Hour)
	claim := func(holder string, now time.Time, lease time.Duration) news.DigestRun {
		return news.DigestRun{ChannelID: "c1", GuildID: "g1", Day: "2024-03-11", ScheduledAt: at,
			ClaimedAt: now, Holder: holder, LeaseUntil: now.Add(lease)}
	}
	a := claim("a", at, 2*time.Minute)
	if ok, err := s.ClaimRun(ctx, a); err != nil || !ok {
		t.Fatalf("ClaimRun(a) = %v, %v; want true", ok, err)
	}
	if ok, err := s.ClaimRun(ctx, claim("b", at.Add(time.Minute), 2*time.Minute)); err != nil || ok {
		t.Errorf("ClaimRun(b) while a's lease lasts = %v, %v; want false", ok, err)
	}
	if ok, err := s.RenewRun(ctx, claim("b", at.Add(time.Minute), 2*time.Minute)); err != nil || ok {
		t.Errorf("RenewRun(b) of a's claim = %v, %v; want false", ok, err)
	}
	b := claim("b", at.Add(time.Minute), 2*time.Minute)
	b.Status, b.FinishedAt = news.RunSent, at.Add(time.Minute)
	if err := s.FinishRun(ctx, b); err == nil {
		t.Error("FinishRun(b) of a's claim error = nil")
	}
	// a renews until 08:03; b may not claim at 08:02:30, may at 08:03.
	if ok, err := s.RenewRun(ctx, claim("a", at.Add(time.Minute), 2*time.Minute)); err != nil || !ok {
		t.Fatalf("RenewRun(a) = %v, %v; want true", ok, err)
	}
	if ok, err := s.ClaimRun(ctx, claim("b", at.Add(150*time.Second), 2*time.Minute)); err != nil || ok {
		t.Errorf("ClaimRun(b) before the renewed lease ran out = %v, %v; want false", ok, err)
	}
	b = claim("b", at.Add(3*time.Minute), 2*time.Minute)
	if ok, err := s.ClaimRun(ctx, b); err != nil || !ok {
		t.Fatalf("ClaimRun(b) when a's lease ran out = %v, %v; want true", ok, err)
	}
	// a's claim is gone: it may neither renew nor finish.
	if ok, err := s.RenewRun(ctx, claim("a", at.Add(3*time.Minute), 2*time.Minute)); err != nil || ok {
		t.Errorf("RenewRun(a) after b took over = %v, %v; want false", ok, err)
	}
	lateA := a
	lateA.Status, lateA.MessageID, lateA.FinishedAt = news.RunSent, "ma", at.Add(3*time.Minute)
	if err := s.FinishRun(ctx, lateA); err == nil {
		t.Error("FinishRun(a) after b took over error = nil")
	}
	// b dies too; the third claim is the last one.
	c := claim("c", at.Add(10*time.Minute), 2*time.Minute)
	if ok, err := s.ClaimRun(ctx, c); err != nil || !ok {
		t.Fatalf("ClaimRun(c) when b's lease ran out = %v, %v; want true", ok, err)
	}
	if ok, err := s.ClaimRun(ctx, claim("d", at.Add(20*time.Minute), 2*time.Minute)); err != nil || ok {
		t.Errorf("claim %d of a run = %v, %v; want false", news.MaxRunAttempts+1, ok, err)
	}
	sent := c
	sent.Status, sent.MessageID, sent.FinishedAt = news.RunSent, "mc", at.Add(11*time.Minute)
	sent.Since, sent.Until = day, at
	sent.ArticleIDs = []string{}
	if err := s.FinishRun(ctx, sent); err != nil {
		t.Fatalf("FinishRun(c) error = %v", err)
	}
	want := sent
	want.Attempts = 3
	want.ArticleIDs = nil
	got, ok, err := s.RunByMessage(ctx, "mc")
	if err != nil || !ok {
		t.Fatalf("RunByMessage() = %v, %v", ok, err)
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("RunByMessage() mismatch (-want +got):\n%s", diff)
	}
	if ok, err := s.ClaimRun(ctx, claim("e", at.Add(time.Hour), 2*time.Minute)); err != nil || ok {
		t.Errorf("ClaimRun() of a sent run = %v, %v; want false", ok, err)
	}
	if ok, err := s.RenewRun(ctx, c); err != nil || ok {
		t.Errorf("RenewRun() of a sent run = %v, %v; want false", ok, err)
	}

	// A claim with no lease never runs out.
	forever := news.DigestRun{ChannelID: "c2", GuildID: "g1", Day: "2024-03-11", ScheduledAt: at, ClaimedAt: at, Holder: "a"}
	if ok, err := s.ClaimRun(ctx, forever); err != nil || !ok {
		t.Fatalf("ClaimRun(no lease) = %v, %v; want true", ok, err)
	}
	later := forever
	later.Holder, later.ClaimedAt, later.LeaseUntil = "b", at.AddDate(0, 0, 1), at.AddDate(0, 0, 1).Add(time.Minute)
	if ok, err := s.ClaimRun(ctx, later); err != nil || ok {
		t.Errorf("ClaimRun() of a claim with no lease = %v, %v; want false", ok, err)
	}
}

func testFeedback(t *testing.T, s news.Store) {
	ctx := t.Context()
	ans := news.Answer{Text: "The bank held rates [1].", Sources: []news.Source{{N: 1, ArticleID: "rates", Title: "Central bank holds rates",
		Outlet: "Reuters", PublishedAt: day, URL: "https://example.test/rates", Passage: "The central bank kept rates steady."}}}
	before := time.Now().Add(-time.Second)
	id, err := s.RecordAnswer(ctx, "g1", "c1", "u1", "What did the bank do?", ans)
	if err != nil {
		t.Fatal(err)
	}
	refused, err := s.RecordAnswer(ctx, "g1", "c1", "u2", "Who won?", news.Answer{Text: "I can't tell.", Refused: true})
	if err != nil || refused == id {
		t.Fatalf("RecordAnswer() = %d, %v; want a new id", refused, err)
	}
	q, got, err := s.RecordedAnswer(ctx, "g1", id)
	if err != nil || q != "What did the bank do?" {
		t.Fatalf("RecordedAnswer() = %q, %v", q, err)
	}
	if diff := cmp.Diff(ans, got); diff != "" {
		t.Errorf("RecordedAnswer() mismatch (-want +got):\n%s", diff)
	}
	if _, got, err := s.RecordedAnswer(ctx, "g1", refused); err != nil || !got.Refused || len(got.Sources) != 0 {
		t.Errorf("RecordedAnswer(refused) = %+v, %v", got, err)
	}
	if _, _, err := s.RecordedAnswer(ctx, "g2", id); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("RecordedAnswer(another namespace) error = %v, want ErrNotFound", err)
	}

	for _, v := range []struct {
		user string
		vote int
	}{{"u1", 1}, {"u2", 1}, {"u3", -1}, {"u2", -1}} {
		if err := s.Vote(ctx, "g1", id, v.user, v.vote); err != nil {
			t.Fatalf("Vote(%s, %d) error = %v", v.user, v.vote, err)
		}
	}
	if up, down, err := s.Votes(ctx, "g1", id); err != nil || up != 1 || down != 2 {
		t.Errorf("Votes() = %d up, %d down, %v; want 1, 2 (a member's later vote replaces theirs)", up, down, err)
	}
	if err := s.Vote(ctx, "g1", id, "u1", 2); err == nil {
		t.Error("Vote(2) error = nil")
	}
	if err := s.Vote(ctx, "g2", id, "u1", 1); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("Vote(another namespace) error = %v, want ErrNotFound", err)
	}
	if up, down, err := s.Votes(ctx, "g2", id); err != nil || up != 0 || down != 0 {
		t.Errorf("Votes(another namespace) = %d, %d, %v; want none", up, down, err)
	}
	if n, err := s.QuestionsSince(ctx, "g1", before); err != nil || n != 2 {
		t.Errorf("QuestionsSince(before) = %d, %v; want 2", n, err)
	}
	if n, err := s.QuestionsSince(ctx, "g1", time.Now().Add(time.Hour)); err != nil || n != 0 {
		t.Errorf("QuestionsSince(later) = %d, %v; want 0", n, err)
	}
	if n, err := s.QuestionsSince(ctx, "g2", before); err != nil || n != 0 {
		t.Errorf("QuestionsSince(another namespace) = %d, %v; want 0", n, err)
	}
}

// otherEmbedder embeds into twice the dimension, for re-embedding.
type otherEmbedder struct{}

func (otherEmbedder) ID() string { return "storetest-other" }
func (otherEmbedder) Dim() int   { return 2 * Dim }
func (otherEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		v := vec(t)
		out[i] = unit(append(slices.Clone(v), v...))
	}
	return out, nil
}

func testMaintenance(t *testing.T, s news.Store) {
	ctx := t.Context()
	if s.EmbedderID() != EmbedderID || s.Dim() != Dim {
		t.Fatalf("EmbedderID(), Dim() = %q, %d; want %q, %d", s.EmbedderID(), s.Dim(), EmbedderID, Dim)
	}
	seed(t, s, "g1")
	seed(t, s, "g2")
	r, err := s.Check(ctx)
	if err != nil || !r.OK() || r.Articles != 10 || r.Chunks != 16 {
		t.Fatalf("Check() = %+v, %v; want a sound store of 10 articles, 16 chunks", r, err)
	}
	var calls int
	if err := s.Reembed(ctx, otherEmbedder{}, func(done, total int) {
		calls++
		if done > total || total != 16 {
			t.Errorf("progress(%d, %d); want at most 16 of 16", done, total)
		}
	}); err != nil {
		t.Fatalf("Reembed() error = %v", err)
	}
	if calls == 0 {
		t.Error("Reembed() never reported progress")
	}
	if s.EmbedderID() != "storetest-other" || s.Dim() != 2*Dim {
		t.Errorf("after Reembed EmbedderID(), Dim() = %q, %d", s.EmbedderID(), s.Dim())
	}
	q, _ := otherEmbedder{}.Embed(ctx, []string{"Eagles beat Chiefs. The Eagles won the final against the Chiefs in overtime."})
	hits, err := s.Dense(ctx, "g2", q[0], 1, news.Filter{})
	if err != nil || len(hits) != 1 || hits[0].Chunk.ID != "football#0" || hits[0].Article.Namespace != "g2" {
		t.Errorf("Dense() with the new embedder = %v, %v; want g2's football#0", hitIDs(hits), err)
	}
	if _, err := s.Dense(ctx, "g2", vec("eagles"), 1, news.Filter{}); err == nil {
		t.Error("Dense() with a vector of the old dimension error = nil")
	}
	if cs, err := s.Chunks(ctx, "g1", "rates"); err != nil || len(cs) != 2 || len(cs[0].Embedding) != 2*Dim {
		t.Errorf("Chunks() after Reembed = %d chunks, %v; want vectors of %d dimensions", len(cs), err, 2*Dim)
	}
	if r, err := s.Check(ctx); err != nil || !r.OK() {
		t.Errorf("Check() after Reembed = %+v, %v", r, err)
	}
}

func testConcurrent(t *testing.T, s news.Store) {
	ctx := t.Context()
	seed(t, s, "g1")
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 10 {
				id := fmt.Sprintf("w%d-%d", w, i)
				a, c := article("g1", id, "Concurrent "+id, "Wire", day, "Passage one of "+id+".", "Passage two about markets.")
				if _, err := s.PutArticle(ctx, a, c); err != nil {
					t.Errorf("PutArticle(%s) error = %v", id, err)
					return
				}
				if i%3 == 0 {
					if err := s.DeleteArticle(ctx, "g1", id); err != nil {
						t.Errorf("DeleteArticle(%s) error = %v", id, err)
					}
				}
			}
		})
		wg.Go(func() {
			for range 20 {
				hits, err := s.Dense(ctx, "g1", vec("passage markets"), 5, news.Filter{})
				if err != nil {
					t.Errorf("Dense() error = %v", err)
					return
				}
				for _, h := range hits {
					if h.Chunk.Text == "" || h.Article.ID == "" {
						t.Errorf("Dense() returned a partial hit during writes: %+v", h)
					}
				}
				if _, err := s.Keyword(ctx, "g1", []string{"markets", "passage"}, 5, news.Filter{}); err != nil {
					t.Errorf("Keyword() error = %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	st, err := s.Stats(ctx, "g1")
	if err != nil || st.Articles != 5+4*6 || st.Chunks != 8+4*6*2 {
		t.Errorf("Stats() after concurrent writes = %+v, %v; want %d articles, %d chunks", st, err, 5+4*6, 8+4*6*2)
	}
	if r, err := s.Check(ctx); err != nil || !r.OK() {
		t.Errorf("Check() after concurrent writes = %+v, %v", r, err)
	}
}
