package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/gazettebot/gazette/internal/store/vindex"
	"github.com/gazettebot/gazette/news"
)

// maxProblems bounds the problems listed of each kind.
const maxProblems = 20

// Check verifies the store's integrity: every article has chunks at
// positions 0..n-1, every chunk's keyword document matches its title and
// text and its keyword postings match the document, every chunk has a vector of the store's embedder and dimension, and
// this process's in-memory index holds exactly the stored chunks of every
// namespace it has loaded (Check loads them all first). An error means the
// check itself could not run.
func (s *Store) Check(ctx context.Context) (news.CheckReport, error) {
	var r news.CheckReport
	add := func(format string, args ...any) { r.Problems = append(r.Problems, fmt.Sprintf(format, args...)) }
	if err := s.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM chunks)`).
		Scan(&r.Articles, &r.Chunks); err != nil {
		return r, fmt.Errorf("check: count: %w", err)
	}

	bad, err := s.strings(ctx, `SELECT a.namespace || '/' || a.id || ': ' || count(c.seq) || ' chunks, positions '
			|| coalesce(min(c.position)::text, '-') || '..' || coalesce(max(c.position)::text, '-')
		FROM articles a LEFT JOIN chunks c ON c.namespace = a.namespace AND c.article_id = a.id
		GROUP BY a.namespace, a.id
		HAVING count(c.seq) = 0 OR min(c.position) <> 0 OR max(c.position) <> count(c.seq) - 1
		LIMIT $1`, maxProblems)
	if err != nil {
		return r, fmt.Errorf("check: positions: %w", err)
	}
	for _, b := range bad {
		add("article %s (want at least one, at 0..n-1)", b)
	}

	bad, err = s.strings(ctx, `SELECT c.namespace || '/' || c.id FROM chunks c
		JOIN articles a ON a.namespace = c.namespace AND a.id = c.article_id
		WHERE c.tsv <> `+tsvExpr("a.title", "c.text")+` LIMIT $1`, maxProblems)
	if err != nil {
		return r, fmt.Errorf("check: keyword index: %w", err)
	}
	for _, b := range bad {
		add("chunk %s has a keyword document out of date with its title and text", b)
	}

	bad, err = s.strings(ctx, `WITH p AS (SELECT seq, count(*) AS n, min(namespace) AS ns, max(namespace) AS ns2,
			min(dl) AS dl, max(dl) AS dl2 FROM chunk_terms GROUP BY seq)
		SELECT c.namespace || '/' || c.id FROM chunks c LEFT JOIN p ON p.seq = c.seq
		WHERE coalesce(p.n, 0) <> length(c.tsv) OR (p.seq IS NOT NULL AND (p.ns <> c.namespace OR p.ns2 <> c.namespace
			OR p.dl <> c.dl OR p.dl2 <> c.dl))
		LIMIT $1`, maxProblems)
	if err != nil {
		return r, fmt.Errorf("check: keyword postings: %w", err)
	}
	for _, b := range bad {
		add("chunk %s has keyword postings out of step with its keyword document", b)
	}
	var orphans int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM chunk_terms t
		WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.seq = t.seq)`).Scan(&orphans); err != nil {
		return r, fmt.Errorf("check: keyword postings: %w", err)
	}
	if orphans > 0 {
		add("%d keyword postings belong to no chunk", orphans)
	}

	id, dim := s.EmbedderID(), s.Dim()
	bad, err = s.strings(ctx, `SELECT namespace || '/' || id || ': ' || length(embedding) || ' bytes by ' || embedder
		FROM chunks WHERE embedder <> $1 OR length(embedding) <> $2 LIMIT $3`, id, 4*dim, maxProblems)
	if err != nil {
		return r, fmt.Errorf("check: vectors: %w", err)
	}
	for _, b := range bad {
		add("chunk %s (want %d bytes by %s)", b, 4*dim, id)
	}

	if err := s.checkIndex(ctx, add); err != nil {
		return r, fmt.Errorf("check: %w", err)
	}
	return r, nil
}

// checkIndex compares the in-memory index with the database, namespace by
// namespace, after applying the change log.
func (s *Store) checkIndex(ctx context.Context, add func(string, ...any)) error {
	nss, err := s.namespaces(ctx)
	if err != nil {
		return err
	}
	for _, ns := range nss {
		if _, err := s.space(ctx, ns); err != nil {
			return err
		}
	}
	if err := s.apply(ctx); err != nil {
		return err
	}
	s.idx.applyMu.Lock()
	defer s.idx.applyMu.Unlock()
	stored := map[string]bool{}
	for _, ns := range nss {
		stored[ns] = true
		rows, err := s.readChunks(ctx, ns, "")
		if err != nil {
			return err
		}
		sp := s.idx.get(ns)
		if sp == nil {
			add("vector index has no collection for namespace %q (%d chunks stored)", ns, len(rows))
			continue
		}
		missing, wrong := 0, 0
		for _, row := range rows {
			doc, err := sp.coll.GetByID(ctx, row.id)
			if err != nil {
				if missing < maxProblems {
					add("chunk %s/%s is not in the vector index", ns, row.id)
				}
				missing++
				continue
			}
			if !vindex.Same(doc.Embedding, row.vec) || sp.articleOf[row.id] != row.article {
				if wrong < maxProblems {
					add("vector index holds chunk %s/%s differently from the database", ns, row.id)
				}
				wrong++
			}
		}
		if n := sp.coll.Count(); n != len(rows)-missing {
			add("vector index holds %d chunks of namespace %q, the database %d", n, ns, len(rows))
		}
	}
	for _, ns := range s.idx.loadedNamespaces() {
		if sp := s.idx.get(ns); !stored[ns] && sp != nil && sp.coll.Count() > 0 {
			add("vector index holds %d chunks of namespace %q, which has none stored", sp.coll.Count(), ns)
		}
	}
	return nil
}

func (s *Store) strings(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}
