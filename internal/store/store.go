// Package store keeps Gazette's articles in SQLite, the source of truth, and
// their chunk vectors in an in-memory chromem-go index rebuilt from SQLite at
// start-up. It serves keyword search (FTS5 bm25) and dense search (cosine),
// one isolated namespace per Discord guild.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	chromem "github.com/philippgille/chromem-go"
	"modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/gazettebot/gazette/news"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// The store implements the storage contract.
var _ news.Store = (*Store)(nil)

// Options configures [Open]. The zero value is usable: it discards logs and
// adopts whatever embedder the store already records.
type Options struct {
	// Logger receives start-up and maintenance events; nil discards them.
	Logger *slog.Logger
	// EmbedderID names the embedder the caller will use for new chunks and
	// queries. When the store already holds chunks from another embedder,
	// Open fails with [news.ErrEmbedderMismatch] (open it with an empty
	// EmbedderID and call [Store.Reembed] to switch it over). Empty adopts
	// the store's own.
	EmbedderID string
	// Dim is the embedder's vector dimension; it must be set with EmbedderID.
	Dim int
	// Now returns the current time, used for IngestedAt when an article has
	// none; nil means time.Now.
	Now func() time.Time
	// TitleWeight is the weight of the title column against the passage's
	// (1) in keyword ranking; 0 means 1.
	TitleWeight float64
	// MaxOpenConns bounds the SQLite connection pool; 0 means a default of
	// max(4, GOMAXPROCS). Writes are serialised by the store itself.
	MaxOpenConns int
	// Exclusive takes the store's exclusive lock (a file beside the
	// database, "<path>.lock") until Close, so that only one long-running
	// owner (`gazette serve`, a re-embedding run) uses a store at a time; a
	// second one fails with a [*LockedError] naming the first. Other opens
	// (the command line's ingest, ask, check) take no lock: SQLite
	// serialises their writes, and a serving process picks them up.
	Exclusive bool
	// Holder describes this process in the lock file for the error a
	// second one gets ("gazette serve"); empty means the command line.
	Holder string
	// ReadOnly opens an existing store for reading only: nothing is
	// created, migrated or recorded, and every write fails. A store that
	// does not exist yet is ErrNoStore; one that an older version wrote
	// and that needs migrating is ErrNeedsMigration. A store in a
	// directory this process may not write is opened as immutable.
	ReadOnly bool
	// Follow, when positive, makes the store apply other processes' writes
	// to its in-memory index every Follow (see [Store.Sync]), until Close.
	// A serving process sets it, so articles the command line ingests are
	// found by meaning without a restart.
	Follow time.Duration
}

// ErrNoStore means a read-only open found no store file.
var ErrNoStore = errors.New("store: no store yet")

// ErrNeedsMigration means a read-only open found a store that a command
// which writes must upgrade first.
var ErrNeedsMigration = errors.New("store: the store needs a schema upgrade")

// Store is the article store. Its methods are safe for concurrent use.
type Store struct {
	db  *sql.DB
	log *slog.Logger
	now func() time.Time

	// wmu serialises writers, so a write transaction and the in-memory
	// index update that follows it are one step for other writers.
	wmu sync.Mutex

	// mu guards embedderID, dim, the in-memory index and the bookkeeping
	// beside it; index updates hold it for writing, queries for reading.
	mu         sync.RWMutex
	embedderID string
	dim        int
	index      *chromem.DB
	gen        uint64                         // the last generation handed out
	gens       map[string]uint64              // by namespace, see Generation
	chunkIDs   map[string]map[string][]string // chunks indexed, by namespace and article
	// subsetMax is the number of allowed chunks up to which a filtered
	// dense search queries a collection of just those (see queryIndex).
	subsetMax int

	reembedBatch int
	titleWeight  float64

	lock *fileLock // nil unless opened Exclusive

	// applied is the last change-log seq applied to the index (guarded by
	// wmu); see follow.go.
	applied    int64
	stopFollow context.CancelFunc
	followDone chan struct{}
}

// Open opens (creating if needed) the store in the SQLite file at path,
// applies pending migrations and rebuilds the in-memory vector index from
// the stored embeddings.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if path == "" {
		return nil, errors.New("open store: empty path")
	}
	if (opts.EmbedderID == "") != (opts.Dim == 0) || opts.Dim < 0 {
		return nil, fmt.Errorf("open store: embedder id %q and dimension %d must be set together", opts.EmbedderID, opts.Dim)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	q := url.Values{}
	if opts.ReadOnly {
		if err := readOnlyMode(path, q); err != nil {
			return nil, err
		}
	}
	if err := checkFile(ctx, path); err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if !opts.ReadOnly {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			if err := createFile(ctx, path, log); err != nil {
				return nil, fmt.Errorf("open store %s: %w", path, err)
			}
		}
	}
	var lock *fileLock
	if opts.Exclusive {
		l, err := lockFile(lockPath(path), holderText(opts.Holder))
		if err != nil {
			return nil, fmt.Errorf("open store %s: %w", path, err)
		}
		lock = l
	}
	pragmas := []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(NORMAL)",
		// 16 MiB of page cache a connection (SQLite's default is 2 MiB) keeps the
		// keyword index and its document sizes, which bm25 reads for every
		// match, in memory: keyword search at 100k chunks is about 1.5x faster.
		"cache_size(-16384)"}
	if opts.ReadOnly {
		// Setting the journal mode or synchronous writes; a reader keeps
		// what the file has.
		pragmas = []string{"busy_timeout(10000)", "foreign_keys(1)", "cache_size(-16384)"}
	} else {
		q.Set("_txlock", "immediate")
	}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	s, err := openDB(ctx, path, q, opts, log, now, lock)
	if err != nil && opts.ReadOnly && cannotOpen(err) {
		// A WAL store in a directory this process may not write: SQLite
		// cannot create the shared-memory file a reader needs, but can
		// read the file as immutable, since no process of this user can
		// change it.
		q.Set("immutable", "1")
		s, err = openDB(ctx, path, q, opts, log, now, lock)
	}
	if err != nil && lock != nil {
		lock.unlock()
	}
	return s, err
}

// openDB opens the database with the URI parameters q and loads the store.
func openDB(ctx context.Context, path string, q url.Values, opts Options, log *slog.Logger, now func() time.Time, lock *fileLock) (*Store, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	maxConns := opts.MaxOpenConns
	if maxConns <= 0 {
		maxConns = max(4, runtime.GOMAXPROCS(0))
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxIdleTime(0)
	s := &Store{db: db, log: log, now: now, index: chromem.NewDB(), reembedBatch: defaultReembedBatch,
		titleWeight: 1, lock: lock, gens: make(map[string]uint64), chunkIDs: make(map[string]map[string][]string),
		subsetMax: defaultSubsetMax,
		// Generations continue from the clock, so that a store reopened in
		// the same process never repeats one handed out before.
		gen: uint64(time.Now().UnixNano())}
	if opts.TitleWeight > 0 {
		s.titleWeight = opts.TitleWeight
	}
	if err := s.open(ctx, opts); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if opts.Follow > 0 {
		fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		s.stopFollow, s.followDone = cancel, make(chan struct{})
		go func() {
			defer close(s.followDone)
			s.follow(fctx, opts.Follow)
		}()
	}
	return s, nil
}

func (s *Store) open(ctx context.Context, opts Options) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	if opts.ReadOnly {
		if err := checkMigrated(ctx, s.db); err != nil {
			return err
		}
	} else if err := migrate(ctx, s.db, s.log); err != nil {
		return err
	}
	id, dim, err := s.readEmbedder(ctx)
	if err != nil {
		return err
	}
	if opts.EmbedderID != "" && (opts.EmbedderID != id || opts.Dim != dim) && opts.ReadOnly {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM chunks`).Scan(&n); err != nil {
			return fmt.Errorf("count chunks: %w", err)
		}
		if n > 0 && id != "" {
			return fmt.Errorf("store has %d chunks from %s (dim %d), caller uses %s (dim %d): %w",
				n, id, dim, opts.EmbedderID, opts.Dim, news.ErrEmbedderMismatch)
		}
		// An empty store: the caller's embedder, not recorded.
		id, dim = opts.EmbedderID, opts.Dim
	} else if opts.EmbedderID != "" && (opts.EmbedderID != id || opts.Dim != dim) {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM chunks`).Scan(&n); err != nil {
			return fmt.Errorf("count chunks: %w", err)
		}
		if n > 0 && id != "" {
			return fmt.Errorf("store has %d chunks from %s (dim %d), caller uses %s (dim %d): %w",
				n, id, dim, opts.EmbedderID, opts.Dim, news.ErrEmbedderMismatch)
		}
		if err := setEmbedder(ctx, s.db, opts.EmbedderID, opts.Dim); err != nil {
			return err
		}
		id, dim = opts.EmbedderID, opts.Dim
	}
	s.embedderID, s.dim = id, dim
	// The change log position first, then the vectors: a change committed
	// in between is applied again, which is harmless.
	if err := s.readApplied(ctx); err != nil {
		return err
	}
	start := time.Now()
	n, err := s.rebuildIndex(ctx)
	if err != nil {
		return err
	}
	s.log.Info("store open", "embedder", id, "dim", dim, "chunks", n, "rebuild", time.Since(start))
	return nil
}

// Close closes the database. The store must not be used afterwards.
func (s *Store) Close() error {
	if s.stopFollow != nil {
		s.stopFollow()
		<-s.followDone
		s.stopFollow = nil
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	err := s.db.Close()
	if s.lock != nil {
		if uerr := s.lock.unlock(); err == nil {
			err = uerr
		}
		s.lock = nil
	}
	if err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

// DB returns the underlying database, for sibling files of this package and
// for tests. Writers should hold no transaction open for long.
func (s *Store) DB() *sql.DB { return s.db }

// EmbedderID returns the id of the embedder whose vectors the store holds
// ("" for a new store opened without one).
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

// migrate applies every embedded migration not yet recorded, in file-name
// order, all in one transaction: a store is either at its old version or
// fully upgraded, never in between, however the process is stopped.
func migrate(ctx context.Context, db *sql.DB, log *slog.Logger) error {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: begin: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY,
		applied_at INTEGER NOT NULL
	)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	var applied []string
	for _, name := range names {
		body, err := migrationFiles.ReadFile(name)
		if err != nil {
			return fmt.Errorf("read migration %s: %w", name, err)
		}
		base := name[len("migrations/"):]
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, base).Scan(&n); err != nil {
			return fmt.Errorf("migration %s: check: %w", base, err)
		}
		if n > 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`,
			base, time.Now().UnixMilli()); err != nil {
			return fmt.Errorf("migration %s: record: %w", base, err)
		}
		applied = append(applied, base)
	}
	if len(applied) == 0 {
		return nil
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: commit: %w", err)
	}
	for _, name := range applied {
		log.Info("migration applied", "name", name)
	}
	return nil
}

func (s *Store) readEmbedder(ctx context.Context) (string, int, error) {
	var id, dimText string
	err := s.db.QueryRowContext(ctx, `SELECT
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
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func setEmbedder(ctx context.Context, db execer, id string, dim int) error {
	_, err := db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('embedder', ?), ('dim', ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, id, strconv.Itoa(dim))
	if err != nil {
		return fmt.Errorf("set embedder: %w", err)
	}
	return nil
}

// readOnlyMode sets the URI parameters of a read-only open of path.
func readOnlyMode(path string, q url.Values) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("open store %s: %w", path, ErrNoStore)
	} else if err != nil {
		return fmt.Errorf("open store %s: %w", path, err)
	}
	q.Set("mode", "ro")
	q.Set("_txlock", "deferred")
	return nil
}

// cannotOpen reports SQLite's "unable to open" and read-only refusals.
func cannotOpen(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY:
		return true
	}
	return false
}

// checkMigrated fails with ErrNeedsMigration unless every embedded
// migration is recorded in the store.
func checkMigrated(ctx context.Context, db *sql.DB) error {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	var applied int
	err = db.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&applied)
	if err != nil && strings.Contains(err.Error(), "no such table") {
		return ErrNeedsMigration
	}
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	for _, name := range names {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, name[len("migrations/"):]).Scan(&n); err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		if n == 0 {
			return ErrNeedsMigration
		}
	}
	return nil
}
