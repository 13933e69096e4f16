package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/gazettebot/gazette/internal/store/vindex"
	"github.com/gazettebot/gazette/news"
)

// defaultReembedBatch is the number of chunks embedded per call to the
// embedder and written per transaction while re-embedding.
const defaultReembedBatch = 64

// Reembed re-embeds every chunk of every namespace with e, in batches, and
// then switches the store to e in one transaction: chunk vectors, their
// embedder and the store's recorded embedder change together, and the
// in-memory index is rebuilt. Until the switch the store keeps serving the
// old vectors. Progress (which may be nil) is called after each batch.
//
// An interrupted run resumes: vectors already computed for e are kept in
// the reembed_pending table and not computed again.
func (s *Store) Reembed(ctx context.Context, e news.Embedder, progress func(done, total int)) error {
	id, dim := e.ID(), e.Dim()
	if id == "" || dim <= 0 {
		return fmt.Errorf("reembed: embedder id %q and dimension %d must be set", id, dim)
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM reembed_pending WHERE embedder != ?`, id); err != nil {
		return fmt.Errorf("reembed: clear stale vectors: %w", err)
	}
	var total, done int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*), (SELECT count(*) FROM reembed_pending)
		FROM chunks`).Scan(&total, &done); err != nil {
		return fmt.Errorf("reembed: count: %w", err)
	}
	if progress != nil {
		progress(done, total)
	}
	for {
		n, err := s.reembedNext(ctx, e, dim)
		if err != nil {
			return fmt.Errorf("reembed: %w", err)
		}
		if n == 0 {
			break
		}
		done += n
		if progress != nil {
			progress(min(done, total), max(total, done))
		}
	}
	if err := s.switchEmbedder(ctx, e, dim); err != nil {
		return fmt.Errorf("reembed: %w", err)
	}
	if _, err := s.rebuildIndex(ctx); err != nil {
		return fmt.Errorf("reembed: %w", err)
	}
	s.log.Info("store reembedded", "embedder", id, "dim", dim, "chunks", total)
	return nil
}

// reembedNext embeds the next batch of chunks without a pending vector and
// stores the vectors; it returns how many it did.
func (s *Store) reembedNext(ctx context.Context, e news.Embedder, dim int) (int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT c.seq, a.title, c.text FROM chunks c
		JOIN articles a ON a.namespace = c.namespace AND a.id = c.article_id
		WHERE c.seq NOT IN (SELECT seq FROM reembed_pending) ORDER BY c.seq LIMIT ?`, s.reembedBatch)
	if err != nil {
		return 0, fmt.Errorf("read chunks: %w", err)
	}
	var (
		seqs  []int64
		texts []string
	)
	for rows.Next() {
		var (
			seq         int64
			title, text string
		)
		if err := rows.Scan(&seq, &title, &text); err != nil {
			rows.Close()
			return 0, fmt.Errorf("read chunks: %w", err)
		}
		seqs = append(seqs, seq)
		texts = append(texts, news.EmbeddingText(news.Article{Title: title}, text))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("read chunks: %w", err)
	}
	if len(seqs) == 0 {
		return 0, nil
	}
	vecs, err := e.Embed(ctx, texts)
	if err != nil {
		return 0, fmt.Errorf("embed %d chunks: %w", len(texts), err)
	}
	if len(vecs) != len(texts) {
		return 0, fmt.Errorf("embedder returned %d vectors for %d texts", len(vecs), len(texts))
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	for i, seq := range seqs {
		v, err := vindex.Normalize(vecs[i], dim)
		if err != nil {
			return 0, fmt.Errorf("chunk %d: %w", seq, err)
		}
		// A chunk deleted since it was read has no row to reference:
		// INSERT ... SELECT writes nothing for it.
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO reembed_pending (seq, embedder, embedding)
			SELECT seq, ?, ? FROM chunks WHERE seq = ?`, e.ID(), vindex.Encode(v), seq); err != nil {
			return 0, fmt.Errorf("store vector: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("commit: %w", err)
	}
	return len(seqs), nil
}

// switchEmbedder moves the pending vectors into chunks and records e as the
// store's embedder, in one transaction, provided every chunk has one.
func (s *Store) switchEmbedder(ctx context.Context, e news.Embedder, dim int) error {
	for range 100 { // chunks written meanwhile are embedded first
		s.wmu.Lock()
		err := s.trySwitch(ctx, e.ID(), dim)
		s.wmu.Unlock()
		if !errors.Is(err, errPendingChunks) {
			return err
		}
		if _, err := s.reembedNext(ctx, e, dim); err != nil {
			return err
		}
	}
	return errors.New("chunks keep arriving faster than they are re-embedded")
}

var errPendingChunks = errors.New("chunks without a new vector")

func (s *Store) trySwitch(ctx context.Context, id string, dim int) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("switch: begin: %w", err)
	}
	defer tx.Rollback()
	var missing int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM chunks
		WHERE seq NOT IN (SELECT seq FROM reembed_pending)`).Scan(&missing); err != nil {
		return fmt.Errorf("switch: count: %w", err)
	}
	if missing > 0 {
		return errPendingChunks
	}
	if _, err := tx.ExecContext(ctx, `UPDATE chunks SET embedder = ?,
		embedding = (SELECT p.embedding FROM reembed_pending p WHERE p.seq = chunks.seq)`, id); err != nil {
		return fmt.Errorf("switch: update chunks: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM reembed_pending`); err != nil {
		return fmt.Errorf("switch: clear pending: %w", err)
	}
	if err := setEmbedder(ctx, tx, id, dim); err != nil {
		return fmt.Errorf("switch: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("switch: commit: %w", err)
	}
	s.mu.Lock()
	s.embedderID, s.dim = id, dim
	s.mu.Unlock()
	return nil
}
