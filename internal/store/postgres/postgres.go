// Package postgres keeps Gazette's articles in PostgreSQL, for deployments
// that outgrow one machine: several `gazette serve` processes, each serving
// some Discord shards, share one database.
//
// PostgreSQL is the source of truth for articles, chunks with their vectors
// (float32 bytea: pgvector is not assumed), feeds, subscriptions, digest runs
// and feedback. Keyword search is PostgreSQL full text (a stored tsvector per
// chunk with a GIN index, and keyword postings kept from it by triggers for
// BM25 ranking); dense search runs in an in-memory chromem-go
// index that each process builds only for the namespaces it needs: with
// [Options.Shards] set, those of its Discord shards, loaded at start-up;
// otherwise each namespace on first use. Every write appends to a change
// log and NOTIFYs it, so each process applies the change to its index
// within moments, and catches up by sequence number after a reconnect.
// Feed polls and digest runs are leased in the database, so that several
// processes never poll one feed at once nor post a digest twice, and a dead
// process's work is taken over when its lease runs out.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gazettebot/gazette/news"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Defaults for the zero values of [Options].
const (
	DefaultMaxConns       = 8
	DefaultFeedLease      = 10 * time.Minute
	DefaultFeedClaimBatch = 10
)

// Shards selects the Discord shards a process serves. A guild's shard is
// (guild_id >> 22) % Count, as Discord computes it; namespaces that are
// not guild ids (the command line's "local") belong to shard 0.
type Shards struct {
	IDs   []int
	Count int
}

// Serves reports whether namespace ns belongs to one of the shards.
func (sh Shards) Serves(ns string) bool {
	if sh.Count <= 0 {
		return true
	}
	shard := 0
	if id, err := strconv.ParseUint(ns, 10, 64); err == nil {
		shard = int((id >> 22) % uint64(sh.Count))
	}
	for _, s := range sh.IDs {
		if s == shard {
			return true
		}
	}
	return false
}

// Options configures [Open]. The zero value is usable.
type Options struct {
	// Logger receives start-up, change-following and lease events; nil
	// discards them.
	Logger *slog.Logger
	// EmbedderID and Dim name the caller's embedder, as in store.Options:
	// Open fails with news.ErrEmbedderMismatch when the database holds
	// vectors of another. Empty adopts the database's own.
	EmbedderID string
	Dim        int
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// MaxConns bounds the connection pool; 0 means DefaultMaxConns. One
	// more connection per process listens for changes.
	MaxConns int
	// Shards, when its Count is set, makes Open load the vectors of every
	// namespace of these shards and follow the new ones; other namespaces
	// are loaded only when searched. The zero value loads each namespace
	// on first use.
	Shards Shards
	// Preload loads the vectors of every namespace Shards serves at Open
	// (a serving process); otherwise namespaces load on first search.
	Preload bool
	// FeedLease is how long a process holds the feeds it claimed for
	// polling; another process takes a due feed over after that. 0 means
	// DefaultFeedLease.
	FeedLease time.Duration
	// FeedClaimBatch is the number of due feeds one process claims at a
	// time; 0 means DefaultFeedClaimBatch.
	FeedClaimBatch int
	// Owner names this process in leases; empty means host name and pid.
	Owner string
}

// Store is the PostgreSQL store. Its methods are safe for concurrent use.
type Store struct {
	pool    *pgxpool.Pool
	cfg     *pgxpool.Config
	log     *slog.Logger
	now     func() time.Time
	shards  Shards
	preload bool
	owner   string
	lease   time.Duration
	batch   int

	mu         sync.RWMutex
	embedderID string
	dim        int

	idx *index

	statsMu sync.Mutex
	stats   map[string]keywordStats // by namespace, see keywordStats

	stop    context.CancelFunc
	stopped chan struct{}
	closeMu sync.Mutex
	closed  bool
}

// Open connects to the database at url (a postgres:// URL or key=value
// DSN), applies pending migrations, loads the vectors Options asks for and
// starts following other processes' changes.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	if (opts.EmbedderID == "") != (opts.Dim == 0) || opts.Dim < 0 {
		return nil, fmt.Errorf("open postgres store: embedder id %q and dimension %d must be set together", opts.EmbedderID, opts.Dim)
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// The parse error may quote the URL, password included.
		return nil, errors.New("open postgres store: the database URL is not a valid PostgreSQL URL")
	}
	cfg.MaxConns = int32(opts.MaxConns)
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = DefaultMaxConns
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Store{cfg: cfg, log: log, now: opts.Now, shards: opts.Shards, preload: opts.Preload,
		owner: opts.Owner, lease: opts.FeedLease, batch: opts.FeedClaimBatch}
	if s.now == nil {
		s.now = time.Now
	}
	if s.owner == "" {
		host, _ := os.Hostname()
		s.owner = fmt.Sprintf("%s/%d", host, os.Getpid())
	}
	if s.lease <= 0 {
		s.lease = DefaultFeedLease
	}
	if s.batch <= 0 {
		s.batch = DefaultFeedClaimBatch
	}
	where := fmt.Sprintf("%s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
	s.pool, err = pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres store %s: %w", where, err)
	}
	if err := s.open(ctx, opts); err != nil {
		s.pool.Close()
		return nil, fmt.Errorf("open postgres store %s: %w", where, err)
	}
	return s, nil
}

func (s *Store) open(ctx context.Context, opts Options) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	if err := migrate(ctx, s.pool, s.log); err != nil {
		return err
	}
	id, dim, err := readEmbedder(ctx, s.pool)
	if err != nil {
		return err
	}
	if opts.EmbedderID != "" && (opts.EmbedderID != id || opts.Dim != dim) {
		var n int
		if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM chunks`).Scan(&n); err != nil {
			return fmt.Errorf("count chunks: %w", err)
		}
		if n > 0 && id != "" {
			return fmt.Errorf("store has %d chunks from %s (dim %d), caller uses %s (dim %d): %w",
				n, id, dim, opts.EmbedderID, opts.Dim, news.ErrEmbedderMismatch)
		}
		if err := setEmbedder(ctx, s.pool, opts.EmbedderID, opts.Dim); err != nil {
			return err
		}
		id, dim = opts.EmbedderID, opts.Dim
	}
	s.embedderID, s.dim = id, dim
	s.idx = newIndex(id, dim)
	// The change log position first, then the vectors: a change committed
	// in between is applied twice, which is harmless, and none is missed.
	if err := s.pool.QueryRow(ctx, `SELECT coalesce(max(seq), 0) FROM changes`).Scan(&s.idx.applied); err != nil {
		return fmt.Errorf("read change log: %w", err)
	}
	start := time.Now()
	n := 0
	if s.preload {
		nss, err := s.namespaces(ctx)
		if err != nil {
			return err
		}
		for _, ns := range nss {
			if !s.shards.Serves(ns) {
				continue
			}
			c, err := s.load(ctx, ns)
			if err != nil {
				return err
			}
			n += c
		}
	}
	s.log.Info("store open", "backend", "postgres", "embedder", id, "dim", dim, "chunks", n,
		"shards", s.shards.IDs, "shard_count", s.shards.Count, "load", time.Since(start))
	fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.stop, s.stopped = cancel, make(chan struct{})
	go s.follow(fctx)
	return nil
}

// Close stops following changes and closes the pool. The store must not be
// used afterwards.
func (s *Store) Close() error {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.stop()
	<-s.stopped
	s.pool.Close()
	return nil
}

// Pool returns the connection pool, for tools and tests.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// EmbedderID returns the id of the embedder whose vectors the store holds.
func (s *Store) EmbedderID() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.embedderID
}

// Dim returns the dimension of the store's vectors (0 when not yet known).
func (s *Store) Dim() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.dim
}

// migrationLock is the advisory lock key that serialises migrations of
// processes starting together.
const migrationLock = 0x67617a6d // "gazm"

// migrate applies every embedded migration not yet recorded, in file-name
// order, each in its own transaction, under an advisory lock.
func migrate(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger) error {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		body, err := migrationFiles.ReadFile(name)
		if err != nil {
			return fmt.Errorf("read migration %s: %w", name, err)
		}
		base := name[len("migrations/"):]
		applied, err := applyMigration(ctx, pool, base, string(body))
		if err != nil {
			return err
		}
		if applied {
			log.Info("migration applied", "backend", "postgres", "name", base)
		}
	}
	return nil
}

func applyMigration(ctx context.Context, pool *pgxpool.Pool, name, body string) (bool, error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("migration %s: begin: %w", name, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
		return false, fmt.Errorf("migration %s: lock: %w", name, err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name text PRIMARY KEY,
		applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return false, fmt.Errorf("create schema_migrations: %w", err)
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM schema_migrations WHERE name = $1`, name).Scan(&n); err != nil {
		return false, fmt.Errorf("migration %s: check: %w", name, err)
	}
	if n > 0 {
		return false, nil
	}
	if _, err := tx.Exec(ctx, body); err != nil {
		return false, fmt.Errorf("migration %s: %w", name, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (name) VALUES ($1)`, name); err != nil {
		return false, fmt.Errorf("migration %s: record: %w", name, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return false, fmt.Errorf("migration %s: commit: %w", name, err)
	}
	return true, nil
}

type queryRower interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func readEmbedder(ctx context.Context, q queryRower) (string, int, error) {
	var id, dimText string
	err := q.QueryRow(ctx, `SELECT
		coalesce((SELECT value FROM meta WHERE key = 'embedder'), ''),
		coalesce((SELECT value FROM meta WHERE key = 'dim'), '0')`).Scan(&id, &dimText)
	if err != nil {
		return "", 0, fmt.Errorf("read embedder: %w", err)
	}
	dim, err := strconv.Atoi(dimText)
	if err != nil {
		return "", 0, fmt.Errorf("read embedder: bad dimension %q: %w", dimText, err)
	}
	return id, dim, nil
}

type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

func setEmbedder(ctx context.Context, db execer, id string, dim int) error {
	_, err := db.Exec(ctx, `INSERT INTO meta (key, value) VALUES ('embedder', $1), ('dim', $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, id, strconv.Itoa(dim))
	if err != nil {
		return fmt.Errorf("set embedder: %w", err)
	}
	return nil
}

// namespaces lists the namespaces that have chunks.
func (s *Store) namespaces(ctx context.Context) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT namespace FROM chunks ORDER BY namespace`)
	if err != nil {
		return nil, fmt.Errorf("list namespaces: %w", err)
	}
	nss, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list namespaces: %w", err)
	}
	return nss, nil
}

// ms truncates t to the millisecond, in UTC, as the store keeps times;
// nil for the zero time.
func ms(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Truncate(time.Millisecond)
}

// fromTS converts a nullable timestamptz to a UTC time (zero when NULL).
func fromTS(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}
