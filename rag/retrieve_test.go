package rag

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gazettebot/gazette/news"
)

// fakeIndex ranks chunks by how many question words they contain (keyword)
// and by a fixed order (dense), honouring outlet and date filters.
type fakeIndex struct {
	hits []news.Hit

	mu      sync.Mutex // the retriever searches concurrently
	filters []news.Filter
}

func (f *fakeIndex) match(h news.Hit, flt news.Filter) bool {
	if len(flt.Outlets) > 0 && !slices.Contains(flt.Outlets, h.Article.Outlet) {
		return false
	}
	if flt.ArticleIDs != nil && !slices.Contains(flt.ArticleIDs, h.Article.ID) {
		return false
	}
	p := h.Article.PublishedAt
	if p.IsZero() {
		return flt.Undated || flt.Since.IsZero() && flt.Until.IsZero()
	}
	return (flt.Since.IsZero() || !p.Before(flt.Since)) && (flt.Until.IsZero() || p.Before(flt.Until))
}

func (f *fakeIndex) Dense(_ context.Context, _ string, _ []float32, k int, flt news.Filter) ([]news.Hit, error) {
	f.mu.Lock()
	f.filters = append(f.filters, flt)
	f.mu.Unlock()
	var out []news.Hit
	for _, h := range f.hits {
		if f.match(h, flt) && len(out) < k {
			out = append(out, h)
		}
	}
	return out, nil
}

func (f *fakeIndex) Keyword(_ context.Context, _ string, words []string, k int, flt news.Filter) ([]news.Hit, error) {
	var out []news.Hit
	for _, h := range f.hits {
		if !f.match(h, flt) {
			continue
		}
		for _, w := range words {
			if len(w) > 3 && strings.Contains(strings.ToLower(h.Chunk.Text), w) {
				out = append(out, h)
				break
			}
		}
	}
	if len(out) > k {
		out = out[:k]
	}
	return out, nil
}

func (f *fakeIndex) Outlets(context.Context, string) ([]news.OutletInfo, error) {
	n := map[string]int{}
	var out []news.OutletInfo
	for _, h := range f.hits {
		if n[h.Article.Outlet] == 0 {
			out = append(out, news.OutletInfo{Name: h.Article.Outlet})
		}
		n[h.Article.Outlet]++
	}
	return out, nil
}

type constEmbedder struct{}

func (constEmbedder) ID() string { return "const" }
func (constEmbedder) Dim() int   { return 2 }
func (constEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i := range out {
		out[i] = []float32{1, 0}
	}
	return out, nil
}

func hit(article, outlet string, pos int, text string, published time.Time) news.Hit {
	return news.Hit{
		Chunk:   news.Chunk{ID: article + "#" + string(rune('0'+pos)), ArticleID: article, Position: pos, Text: text},
		Article: news.Article{ID: article, Outlet: outlet, Title: article, PublishedAt: published},
	}
}

func articleIDs(hs []news.Hit) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Article.ID)
	}
	return out
}

var oct = func(d int) time.Time { return time.Date(2023, 10, d, 9, 0, 0, 0, time.UTC) }

func TestRetrieveSpreadsOverArticles(t *testing.T) {
	ix := &fakeIndex{hits: []news.Hit{
		hit("a", "TechCrunch", 0, "google search deal", oct(1)),
		hit("a", "TechCrunch", 1, "google search deal again", oct(1)),
		hit("a", "TechCrunch", 2, "google more", oct(1)),
		hit("b", "The Verge", 0, "google pays apple", oct(2)),
		hit("c", "Fortune", 0, "markets", oct(3)),
	}}
	r := NewRetriever(ix, constEmbedder{}, RetrieverOptions{})
	got, err := r.Retrieve(t.Context(), "g", Query{Text: "google search", Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a", "b", "c"}, articleIDs(got.Hits)); diff != "" {
		t.Errorf("articles mismatch (-want +got):\n%s", diff)
	}
}

func TestRetrieveUnknownOutletNotice(t *testing.T) {
	ix := &fakeIndex{hits: []news.Hit{hit("a", "TechCrunch", 0, "google", oct(1))}}
	r := NewRetriever(ix, constEmbedder{}, RetrieverOptions{})
	got, err := r.Retrieve(t.Context(), "g", Query{Text: "What did an article from Bloomberg and a Reuters report say about Google?"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "I have no articles from Bloomberg and Reuters."; got.Notice != want || len(got.Hits) != 0 {
		t.Errorf("Retrieve() = %+v, want notice %q", got, want)
	}
}

func TestRetrieveOutletsFilterAndInterleave(t *testing.T) {
	ix := &fakeIndex{hits: []news.Hit{
		hit("t1", "TechCrunch", 0, "google antitrust", oct(1)),
		hit("t2", "TechCrunch", 0, "google antitrust two", oct(2)),
		hit("t3", "TechCrunch", 0, "google antitrust three", oct(3)),
		hit("x", "Fortune", 0, "google antitrust fortune", oct(4)),
		hit("v1", "The Verge", 0, "google antitrust verge", oct(5)),
	}}
	r := NewRetriever(ix, constEmbedder{}, RetrieverOptions{})
	got, err := r.Retrieve(t.Context(), "g", Query{Text: "What did TechCrunch and The Verge say about Google's antitrust case?", Limit: 4})
	if err != nil {
		t.Fatal(err)
	}
	ids := articleIDs(got.Hits)
	if slices.Contains(ids, "x") {
		t.Errorf("got Fortune article with outlets TechCrunch and The Verge: %v", ids)
	}
	if !slices.Contains(ids[:2], "v1") {
		t.Errorf("The Verge's article not among the first two: %v", ids)
	}
}

func TestRetrieveDateBoost(t *testing.T) {
	ix := &fakeIndex{hits: []news.Hit{
		hit("early", "TechCrunch", 0, "google report", oct(1)),
		hit("named", "TechCrunch", 0, "google report", oct(20)),
	}}
	r := NewRetriever(ix, constEmbedder{}, RetrieverOptions{})
	got, err := r.Retrieve(t.Context(), "g", Query{Text: "What did TechCrunch report about google on October 20, 2023?"})
	if err != nil {
		t.Fatal(err)
	}
	if ids := articleIDs(got.Hits); len(ids) == 0 || ids[0] != "named" {
		t.Errorf("first article = %v, want the one published on the named day", ids)
	}
}

func TestRetrieveRelativePeriod(t *testing.T) {
	now := time.Date(2023, 10, 20, 12, 0, 0, 0, time.UTC)
	ix := &fakeIndex{hits: []news.Hit{
		hit("old", "TechCrunch", 0, "google news", oct(1)),
		hit("new", "TechCrunch", 0, "google news", oct(19)),
		// Yesterday's news is often reported today.
		hit("today", "TechCrunch", 0, "google news", oct(20)),
		// An article whose date is unknown may be yesterday's.
		hit("undated", "TechCrunch", 0, "google news", time.Time{}),
	}}
	r := NewRetriever(ix, constEmbedder{}, RetrieverOptions{})
	got, err := r.Retrieve(t.Context(), "g", Query{Text: "What happened with google yesterday?", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"new", "today", "undated"}, articleIDs(got.Hits), cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("articles mismatch (-want +got):\n%s", diff)
	}
	if got.Period != "yesterday" {
		t.Errorf("Period = %q, want yesterday", got.Period)
	}
	// AnyDay reads no period into the search.
	got, err = r.Retrieve(t.Context(), "g", Query{Text: "What happened with google yesterday?", Now: now, AnyDay: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Hits) != 4 || got.Period != "" {
		t.Errorf("AnyDay: articles %v, period %q; want all four, no period", articleIDs(got.Hits), got.Period)
	}
	ix.hits = ix.hits[:1]
	got, err = r.Retrieve(t.Context(), "g", Query{Text: "What happened with google this morning?", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if got.Notice != "I have no articles from today." || got.Period != "today" {
		t.Errorf("Notice = %q, Period = %q; want no articles from today, today", got.Notice, got.Period)
	}
}

func TestRetrieveEmptyQuestion(t *testing.T) {
	r := NewRetriever(&fakeIndex{}, constEmbedder{}, RetrieverOptions{})
	if _, err := r.Retrieve(t.Context(), "g", Query{Text: "  "}); err != ErrEmptyQuestion {
		t.Errorf("Retrieve() error = %v, want ErrEmptyQuestion", err)
	}
}

func TestRetrievePreferRanksFirstWithoutExcluding(t *testing.T) {
	ix := &fakeIndex{hits: []news.Hit{
		hit("other", "TechCrunch", 0, "bridge closed for repairs", oct(1)),
		hit("digest", "Fortune", 0, "bridge closed after storm", oct(2)),
		hit("unrelated", "Fortune", 0, "markets rally", oct(3)),
	}}
	r := NewRetriever(ix, constEmbedder{}, RetrieverOptions{})
	got, err := r.Retrieve(t.Context(), "g", Query{Text: "why was the bridge closed?", Filter: news.Filter{Prefer: []string{"digest"}}})
	if err != nil {
		t.Fatal(err)
	}
	ids := articleIDs(got.Hits)
	if len(ids) < 2 || ids[0] != "digest" || !slices.Contains(ids, "other") {
		t.Errorf("articles = %v, want the preferred one first and the other kept", ids)
	}
}

func TestRescueRareWordTypedInLowerCase(t *testing.T) {
	day := time.Date(2023, 12, 1, 0, 0, 0, 0, time.UTC)
	top := hit("a-dao", "TechCrunch", 0, "Alliance DAO presented its latest cohort of crypto startups.", day)
	named := hit("a-dao", "TechCrunch", 3, "Company name: Sleepagotchi. In January, it raised $3.5 million.", day)
	common := hit("a-other", "TechCrunch", 0, "Startups raise less money in a crypto winter.", day)
	candidates := []fusedHit{{hit: top, score: 3}, {hit: common, score: 2}, {hit: named, score: 1}}
	terms := []Term{
		{Text: "sleepagotchi", Kind: TermWord, Passages: 1, Words: []string{stem("sleepagotchi")}},
		{Text: "raise", Kind: TermWord, Passages: 400, Words: []string{stem("raise")}},
	}
	got := rescue([]news.Hit{top}, candidates, terms, 6000)
	var ids []string
	for _, h := range got {
		ids = append(ids, h.Chunk.ID)
	}
	if want := []string{top.Chunk.ID, named.Chunk.ID}; !slices.Equal(ids, want) {
		t.Errorf("rescue() = %v, want %v: the rare word's passage, not the common word's", ids, want)
	}
}
