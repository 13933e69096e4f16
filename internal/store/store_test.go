package store

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gazettebot/gazette/internal/store/vindex"
	"github.com/gazettebot/gazette/news"
)

// fakeEmbedder hashes words into dim buckets: deterministic, unit length,
// and texts sharing words are close.
type fakeEmbedder struct {
	id  string
	dim int
}

func (e fakeEmbedder) ID() string { return e.id }
func (e fakeEmbedder) Dim() int   { return e.dim }
func (e fakeEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = e.vec(t)
	}
	return out, nil
}

func (e fakeEmbedder) vec(text string) []float32 {
	v := make([]float32, e.dim)
	v[0] = 0.01 // never the zero vector
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }) {
		h := fnv.New32a()
		h.Write([]byte(e.id + w))
		v[h.Sum32()%uint32(e.dim)]++
	}
	var sum float64
	for _, x := range v {
		sum += float64(x * x)
	}
	for i := range v {
		v[i] /= float32(math.Sqrt(sum))
	}
	return v
}

var testEmbedder = fakeEmbedder{id: "fake-a", dim: 32}

func openTest(t testing.TB, path string) *Store {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "gazette.db")
	}
	s, err := Open(context.Background(), path, Options{
		Logger:     slog.New(slog.DiscardHandler),
		EmbedderID: testEmbedder.id,
		Dim:        testEmbedder.dim,
	})
	if err != nil {
		t.Fatalf("Open() error = %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var day = time.Date(2023, 11, 20, 0, 0, 0, 0, time.UTC)

// article builds an article and its embedded chunks, one per passage.
func article(ns, id, title, outlet string, published time.Time, passages ...string) (news.Article, []news.Chunk) {
	a := news.Article{
		Namespace: ns, ID: id, URL: "https://example.com/" + id, Title: title, Outlet: outlet,
		Author: "A. Writer", PublishedAt: published, IngestedAt: published.Add(time.Hour),
		Language: "en", Body: strings.Join(passages, "\n\n"),
	}
	a.ContentHash = news.ContentHash(a.Body)
	chunks := make([]news.Chunk, len(passages))
	for i, p := range passages {
		chunks[i] = news.Chunk{
			ID: fmt.Sprintf("%s#%d", id, i), ArticleID: id, Position: i, Text: p,
			Embedding: testEmbedder.vec(news.EmbeddingText(a, p)),
		}
	}
	return a, chunks
}

func mustPut(t testing.TB, s *Store, a news.Article, chunks []news.Chunk, want news.PutResult) {
	t.Helper()
	got, err := s.PutArticle(context.Background(), a, chunks)
	if err != nil {
		t.Fatalf("PutArticle(%s) error = %v", a.ID, err)
	}
	if got != want {
		t.Fatalf("PutArticle(%s) = %v, want %v", a.ID, got, want)
	}
}

func mustCheck(t testing.TB, s *Store) {
	t.Helper()
	r, err := s.Check(context.Background())
	if err != nil {
		t.Fatalf("Check() error = %v", err)
	}
	if !r.OK() {
		t.Fatalf("Check() problems:\n%s", strings.Join(r.Problems, "\n"))
	}
}

func hitIDs(hits []news.Hit) []string {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.Chunk.ID
	}
	return ids
}

// seed stores three articles in "g1" and one in "g2".
func seed(t testing.TB, s *Store) {
	t.Helper()
	a, c := article("g1", "nvidia", "Nvidia earnings beat forecasts", "TechCrunch", day,
		"Nvidia reported record quarterly revenue driven by data center chips.",
		"The company expects demand for AI accelerators to keep growing next year.")
	mustPut(t, s, a, c, news.PutNew)
	a, c = article("g1", "football", "Chiefs beat the Eagles", "Sporting News", day.AddDate(0, 0, 2),
		"The Kansas City Chiefs won the game with a late field goal.")
	mustPut(t, s, a, c, news.PutNew)
	a, c = article("g1", "openai", "OpenAI board ousts Sam Altman", "The Verge", day.AddDate(0, 0, 4),
		"OpenAI's board removed Sam Altman as chief executive on Friday.",
		"Microsoft, OpenAI's biggest investor, said it remains committed to the partnership.",
		"Employees threatened to quit unless the board resigned.")
	mustPut(t, s, a, c, news.PutNew)
	a, c = article("g2", "nvidia", "Nvidia stock falls", "Fortune", day.AddDate(0, 0, 1),
		"Shares of Nvidia fell after export rules tightened for chips.")
	mustPut(t, s, a, c, news.PutNew)
}

func TestPutAndGet(t *testing.T) {
	ctx := t.Context()
	s := openTest(t, "")
	seed(t, s)
	want, _ := article("g1", "nvidia", "Nvidia earnings beat forecasts", "TechCrunch", day,
		"Nvidia reported record quarterly revenue driven by data center chips.",
		"The company expects demand for AI accelerators to keep growing next year.")
	for _, tc := range []struct {
		name string
		get  func() (news.Article, error)
	}{
		{"by id", func() (news.Article, error) { return s.Article(ctx, "g1", "nvidia") }},
		{"by url", func() (news.Article, error) { return s.ArticleByURL(ctx, "g1", want.URL) }},
		{"by hash", func() (news.Article, error) { return s.ArticleByHash(ctx, "g1", want.ContentHash) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.get()
			if err != nil {
				t.Fatalf("get error = %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"missing id", func() error { _, err := s.Article(ctx, "g1", "nope"); return err }()},
		{"other namespace", func() error { _, err := s.Article(ctx, "g3", "nvidia"); return err }()},
		{"empty url", func() error { _, err := s.ArticleByURL(ctx, "g1", ""); return err }()},
		{"empty hash", func() error { _, err := s.ArticleByHash(ctx, "g1", ""); return err }()},
	} {
		if !errors.Is(tc.err, news.ErrNotFound) {
			t.Errorf("%s: error = %v, want news.ErrNotFound", tc.name, tc.err)
		}
	}
	chunks, err := s.Chunks(ctx, "g1", "openai")
	if err != nil {
		t.Fatalf("Chunks() error = %v", err)
	}
	var pos []int
	for _, c := range chunks {
		pos = append(pos, c.Position)
		if len(c.Embedding) != testEmbedder.dim {
			t.Errorf("chunk %s embedding has %d dims", c.ID, len(c.Embedding))
		}
	}
	if diff := cmp.Diff([]int{0, 1, 2}, pos); diff != "" {
		t.Errorf("positions mismatch (-want +got):\n%s", diff)
	}
	if _, err := s.Chunks(ctx, "g1", "nope"); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("Chunks(missing) error = %v, want news.ErrNotFound", err)
	}
	mustCheck(t, s)
}

func TestPutUnchangedAndUpdated(t *testing.T) {
	ctx := t.Context()
	s := openTest(t, "")
	a, c := article("g1", "x", "Rates", "Reuters", day, "The central bank held rates steady.")
	mustPut(t, s, a, c, news.PutNew)
	a.Title = "Changed title but same body"
	mustPut(t, s, a, c, news.PutUnchanged)
	got, err := s.Article(ctx, "g1", "x")
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Rates" {
		t.Errorf("unchanged put rewrote the title: %q", got.Title)
	}

	a2, c2 := article("g1", "x", "Rates cut", "Reuters", day, "The central bank cut rates.", "Markets rallied on the news.")
	mustPut(t, s, a2, c2, news.PutUpdated)
	hits, err := s.Keyword(ctx, "g1", []string{"steady"}, 10, news.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 0 {
		t.Errorf("old text still found after update: %v", hitIDs(hits))
	}
	hits, err = s.Keyword(ctx, "g1", []string{"rallied", "cut"}, 10, news.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"x#0", "x#1"}, hitIDs(hits), cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("keyword after update mismatch (-want +got):\n%s", diff)
	}
	// the title index follows the new title
	hits, err = s.Keyword(ctx, "g1", []string{"steady"}, 10, news.Filter{})
	if err != nil || len(hits) != 0 {
		t.Errorf("Keyword(steady) = %v, %v", hitIDs(hits), err)
	}
	st, err := s.Stats(ctx, "g1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(news.Stats{Articles: 1, Chunks: 2, EmbedderID: "fake-a", Dim: 32}, st); diff != "" {
		t.Errorf("Stats mismatch (-want +got):\n%s", diff)
	}
	mustCheck(t, s)
}

func TestPutFailureLeavesNothing(t *testing.T) {
	ctx := t.Context()
	s := openTest(t, "")
	// A trigger makes the insert of one chunk fail inside the transaction.
	if _, err := s.DB().ExecContext(ctx, `CREATE TEMP TRIGGER boom BEFORE INSERT ON chunks
		WHEN new.text LIKE '%boom%' BEGIN SELECT RAISE(ABORT, 'boom'); END`); err != nil {
		t.Fatal(err)
	}
	s.DB().SetMaxOpenConns(1) // the temp trigger lives on one connection

	a, c := article("g1", "x", "Fine", "Reuters", day, "First passage.", "Then boom.")
	if _, err := s.PutArticle(ctx, a, c); err == nil {
		t.Fatal("PutArticle() error = nil, want the trigger's failure")
	}
	if _, err := s.Article(ctx, "g1", "x"); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("Article() after failed put: error = %v, want news.ErrNotFound", err)
	}
	st, _ := s.Stats(ctx, "g1")
	if st.Articles != 0 || st.Chunks != 0 {
		t.Errorf("Stats() after failed put = %+v", st)
	}
	mustCheck(t, s)

	// A failed update leaves the previous version whole.
	a, c = article("g1", "y", "Old", "Reuters", day, "Old first.", "Old second.")
	mustPut(t, s, a, c, news.PutNew)
	a2, c2 := article("g1", "y", "New", "Reuters", day, "New first.", "New boom.")
	if _, err := s.PutArticle(ctx, a2, c2); err == nil {
		t.Fatal("PutArticle(update) error = nil")
	}
	got, err := s.Article(ctx, "g1", "y")
	if err != nil || got.Title != "Old" {
		t.Errorf("Article() after failed update = %q, %v; want Old", got.Title, err)
	}
	chunks, _ := s.Chunks(ctx, "g1", "y")
	if len(chunks) != 2 || chunks[1].Text != "Old second." {
		t.Errorf("chunks after failed update = %+v", chunks)
	}
	hits, err := s.Dense(ctx, "g1", testEmbedder.vec("Old. Old second."), 5, news.Filter{})
	if err != nil || len(hits) != 2 {
		t.Errorf("Dense() after failed update = %v, %v", hitIDs(hits), err)
	}
	mustCheck(t, s)
}

func TestPutRejectsBadInput(t *testing.T) {
	s := openTest(t, "")
	a, c := article("g1", "x", "T", "O", day, "One.", "Two.")
	for _, tc := range []struct {
		name   string
		mutate func(a *news.Article, c []news.Chunk) []news.Chunk
	}{
		{"no chunks", func(*news.Article, []news.Chunk) []news.Chunk { return nil }},
		{"no namespace", func(a *news.Article, c []news.Chunk) []news.Chunk { a.Namespace = ""; return c }},
		{"wrong dim", func(_ *news.Article, c []news.Chunk) []news.Chunk { c[1].Embedding = c[1].Embedding[:5]; return c }},
		{"nil embedding", func(_ *news.Article, c []news.Chunk) []news.Chunk { c[0].Embedding = nil; return c }},
		{"zero vector", func(_ *news.Article, c []news.Chunk) []news.Chunk { c[0].Embedding = make([]float32, 32); return c }},
		{"NaN", func(_ *news.Article, c []news.Chunk) []news.Chunk {
			c[0].Embedding = append([]float32{float32(math.NaN())}, c[0].Embedding[1:]...)
			return c
		}},
		{"duplicate id", func(_ *news.Article, c []news.Chunk) []news.Chunk { c[1].ID = c[0].ID; return c }},
		{"bad position", func(_ *news.Article, c []news.Chunk) []news.Chunk { c[1].Position = 5; return c }},
		{"other article", func(_ *news.Article, c []news.Chunk) []news.Chunk { c[1].ArticleID = "z"; return c }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a2 := a
			c2 := append([]news.Chunk(nil), c...)
			c2 = tc.mutate(&a2, c2)
			if _, err := s.PutArticle(t.Context(), a2, c2); err == nil {
				t.Errorf("PutArticle() error = nil, want an error")
			}
		})
	}
	st, _ := s.Stats(t.Context(), "g1")
	if st.Articles != 0 {
		t.Errorf("a rejected put stored %d articles", st.Articles)
	}
}

func TestPutNormalises(t *testing.T) {
	s := openTest(t, "")
	a, c := article("g1", "x", "T", "O", day, "One.")
	for i := range c[0].Embedding {
		c[0].Embedding[i] *= 3
	}
	mustPut(t, s, a, c, news.PutNew)
	chunks, err := s.Chunks(t.Context(), "g1", "x")
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, x := range chunks[0].Embedding {
		sum += float64(x * x)
	}
	if math.Abs(sum-1) > 1e-5 {
		t.Errorf("stored vector has squared norm %v, want 1", sum)
	}
	mustCheck(t, s)
}

func TestRebuildAtReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "g.db")
	s := openTest(t, path)
	seed(t, s)
	query := testEmbedder.vec("Nvidia chips demand")
	before, err := s.Dense(ctx, "g1", query, 10, news.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(before) != 6 {
		t.Fatalf("Dense() found %d, want 6", len(before))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2 := openTest(t, path)
	after, err := s2.Dense(ctx, "g1", query, 10, news.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, after, cmpopts.EquateApprox(0, 1e-6)); diff != "" {
		t.Errorf("Dense after reopen mismatch (-want +got):\n%s", diff)
	}
	mustCheck(t, s2)
}

func TestDeleteEverywhere(t *testing.T) {
	ctx := t.Context()
	s := openTest(t, "")
	seed(t, s)
	if err := s.DeleteArticle(ctx, "g1", "openai"); err != nil {
		t.Fatalf("DeleteArticle() error = %v", err)
	}
	if err := s.DeleteArticle(ctx, "g1", "openai"); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("second DeleteArticle() error = %v, want news.ErrNotFound", err)
	}
	if _, err := s.Article(ctx, "g1", "openai"); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("Article() error = %v, want news.ErrNotFound", err)
	}
	kw, err := s.Keyword(ctx, "g1", []string{"Altman", "board", "OpenAI"}, 10, news.Filter{})
	if err != nil || len(kw) != 0 {
		t.Errorf("Keyword() after delete = %v, %v", hitIDs(kw), err)
	}
	dense, err := s.Dense(ctx, "g1", testEmbedder.vec("OpenAI board Altman"), 10, news.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range dense {
		if h.Article.ID == "openai" {
			t.Errorf("Dense() after delete found %s", h.Chunk.ID)
		}
	}
	if len(dense) != 3 {
		t.Errorf("Dense() after delete found %d chunks, want 3", len(dense))
	}
	var fts int
	if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM chunks_fts`).Scan(&fts); err != nil || fts != 4 {
		t.Errorf("FTS rows after delete = %d, %v; want 4", fts, err)
	}
	// g2's article with the same id is untouched
	if _, err := s.Article(ctx, "g2", "nvidia"); err != nil {
		t.Errorf("Article(g2) error = %v", err)
	}
	mustCheck(t, s)
}

func TestNamespaceIsolation(t *testing.T) {
	ctx := t.Context()
	s := openTest(t, "")
	seed(t, s)
	for _, tc := range []struct {
		ns   string
		want []string
	}{
		{"g1", []string{"nvidia#0", "nvidia#1"}},
		{"g2", []string{"nvidia#0"}},
		{"g3", nil},
	} {
		t.Run(tc.ns, func(t *testing.T) {
			kw, err := s.Keyword(ctx, tc.ns, []string{"Nvidia"}, 10, news.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			got := hitIDs(kw)
			sort.Strings(got)
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Keyword mismatch (-want +got):\n%s", diff)
			}
			dense, err := s.Dense(ctx, tc.ns, testEmbedder.vec("Nvidia"), 100, news.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range dense {
				if h.Article.Namespace != tc.ns {
					t.Errorf("Dense(%s) returned %s from %s", tc.ns, h.Chunk.ID, h.Article.Namespace)
				}
			}
		})
	}
	// Any namespace string works, and a prefix of one is another namespace.
	a, c := article("Ünï cödé 東京 ns", "nvidia", "Nvidia in Tokyo", "Nikkei", day, "Nvidia opened a Tokyo office.")
	mustPut(t, s, a, c, news.PutNew)
	a, c = article("g", "nvidia", "Nvidia in g", "Nikkei", day, "Nvidia is in namespace g.")
	mustPut(t, s, a, c, news.PutNew)
	for ns, want := range map[string]string{"Ünï cödé 東京 ns": "Nvidia in Tokyo", "g": "Nvidia in g"} {
		kw, err := s.Keyword(ctx, ns, []string{"nvidia"}, 10, news.Filter{Outlets: []string{"nikkei"}})
		if err != nil || len(kw) != 1 || kw[0].Article.Title != want {
			t.Errorf("Keyword(%q) = %+v, %v; want only %q", ns, kw, err, want)
		}
		kw, err = s.Keyword(ctx, ns, []string{"nvidia"}, 10, news.Filter{})
		if err != nil || len(kw) != 1 || kw[0].Article.Title != want {
			t.Errorf("Keyword(%q) = %+v, %v; want only %q", ns, kw, err, want)
		}
	}
	mustCheck(t, s)
	g2, _ := s.Dense(ctx, "g2", testEmbedder.vec("Nvidia"), 100, news.Filter{})
	if len(g2) != 1 || g2[0].Article.Title != "Nvidia stock falls" {
		t.Errorf("Dense(g2) = %+v", g2)
	}
}

func TestKClamping(t *testing.T) {
	ctx := t.Context()
	s := openTest(t, "")
	seed(t, s)
	q := testEmbedder.vec("anything at all")
	for _, tc := range []struct {
		name string
		ns   string
		k    int
		f    news.Filter
		want int
	}{
		{"more than held", "g1", 1000, news.Filter{}, 6},
		{"exact", "g1", 6, news.Filter{}, 6},
		{"fewer", "g1", 2, news.Filter{}, 2},
		{"zero", "g1", 0, news.Filter{}, 0},
		{"negative", "g1", -3, news.Filter{}, 0},
		{"empty namespace", "nobody", 10, news.Filter{}, 0},
		{"filter keeps few", "g1", 10, news.Filter{Outlets: []string{"sporting news"}}, 1},
		{"filter keeps none", "g1", 10, news.Filter{Outlets: []string{"BBC"}}, 0},
		{"filter on empty namespace", "nobody", 10, news.Filter{Outlets: []string{"BBC"}}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hits, err := s.Dense(ctx, tc.ns, q, tc.k, tc.f)
			if err != nil {
				t.Fatalf("Dense() error = %v", err)
			}
			if len(hits) != tc.want {
				t.Errorf("Dense() found %d, want %d", len(hits), tc.want)
			}
		})
	}
	// a namespace emptied by deletes keeps an empty collection
	if err := s.DeleteArticle(ctx, "g2", "nvidia"); err != nil {
		t.Fatal(err)
	}
	if hits, err := s.Dense(ctx, "g2", q, 5, news.Filter{}); err != nil || len(hits) != 0 {
		t.Errorf("Dense(emptied) = %v, %v", hitIDs(hits), err)
	}
	if _, err := s.Dense(ctx, "g1", []float32{1, 2}, 5, news.Filter{}); err == nil {
		t.Error("Dense(wrong dim) error = nil")
	}
}

// bruteForce is the reference for Dense: the cosine of every chunk of the
// articles that keep passes.
func bruteForce(t *testing.T, s *Store, ns string, q []float32, k int, keep func(news.Article) bool) []float64 {
	t.Helper()
	arts, _, err := s.ListArticles(t.Context(), ns, news.ListOptions{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	type sc struct {
		id string
		s  float64
	}
	var all []sc
	qn, _ := vindex.Normalize(q, len(q))
	for _, a := range arts {
		if !keep(a) {
			continue
		}
		chunks, err := s.Chunks(t.Context(), ns, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range chunks {
			all = append(all, sc{c.ID, news.Cosine(qn, c.Embedding)})
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].s != all[j].s {
			return all[i].s > all[j].s
		}
		return all[i].id < all[j].id
	})
	var scores []float64
	for i := 0; i < len(all) && i < k; i++ {
		scores = append(scores, all[i].s)
	}
	return scores
}

func TestFilters(t *testing.T) {
	ctx := t.Context()
	s := openTest(t, "")
	// 40 articles over 40 days and 4 outlets, two chunks each.
	outlets := []string{"TechCrunch", "The Verge", "Fortune", "Wired"}
	topics := []string{"chips", "football", "elections", "rates", "climate"}
	for i := range 40 {
		id := fmt.Sprintf("a%02d", i)
		topic := topics[i%len(topics)]
		a, c := article("g", id, fmt.Sprintf("Story %d about %s", i, topic), outlets[i%4], day.AddDate(0, 0, i),
			fmt.Sprintf("News about %s number %d.", topic, i), fmt.Sprintf("More on %s and markets.", topic))
		mustPut(t, s, a, c, news.PutNew)
	}
	q := testEmbedder.vec("chips and markets")
	for _, tc := range []struct {
		name string
		f    news.Filter
		keep func(news.Article) bool
	}{
		{"none", news.Filter{}, func(news.Article) bool { return true }},
		{"one outlet (small share)", news.Filter{Outlets: []string{"fortune"}}, func(a news.Article) bool { return a.Outlet == "Fortune" }},
		{"three outlets (large share)", news.Filter{Outlets: []string{"Fortune", "the verge", "WIRED"}},
			func(a news.Article) bool { return a.Outlet != "TechCrunch" }},
		{"since", news.Filter{Since: day.AddDate(0, 0, 30)}, func(a news.Article) bool { return !a.PublishedAt.Before(day.AddDate(0, 0, 30)) }},
		{"until", news.Filter{Until: day.AddDate(0, 0, 35)}, func(a news.Article) bool { return a.PublishedAt.Before(day.AddDate(0, 0, 35)) }},
		{"window and outlet", news.Filter{Since: day.AddDate(0, 0, 5), Until: day.AddDate(0, 0, 25), Outlets: []string{"TechCrunch"}},
			func(a news.Article) bool {
				return a.Outlet == "TechCrunch" && !a.PublishedAt.Before(day.AddDate(0, 0, 5)) && a.PublishedAt.Before(day.AddDate(0, 0, 25))
			}},
		{"ingested since", news.Filter{IngestedSince: day.AddDate(0, 0, 38)}, func(a news.Article) bool { return a.ID >= "a38" }},
		{"article ids", news.Filter{ArticleIDs: []string{"a03", "a17"}}, func(a news.Article) bool { return a.ID == "a03" || a.ID == "a17" }},
		{"empty article ids", news.Filter{ArticleIDs: []string{}}, func(news.Article) bool { return false }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []int{1, 5, 30, 100} {
				hits, err := s.Dense(ctx, "g", q, k, tc.f)
				if err != nil {
					t.Fatalf("Dense() error = %v", err)
				}
				// Equal scores may come in any order: compare the scores,
				// and check each hit passes the filter.
				want := bruteForce(t, s, "g", q, k, tc.keep)
				var got []float64
				for _, h := range hits {
					got = append(got, h.Score)
					if !tc.keep(h.Article) {
						t.Errorf("Dense(k=%d) returned %s outside the filter", k, h.Chunk.ID)
					}
				}
				if diff := cmp.Diff(want, got, cmpopts.EquateEmpty(), cmpopts.EquateApprox(0, 1e-5)); diff != "" {
					t.Errorf("Dense(k=%d) scores mismatch (-want +got):\n%s", k, diff)
				}
				kw, err := s.Keyword(ctx, "g", []string{"chips", "markets"}, k, tc.f)
				if err != nil {
					t.Fatalf("Keyword() error = %v", err)
				}
				for _, h := range kw {
					if !tc.keep(h.Article) {
						t.Errorf("Keyword(k=%d) returned %s outside the filter", k, h.Chunk.ID)
					}
				}
				if n := len(bruteForce(t, s, "g", q, 1000, tc.keep)); len(kw) > n {
					t.Errorf("Keyword found %d > %d allowed chunks", len(kw), n)
				}
			}
		})
	}
}

func TestKeyword(t *testing.T) {
	ctx := t.Context()
	s := openTest(t, "")
	seed(t, s)
	for _, tc := range []struct {
		name  string
		terms []string
		want  []string // first hits, in order
	}{
		{"title term", []string{"Eagles"}, []string{"football#0"}},
		{"stemming", []string{"growing", "accelerator"}, []string{"nvidia#1"}},
		{"case and punctuation", []string{`"OPENAI's"`, "board?!"}, []string{"openai#0"}},
		{"no letters", []string{"?!", " ", `"`}, nil},
		{"fts syntax is inert", []string{"NEAR(chiefs", "eagles)", "AND", `-"x"`, "OR", "*", "^"}, []string{"football#0"}},
		{"empty", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hits, err := s.Keyword(ctx, "g1", tc.terms, 10, news.Filter{})
			if err != nil {
				t.Fatalf("Keyword(%q) error = %v", tc.terms, err)
			}
			got := hitIDs(hits)
			if len(got) > len(tc.want) {
				got = got[:len(tc.want)]
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Keyword(%q) mismatch (-want +got):\n%s", tc.terms, diff)
			}
			for i := 1; i < len(hits); i++ {
				if hits[i].Score > hits[i-1].Score {
					t.Errorf("scores not descending: %v then %v", hits[i-1].Score, hits[i].Score)
				}
			}
			for _, h := range hits {
				if h.Article.Body != "" || h.Article.Title == "" || h.Chunk.Text == "" {
					t.Errorf("hit %s lacks metadata or carries the body: %+v", h.Chunk.ID, h)
				}
			}
		})
	}
}

func TestFTSMatch(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"techcrunch", "Nvidia", "chips"}, `"techcrunch" OR "nvidia" OR "chips"`},
		{[]string{"Eagles", "eagles", " EAGLES "}, `"eagles"`},
		{[]string{`"quoted"`, "NEAR(x", "*", ""}, `"""quoted""" OR "near(x"`},
		{[]string{"café", "東京", "2023"}, `"café" OR "東京" OR "2023"`},
	} {
		if got := ftsMatch(tc.in); got != tc.want {
			t.Errorf("ftsMatch(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func FuzzKeyword(f *testing.F) {
	s := openTest(f, "")
	seed(f, s)
	for _, q := range []string{"", `"`, `NEAR(a b)`, "a OR", "*", "-x", "col:val", "東京", "\x00", "( ) ^ +"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		for _, terms := range [][]string{{q}, strings.Fields(q)} {
			if _, err := s.Keyword(context.Background(), "g1", terms, 5, news.Filter{}); err != nil {
				t.Fatalf("Keyword(%q) error = %v (match %s)", terms, err, ftsMatch(terms))
			}
		}
	})
}

func TestListArticlesOutlets(t *testing.T) {
	ctx := t.Context()
	s := openTest(t, "")
	seed(t, s)
	a, c := article("g1", "noout", "No outlet here", "", time.Time{}, "Text without an outlet.")
	a.IngestedAt = day.AddDate(0, 0, 10)
	mustPut(t, s, a, c, news.PutNew)

	ids := func(arts []news.Article) []string {
		var out []string
		for _, a := range arts {
			out = append(out, a.ID)
			if a.Body != "" {
				t.Errorf("ListArticles returned a body for %s", a.ID)
			}
		}
		return out
	}
	for _, tc := range []struct {
		name      string
		o         news.ListOptions
		want      []string
		wantTotal int
	}{
		{"all newest first", news.ListOptions{}, []string{"noout", "openai", "football", "nvidia"}, 4},
		{"page", news.ListOptions{Offset: 1, Limit: 2}, []string{"openai", "football"}, 4},
		{"search title", news.ListOptions{Search: "altman"}, []string{"openai"}, 1},
		{"search outlet", news.ListOptions{Search: "sporting"}, []string{"football"}, 1},
		{"search is literal", news.ListOptions{Search: "%"}, nil, 0},
		{"outlets", news.ListOptions{Outlets: []string{"the verge", "TechCrunch"}}, []string{"openai", "nvidia"}, 2},
		{"ingested since", news.ListOptions{IngestedSince: day.AddDate(0, 0, 3)}, []string{"noout", "openai"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			arts, total, err := s.ListArticles(ctx, "g1", tc.o)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, ids(arts), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			if total != tc.wantTotal {
				t.Errorf("total = %d, want %d", total, tc.wantTotal)
			}
		})
	}
	outs, err := s.Outlets(ctx, "g1")
	if err != nil {
		t.Fatal(err)
	}
	want := []news.OutletInfo{
		{Name: "Sporting News", Articles: 1, First: day.AddDate(0, 0, 2), Last: day.AddDate(0, 0, 2)},
		{Name: "TechCrunch", Articles: 1, First: day, Last: day},
		{Name: "The Verge", Articles: 1, First: day.AddDate(0, 0, 4), Last: day.AddDate(0, 0, 4)},
	}
	if diff := cmp.Diff(want, outs); diff != "" {
		t.Errorf("Outlets mismatch (-want +got):\n%s", diff)
	}
}

func TestCheckFindsPlantedProblems(t *testing.T) {
	for _, tc := range []struct {
		name  string
		plant func(t *testing.T, s *Store)
		want  string
	}{
		{"fts row missing", func(t *testing.T, s *Store) {
			exec(t, s, `DELETE FROM chunks_fts WHERE rowid = (SELECT max(seq) FROM chunks)`)
		}, "keyword index"},
		{"position gap", func(t *testing.T, s *Store) {
			exec(t, s, `UPDATE chunks SET position = 7 WHERE namespace = 'g1' AND id = 'openai#2'`)
		}, "article g1/openai"},
		{"article without chunks", func(t *testing.T, s *Store) {
			exec(t, s, `DELETE FROM chunks WHERE namespace = 'g1' AND article_id = 'football'`)
		}, "article g1/football"},
		{"short vector", func(t *testing.T, s *Store) {
			exec(t, s, `UPDATE chunks SET embedding = x'00000000' WHERE id = 'openai#1'`)
		}, "chunk g1/openai#1"},
		{"vector index out of date", func(t *testing.T, s *Store) {
			if err := s.indexArticle(t.Context(), news.Article{Namespace: "g1", ID: "openai"}, []string{"openai#0"}, nil); err != nil {
				t.Fatal(err)
			}
		}, "not in the vector index"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTest(t, "")
			seed(t, s)
			mustCheck(t, s)
			tc.plant(t, s)
			r, err := s.Check(t.Context())
			if err != nil {
				t.Fatalf("Check() error = %v", err)
			}
			if r.OK() || !strings.Contains(strings.Join(r.Problems, "\n"), tc.want) {
				t.Errorf("Check() problems = %q, want one mentioning %q", r.Problems, tc.want)
			}
		})
	}
}

func exec(t *testing.T, s *Store, q string) {
	t.Helper()
	if _, err := s.DB().ExecContext(t.Context(), q); err != nil {
		t.Fatalf("exec %s: %v", q, err)
	}
}

func TestMigrationsIdempotent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	for range 3 {
		s := openTest(t, path)
		if err := migrate(t.Context(), s.DB(), slog.New(slog.DiscardHandler)); err != nil {
			t.Fatalf("migrate() again error = %v", err)
		}
		var n int
		if err := s.DB().QueryRowContext(t.Context(), `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		files, _ := fs.Glob(migrationFiles, "migrations/*.sql")
		if n != len(files) || n == 0 {
			t.Errorf("schema_migrations has %d rows, want %d", n, len(files))
		}
		s.Close()
	}
}

func TestEmbedderMismatchAndReembed(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "r.db")
	s := openTest(t, path)
	seed(t, s)
	s.Close()

	other := fakeEmbedder{id: "fake-b", dim: 48}
	if _, err := Open(ctx, path, Options{EmbedderID: other.id, Dim: other.dim}); !errors.Is(err, news.ErrEmbedderMismatch) {
		t.Fatalf("Open(other embedder) error = %v, want news.ErrEmbedderMismatch", err)
	}
	if _, err := Open(ctx, path, Options{EmbedderID: testEmbedder.id, Dim: 16}); !errors.Is(err, news.ErrEmbedderMismatch) {
		t.Fatalf("Open(other dim) error = %v, want news.ErrEmbedderMismatch", err)
	}
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatalf("Open(adopt) error = %v", err)
	}
	defer s.Close()
	if s.EmbedderID() != testEmbedder.id || s.Dim() != testEmbedder.dim {
		t.Fatalf("adopted embedder %s/%d", s.EmbedderID(), s.Dim())
	}
	var calls [][2]int
	if err := s.Reembed(ctx, other, func(done, total int) { calls = append(calls, [2]int{done, total}) }); err != nil {
		t.Fatalf("Reembed() error = %v", err)
	}
	if len(calls) == 0 || calls[len(calls)-1] != [2]int{7, 7} {
		t.Errorf("progress calls = %v, want ending at 7/7", calls)
	}
	if s.EmbedderID() != other.id || s.Dim() != other.dim {
		t.Errorf("after Reembed embedder = %s/%d", s.EmbedderID(), s.Dim())
	}
	mustCheck(t, s)
	hits, err := s.Dense(ctx, "g1", other.vec("Sporting News. The Kansas City Chiefs won the game with a late field goal."), 1, news.Filter{})
	if err != nil || len(hits) != 1 || hits[0].Chunk.ID != "football#0" {
		t.Errorf("Dense() with the new embedder = %v, %v", hitIDs(hits), err)
	}
	s.Close()
	s2, err := Open(ctx, path, Options{EmbedderID: other.id, Dim: other.dim})
	if err != nil {
		t.Fatalf("Open(new embedder) error = %v", err)
	}
	defer s2.Close()
	mustCheck(t, s2)
}

func TestReembedResumes(t *testing.T) {
	ctx := t.Context()
	s := openTest(t, "")
	seed(t, s)
	s.reembedBatch = 3
	other := fakeEmbedder{id: "fake-b", dim: 48}
	failing := &failAfter{Embedder: other, n: 1}
	if err := s.Reembed(ctx, failing, nil); err == nil {
		t.Fatal("Reembed() error = nil, want the embedder's failure")
	}
	if s.EmbedderID() != testEmbedder.id {
		t.Errorf("a failed Reembed switched the embedder to %s", s.EmbedderID())
	}
	mustCheck(t, s) // still consistent on the old embedder
	// Resume: batches already embedded are not embedded again.
	counting := &failAfter{Embedder: other, n: 1 << 30}
	if err := s.Reembed(ctx, counting, nil); err != nil {
		t.Fatalf("Reembed() error = %v", err)
	}
	if counting.texts != 4 {
		t.Errorf("resumed Reembed embedded %d texts, want the 4 left of 7", counting.texts)
	}
	mustCheck(t, s)
}

type failAfter struct {
	news.Embedder
	n     int
	calls int
	texts int
}

func (f *failAfter) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	f.calls++
	if f.calls > f.n {
		return nil, errors.New("embedder down")
	}
	f.texts += len(texts)
	return f.Embedder.Embed(ctx, texts)
}

func TestDeleteNamespace(t *testing.T) {
	ctx := t.Context()
	s := openTest(t, "")
	seed(t, s)
	n, err := s.DeleteNamespace(ctx, "g1")
	if err != nil || n != 3 {
		t.Fatalf("DeleteNamespace() = %d, %v; want 3", n, err)
	}
	for _, ns := range []string{"g1", "g2"} {
		kw, _ := s.Keyword(ctx, ns, []string{"nvidia"}, 10, news.Filter{})
		dense, err := s.Dense(ctx, ns, testEmbedder.vec("nvidia"), 10, news.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"g1": 0, "g2": 1}[ns]
		if len(kw) != want || len(dense) != want {
			t.Errorf("%s after delete: %d keyword and %d dense hits, want %d", ns, len(kw), len(dense), want)
		}
	}
	mustCheck(t, s)
	// the namespace can be used again
	a, c := article("g1", "again", "Back again", "Wired", day, "A new start.")
	mustPut(t, s, a, c, news.PutNew)
	if hits, err := s.Dense(ctx, "g1", testEmbedder.vec("new start"), 5, news.Filter{}); err != nil || len(hits) != 1 {
		t.Errorf("Dense() after reuse = %v, %v", hitIDs(hits), err)
	}
	mustCheck(t, s)
}

// TestConcurrentUse writes and searches from many goroutines at once: no
// race, no busy error, and a consistent store at the end.
func TestConcurrentUse(t *testing.T) {
	ctx := t.Context()
	s := openTest(t, "")
	seed(t, s)
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for w := range 4 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range 10 {
				a, c := article("g1", fmt.Sprintf("w%d-%d", w, i), "Writer story", "Wired", day,
					fmt.Sprintf("Story %d by writer %d about chips.", i, w), "Second passage.")
				if _, err := s.PutArticle(ctx, a, c); err != nil {
					errs <- err
				}
				if i%3 == 0 {
					if err := s.DeleteArticle(ctx, "g1", a.ID); err != nil {
						errs <- err
					}
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range 10 {
				if _, err := s.Dense(ctx, "g1", testEmbedder.vec("chips story"), 5, news.Filter{Outlets: []string{"Wired"}}); err != nil {
					errs <- err
				}
				if _, err := s.Keyword(ctx, "g1", []string{"chips", "story"}, 5, news.Filter{}); err != nil {
					errs <- err
				}
				if _, _, err := s.ListArticles(ctx, "g1", news.ListOptions{}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st, err := s.Stats(ctx, "g1")
	if err != nil || st.Articles != 3+4*6 {
		t.Errorf("Stats() = %+v, %v; want %d articles", st, err, 3+4*6)
	}
	mustCheck(t, s)
}
