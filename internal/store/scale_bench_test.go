package store

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	osexec "os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gazettebot/gazette/internal/uselite"
	"github.com/gazettebot/gazette/news"
	"github.com/gazettebot/gazette/rag"
)

// The scale benchmarks measure retrieval on synthetic stores of 10k and
// 100k chunks (dim 512, Zipf text, 20 outlets; see buildBenchStore). Building
// a 100k store takes minutes on a small machine; set GAZETTE_BENCH_DIR to a
// directory to keep the stores there between runs. See "Retrieval at scale" in BENCHMARKS.md
// at the repository root for the figures and commands.

var scaleSizes = []int{10_000, 100_000}

// scaleStore returns the path of a synthetic store of n chunks, reusing
// the one kept in GAZETTE_BENCH_DIR when set.
func scaleStore(b *testing.B, n int) string {
	b.Helper()
	dir := os.Getenv("GAZETTE_BENCH_DIR")
	if dir == "" {
		return buildBenchStore(b, n)
	}
	path := filepath.Join(dir, fmt.Sprintf("scale-%d-v1.db", n))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := buildBenchStore(b, n)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil { // another file system: copy
		if err := copyFile(path+".tmp", tmp); err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(path+".tmp", path); err != nil {
			b.Fatal(err)
		}
	}
	return path
}

func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// fixedEmbedder returns the vector prepared for each question, so that the
// retrieval timings exclude the encoder (timed apart in
// BenchmarkScaleQuestionEmbed).
type fixedEmbedder map[string][]float32

func (fixedEmbedder) ID() string { return "bench" }
func (fixedEmbedder) Dim() int   { return benchDim }
func (e fixedEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		v, ok := e[t]
		if !ok {
			return nil, fmt.Errorf("no vector for %q", t)
		}
		out[i] = v
	}
	return out, nil
}

// scaleQuestions returns n synthetic questions with their vectors: free
// words drawn past the commonest, in a question frame, and every fourth
// one naming an outlet.
func scaleQuestions(n int) ([]string, fixedEmbedder) {
	r := rand.New(rand.NewPCG(7, 8))
	qs := make([]string, n)
	emb := make(fixedEmbedder, n)
	for i := range qs {
		q := "What happened with " + zipfText(r, 6, 100) + "?"
		if i%4 == 3 {
			q = fmt.Sprintf("What did Outlet %d report about %s?", r.IntN(20), zipfText(r, 5, 100))
		}
		qs[i] = q
		emb[q] = randomUnit(r, benchDim)
	}
	return qs, emb
}

func percentile(d []time.Duration, p float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkScaleRetrieve times, for each question, chromem-go's bare
// QueryEmbedding of the candidate count on the namespace's collection and
// the whole hybrid retrieval, alternately in the same loop, and reports
// p50 and p95 of each and the ratio of the p50s. The question vectors are
// precomputed: neither timing includes the encoder.
func BenchmarkScaleRetrieve(b *testing.B) {
	for _, n := range scaleSizes {
		b.Run(strconv.Itoa(n/1000)+"k", func(b *testing.B) {
			ctx := context.Background()
			s, err := Open(ctx, scaleStore(b, n), Options{Logger: slog.New(slog.DiscardHandler), EmbedderID: "bench", Dim: benchDim})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			const candidates = rag.DefaultCandidates
			qs, emb := scaleQuestions(64)
			ret := rag.NewRetriever(s, emb, rag.RetrieverOptions{Candidates: candidates})
			s.mu.RLock()
			coll, _ := s.collection("g", false)
			s.mu.RUnlock()
			var bare, hybrid, outlet []time.Duration
			i := 0
			for b.Loop() {
				q := qs[i%len(qs)]
				i++
				t0 := time.Now()
				if _, err := coll.QueryEmbedding(ctx, emb[q], candidates, nil, nil); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				res, err := ret.Retrieve(ctx, "g", rag.Query{Text: q})
				if err != nil {
					b.Fatal(err)
				}
				t2 := time.Now()
				if len(res.Hits) == 0 {
					b.Fatalf("no hits for %q", q)
				}
				bare = append(bare, t1.Sub(t0))
				hybrid = append(hybrid, t2.Sub(t1))
				if strings.Contains(q, "Outlet") {
					outlet = append(outlet, t2.Sub(t1))
				}
			}
			b.ReportMetric(ms(percentile(bare, 0.5)), "bare-p50-ms")
			b.ReportMetric(ms(percentile(bare, 0.95)), "bare-p95-ms")
			b.ReportMetric(ms(percentile(hybrid, 0.5)), "hybrid-p50-ms")
			b.ReportMetric(ms(percentile(hybrid, 0.95)), "hybrid-p95-ms")
			if len(outlet) > 0 {
				b.ReportMetric(ms(percentile(outlet, 0.5)), "outlet-q-p50-ms")
			}
			b.ReportMetric(float64(percentile(hybrid, 0.5))/float64(percentile(bare, 0.5)), "p50-ratio")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkScaleDenseVsScan compares, question by question in the same
// loop, dense search and the whole hybrid retrieval through chromem-go's
// query (the store as it is) with the same through the hand-written scan it
// replaced (scan_ref_test.go), and reports the p50 of each and the ratios
// chromem-go / scan. The order of the two alternates between questions.
func BenchmarkScaleDenseVsScan(b *testing.B) {
	for _, n := range scaleSizes {
		b.Run(strconv.Itoa(n/1000)+"k", func(b *testing.B) {
			ctx := context.Background()
			s, err := Open(ctx, scaleStore(b, n), Options{Logger: slog.New(slog.DiscardHandler), EmbedderID: "bench", Dim: benchDim})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			scan, err := newScanIndex(ctx, s, "g")
			if err != nil {
				b.Fatal(err)
			}
			qs, emb := scaleQuestions(64)
			one := news.Filter{Outlets: []string{"Outlet 3"}}
			idx := []rag.Index{s, scan}
			rets := []*rag.HybridRetriever{
				rag.NewRetriever(s, emb, rag.RetrieverOptions{}),
				rag.NewRetriever(scan, emb, rag.RetrieverOptions{}),
			}
			var dense, outlet, hybrid [2][]time.Duration
			i := 0
			for b.Loop() {
				q := qs[i%len(qs)]
				for j := range 2 {
					w := (i + j) % 2 // 0 chromem-go, 1 scan; alternate who goes first
					t0 := time.Now()
					if _, err := idx[w].Dense(ctx, "g", emb[q], rag.DefaultCandidates, news.Filter{}); err != nil {
						b.Fatal(err)
					}
					t1 := time.Now()
					if _, err := idx[w].Dense(ctx, "g", emb[q], rag.DefaultCandidates, one); err != nil {
						b.Fatal(err)
					}
					t2 := time.Now()
					if _, err := rets[w].Retrieve(ctx, "g", rag.Query{Text: q}); err != nil {
						b.Fatal(err)
					}
					t3 := time.Now()
					dense[w] = append(dense[w], t1.Sub(t0))
					outlet[w] = append(outlet[w], t2.Sub(t1))
					hybrid[w] = append(hybrid[w], t3.Sub(t2))
				}
				i++
			}
			for _, m := range []struct {
				name string
				d    [2][]time.Duration
			}{{"dense", dense}, {"dense-outlet", outlet}, {"hybrid", hybrid}} {
				c, sc := percentile(m.d[0], 0.5), percentile(m.d[1], 0.5)
				b.ReportMetric(ms(c), m.name+"-chromem-p50-ms")
				b.ReportMetric(ms(sc), m.name+"-scan-p50-ms")
				b.ReportMetric(float64(c)/float64(sc), m.name+"-ratio")
			}
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkScaleParts times the store calls one hybrid retrieval makes, at
// the retriever's default number of candidates.
func BenchmarkScaleParts(b *testing.B) {
	for _, n := range scaleSizes {
		b.Run(strconv.Itoa(n/1000)+"k", func(b *testing.B) {
			ctx := context.Background()
			s, err := Open(ctx, scaleStore(b, n), Options{Logger: slog.New(slog.DiscardHandler), EmbedderID: "bench", Dim: benchDim})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			qs, emb := scaleQuestions(64)
			one := news.Filter{Outlets: []string{"Outlet 3"}}
			parts := []struct {
				name string
				run  func(q string) error
			}{
				{"dense", func(q string) error {
					_, err := s.Dense(ctx, "g", emb[q], rag.DefaultCandidates, news.Filter{})
					return err
				}},
				{"dense-outlet", func(q string) error { _, err := s.Dense(ctx, "g", emb[q], rag.DefaultCandidates, one); return err }},
				{"keyword", func(q string) error {
					_, err := s.Keyword(ctx, "g", rag.KeywordTerms(q), rag.DefaultCandidates, news.Filter{})
					return err
				}},
				{"keyword-outlet", func(q string) error {
					_, err := s.Keyword(ctx, "g", rag.KeywordTerms(q), rag.DefaultCandidates, one)
					return err
				}},
				{"outlets", func(string) error { _, err := s.Outlets(ctx, "g"); return err }},
			}
			for _, p := range parts {
				b.Run(p.name, func(b *testing.B) {
					i := 0
					for b.Loop() {
						if err := p.run(qs[i%len(qs)]); err != nil {
							b.Fatal(err)
						}
						i++
					}
				})
			}
		})
	}
}

// BenchmarkScaleQuestionEmbed times the built-in encoder on the questions,
// the part of a retrieval the other benchmarks leave out.
func BenchmarkScaleQuestionEmbed(b *testing.B) {
	enc, err := uselite.Load()
	if err != nil {
		b.Fatal(err)
	}
	qs, _ := scaleQuestions(64)
	ctx := context.Background()
	var d []time.Duration
	i := 0
	for b.Loop() {
		t0 := time.Now()
		if _, err := enc.Embed(ctx, []string{qs[i%len(qs)]}); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(t0))
		i++
	}
	b.ReportMetric(ms(percentile(d, 0.5)), "p50-ms")
	b.ReportMetric(ms(percentile(d, 0.95)), "p95-ms")
}

// BenchmarkScaleOpen starts a fresh process (this test binary, running
// TestScaleOpenChild) that opens a store of 100k chunks, and reports the
// rebuild time of Open and the process's resident memory afterwards, after
// a GC that returns freed memory to the system.
func BenchmarkScaleOpen(b *testing.B) {
	path := scaleStore(b, 100_000)
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	var opens, rss, heap []float64
	for b.Loop() {
		cmd := osexec.Command(exe, "-test.run=^TestScaleOpenChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "GAZETTE_SCALE_CHILD="+path)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("child: %v\n%s", err, out)
		}
		vals := map[string]float64{}
		sc := bufio.NewScanner(strings.NewReader(string(out)))
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), "="); ok && strings.HasPrefix(k, "scale-") {
				vals[k], _ = strconv.ParseFloat(v, 64)
			}
		}
		if vals["scale-chunks"] != 100_000 {
			b.Fatalf("child opened %v chunks:\n%s", vals["scale-chunks"], out)
		}
		opens = append(opens, vals["scale-open-ms"])
		rss = append(rss, vals["scale-rss-mb"])
		heap = append(heap, vals["scale-heap-mb"])
	}
	median := func(v []float64) float64 { s := slices.Clone(v); slices.Sort(s); return s[len(s)/2] }
	b.ReportMetric(median(opens), "open-ms")
	b.ReportMetric(median(rss), "rss-MB")
	b.ReportMetric(median(heap), "heap-MB")
	b.ReportMetric(0, "ns/op")
}

// TestScaleOpenChild is the process BenchmarkScaleOpen starts; it does
// nothing otherwise.
func TestScaleOpenChild(t *testing.T) {
	path := os.Getenv("GAZETTE_SCALE_CHILD")
	if path == "" {
		t.Skip("run by BenchmarkScaleOpen")
	}
	ctx := context.Background()
	t0 := time.Now()
	s, err := Open(ctx, path, Options{EmbedderID: "bench", Dim: benchDim})
	if err != nil {
		t.Fatal(err)
	}
	open := time.Since(t0)
	defer s.Close()
	st, err := s.Stats(ctx, "g")
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	fmt.Printf("scale-chunks=%d\nscale-open-ms=%.1f\nscale-rss-mb=%.1f\nscale-heap-mb=%.1f\n",
		st.Chunks, ms(open), rssMB(), float64(m.HeapInuse)/(1<<20))
}
