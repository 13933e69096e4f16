package main

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gazettebot/gazette/ingest"
	"github.com/gazettebot/gazette/internal/config"
	"github.com/gazettebot/gazette/news"
	"github.com/gazettebot/gazette/rag"
)

// sampleArticles are short articles written for the demo (fictional
// outlets and events).
//
//go:embed sample/articles.jsonl
var sampleArticles []byte

const demoQuestion = "Why did the central bank keep interest rates unchanged, and when do economists expect a cut?"

func init() {
	register(command{
		name: "demo", group: groupStart, args: `["question"]`, noStore: true,
		summary: "offline demo: ingest sample articles into a temporary store and answer a question",
		help: `Needs no settings and no network: it uses the built-in encoder and extractive
answers, in a temporary store removed afterwards. Pass your own question to ask
something else about the sample articles.`,
		run: runDemo,
	})
}

func runDemo(ctx context.Context, e *env) error {
	fs := newFlags(e, "demo", `["question"]`)
	args, err := parseFlags(fs, e.args)
	if err != nil {
		return err
	}
	question := demoQuestion
	if q := strings.TrimSpace(strings.Join(args, " ")); q != "" {
		question = q
	}
	dir, err := os.MkdirTemp("", "gazette-demo-")
	if err != nil {
		return fmt.Errorf("create temporary store: %w", err)
	}
	defer os.RemoveAll(dir)

	// The demo is offline whatever the environment says: the built-in
	// encoder and extractive answers.
	cfg := e.cfg
	cfg.Embedder = config.EmbedderBuiltin
	cfg.ChatModel = ""
	a, err := openApp(ctx, cfg, e.log, appOptions{dbPath: filepath.Join(dir, "demo.db")})
	if err != nil {
		return err
	}
	defer a.Close()

	docs, err := ingest.LoadJSONL(bytes.NewReader(sampleArticles))
	if err != nil {
		return fmt.Errorf("read sample articles: %w", err)
	}
	start := time.Now()
	rs, err := a.pipeline.IngestBatch(ctx, news.LocalNamespace, docs, nil)
	if err != nil {
		return fmt.Errorf("ingest sample articles: %w", err)
	}
	chunks := 0
	for _, r := range rs {
		chunks += r.Chunks
	}
	fmt.Fprintf(e.stdout, "Ingested %d sample articles (%d chunks) in %s with the built-in encoder, offline.\n\n",
		len(rs), chunks, elapsed(time.Since(start)))
	fmt.Fprintf(e.stdout, "Q: %s\n\n", question)
	ans, err := a.answers.Answer(ctx, news.LocalNamespace, rag.Request{Question: question}, nil)
	if err != nil {
		return fmt.Errorf("answer: %w", err)
	}
	printAnswer(e.stdout, ans)
	return nil
}
