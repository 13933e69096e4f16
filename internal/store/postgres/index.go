package postgres

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	chromem "github.com/philippgille/chromem-go"

	"github.com/gazettebot/gazette/internal/store/vindex"
)

// index is the process's in-memory vector index: one chromem-go collection
// per loaded namespace, kept equal to the chunks table by applying the
// change log.
type index struct {
	mu       sync.RWMutex // guards db and spaces
	embedder string
	dim      int
	db       *chromem.DB
	spaces   map[string]*space
	gen      atomic.Uint64 // last generation handed out
	// gens is each namespace's generation: bumped by every change of
	// the namespace this process applies, loaded or not.
	gens map[string]uint64

	// applyMu serialises loads and change application; applied is the
	// last change-log seq applied (guarded by applyMu).
	applyMu sync.Mutex
	applied int64
}

// space is one loaded namespace.
type space struct {
	coll      *chromem.Collection
	articles  map[string][]string // article id → its chunk ids
	articleOf map[string]string   // chunk id → article id
}

func newIndex(embedder string, dim int) *index {
	return &index{embedder: embedder, dim: dim, db: chromem.NewDB(), spaces: map[string]*space{}, gens: map[string]uint64{}}
}

// bump gives namespace ns a generation never handed out before.
func (x *index) bump(ns string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.gens[ns] = x.gen.Add(1)
}

func (x *index) get(ns string) *space {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.spaces[ns]
}

// chunkRow is a chunk's vector as loaded from the database.
type chunkRow struct {
	id, article string
	vec         []float32
}

// put replaces the namespace's collection by one holding rows. The caller
// holds applyMu.
func (x *index) put(ctx context.Context, ns string, rows []chunkRow) error {
	x.mu.Lock()
	if x.db.GetCollection(ns, vindex.NoEmbedding) != nil {
		if err := x.db.DeleteCollection(ns); err != nil {
			x.mu.Unlock()
			return fmt.Errorf("replace collection %q: %w", ns, err)
		}
	}
	delete(x.spaces, ns)
	if len(rows) == 0 {
		x.mu.Unlock()
		return nil
	}
	coll, err := vindex.Collection(x.db, ns, x.embedder, x.dim, true)
	if err != nil {
		x.mu.Unlock()
		return err
	}
	sp := &space{coll: coll, articles: map[string][]string{}, articleOf: make(map[string]string, len(rows))}
	x.spaces[ns] = sp
	x.mu.Unlock()
	docs := make([]chromem.Document, len(rows))
	for i, r := range rows {
		docs[i] = chromem.Document{ID: r.id, Embedding: r.vec}
		sp.articles[r.article] = append(sp.articles[r.article], r.id)
		sp.articleOf[r.id] = r.article
	}
	if err := coll.AddDocuments(ctx, docs, runtime.GOMAXPROCS(0)); err != nil {
		return fmt.Errorf("index %d chunks of %q: %w", len(docs), ns, err)
	}
	return nil
}

// replaceArticle swaps the chunks of one article of a loaded namespace. The
// caller holds applyMu.
func (x *index) replaceArticle(ctx context.Context, sp *space, article string, rows []chunkRow) error {
	if old := sp.articles[article]; len(old) > 0 {
		// By ids only: a non-nil empty where map would delete everything.
		if err := sp.coll.Delete(ctx, nil, nil, old...); err != nil {
			return fmt.Errorf("unindex article %s: %w", article, err)
		}
		for _, id := range old {
			delete(sp.articleOf, id)
		}
		delete(sp.articles, article)
	}
	for _, r := range rows {
		if err := sp.coll.AddDocument(ctx, chromem.Document{ID: r.id, Embedding: r.vec}); err != nil {
			return fmt.Errorf("index chunk %s: %w", r.id, err)
		}
		sp.articles[article] = append(sp.articles[article], r.id)
		sp.articleOf[r.id] = article
	}
	return nil
}

// loadedNamespaces lists the namespaces in the index.
func (x *index) loadedNamespaces() []string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	out := make([]string, 0, len(x.spaces))
	for ns := range x.spaces {
		out = append(out, ns)
	}
	return out
}

// readChunks reads the vectors of a namespace, or of one of its articles.
func (s *Store) readChunks(ctx context.Context, ns, article string) ([]chunkRow, error) {
	dim := s.Dim()
	var (
		rows pgx.Rows
		err  error
	)
	if article == "" {
		rows, err = s.pool.Query(ctx, `SELECT id, article_id, embedding FROM chunks WHERE namespace = $1`, ns)
	} else {
		rows, err = s.pool.Query(ctx, `SELECT id, article_id, embedding FROM chunks
			WHERE namespace = $1 AND article_id = $2 ORDER BY position`, ns, article)
	}
	if err != nil {
		return nil, fmt.Errorf("read vectors of %q: %w", ns, err)
	}
	defer rows.Close()
	var out []chunkRow
	var blob []byte
	for rows.Next() {
		var r chunkRow
		if err := rows.Scan(&r.id, &r.article, &blob); err != nil {
			return nil, fmt.Errorf("read vectors of %q: %w", ns, err)
		}
		if r.vec, err = vindex.Decode(blob, dim); err != nil {
			return nil, fmt.Errorf("read vectors of %q: chunk %s: %w", ns, r.id, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read vectors of %q: %w", ns, err)
	}
	return out, nil
}

// load (re)builds the namespace's collection from the database and returns
// the number of chunks loaded.
func (s *Store) load(ctx context.Context, ns string) (int, error) {
	s.idx.applyMu.Lock()
	defer s.idx.applyMu.Unlock()
	return s.loadLocked(ctx, ns)
}

func (s *Store) loadLocked(ctx context.Context, ns string) (int, error) {
	rows, err := s.readChunks(ctx, ns, "")
	if err != nil {
		return 0, err
	}
	if err := s.idx.put(ctx, ns, rows); err != nil {
		return 0, err
	}
	return len(rows), nil
}

// space returns the namespace's loaded vectors, loading them on first use;
// nil when the namespace has no chunks.
func (s *Store) space(ctx context.Context, ns string) (*space, error) {
	if sp := s.idx.get(ns); sp != nil {
		return sp, nil
	}
	s.idx.applyMu.Lock()
	defer s.idx.applyMu.Unlock()
	if sp := s.idx.get(ns); sp != nil {
		return sp, nil
	}
	if _, err := s.loadLocked(ctx, ns); err != nil {
		return nil, err
	}
	return s.idx.get(ns), nil
}

// Generation returns a number that changes whenever the articles of ns
// change, as this process sees them: its own writes at once, other
// processes' when it applies them from the change log. It is 0 until the
// first change of ns this process sees.
func (s *Store) Generation(ns string) uint64 {
	s.idx.mu.RLock()
	defer s.idx.mu.RUnlock()
	return s.idx.gens[ns]
}

// changesChannel is the NOTIFY channel of the change log.
const changesChannel = "gazette_changes"

// changeLock is the advisory lock every writer takes before appending to
// the change log, held until its commit: log sequence numbers are then in
// commit order, so a reader that saw seq n has seen every change before n.
const changeLock = 0x67617a63 // "gazc"

// logChange appends a change to the log inside the writer's transaction
// and returns its seq. An empty article means the whole namespace; an
// empty namespace means every namespace (a re-embedding).
func logChange(ctx context.Context, tx pgx.Tx, ns, article string) (int64, error) {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, changeLock); err != nil {
		return 0, fmt.Errorf("lock change log: %w", err)
	}
	var seq int64
	if err := tx.QueryRow(ctx, `INSERT INTO changes (namespace, article_id) VALUES ($1, $2) RETURNING seq`,
		ns, article).Scan(&seq); err != nil {
		return 0, fmt.Errorf("log change: %w", err)
	}
	if _, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, changesChannel, strconv.FormatInt(seq, 10)); err != nil {
		return 0, fmt.Errorf("notify change: %w", err)
	}
	return seq, nil
}

// syncTo applies the change log at least up to seq (a write of this
// process), so that the process reads its own writes.
func (s *Store) syncTo(ctx context.Context, seq int64) error {
	s.idx.applyMu.Lock()
	defer s.idx.applyMu.Unlock()
	if s.idx.applied >= seq {
		return nil
	}
	return s.applyLocked(ctx)
}

// apply applies every change logged after the last one applied.
func (s *Store) apply(ctx context.Context) error {
	s.idx.applyMu.Lock()
	defer s.idx.applyMu.Unlock()
	return s.applyLocked(ctx)
}

type change struct {
	seq         int64
	ns, article string
}

func (s *Store) applyLocked(ctx context.Context) error {
	for {
		rows, err := s.pool.Query(ctx, `SELECT seq, namespace, article_id FROM changes
			WHERE seq > $1 ORDER BY seq LIMIT 1000`, s.idx.applied)
		if err != nil {
			return fmt.Errorf("read change log: %w", err)
		}
		var batch []change
		for rows.Next() {
			var c change
			if err := rows.Scan(&c.seq, &c.ns, &c.article); err != nil {
				rows.Close()
				return fmt.Errorf("read change log: %w", err)
			}
			batch = append(batch, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read change log: %w", err)
		}
		if len(batch) == 0 {
			return nil
		}
		if batch[0].seq > s.idx.applied+1 && s.idx.applied > 0 {
			// Changes were pruned while this process was away (or a
			// writer's commit failed after logging): start afresh.
			var oldest int64
			if err := s.pool.QueryRow(ctx, `SELECT coalesce(min(seq), 0) FROM changes`).Scan(&oldest); err != nil {
				return fmt.Errorf("read change log: %w", err)
			}
			if oldest > s.idx.applied+1 {
				s.log.Warn("change log pruned past this process's position; reloading every namespace",
					"applied", s.idx.applied, "oldest", oldest)
				if err := s.reloadAllLocked(ctx); err != nil {
					return err
				}
			}
		}
		for _, c := range batch {
			if err := s.applyOne(ctx, c); err != nil {
				return fmt.Errorf("apply change %d: %w", c.seq, err)
			}
			s.idx.applied = c.seq
		}
	}
}

func (s *Store) applyOne(ctx context.Context, c change) error {
	if c.ns == "" {
		return s.reloadAllLocked(ctx)
	}
	s.idx.bump(c.ns)
	sp := s.idx.get(c.ns)
	if sp == nil {
		if s.preload && s.shards.Serves(c.ns) {
			_, err := s.loadLocked(ctx, c.ns)
			return err
		}
		return nil // loaded from the database when first searched
	}
	if c.article == "" {
		_, err := s.loadLocked(ctx, c.ns)
		return err
	}
	rows, err := s.readChunks(ctx, c.ns, c.article)
	if err != nil {
		return err
	}
	return s.idx.replaceArticle(ctx, sp, c.article, rows)
}

// reloadAllLocked re-reads the embedder and reloads every loaded namespace
// (and, when preloading, every served one).
func (s *Store) reloadAllLocked(ctx context.Context) error {
	id, dim, err := readEmbedder(ctx, s.pool)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.embedderID, s.dim = id, dim
	s.mu.Unlock()
	want := s.idx.loadedNamespaces()
	if s.preload {
		nss, err := s.namespaces(ctx)
		if err != nil {
			return err
		}
		for _, ns := range nss {
			if s.shards.Serves(ns) {
				want = append(want, ns)
			}
		}
	}
	s.idx.mu.Lock()
	s.idx.embedder, s.idx.dim = id, dim
	s.idx.db = chromem.NewDB()
	s.idx.spaces = map[string]*space{}
	for ns := range s.idx.gens {
		s.idx.gens[ns] = s.idx.gen.Add(1)
	}
	s.idx.mu.Unlock()
	for _, ns := range want {
		if s.idx.get(ns) != nil {
			continue
		}
		if _, err := s.loadLocked(ctx, ns); err != nil {
			return err
		}
	}
	return nil
}

// Timings of following the change log.
const (
	// followPoll applies the log even without a notification, in case the
	// listening connection silently died.
	followPoll = 5 * time.Second
	// reconnectDelay is the first wait before listening again; it doubles
	// up to maxReconnectDelay.
	reconnectDelay    = 100 * time.Millisecond
	maxReconnectDelay = 5 * time.Second
	// changeRetention is how long change-log rows are kept.
	changeRetention = 24 * time.Hour
	pruneEvery      = time.Hour
)

// follow listens for change notifications and applies the log, until ctx
// ends. After a reconnect it catches up from the last applied seq.
func (s *Store) follow(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); s.poll(ctx) }()
	defer func() { wg.Wait(); close(s.stopped) }()
	delay := reconnectDelay
	for ctx.Err() == nil {
		err := s.listen(ctx, func() { delay = reconnectDelay })
		if ctx.Err() != nil {
			return
		}
		s.log.Warn("change notifications lost; reconnecting", "err", err, "retry_in", delay)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(2*delay, maxReconnectDelay)
	}
}

// listen holds one listening connection until it fails.
func (s *Store) listen(ctx context.Context, connected func()) error {
	conn, err := pgx.ConnectConfig(ctx, s.cfg.ConnConfig.Copy())
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+changesChannel); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	connected()
	// Catch up on whatever was logged while not listening.
	if err := s.apply(ctx); err != nil && ctx.Err() == nil {
		s.log.Error("apply change log", "err", err)
	}
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		if err := s.apply(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("apply change log", "err", err)
		}
	}
}

// poll applies the log periodically and prunes old entries.
func (s *Store) poll(ctx context.Context) {
	t := time.NewTicker(followPoll)
	defer t.Stop()
	lastPrune := time.Time{}
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := s.apply(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("apply change log", "err", err)
		}
		if time.Since(lastPrune) > pruneEvery {
			lastPrune = time.Now()
			if _, err := s.pool.Exec(ctx, `DELETE FROM changes WHERE changed_at < now() - make_interval(secs => $1)`,
				changeRetention.Seconds()); err != nil && ctx.Err() == nil {
				s.log.Warn("prune change log", "err", err)
			}
		}
	}
}
