package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/gazettebot/gazette/internal/store/vindex"
	"github.com/gazettebot/gazette/news"
)

// reembedBatch is the number of chunks embedded per call to the embedder
// and written per transaction while re-embedding.
const reembedBatch = 64

// Reembed re-embeds every chunk of every namespace with e, in batches, and
// then switches the store to e in one transaction; every process reloads
// its vectors when it sees the switch in the change log. Until the switch
// the store keeps serving the old vectors. Progress (which may be nil) is
// called after each batch. An interrupted run resumes: vectors already
// computed for e are kept in reembed_pending.
func (s *Store) Reembed(ctx context.Context, e news.Embedder, progress func(done, total int)) error {
	id, dim := e.ID(), e.Dim()
	if id == "" || dim <= 0 {
		return fmt.Errorf("reembed: embedder id %q and dimension %d must be set", id, dim)
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM reembed_pending WHERE embedder <> $1`, id); err != nil {
		return fmt.Errorf("reembed: clear stale vectors: %w", err)
	}
	var total, done int
	if err := s.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM chunks), (SELECT count(*) FROM reembed_pending)`).
		Scan(&total, &done); err != nil {
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
	for range 100 { // chunks written meanwhile are embedded first
		switched, err := s.trySwitch(ctx, id, dim)
		if err != nil {
			return fmt.Errorf("reembed: %w", err)
		}
		if switched {
			s.log.Info("store reembedded", "embedder", id, "dim", dim, "chunks", total)
			return nil
		}
		if _, err := s.reembedNext(ctx, e, dim); err != nil {
			return fmt.Errorf("reembed: %w", err)
		}
	}
	return fmt.Errorf("reembed: chunks keep arriving faster than they are re-embedded")
}

func (s *Store) reembedNext(ctx context.Context, e news.Embedder, dim int) (int, error) {
	rows, err := s.pool.Query(ctx, `SELECT c.seq, a.title, c.text FROM chunks c
		JOIN articles a ON a.namespace = c.namespace AND a.id = c.article_id
		WHERE NOT EXISTS (SELECT 1 FROM reembed_pending p WHERE p.seq = c.seq) ORDER BY c.seq LIMIT $1`, reembedBatch)
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
	batch := &pgx.Batch{}
	for i, seq := range seqs {
		v, err := vindex.Normalize(vecs[i], dim)
		if err != nil {
			return 0, fmt.Errorf("chunk %d: %w", seq, err)
		}
		// A chunk deleted since it was read has no row to reference:
		// INSERT ... SELECT writes nothing for it.
		batch.Queue(`INSERT INTO reembed_pending (seq, embedder, embedding)
			SELECT seq, $1, $2 FROM chunks WHERE seq = $3
			ON CONFLICT (seq) DO UPDATE SET embedder = excluded.embedder, embedding = excluded.embedding`,
			e.ID(), vindex.Encode(v), seq)
	}
	if err := s.pool.SendBatch(ctx, batch).Close(); err != nil {
		return 0, fmt.Errorf("store vectors: %w", err)
	}
	return len(seqs), nil
}

// trySwitch moves the pending vectors into chunks and records the new
// embedder, in one transaction, provided every chunk has one.
func (s *Store) trySwitch(ctx context.Context, id string, dim int) (bool, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("switch: begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	// Writers lock the embedder row for share: this waits for them and
	// makes the next ones see the new embedder.
	if _, err := tx.Exec(ctx, `SELECT 1 FROM meta WHERE key = 'embedder' FOR UPDATE`); err != nil {
		return false, fmt.Errorf("switch: lock: %w", err)
	}
	var missing int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM chunks c
		WHERE NOT EXISTS (SELECT 1 FROM reembed_pending p WHERE p.seq = c.seq)`).Scan(&missing); err != nil {
		return false, fmt.Errorf("switch: count: %w", err)
	}
	if missing > 0 {
		return false, nil
	}
	if _, err := tx.Exec(ctx, `UPDATE chunks c SET embedder = $1, embedding = p.embedding
		FROM reembed_pending p WHERE p.seq = c.seq`, id); err != nil {
		return false, fmt.Errorf("switch: update chunks: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM reembed_pending`); err != nil {
		return false, fmt.Errorf("switch: clear pending: %w", err)
	}
	if err := setEmbedder(ctx, tx, id, dim); err != nil {
		return false, fmt.Errorf("switch: %w", err)
	}
	seq, err := logChange(ctx, tx, "", "")
	if err != nil {
		return false, fmt.Errorf("switch: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return false, fmt.Errorf("switch: commit: %w", err)
	}
	if err := s.syncTo(ctx, seq); err != nil {
		return true, fmt.Errorf("switch: switched, but %w", err)
	}
	return true, nil
}
