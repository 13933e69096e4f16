package ingest_test

import (
	"context"
	"hash/fnv"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gazettebot/gazette/ingest"
	"github.com/gazettebot/gazette/ingest/web"
	"github.com/gazettebot/gazette/internal/store"
	"github.com/gazettebot/gazette/news"
)

var _ ingest.Store = (*store.Store)(nil)

// wordHash embeds texts as normalised bags of hashed words.
type wordHash struct{}

func (wordHash) ID() string { return "wordhash-16" }
func (wordHash) Dim() int   { return 16 }
func (wordHash) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		v := make([]float32, 16)
		v[0] = 0.1
		for _, w := range strings.Fields(strings.ToLower(t)) {
			h := fnv.New32a()
			h.Write([]byte(w))
			v[h.Sum32()%16]++
		}
		var n float64
		for _, x := range v {
			n += float64(x * x)
		}
		for k := range v {
			v[k] /= float32(math.Sqrt(n))
		}
		out[i] = v
	}
	return out, nil
}

// TestPipelineWithStore runs the loaders and the pipeline against the real
// store: the store's not-found errors drive dedup, and everything written
// passes the store's integrity check.
func TestPipelineWithStore(t *testing.T) {
	ctx := t.Context()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "g.db"), store.Options{EmbedderID: wordHash{}.ID(), Dim: 16})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f, err := os.Open(filepath.Join("testdata", "corpus.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	docs, err := ingest.LoadJSONL(f)
	if err != nil {
		t.Fatal(err)
	}
	more, err := ingest.LoadDir(filepath.Join("testdata", "docs"), web.DocumentFromBytes)
	for _, le := range ingest.LoadErrors(err) {
		if !le.Skipped() { // ignored.docx is skipped
			t.Fatal(le)
		}
	}
	docs = append(docs, more...)
	p := ingest.NewPipeline(s, wordHash{}, ingest.PipelineOptions{BatchSize: 3})
	for round, want := range []ingest.Status{ingest.StatusNew, ingest.StatusUnchanged} {
		rs, err := p.IngestBatch(ctx, news.LocalNamespace, docs, nil)
		if err != nil {
			t.Fatalf("round %d: IngestBatch() error = %v", round, err)
		}
		for _, r := range rs {
			if r.Status != want {
				t.Errorf("round %d: %s is %s (%s), want %s", round, r.ArticleID, r.Status, r.Reason, want)
			}
		}
	}
	st, err := s.Stats(ctx, news.LocalNamespace)
	if err != nil || st.Articles != len(docs) {
		t.Errorf("Stats() = %+v, %v; want %d articles", st, err, len(docs))
	}
	// An edited page at the same URL updates its article.
	edited := docs[0]
	edited.ID = ""
	edited.Body += " Shares rose 5% after the report."
	r, err := p.Ingest(ctx, news.LocalNamespace, edited)
	if err != nil || r.Status != ingest.StatusUpdated || r.ArticleID != "t-0001" {
		t.Errorf("Ingest(edited) = %+v, %v; want t-0001 updated", r, err)
	}
	hits, err := s.Keyword(ctx, news.LocalNamespace, []string{"shares", "rose"}, 3, news.Filter{Outlets: []string{"tech news"}})
	if err != nil || len(hits) == 0 || hits[0].Article.ID != "t-0001" {
		t.Errorf("Keyword() = %+v, %v", hits, err)
	}
	rep, err := s.Check(ctx)
	if err != nil || !rep.OK() {
		t.Errorf("Check() = %+v, %v", rep, err)
	}
}
