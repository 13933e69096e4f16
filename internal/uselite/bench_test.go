package uselite

import (
	"bufio"
	"encoding/json"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gazettebot/gazette/news"
)

// text128 returns news-like text of exactly MaxTokens tokens.
func text128(tb testing.TB, e *Encoder, seed int) string {
	tb.Helper()
	words := strings.Fields("The central bank said on Tuesday that inflation had eased for a third month, " +
		"but officials warned that wages and energy prices could still push it back up, and markets " +
		"in London, Tokyo and New York rose after the announcement while analysts cut their forecasts " +
		"for growth next year as exports slowed and factories reported fewer orders from abroad.")
	var b strings.Builder
	for i := 0; ; i++ {
		w := words[(i+seed)%len(words)]
		next := b.String() + " " + w
		if b.Len() == 0 {
			next = w
		}
		if e.CountTokens(next) > MaxTokens {
			break
		}
		b.Reset()
		b.WriteString(next)
	}
	s := b.String()
	for e.CountTokens(s) < MaxTokens {
		s += "."
	}
	if n := e.CountTokens(s); n != MaxTokens {
		tb.Fatalf("text has %d tokens, want %d", n, MaxTokens)
	}
	return s
}

// BenchmarkEmbedText128 embeds one 128-token chunk on one goroutine.
func BenchmarkEmbedText128(b *testing.B) {
	e := mustLoad(b)
	text := text128(b, e, 0)
	e.EmbedText(text)
	b.ReportAllocs()
	c0 := cpuTime()
	for b.Loop() {
		e.EmbedText(text)
	}
	// The machine may be shared: CPU time per chunk shows the cost on one
	// core regardless of time spent waiting for it.
	b.ReportMetric(float64(cpuTime()-c0)/float64(b.N)/1e6, "cpu-ms/op")
}

// BenchmarkGemm measures the matrix kernel on the largest product of a
// 128-token chunk (128×512 by 512×1536).
func BenchmarkGemm(b *testing.B) {
	const m, n, k = 128, 1536, 512
	a := make([]float32, roundUp(m, mr)*k)
	bp := make([]float32, k*n)
	c := make([]float32, roundUp(m, mr)*n)
	for i := range a {
		a[i] = float32(i%7) - 3
	}
	for i := range bp {
		bp[i] = float32(i%5) - 2
	}
	c0 := cpuTime()
	for b.Loop() {
		gemm(m, n, k, a, k, bp, c, n, nil, opSet)
	}
	cpu := (cpuTime() - c0).Seconds()
	b.ReportMetric(2*m*n*k*float64(b.N)/cpu/1e9, "GFLOP/cpu-s")
}

// BenchmarkEmbedBatch128 embeds 64 chunks of 128 tokens with every core.
func BenchmarkEmbedBatch128(b *testing.B) {
	e := mustLoad(b)
	texts := make([]string, 64)
	for i := range texts {
		texts[i] = text128(b, e, i)
	}
	b.ReportAllocs()
	start := time.Now()
	c0 := cpuTime()
	n := 0
	for b.Loop() {
		if _, err := e.Embed(b.Context(), texts); err != nil {
			b.Fatal(err)
		}
		n += len(texts)
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "chunks/s")
	b.ReportMetric(float64(cpuTime()-c0)/float64(n)/1e6, "cpu-ms/chunk")
}

// BenchmarkCorpus embeds the news bench corpus, chunked as ingestion does
// (85-word chunks, title prefixed), with every core. Set
// GAZETTE_BENCH_CORPUS to the path of corpus.jsonl; it skips otherwise.
// Run it once: -bench Corpus -benchtime 1x.
func BenchmarkCorpus(b *testing.B) {
	path := os.Getenv("GAZETTE_BENCH_CORPUS")
	if path == "" {
		b.Skip("GAZETTE_BENCH_CORPUS not set")
	}
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var chunks []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	articles := 0
	for sc.Scan() {
		var a struct {
			Title string `json:"title"`
			Body  string `json:"body"`
		}
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			b.Fatal(err)
		}
		articles++
		words := strings.Fields(a.Body)
		for i := 0; i < len(words); i += 85 {
			chunks = append(chunks, news.EmbeddingText(news.Article{Title: a.Title}, strings.Join(words[i:min(i+85, len(words))], " ")))
		}
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	e := mustLoad(b)
	tokens, over := 0, 0
	for _, c := range chunks {
		n := e.CountTokens(c)
		tokens += n
		if n > MaxTokens {
			over++
		}
	}
	b.ResetTimer()
	start := time.Now()
	c0 := cpuTime()
	for b.Loop() {
		if _, err := e.Embed(b.Context(), chunks); err != nil {
			b.Fatal(err)
		}
	}
	sec := time.Since(start).Seconds() / float64(b.N)
	b.ReportMetric(float64(articles), "articles")
	b.ReportMetric(float64(len(chunks)), "chunks")
	b.ReportMetric(float64(tokens)/float64(len(chunks)), "tokens/chunk")
	b.ReportMetric(float64(over)/float64(len(chunks)), "frac>128")
	b.ReportMetric(sec, "s/corpus")
	b.ReportMetric(float64(len(chunks))/sec, "chunks/s")
	b.ReportMetric(float64(cpuTime()-c0)/float64(b.N)/float64(len(chunks))/1e6, "cpu-ms/chunk")
}

// BenchmarkLoad parses the embedded weights and reports the heap they keep.
func BenchmarkLoad(b *testing.B) {
	var before, after runtime.MemStats
	var e *Encoder
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&before)
		var err error
		e, err = newEncoder(weightsFile)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
	}
	runtime.KeepAlive(e)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MB-weights")
	b.ReportMetric(float64(newScratchBytes())/(1<<20), "MB-scratch/worker")
}

func newScratchBytes() int {
	s := newScratch()
	n := 0
	for _, b := range [][]float32{s.x0, s.x, s.h, s.att, s.qkv, s.ff, s.scores, s.kt, s.vp, s.o, s.pooled, s.out} {
		n += 4 * len(b)
	}
	return n
}
