package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	chromem "github.com/philippgille/chromem-go"

	"github.com/gazettebot/gazette/internal/store/vindex"
	"github.com/gazettebot/gazette/news"
)

// maxProblems bounds the problems listed of each kind.
const maxProblems = 20

// Check verifies the store's integrity: SQLite's own integrity check, every
// article has chunks at positions 0..n-1, the keyword index has exactly one
// row per chunk, every chunk has a vector of the store's embedder and
// dimension, and the in-memory index holds exactly the stored chunks. An
// error means the check itself could not run.
func (s *Store) Check(ctx context.Context) (news.CheckReport, error) {
	var r news.CheckReport
	add := func(format string, args ...any) { r.Problems = append(r.Problems, fmt.Sprintf(format, args...)) }
	// One read transaction, so every query sees one snapshot however
	// other processes write meanwhile; this process's writers wait.
	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return r, fmt.Errorf("check: begin: %w", err)
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM chunks)`).
		Scan(&r.Articles, &r.Chunks); err != nil {
		return r, fmt.Errorf("check: count: %w", err)
	}
	// Bring the in-memory index to the snapshot: other processes' writes
	// since Open (or the last sync) are not problems.
	if _, err := s.syncLocked(ctx, tx); err != nil {
		return r, fmt.Errorf("check: %w", err)
	}

	// FTS5 caches its index structure per connection and refreshes it on
	// a query, but its integrity check trusts the cache: after another
	// connection's write it reports a checksum mismatch that is not there.
	// Read the index once first.
	if _, err := queryStrings(ctx, tx, `SELECT CAST(rowid AS TEXT) FROM chunks_fts LIMIT 1`); err != nil {
		return r, fmt.Errorf("check: keyword index: %w", err)
	}
	msgs, err := queryStrings(ctx, tx, `PRAGMA integrity_check`)
	if err != nil {
		return r, fmt.Errorf("check: %w", err)
	}
	for _, m := range msgs {
		if m != "ok" {
			add("sqlite integrity: %s", m)
		}
	}

	bad, err := queryStrings(ctx, tx, `SELECT a.namespace || '/' || a.id || ': ' || count(c.seq) || ' chunks, positions '
			|| coalesce(min(c.position), '-') || '..' || coalesce(max(c.position), '-')
		FROM articles a LEFT JOIN chunks c ON c.namespace = a.namespace AND c.article_id = a.id
		GROUP BY a.namespace, a.id
		HAVING count(c.seq) = 0 OR min(c.position) != 0 OR max(c.position) != count(c.seq) - 1
		LIMIT ?`, maxProblems)
	if err != nil {
		return r, fmt.Errorf("check: positions: %w", err)
	}
	for _, b := range bad {
		add("article %s (want at least one, at 0..n-1)", b)
	}

	var ftsRows, ftsOrphans, unindexed, wrong int
	if err := tx.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM chunks_fts),
		(SELECT count(*) FROM chunks_fts WHERE rowid NOT IN (SELECT seq FROM chunks)),
		(SELECT count(*) FROM chunks WHERE seq NOT IN (SELECT rowid FROM chunks_fts)),
		(SELECT count(*) FROM chunks_fts f JOIN chunks c ON c.seq = f.rowid
			WHERE f.ns != 'n' || lower(hex(c.namespace)) OR f.article != c.article_id OR f.text != c.text)`).
		Scan(&ftsRows, &ftsOrphans, &unindexed, &wrong); err != nil {
		return r, fmt.Errorf("check: keyword index: %w", err)
	}
	if ftsRows != r.Chunks || ftsOrphans > 0 || unindexed > 0 || wrong > 0 {
		add("keyword index has %d rows for %d chunks (%d without a chunk, %d chunks missing, %d out of date)",
			ftsRows, r.Chunks, ftsOrphans, unindexed, wrong)
	}

	id, dim := s.EmbedderID(), s.Dim()
	bad, err = queryStrings(ctx, tx, `SELECT namespace || '/' || id || ': ' || length(embedding) || ' bytes by ' || embedder
		FROM chunks WHERE embedder != ? OR length(embedding) != ? LIMIT ?`, id, 4*dim, maxProblems)
	if err != nil {
		return r, fmt.Errorf("check: vectors: %w", err)
	}
	for _, b := range bad {
		add("chunk %s (want %d bytes by %s)", b, 4*dim, id)
	}

	if err := s.checkIndex(ctx, tx, add); err != nil {
		return r, fmt.Errorf("check: %w", err)
	}
	return r, nil
}

// checkIndex compares the in-memory index with SQLite, namespace by
// namespace: every stored chunk is indexed under its article and outlet,
// with the stored vector, and nothing else is. It reads through tx, the
// check's snapshot.
func (s *Store) checkIndex(ctx context.Context, tx querier, add func(string, ...any)) error {
	nss, err := queryStrings(ctx, tx, `SELECT DISTINCT namespace FROM chunks ORDER BY namespace`)
	if err != nil {
		return fmt.Errorf("namespaces: %w", err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for name := range s.index.ListCollections() {
		if !slices.Contains(nss, name) {
			if c, _ := s.collection(name, false); c != nil && c.Count() > 0 {
				add("vector index holds %d chunks of namespace %q, which has none stored", c.Count(), name)
			}
		}
	}
	for _, ns := range nss {
		coll, err := s.collection(ns, false)
		if err != nil {
			return err
		}
		if err := s.checkCollection(ctx, tx, ns, coll, add); err != nil {
			return err
		}
	}
	return nil
}

// checkCollection compares the namespace's collection with its stored
// chunks. The caller holds s.mu for reading.
func (s *Store) checkCollection(ctx context.Context, tx querier, ns string, coll *chromem.Collection, add func(string, ...any)) error {
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.article_id, a.outlet, c.embedding FROM chunks c
		JOIN articles a ON a.namespace = c.namespace AND a.id = c.article_id WHERE c.namespace = ?`, ns)
	if err != nil {
		return fmt.Errorf("chunks of namespace %q: %w", ns, err)
	}
	defer rows.Close()
	var stored, missing, wrong int
	for rows.Next() {
		var (
			id, art, outlet string
			blob            []byte
		)
		if err := rows.Scan(&id, &art, &outlet, &blob); err != nil {
			return fmt.Errorf("chunks of namespace %q: %w", ns, err)
		}
		stored++
		if coll == nil {
			continue
		}
		doc, err := coll.GetByID(ctx, id)
		if err != nil {
			if missing < maxProblems {
				add("chunk %s/%s is not in the vector index", ns, id)
			}
			missing++
			continue
		}
		vec, err := vindex.Decode(blob, 0)
		if err != nil || doc.Metadata[metaArticle] != art || doc.Metadata[metaOutlet] != foldOutlet(outlet) ||
			!vindex.Same(doc.Embedding, vec) {
			if wrong < maxProblems {
				add("chunk %s/%s is indexed under article %q, outlet %q, or with a vector, other than stored",
					ns, id, doc.Metadata[metaArticle], doc.Metadata[metaOutlet])
			}
			wrong++
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("chunks of namespace %q: %w", ns, err)
	}
	switch {
	case coll == nil:
		add("vector index has no collection for namespace %q (%d chunks stored)", ns, stored)
	case coll.Count() != stored-missing:
		add("vector index holds %d chunks of namespace %q, SQLite %d", coll.Count(), ns, stored)
	}
	return nil
}

func queryStrings(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
