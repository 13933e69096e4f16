package store

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/gazettebot/gazette/internal/store/vindex"
	"github.com/gazettebot/gazette/news"
)

const benchDim = 512

// benchWords is a synthetic vocabulary of 20,000 words drawn with a Zipf
// law, so that like news text a few words are everywhere and most are rare.
var benchWords = func() []string {
	w := make([]string, 20_000)
	for i := range w {
		w[i] = "w" + strconv.FormatInt(int64(i)*7919, 36)
	}
	return w
}()

func randomUnit(r *rand.Rand, dim int) []float32 {
	v := make([]float32, dim)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	n, _ := vindex.Normalize(v, dim)
	return n
}

func randomText(r *rand.Rand, words int) string {
	return zipfText(r, words, 0)
}

// randomQuery draws search terms past the 100 most frequent words, as a
// question's are after its stopwords are dropped.
func randomQuery(r *rand.Rand, words int) []string {
	return strings.Fields(zipfText(r, words, 100))
}

func zipfText(r *rand.Rand, words int, skip uint64) string {
	z := rand.NewZipf(r, 1.1, 2, uint64(len(benchWords)-1))
	var b strings.Builder
	for i := 0; i < words; {
		w := z.Uint64()
		if w < skip {
			continue
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(benchWords[w])
		i++
	}
	return b.String()
}

// buildBenchStore writes n synthetic chunks (10 an article, dim 512) into a
// store file in one transaction and returns its path.
func buildBenchStore(b *testing.B, n int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bench.db")
	s, err := Open(context.Background(), path, Options{EmbedderID: "bench", Dim: benchDim})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	r := rand.New(rand.NewPCG(1, 2))
	ctx := context.Background()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	for a := 0; a < n/10; a++ {
		id := "a" + strconv.Itoa(a)
		if _, err := tx.ExecContext(ctx, `INSERT INTO articles (namespace, id, title, outlet, published_at, ingested_at, content_hash, body)
			VALUES ('g', ?, ?, ?, ?, ?, ?, '')`, id, randomText(r, 8), fmt.Sprintf("Outlet %d", a%20),
			int64(a)*3600_000, int64(a)*3600_000, id); err != nil {
			b.Fatal(err)
		}
		for p := range 10 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO chunks (namespace, id, article_id, position, text, embedding, embedder)
				VALUES ('g', ?, ?, ?, ?, ?, 'bench')`, fmt.Sprintf("%s#%d", id, p), id, p, randomText(r, 90),
				vindex.Encode(randomUnit(r, benchDim))); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return path
}

func rssMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			kb, _ := strconv.Atoi(strings.Fields(line)[1])
			return float64(kb) / 1024
		}
	}
	return 0
}

// BenchmarkRebuild measures Open, whose cost is rebuilding the in-memory
// index from SQLite, and reports the heap it holds afterwards.
func BenchmarkRebuild(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			path := buildBenchStore(b, n)
			runtime.GC()
			debug.FreeOSMemory()
			var heap, rss float64
			for b.Loop() {
				s, err := Open(context.Background(), path, Options{EmbedderID: "bench", Dim: benchDim})
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				heap, rss = float64(ms.HeapInuse)/(1<<20), rssMB()
				s.Close()
				b.StartTimer()
			}
			b.ReportMetric(heap, "heap-MB")
			b.ReportMetric(rss, "rss-MB")
		})
	}
}

// BenchmarkSearch compares dense and keyword search at 10k chunks.
func BenchmarkSearch(b *testing.B) {
	path := buildBenchStore(b, 10_000)
	s, err := Open(context.Background(), path, Options{Logger: slog.New(slog.DiscardHandler), EmbedderID: "bench", Dim: benchDim})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	r := rand.New(rand.NewPCG(3, 4))
	ctx := context.Background()
	b.Run("dense", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Dense(ctx, "g", randomUnit(r, benchDim), 10, news.Filter{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("dense-outlet-filter", func(b *testing.B) {
		f := news.Filter{Outlets: []string{"Outlet 3", "Outlet 7"}}
		for b.Loop() {
			if _, err := s.Dense(ctx, "g", randomUnit(r, benchDim), 10, f); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("keyword", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Keyword(ctx, "g", randomQuery(r, 8), 10, news.Filter{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("keyword-outlet-filter", func(b *testing.B) {
		f := news.Filter{Outlets: []string{"Outlet 3", "Outlet 7"}}
		for b.Loop() {
			if _, err := s.Keyword(ctx, "g", randomQuery(r, 8), 10, f); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkPutArticle measures writing one article of 10 chunks (dim 512).
func BenchmarkPutArticle(b *testing.B) {
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "put.db"), Options{EmbedderID: "bench", Dim: benchDim})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	r := rand.New(rand.NewPCG(5, 6))
	i := 0
	for b.Loop() {
		i++
		a := news.Article{Namespace: "g", ID: "a" + strconv.Itoa(i), Title: randomText(r, 8), Body: randomText(r, 900)}
		chunks := make([]news.Chunk, 10)
		for p := range chunks {
			chunks[p] = news.Chunk{ID: fmt.Sprintf("%s#%d", a.ID, p), Position: p, Text: randomText(r, 90), Embedding: randomUnit(r, benchDim)}
		}
		if _, err := s.PutArticle(context.Background(), a, chunks); err != nil {
			b.Fatal(err)
		}
	}
}
