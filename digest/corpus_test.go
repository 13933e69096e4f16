//go:build corpus

package digest_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gazettebot/gazette/digest"
	"github.com/gazettebot/gazette/internal/store"
	"github.com/gazettebot/gazette/internal/uselite"
	"github.com/gazettebot/gazette/news"
)

// TestCorpusDigest builds the digest of a whole JSON Lines corpus (the
// bench's corpus.jsonl format) ingested into a temporary store with the
// built-in encoder, and checks that every citation points at an ingested
// article. It is opt-in, built only with -tags corpus (it links the store
// and the 14 MB encoder): set GAZETTE_DIGEST_CORPUS to the corpus path
// (GAZETTE_DIGEST_LEXICAL=1 hides the vectors, to try the lexical
// fallback; GAZETTE_DIGEST_THRESHOLDS=0.8,0.85 builds at each threshold,
// 0 meaning the default; GAZETTE_DIGEST_OUT=path writes each digest as text
// to path.threshold and as JSON to path.threshold.json; GAZETTE_DIGEST_DB
// keeps the store in that file, so a second run skips embedding).
func TestCorpusDigest(t *testing.T) {
	path := os.Getenv("GAZETTE_DIGEST_CORPUS")
	if path == "" {
		t.Skip("set GAZETTE_DIGEST_CORPUS to a corpus.jsonl to run")
	}
	lexical := os.Getenv("GAZETTE_DIGEST_LEXICAL") == "1"
	enc, err := uselite.Load()
	if err != nil {
		t.Fatal(err)
	}
	id, dim := enc.ID(), enc.Dim()
	if lexical {
		id, dim = "none", 1
	}
	dbPath := os.Getenv("GAZETTE_DIGEST_DB")
	if dbPath == "" {
		dbPath = filepath.Join(t.TempDir(), "g.db")
	}
	st, err := store.Open(t.Context(), dbPath, store.Options{Logger: slog.New(slog.DiscardHandler), EmbedderID: id, Dim: dim})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// A kept store (GAZETTE_DIGEST_DB) is not embedded again.
	have := map[string]bool{}
	stored, err := st.IngestedBetween(t.Context(), news.LocalNamespace, time.Time{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range stored {
		have[a.ID] = true
	}

	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	now := time.Now().UTC()
	ingested := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	start := time.Now()
	for sc.Scan() {
		var rec struct {
			ID, Title, Body string
			URL, Source     *string
			PublishedAt     *time.Time `json:"published_at"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		if have[rec.ID] {
			ingested[rec.ID] = true
			continue
		}
		a := news.Article{Namespace: news.LocalNamespace, ID: rec.ID, Title: rec.Title, Body: rec.Body, IngestedAt: now.Add(-time.Hour), ContentHash: rec.ID}
		if rec.URL != nil {
			a.URL = *rec.URL
		}
		if rec.Source != nil {
			a.Outlet = *rec.Source
		}
		if rec.PublishedAt != nil {
			a.PublishedAt = *rec.PublishedAt
		}
		var chunks []news.Chunk
		var texts []string
		for i, p := range chunkText(a.Body, 1000) {
			chunks = append(chunks, news.Chunk{ID: a.ID + "#" + strconv.Itoa(i), ArticleID: a.ID, Position: i, Text: p})
			texts = append(texts, news.EmbeddingText(a, p))
		}
		var vecs [][]float32
		if lexical {
			for range texts {
				vecs = append(vecs, []float32{1})
			}
		} else if vecs, err = enc.Embed(t.Context(), texts); err != nil {
			t.Fatal(err)
		}
		for i := range chunks {
			chunks[i].Embedding = vecs[i]
		}
		if _, err := st.PutArticle(t.Context(), a, chunks); err != nil {
			t.Fatal(err)
		}
		ingested[a.ID] = true
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("ingested %d articles in %v", len(ingested), time.Since(start).Round(time.Millisecond))

	var src digest.Source = st
	if lexical {
		src = noVectors{st}
	}
	thresholds := []float64{0}
	if v := os.Getenv("GAZETTE_DIGEST_THRESHOLDS"); v != "" {
		thresholds = nil
		for f := range strings.SplitSeq(v, ",") {
			th, err := strconv.ParseFloat(f, 64)
			if err != nil {
				t.Fatal(err)
			}
			thresholds = append(thresholds, th)
		}
	}
	for _, th := range thresholds {
		opts := digest.BuildOptions{MaxStories: 1000, MaxSourcesPerStory: 1000}
		opts.Cluster.Threshold, opts.Cluster.LexicalThreshold = th, th
		start = time.Now()
		d, err := digest.Build(t.Context(), src, news.LocalNamespace, now.Add(-720*time.Hour), now, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("threshold %v: built %d stories from %d articles in %v", th, len(d.Stories), d.Articles, time.Since(start).Round(time.Millisecond))
		checkCitations(t, d, ingested)
		if out := os.Getenv("GAZETTE_DIGEST_OUT"); out != "" {
			if err := os.WriteFile(fmt.Sprintf("%s.%v", out, th), []byte(d.Text()), 0o644); err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(d.JSON())
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(fmt.Sprintf("%s.%v.json", out, th), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// checkCitations fails unless every source is an ingested article and
// every summary cites its own sources only; it logs the story sizes.
func checkCitations(t *testing.T, d digest.Digest, ingested map[string]bool) {
	t.Helper()
	sizes := map[int]int{}
	cite := regexp.MustCompile(`\[(\d+)\]`)
	for _, s := range d.Stories {
		sizes[s.Articles]++
		own := map[string]bool{}
		for _, src := range s.Sources {
			if !ingested[src.ArticleID] {
				t.Errorf("source %d cites %q, not an ingested article", src.N, src.ArticleID)
			}
			own[strconv.Itoa(src.N)] = true
		}
		ms := cite.FindAllStringSubmatch(s.Summary, -1)
		if len(ms) == 0 {
			t.Errorf("summary %q cites nothing", s.Summary)
		}
		for _, m := range ms {
			if !own[m[1]] {
				t.Errorf("summary %q cites [%s], not one of its sources", s.Summary, m[1])
			}
		}
	}
	t.Logf("story sizes (articles: stories): %v", sizes)
}

// noVectors hides the chunk vectors of a source.
type noVectors struct{ digest.Source }

func (n noVectors) Chunks(ctx context.Context, ns, articleID string) ([]news.Chunk, error) {
	cs, err := n.Source.Chunks(ctx, ns, articleID)
	for i := range cs {
		cs[i].Embedding = nil
	}
	return cs, err
}

// chunkText cuts text into passages of about n characters at paragraph
// breaks.
func chunkText(text string, n int) []string {
	var out []string
	var b strings.Builder
	for p := range strings.SplitSeq(text, "\n") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if b.Len() > 0 && b.Len()+len(p) > n {
			out = append(out, b.String())
			b.Reset()
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(p)
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}
