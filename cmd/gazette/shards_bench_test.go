package main

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gazettebot/gazette/internal/discordtest"
	"github.com/gazettebot/gazette/internal/store/pgtest"
	"github.com/gazettebot/gazette/internal/store/postgres"
	"github.com/gazettebot/gazette/internal/uselite"
	"github.com/gazettebot/gazette/news"
)

// BenchmarkShardMemory measures the resident memory of `gazette serve`
// processes over one PostgreSQL library of 40 guilds (25 articles of 10
// passages each, vectors of the built-in encoder's dimension): four
// processes serving shards 0..3 of 4, which each load their ten guilds'
// vectors, and one process serving all 40 (one shard). It reports the
// largest and the mean RSS of the shard processes and the RSS of the
// single process, each read once the process has loaded its vectors and
// connected to the (fake) gateway.
func BenchmarkShardMemory(b *testing.B) {
	dbURL := pgtest.URL(b)
	enc, err := uselite.Load()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	st, err := postgres.Open(ctx, dbURL, postgres.Options{Logger: slog.New(slog.DiscardHandler), EmbedderID: enc.ID(), Dim: enc.Dim()})
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(11, 12))
	const guilds, articles, passages = 40, 25, 10
	for g := range guilds {
		ns := strconv.FormatUint(uint64(1_000_000+g)<<22, 10) // shard g % 4
		for a := range articles {
			art := news.Article{Namespace: ns, ID: fmt.Sprintf("a%d", a), Title: fmt.Sprintf("Article %d of guild %d", a, g),
				Body: fmt.Sprintf("Body %d %d", g, a), IngestedAt: time.Now()}
			chunks := make([]news.Chunk, passages)
			for p := range chunks {
				v := make([]float32, enc.Dim())
				for i := range v {
					v[i] = float32(r.NormFloat64())
				}
				chunks[p] = news.Chunk{ID: fmt.Sprintf("a%d#%d", a, p), Position: p, Text: fmt.Sprintf("Passage %d of article %d.", p, a), Embedding: v}
			}
			if _, err := st.PutArticle(ctx, art, chunks); err != nil {
				b.Fatal(err)
			}
		}
	}
	st.Close()
	bin := buildBinary(b)

	measure := func(shard, count int) float64 {
		srv := discordtest.New(b)
		cmd := startBenchShard(b, bin, dbURL, srv.URL, shard, count)
		deadline := time.Now().Add(2 * discordtest.WaitTimeout)
		for srv.Sessions() < 1 || !strings.Contains(cmd.logs.String(), `"store open"`) {
			if time.Now().After(deadline) {
				b.Fatalf("shard %d of %d never connected:\n%s", shard, count, cmd.logs.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(2 * time.Second) // let start-up garbage be collected
		rss := processRSS(b, cmd.cmd.Process.Pid)
		_ = cmd.cmd.Process.Kill()
		<-cmd.exited
		return rss
	}
	for b.Loop() {
		var worst, sum float64
		for shard := range 4 {
			rss := measure(shard, 4)
			worst, sum = max(worst, rss), sum+rss
		}
		b.ReportMetric(worst, "shard-max-rss-MB")
		b.ReportMetric(sum/4, "shard-mean-rss-MB")
		b.ReportMetric(measure(0, 1), "single-rss-MB")
	}
}

func startBenchShard(b *testing.B, bin, dbURL, discordURL string, shard, count int) *shardProcess {
	b.Helper()
	cmd := newServeCmd(bin, dbURL, discordURL, shard, count)
	p := &shardProcess{cmd: cmd, logs: &syncBuffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	go func() { _ = cmd.Wait(); close(p.exited) }()
	b.Cleanup(func() { _ = cmd.Process.Kill() })
	return p
}

func processRSS(b *testing.B, pid int) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			kb, _ := strconv.Atoi(strings.Fields(line)[1])
			return float64(kb) / 1024
		}
	}
	b.Fatal("no VmRSS")
	return 0
}

// buildBinary builds the gazette binary into a temporary directory.
func buildBinary(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "gazette")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}
