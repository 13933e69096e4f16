package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

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
	// readOnly opens an existing store for reading only (commands that
	// only read): it works on a store this user may not write and never
	// creates one.
	readOnly bool
	// serving loads, with PostgreSQL, the vectors of every guild of the
	// configured Discord shard at start-up (gazette serve).
	serving bool
	// follow applies other processes' writes to the in-memory index every
	// follow (serve: the command line may ingest beside it).
	follow time.Duration
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
	so := store.Options{Logger: log, EmbedderID: emb.ID(), Dim: emb.Dim(), Exclusive: o.exclusive, Holder: o.holder, Follow: o.follow}
	if o.adoptEmbedder {
		so.EmbedderID, so.Dim = "", 0
	}
	st, err := openStore(ctx, cfg, log, o, so)
	if errors.Is(err, news.ErrEmbedderMismatch) {
		return nil, fmt.Errorf("the store in %s was embedded with another model than %s; run 'gazette reembed' to switch it (GAZETTE_EMBEDDER and GAZETTE_EMBED_MODEL choose the model)", storeWhere(cfg), emb.ID())
	}
	if errors.Is(err, store.ErrLocked) {
		return nil, fmt.Errorf("%w\nOnly one 'gazette serve' (or 'gazette reembed') may use a data directory at a time; the command line's ingest, ask and check work beside it", err)
	}
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, log: log, store: st, embedder: emb}
	popts := ingest.PipelineOptions{Logger: log}
	if _, builtin := emb.(*uselite.Encoder); builtin {
		// The built-in encoder spreads one batch over every core itself;
		// batches side by side would only hold more scratch memory.
		popts.Workers = 1
	}
	a.pipeline = ingest.NewPipeline(st, emb, popts)
	a.http = safehttp.New(safehttp.Options{
		AllowPrivate: cfg.AllowPrivateNetworks,
		MaxBytes:     cfg.FetchMaxBytes,
		Timeout:      cfg.FetchTimeout,
		Contact:      cfg.Contact,
	})
	a.fetcher = web.NewFetcher(a.http)
	a.retriever = rag.NewRetriever(a.store, emb, rag.RetrieverOptions{Logger: log})
	opts := rag.Options{Embedder: emb, Logger: log, CommonWord: uselite.CommonWord}
	if _, builtin := emb.(*uselite.Encoder); !builtin {
		// The floor of meaning is calibrated for the built-in encoder.
		opts.MinMeaning = -1
	}
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

// openStore opens the store of the data directory (or o.dbPath) for the
// commands that need no embedder (sources, forget, export) and for
// openApp, with messages that say what to do.
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger, o appOptions, so store.Options) (news.Store, error) {
	if cfg.DatabaseURL != "" && o.dbPath == "" {
		return openPostgres(ctx, cfg, log, o, so)
	}
	path := o.dbPath
	if path == "" {
		if !o.readOnly {
			if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
				log.Debug("create data directory", "err", err)
				return nil, fmt.Errorf("cannot create the data directory %s: %s; set GAZETTE_DATA_DIR to a directory this user may write", cfg.DataDir, pathProblem(err))
			}
		}
		path = cfg.DBPath()
	}
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a file: it cannot be the store; move it aside, or set GAZETTE_DATA_DIR to another directory", path)
	}
	so.Logger = log
	so.ReadOnly = o.readOnly
	st, err := store.Open(ctx, path, so)
	if errors.Is(err, store.ErrNeedsMigration) {
		// A store whose creation or upgrade was interrupted, or that an
		// older version wrote: a reader cannot read it as it is, so it
		// finishes the upgrade when it may write, as any writer would.
		log.Info("upgrading the store's schema", "path", path)
		so.ReadOnly = false
		if st, err2 := store.Open(ctx, path, so); err2 == nil {
			return st, nil
		}
	}
	switch {
	case err == nil:
		return st, nil
	case errors.Is(err, news.ErrEmbedderMismatch), errors.Is(err, store.ErrLocked):
		return nil, err
	case errors.Is(err, store.ErrNoStore):
		return nil, fmt.Errorf("there is no library in %s yet (GAZETTE_DATA_DIR): ingest articles first with 'gazette ingest PATH|URL', or try 'gazette demo'", filepath.Dir(path))
	case errors.Is(err, store.ErrNeedsMigration):
		return nil, fmt.Errorf("the store in %s was written by an older Gazette and needs a schema upgrade, which this read-only command does not make; any command that writes makes it, e.g. 'gazette reembed' (which changes nothing else while the embedder is unchanged)", filepath.Dir(path))
	}
	log.Debug("open store", "path", path, "err", err)
	if msg := storeProblem(err, filepath.Dir(path)); msg != "" {
		return nil, errors.New(msg)
	}
	return nil, fmt.Errorf("open store %s: %w", path, err)
}

// pathProblem says why a file operation failed, without the operation and
// path the error repeats.
func pathProblem(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// storeProblem turns a SQLite error into a sentence that says what to do,
// or "" for an error that is not SQLite's. dir is the store's directory.
func storeProblem(err error, dir string) string {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return ""
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH:
		return fmt.Sprintf("cannot open the store in %s: this user may not read it, or may not write the directory; set GAZETTE_DATA_DIR to a directory this user may write, or fix its permissions", dir)
	case sqlite3.SQLITE_READONLY:
		return fmt.Sprintf("the store in %s is read-only for this user: ingest, feed, forget, reembed and serve write to it (ask, sources, export, check and digest only read); fix its permissions or set GAZETTE_DATA_DIR", dir)
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return fmt.Sprintf("the store in %s is busy: another gazette process is writing to it; try again in a moment", dir)
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		return fmt.Sprintf("the store in %s is damaged or is not a Gazette store; 'gazette check' reports what is wrong; move the file aside or restore a backup", dir)
	case sqlite3.SQLITE_FULL:
		return fmt.Sprintf("the disk holding %s is full; free some space and try again", dir)
	case sqlite3.SQLITE_IOERR:
		return fmt.Sprintf("reading or writing the store in %s failed; check the disk, its free space, and that GAZETTE_DATA_DIR is on a local file system", dir)
	}
	return fmt.Sprintf("the store in %s failed unexpectedly; run again with LOG_LEVEL=debug for the details, and 'gazette check' to verify the store", dir)
}

// elapsed formats a duration for people.
func elapsed(d time.Duration) string {
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(100 * time.Millisecond).String()
}
