package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	chromem "github.com/philippgille/chromem-go"

	"github.com/gazettebot/gazette/internal/store/vindex"
	"github.com/gazettebot/gazette/news"
)

// A serving process and the command line may share a store: `gazette
// ingest` writes while `gazette serve` answers. SQLite keeps the articles
// consistent between them; the change log (migration 0005) tells the
// serving process which articles changed, so its in-memory vector index
// follows without a restart. [Store.Sync] applies the log; Open starts a
// loop that calls it every [Options.Follow].

// changeBatch bounds the changes read at once.
const changeBatch = 1000

type change struct {
	seq                int64
	ns, article, chunk string
}

// Sync applies to the in-memory index the changes logged since the last
// it applied (or since Open), whoever made them, and returns how many it
// applied. Changes this process made are applied again, harmlessly: each
// change sets the index to what the database holds.
func (s *Store) Sync(ctx context.Context) (int, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.syncLocked(ctx, s.db)
}

// syncLocked applies the changes q sees. The caller holds s.wmu, so no
// writer of this process changes the index meanwhile.
func (s *Store) syncLocked(ctx context.Context, q querier) (int, error) {
	total := 0
	for {
		batch, err := readChanges(ctx, q, s.applied)
		if err != nil {
			return total, err
		}
		if len(batch) == 0 {
			return total, nil
		}
		if batch[0].seq > s.applied+1 {
			// The log was pruned past this process's position: reload.
			s.log.Warn("change log pruned past this process's position; rebuilding the vector index",
				"applied", s.applied, "oldest", batch[0].seq)
			if err := s.reload(ctx); err != nil {
				return total, err
			}
		}
		if err := s.applyChanges(ctx, q, batch); err != nil {
			return total, err
		}
		s.applied = batch[len(batch)-1].seq
		total += len(batch)
	}
}

func readChanges(ctx context.Context, q querier, after int64) ([]change, error) {
	rows, err := q.QueryContext(ctx, `SELECT seq, namespace, article_id, chunk_id FROM changes
		WHERE seq > ? ORDER BY seq LIMIT ?`, after, changeBatch)
	if err != nil {
		return nil, fmt.Errorf("read change log: %w", err)
	}
	defer rows.Close()
	var out []change
	for rows.Next() {
		var c change
		if err := rows.Scan(&c.seq, &c.ns, &c.article, &c.chunk); err != nil {
			return nil, fmt.Errorf("read change log: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read change log: %w", err)
	}
	return out, nil
}

// applyChanges applies a batch in order. An article change indexes the
// article's chunks as q holds them, in place of those the index holds for
// it; a chunk removal needs nothing more, since the article's own change
// (written or deleted) comes with it.
func (s *Store) applyChanges(ctx context.Context, q querier, batch []change) error {
	for _, c := range batch {
		switch {
		case c.ns == "" && c.article == "":
			if err := s.reload(ctx); err != nil {
				return err
			}
		case c.chunk != "":
		default:
			if err := s.indexStoredArticle(ctx, q, c.ns, c.article); err != nil {
				return err
			}
		}
	}
	return nil
}

// indexStoredArticle replaces the article's chunks in the index by those
// stored (none when it was deleted).
func (s *Store) indexStoredArticle(ctx context.Context, q querier, ns, article string) error {
	outlets, err := queryStrings(ctx, q, `SELECT outlet FROM articles WHERE namespace = ? AND id = ?`, ns, article)
	if err != nil {
		return fmt.Errorf("apply change log: read article %s/%s: %w", ns, article, err)
	}
	outlet := ""
	if len(outlets) > 0 {
		outlet = outlets[0]
	}
	rows, err := q.QueryContext(ctx, `SELECT id, embedding FROM chunks WHERE namespace = ? AND article_id = ? ORDER BY position`, ns, article)
	if err != nil {
		return fmt.Errorf("apply change log: read article %s/%s: %w", ns, article, err)
	}
	defer rows.Close()
	dim := s.Dim()
	var docs []chromem.Document
	for rows.Next() {
		var (
			id   string
			blob []byte
		)
		if err := rows.Scan(&id, &blob); err != nil {
			return fmt.Errorf("apply change log: read article %s/%s: %w", ns, article, err)
		}
		vec, err := vindex.Decode(blob, dim)
		if err != nil {
			return fmt.Errorf("apply change log: chunk %s/%s: %w", ns, id, err)
		}
		docs = append(docs, chromem.Document{ID: id, Embedding: vec})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("apply change log: read article %s/%s: %w", ns, article, err)
	}
	s.mu.RLock()
	remove := slices.Clone(s.chunkIDs[ns][article])
	s.mu.RUnlock()
	if len(remove) == 0 && len(docs) == 0 {
		return nil
	}
	if err := s.indexArticle(ctx, news.Article{Namespace: ns, ID: article, Outlet: outlet}, remove, docs); err != nil {
		return fmt.Errorf("apply change log: %w", err)
	}
	return nil
}

// reload re-reads the embedder and rebuilds the whole index.
func (s *Store) reload(ctx context.Context) error {
	id, dim, err := s.readEmbedder(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.embedderID, s.dim = id, dim
	s.mu.Unlock()
	n, err := s.rebuildIndex(ctx)
	if err != nil {
		return err
	}
	s.log.Info("vector index rebuilt", "embedder", id, "chunks", n)
	return nil
}

// readApplied records the log's current end as applied: the index built
// next reflects at least every change up to it.
func (s *Store) readApplied(ctx context.Context) error {
	if err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM changes`).Scan(&s.applied); err != nil {
		return fmt.Errorf("read change log: %w", err)
	}
	return nil
}

// follow calls Sync every interval until ctx is done.
func (s *Store) follow(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := s.Sync(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.Warn("follow store changes", "err", err)
		case n > 0:
			s.log.Debug("followed store changes", "changes", n)
		}
	}
}
