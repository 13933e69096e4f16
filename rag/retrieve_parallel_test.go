package rag

import (
	"context"
	"errors"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gazettebot/gazette/news"
)

// jitterIndex wraps an index and yields the processor a random number of
// times before each answer, so that concurrent searches finish in varying
// orders.
type jitterIndex struct {
	Index
	mu sync.Mutex
	r  *rand.Rand
}

func (j *jitterIndex) jitter() {
	j.mu.Lock()
	n := j.r.IntN(200)
	j.mu.Unlock()
	for range n {
		runtime.Gosched()
	}
}

func (j *jitterIndex) Dense(ctx context.Context, ns string, vec []float32, k int, f news.Filter) ([]news.Hit, error) {
	j.jitter()
	return j.Index.Dense(ctx, ns, vec, k, f)
}

func (j *jitterIndex) Keyword(ctx context.Context, ns string, q []string, k int, f news.Filter) ([]news.Hit, error) {
	j.jitter()
	return j.Index.Keyword(ctx, ns, q, k, f)
}

// TestRetrieveConcurrentSearchesAreDeterministic runs a question that
// makes several searches (two named outlets: filtered, global and one per
// outlet, each dense and keyword) many times over an index whose answers
// arrive in random orders, and expects the very same passages and scores
// every time: the fusion must not depend on which search ends first.
func TestRetrieveConcurrentSearchesAreDeterministic(t *testing.T) {
	base := &fakeIndex{hits: []news.Hit{
		hit("a", "TechCrunch", 0, "google search deal", oct(1)),
		hit("a", "TechCrunch", 1, "google antitrust trial", oct(1)),
		hit("b", "The Verge", 0, "google pays apple for search", oct(2)),
		hit("c", "Fortune", 0, "search markets rally", oct(3)),
		hit("d", "The Verge", 0, "antitrust trial of google", oct(4)),
		hit("e", "TechCrunch", 0, "apple search deal", oct(5)),
	}}
	q := Query{Text: "What did TechCrunch and The Verge say about the google search trial?", Limit: 6}
	want, err := NewRetriever(base, constEmbedder{}, RetrieverOptions{}).Retrieve(t.Context(), "g", q)
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Hits) < 4 {
		t.Fatalf("reference retrieval found %d hits, want at least 4", len(want.Hits))
	}
	ix := &jitterIndex{Index: base, r: rand.New(rand.NewPCG(1, 2))}
	for i := range 30 {
		got, err := NewRetriever(ix, constEmbedder{}, RetrieverOptions{}).Retrieve(t.Context(), "g", q)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("run %d: Retrieve() mismatch (-want +got):\n%s", i, diff)
		}
	}
}

// failingIndex fails its keyword searches.
type failingIndex struct{ *fakeIndex }

var errKeyword = errors.New("keyword index broken")

func (failingIndex) Keyword(context.Context, string, []string, int, news.Filter) ([]news.Hit, error) {
	return nil, errKeyword
}

func TestRetrieveSearchError(t *testing.T) {
	ix := failingIndex{&fakeIndex{hits: []news.Hit{hit("a", "TechCrunch", 0, "google", oct(1))}}}
	_, err := NewRetriever(ix, constEmbedder{}, RetrieverOptions{}).Retrieve(t.Context(), "g", Query{Text: "google"})
	if !errors.Is(err, errKeyword) {
		t.Errorf("Retrieve() error = %v, want %v", err, errKeyword)
	}
}

// genIndex counts Outlets calls and reports a generation the test sets.
type genIndex struct {
	*fakeIndex
	mu    sync.Mutex
	gen   uint64
	calls int
}

func (g *genIndex) Generation(string) uint64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.gen
}

func (g *genIndex) Outlets(ctx context.Context, ns string) ([]news.OutletInfo, error) {
	g.mu.Lock()
	g.calls++
	g.mu.Unlock()
	return g.fakeIndex.Outlets(ctx, ns)
}

func TestRetrieveCachesOutletsByGeneration(t *testing.T) {
	ix := &genIndex{fakeIndex: &fakeIndex{hits: []news.Hit{hit("a", "TechCrunch", 0, "google search", oct(1))}}, gen: 1}
	r := NewRetriever(ix, constEmbedder{}, RetrieverOptions{})
	ask := func(text string) Retrieval {
		t.Helper()
		got, err := r.Retrieve(t.Context(), "g", Query{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	ask("google search")
	ask("What did TechCrunch say about google?")
	if ix.calls != 1 {
		t.Errorf("Outlets called %d times for one generation, want 1", ix.calls)
	}
	// The Verge arrives: a new generation, so the outlet is known at once.
	ix.mu.Lock()
	ix.hits = append(ix.hits, hit("b", "The Verge", 0, "google pays apple", oct(2)))
	ix.gen = 2
	ix.mu.Unlock()
	got := ask("What did The Verge say about google?")
	if got.Notice != "" || len(got.Hits) == 0 || got.Hits[0].Article.ID != "b" {
		t.Errorf("after a new generation: Retrieve() = %+v, want article b first and no notice", got)
	}
	if ix.calls != 2 {
		t.Errorf("Outlets called %d times after a change, want 2", ix.calls)
	}
	// Another namespace has its own list.
	if _, err := r.Retrieve(t.Context(), "other", Query{Text: "google"}); err != nil {
		t.Fatal(err)
	}
	if ix.calls != 3 {
		t.Errorf("Outlets called %d times after another namespace, want 3", ix.calls)
	}
}
