package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gazettebot/gazette/news"
)

// fakeStore keeps articles in maps, like internal/store does in SQLite.
type fakeStore struct {
	mu       sync.Mutex
	articles map[string]news.Article // ns/id
	chunks   map[string][]news.Chunk
	puts     int
	failPut  error
	failLook error
}

func newFakeStore() *fakeStore {
	return &fakeStore{articles: map[string]news.Article{}, chunks: map[string][]news.Chunk{}}
}

func (s *fakeStore) PutArticle(_ context.Context, a news.Article, chunks []news.Chunk) (news.PutResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failPut != nil {
		return 0, s.failPut
	}
	for i, c := range chunks {
		if c.ID != fmt.Sprintf("%s#%d", a.ID, i) || c.ArticleID != a.ID || len(c.Embedding) == 0 {
			return 0, fmt.Errorf("bad chunk %d: %+v", i, c)
		}
	}
	key := a.Namespace + "/" + a.ID
	res := news.PutNew
	if old, ok := s.articles[key]; ok {
		if old.ContentHash == a.ContentHash {
			return news.PutUnchanged, nil
		}
		res = news.PutUpdated
	}
	s.puts++
	s.articles[key] = a
	s.chunks[key] = chunks
	return res, nil
}

func (s *fakeStore) find(ns string, match func(news.Article) bool) (news.Article, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failLook != nil {
		return news.Article{}, s.failLook
	}
	for _, a := range s.articles {
		if a.Namespace == ns && match(a) {
			return a, nil
		}
	}
	return news.Article{}, fmt.Errorf("find: %w", news.ErrNotFound)
}

func (s *fakeStore) ArticleByURL(_ context.Context, ns, url string) (news.Article, error) {
	return s.find(ns, func(a news.Article) bool { return url != "" && a.URL == url })
}

func (s *fakeStore) ArticleByHash(_ context.Context, ns, hash string) (news.Article, error) {
	return s.find(ns, func(a news.Article) bool { return a.ContentHash == hash })
}

// fakeEmbedder records the texts it embeds and the size of each call.
type fakeEmbedder struct {
	mu    sync.Mutex
	dim   int
	texts []string
	calls []int
	fail  error
	bad   bool // returns vectors of the wrong size
}

func (e *fakeEmbedder) ID() string { return "fake" }
func (e *fakeEmbedder) Dim() int   { return e.dim }
func (e *fakeEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.fail != nil {
		return nil, e.fail
	}
	e.texts = append(e.texts, texts...)
	e.calls = append(e.calls, len(texts))
	out := make([][]float32, len(texts))
	for i, t := range texts {
		n := e.dim
		if e.bad {
			n--
		}
		out[i] = make([]float32, n)
		out[i][len(t)%n] = 1
	}
	return out, nil
}

var now = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

func newTestPipeline(s Store, e news.Embedder, batch int) *Pipeline {
	return NewPipeline(s, e, PipelineOptions{Now: func() time.Time { return now }, BatchSize: batch, Workers: 2})
}

func TestIngestDedup(t *testing.T) {
	ctx := t.Context()
	s := newFakeStore()
	e := &fakeEmbedder{dim: 4}
	p := newTestPipeline(s, e, 8)
	doc := Document{URL: "https://news.example/a", Title: "Rates held", Outlet: "Daily", Body: "The bank held rates.\n\nMarkets rose."}
	urlID := func(u string) string { sum := sha256.Sum256([]byte(u)); return hex.EncodeToString(sum[:])[:16] }

	steps := []struct {
		name string
		doc  Document
		ns   string
		want Receipt
		puts int
	}{
		{"new", doc, "g", Receipt{Status: StatusNew, ArticleID: urlID(doc.URL), Title: "Rates held", Outlet: "Daily",
			URL: doc.URL, Words: 6, Chunks: 1}, 1},
		{"same again", doc, "g", Receipt{Status: StatusUnchanged, ArticleID: urlID(doc.URL), Title: "Rates held",
			Outlet: "Daily", URL: doc.URL, Words: 6}, 1},
		{"re-spaced is the same", Document{URL: doc.URL, Title: "Rates held", Body: "  The bank   held rates. Markets\nrose.  "}, "g",
			Receipt{Status: StatusUnchanged, ArticleID: urlID(doc.URL), Title: "Rates held", Outlet: "Daily", URL: doc.URL, Words: 6}, 1},
		{"changed at same url", Document{URL: doc.URL, Title: "Rates cut", Body: "The bank cut rates."}, "g",
			Receipt{Status: StatusUpdated, ArticleID: urlID(doc.URL), Title: "Rates cut", URL: doc.URL, Words: 4, Chunks: 1}, 2},
		{"same content, other url", Document{URL: "https://mirror.example/x", Title: "Copy", Body: "The bank cut rates."}, "g",
			Receipt{Status: StatusUnchanged, ArticleID: urlID(doc.URL), Title: "Rates cut", URL: doc.URL, Words: 4}, 2},
		{"same content, other namespace", Document{URL: "https://mirror.example/x", Title: "Copy", Body: "The bank cut rates."}, "h",
			Receipt{Status: StatusNew, ArticleID: urlID("https://mirror.example/x"), Title: "Copy", URL: "https://mirror.example/x", Words: 4, Chunks: 1}, 3},
		{"no url: id from content", Document{Title: "Note", Body: "Plain note."}, "g",
			Receipt{Status: StatusNew, ArticleID: news.ContentHash("Plain note.")[:16], Title: "Note", Words: 2, Chunks: 1}, 4},
		{"given id, changed", Document{ID: news.ContentHash("Plain note.")[:16], Title: "Note", Body: "Plain note, edited."}, "g",
			Receipt{Status: StatusUpdated, ArticleID: news.ContentHash("Plain note.")[:16], Title: "Note", Words: 3, Chunks: 1}, 5},
		{"empty body", Document{URL: "https://news.example/empty", Title: "Empty", Body: " \n\t "}, "g",
			Receipt{Status: StatusRefused, Title: "Empty", URL: "https://news.example/empty", Reason: "the document has no text"}, 5},
		{"untitled", Document{Body: "First line is the title\nand then the body."}, "g",
			Receipt{Status: StatusNew, ArticleID: news.ContentHash("First line is the title and then the body.")[:16],
				Title: "First line is the title", Words: 9, Chunks: 1}, 6},
	}
	for _, st := range steps {
		got, err := p.Ingest(ctx, st.ns, st.doc)
		if err != nil {
			t.Fatalf("%s: Ingest() error = %v", st.name, err)
		}
		if diff := cmp.Diff(st.want, got); diff != "" {
			t.Errorf("%s: receipt mismatch (-want +got):\n%s", st.name, diff)
		}
		if s.puts != st.puts {
			t.Errorf("%s: %d puts, want %d", st.name, s.puts, st.puts)
		}
	}
	a := s.articles["g/"+urlID(doc.URL)]
	if a.IngestedAt != now || a.ContentHash != news.ContentHash("The bank cut rates.") || a.Body != "The bank cut rates." {
		t.Errorf("stored article = %+v", a)
	}
	// The embedder saw the title with each passage.
	if !strings.HasPrefix(e.texts[0], "Rates held. The bank held rates.") {
		t.Errorf("first embedded text = %q", e.texts[0])
	}
}

func TestIngestBatch(t *testing.T) {
	ctx := t.Context()
	s := newFakeStore()
	e := &fakeEmbedder{dim: 8}
	p := newTestPipeline(s, e, 5)
	var docs []Document
	for i := range 12 {
		var sentences []string
		for k := range 3 + i%4*10 {
			sentences = append(sentences, fmt.Sprintf("Sentence %d of document %d has seven words.", k, i))
		}
		docs = append(docs, Document{ID: fmt.Sprintf("d%02d", i), Title: fmt.Sprintf("Doc %d", i), Body: strings.Join(sentences, " ")})
	}
	docs = append(docs, docs[3])                         // a duplicate in the same batch
	docs = append(docs, Document{ID: "empty", Body: ""}) // refused
	var progress []string
	rs, err := p.IngestBatch(ctx, "g", docs, func(done, total int, r Receipt) {
		progress = append(progress, fmt.Sprintf("%d/%d %s %s", done, total, r.ArticleID, r.Status))
	})
	if err != nil {
		t.Fatalf("IngestBatch() error = %v", err)
	}
	if len(rs) != len(docs) || len(progress) != len(docs) {
		t.Fatalf("got %d receipts and %d progress calls for %d docs", len(rs), len(progress), len(docs))
	}
	for i, r := range rs[:12] {
		if r.Status != StatusNew || r.ArticleID != docs[i].ID || r.Chunks == 0 {
			t.Errorf("receipt %d = %+v", i, r)
		}
		if want := fmt.Sprintf("%d/%d %s new", i+1, len(docs), docs[i].ID); progress[i] != want {
			t.Errorf("progress %d = %q, want %q", i, progress[i], want)
		}
	}
	if rs[12].Status != StatusUnchanged || rs[12].ArticleID != "d03" || rs[13].Status != StatusRefused {
		t.Errorf("duplicate and empty receipts = %+v, %+v", rs[12], rs[13])
	}
	totalChunks := 0
	for _, r := range rs {
		totalChunks += r.Chunks
	}
	var embedded int
	for _, n := range e.calls {
		if n > 5 {
			t.Errorf("an embed call had %d texts > batch size 5", n)
		}
		embedded += n
	}
	// the duplicate comes in a later group, after d03 is stored: it is
	// not embedded again
	if embedded != totalChunks {
		t.Errorf("embedded %d texts for %d chunks stored", embedded, totalChunks)
	}
	if s.puts != 12 {
		t.Errorf("%d puts, want 12", s.puts)
	}

	// A duplicate within one group is embedded but stored once.
	s2 := newFakeStore()
	p2 := newTestPipeline(s2, &fakeEmbedder{dim: 8}, 100)
	dup := Document{URL: "https://x.example/1", Title: "X", Body: "Same body."}
	rs, err = p2.IngestBatch(ctx, "g", []Document{dup, dup, {URL: "https://x.example/2", Body: "Same body."}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var statuses []Status
	for _, r := range rs {
		statuses = append(statuses, r.Status)
		if r.ArticleID != ArticleID(dup.URL, "") {
			t.Errorf("receipt %+v, want article %s", r, ArticleID(dup.URL, ""))
		}
	}
	if diff := cmp.Diff([]Status{StatusNew, StatusUnchanged, StatusUnchanged}, statuses); diff != "" || s2.puts != 1 {
		t.Errorf("in-group duplicates: %d puts, statuses mismatch (-want +got):\n%s", s2.puts, diff)
	}
}

func TestIngestErrors(t *testing.T) {
	doc := Document{Title: "T", Body: "Some text."}
	boom := errors.New("boom")
	for _, tc := range []struct {
		name  string
		store func(*fakeStore)
		emb   *fakeEmbedder
		ns    string
	}{
		{"embedder fails", nil, &fakeEmbedder{dim: 4, fail: boom}, "g"},
		{"wrong dimension", nil, &fakeEmbedder{dim: 4, bad: true}, "g"},
		{"put fails", func(s *fakeStore) { s.failPut = boom }, &fakeEmbedder{dim: 4}, "g"},
		{"lookup fails", func(s *fakeStore) { s.failLook = boom }, &fakeEmbedder{dim: 4}, "g"},
		{"no namespace", nil, &fakeEmbedder{dim: 4}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newFakeStore()
			if tc.store != nil {
				tc.store(s)
			}
			p := newTestPipeline(s, tc.emb, 4)
			if _, err := p.Ingest(t.Context(), tc.ns, doc); err == nil {
				t.Error("Ingest() error = nil")
			}
			if s.puts != 0 {
				t.Errorf("%d puts after a failure", s.puts)
			}
		})
	}
}

func TestArticleID(t *testing.T) {
	sum := sha256.Sum256([]byte("https://a.example/x"))
	for _, tc := range []struct{ url, hash, want string }{
		{"https://a.example/x", "ffff", hex.EncodeToString(sum[:])[:16]},
		{"", "0123456789abcdef0123", "0123456789abcdef"},
	} {
		if got := ArticleID(tc.url, tc.hash); got != tc.want {
			t.Errorf("ArticleID(%q, %q) = %q, want %q", tc.url, tc.hash, got, tc.want)
		}
	}
	if news.ContentHash("a  b\n\tc ") != news.ContentHash("a b c") || news.ContentHash("a b") == news.ContentHash("ab") {
		t.Error("ContentHash does not normalise white space (only)")
	}
}

func TestIngestTokenBudgetCountsTitle(t *testing.T) {
	s := newFakeStore()
	tokens := func(s string) int { return CountWords(s) }
	p := NewPipeline(s, &fakeEmbedder{dim: 4}, PipelineOptions{Chunk: ChunkOptions{Tokens: tokens, MaxTokens: 40}})
	var sentences []string
	for i := range 20 {
		sentences = append(sentences, fmt.Sprintf("Sentence %d has exactly six words.", i))
	}
	title := "A title of six words here"
	r, err := p.Ingest(t.Context(), "g", Document{ID: "x", Title: title, Body: strings.Join(sentences, " ")})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range s.chunks["g/x"] {
		if n := tokens(news.EmbeddingText(news.Article{Title: title}, c.Text)); n > 40 {
			t.Errorf("chunk %s embeds %d tokens with its title > 40", c.ID, n)
		}
	}
	if r.Chunks != 4 { // 120 words; 33 tokens left a passage hold 5 sentences of 6
		t.Errorf("got %d chunks, want 4", r.Chunks)
	}
}
