package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/gazettebot/gazette/ingest"
	"github.com/gazettebot/gazette/ingest/web"
	"github.com/gazettebot/gazette/internal/config"
	"github.com/gazettebot/gazette/internal/llm"
	"github.com/gazettebot/gazette/internal/safehttp"
	"github.com/gazettebot/gazette/internal/store"
	"github.com/gazettebot/gazette/internal/uselite"
	"github.com/gazettebot/gazette/news"
	"github.com/gazettebot/gazette/rag"
)

// app is the wired engine: store, embedder, ingestion pipeline, retriever
// and answer service.
type app struct {
	cfg       config.Config
	log       *slog.Logger
	store     news.Store
	embedder  news.Embedder
	chat      news.Completer // nil when offline
	pipeline  *ingest.Pipeline
	http      *safehttp.Client // every outside fetch goes through it
	fetcher   *web.Fetcher
	retriever *rag.HybridRetriever
	answers   *rag.Service
}

// appOptions adjusts how the app is opened.
type appOptions struct {
	// dbPath overrides the store location (the demo and evals use a
	// temporary one).
	dbPath string
	// adoptEmbedder opens a store whatever embedder it records (for reembed).
	adoptEmbedder bool
	// exclusive takes the store's lock, naming holder ("gazette serve"),
	// for the long-running owners: serve and reembed.
	exclusive bool
	holder    string
}

// newEmbedder returns the configured embedder.
func newEmbedder(ctx context.Context, cfg config.Config, log *slog.Logger) (news.Embedder, error) {
	switch cfg.Embedder {
	case config.EmbedderOpenAI:
		e := llm.NewEmbedder(llm.EmbedConfig{
			Config: llm.Config{
				BaseURL: cfg.EmbedBaseURL, APIKey: cfg.EmbedAPIKey, Model: cfg.EmbedModel,
				Timeout: cfg.LLMTimeout, Logger: log,
			},
			BatchSize: cfg.EmbedBatchSize,
			Dim:       cfg.EmbedDim,
		})
		if err := e.Probe(ctx); err != nil {
			return nil, fmt.Errorf("reach embedding model %q: %w", cfg.EmbedModel, err)
		}
		return e, nil
	default:
		e, err := uselite.Load()
		if err != nil {
			return nil, fmt.Errorf("load built-in encoder: %w", err)
		}
		return e, nil
	}
}

func openApp(ctx context.Context, cfg config.Config, log *slog.Logger, o appOptions) (*app, error) {
	emb, err := newEmbedder(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	path := o.dbPath
	if path == "" {
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		path = cfg.DBPath()
	}
	so := store.Options{Logger: log, EmbedderID: emb.ID(), Dim: emb.Dim(), Exclusive: o.exclusive, Holder: o.holder}
	if o.adoptEmbedder {
		so.EmbedderID, so.Dim = "", 0
	}
	st, err := store.Open(ctx, path, so)
	if errors.Is(err, news.ErrEmbedderMismatch) {
		return nil, fmt.Errorf("%w\nThe store in %s was embedded with another model than %s; run 'gazette reembed' to switch it", err, filepath.Dir(path), emb.ID())
	}
	if errors.Is(err, store.ErrLocked) {
		return nil, fmt.Errorf("%w\nOnly one 'gazette serve' (or 'gazette reembed') may use a data directory at a time; the command line's ingest, ask and check work beside it", err)
	}
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	a := &app{cfg: cfg, log: log, store: st, embedder: emb}
	a.pipeline = ingest.NewPipeline(st, emb, ingest.PipelineOptions{Logger: log})
	a.http = safehttp.New(safehttp.Options{
		AllowPrivate: cfg.AllowPrivateNetworks,
		MaxBytes:     cfg.FetchMaxBytes,
		Timeout:      cfg.FetchTimeout,
	})
	a.fetcher = web.NewFetcher(a.http)
	a.retriever = rag.NewRetriever(a.store, emb, rag.RetrieverOptions{Logger: log})
	opts := rag.Options{Embedder: emb, Logger: log}
	if cfg.ChatEnabled() {
		chat := llm.NewChat(llm.Config{
			BaseURL: cfg.OpenAIBaseURL, APIKey: cfg.OpenAIAPIKey, Model: cfg.ChatModel,
			Timeout: cfg.LLMTimeout, Logger: log,
		})
		a.chat = chat
		opts.Completer = chat
	}
	a.answers = rag.NewService(a.retriever, opts)
	return a, nil
}

func (a *app) Close() error { return a.store.Close() }

// The storage contract serves every consumer the app wires it into.
var _ rag.Index = news.Store(nil)

// elapsed formats a duration for people.
func elapsed(d time.Duration) string {
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(100 * time.Millisecond).String()
}
