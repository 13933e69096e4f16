package postgres

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gazettebot/gazette/internal/store/pgtest"
	"github.com/gazettebot/gazette/internal/store/vindex"
	"github.com/gazettebot/gazette/news"
)

const benchDim = 512

func randomUnit(r *rand.Rand, dim int) []float32 {
	v := make([]float32, dim)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	n, _ := vindex.Normalize(v, dim)
	return n
}

func randomText(r *rand.Rand, words int) string {
	var b strings.Builder
	for i := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("w" + strconv.FormatInt(int64(r.IntN(20_000))*7919, 36))
	}
	return b.String()
}

func benchArticle(r *rand.Rand, ns, id string) (news.Article, []news.Chunk) {
	a := news.Article{Namespace: ns, ID: id, Title: randomText(r, 8), Body: randomText(r, 900)}
	chunks := make([]news.Chunk, 10)
	for p := range chunks {
		chunks[p] = news.Chunk{ID: fmt.Sprintf("%s#%d", id, p), Position: p, Text: randomText(r, 90), Embedding: randomUnit(r, benchDim)}
	}
	return a, chunks
}

// BenchmarkPutArticle measures writing one article of 10 chunks (dim 512),
// as the SQLite store's benchmark of the same name.
func BenchmarkPutArticle(b *testing.B) {
	s := openTest(b, pgtest.URL(b), Options{EmbedderID: "bench", Dim: benchDim})
	r := rand.New(rand.NewPCG(5, 6))
	i := 0
	for b.Loop() {
		i++
		a, chunks := benchArticle(r, "g", "a"+strconv.Itoa(i))
		if _, err := s.PutArticle(context.Background(), a, chunks); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChangeVisible measures how long an article written through one
// store (one process) takes to be found by dense search in another that
// serves its namespace: from the writer's PutArticle returning to the
// reader's index holding it. It reports the median and 95th percentile.
func BenchmarkChangeVisible(b *testing.B) {
	url := pgtest.URL(b)
	writer := openTest(b, url, Options{EmbedderID: "bench", Dim: benchDim})
	reader := openTest(b, url, Options{EmbedderID: "bench", Dim: benchDim, Preload: true})
	r := rand.New(rand.NewPCG(7, 8))
	ctx := context.Background()
	// A namespace of some size, loaded by the reader.
	for i := range 100 {
		a, chunks := benchArticle(r, "g", "seed"+strconv.Itoa(i))
		if _, err := writer.PutArticle(ctx, a, chunks); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := reader.space(ctx, "g"); err != nil {
		b.Fatal(err)
	}
	var lat []float64
	i := 0
	for b.Loop() {
		i++
		a, chunks := benchArticle(r, "g", "a"+strconv.Itoa(i))
		if _, err := writer.PutArticle(ctx, a, chunks); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		for {
			hits, err := reader.Dense(ctx, "g", chunks[3].Embedding, 1, news.Filter{})
			if err != nil {
				b.Fatal(err)
			}
			if len(hits) == 1 && hits[0].Chunk.ID == chunks[3].ID {
				break
			}
			if time.Since(start) > 30*time.Second {
				b.Fatal("the reader never saw the article")
			}
			time.Sleep(200 * time.Microsecond)
		}
		lat = append(lat, float64(time.Since(start).Microseconds())/1000)
	}
	slices.Sort(lat)
	b.ReportMetric(lat[len(lat)/2], "p50-ms")
	b.ReportMetric(lat[int(math.Ceil(0.95*float64(len(lat))))-1], "p95-ms")
}
