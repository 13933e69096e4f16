package store

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode"

	"github.com/gazettebot/gazette/news"
)

// filterSQL returns the conditions on articles a that f imposes, and their
// arguments; empty when f is the zero filter.
func filterSQL(f news.Filter) (string, []any) {
	var (
		conds []string
		args  []any
	)
	if len(f.Outlets) > 0 {
		conds = append(conds, "a.outlet COLLATE NOCASE IN ("+placeholders(len(f.Outlets))+")")
		for _, o := range f.Outlets {
			args = append(args, o)
		}
	}
	if !f.Since.IsZero() {
		conds = append(conds, "a.published_at >= ?")
		args = append(args, f.Since.UnixMilli())
	}
	if !f.Until.IsZero() {
		conds = append(conds, "a.published_at < ?")
		args = append(args, f.Until.UnixMilli())
	}
	if !f.IngestedSince.IsZero() {
		conds = append(conds, "a.ingested_at >= ?")
		args = append(args, f.IngestedSince.UnixMilli())
	}
	if f.ArticleIDs != nil {
		if len(f.ArticleIDs) == 0 {
			conds = append(conds, "0")
		} else {
			conds = append(conds, "a.id IN ("+placeholders(len(f.ArticleIDs))+")")
			for _, id := range f.ArticleIDs {
				args = append(args, id)
			}
		}
	}
	return strings.Join(conds, " AND "), args
}

// Dense returns the k chunks of ns whose vectors are nearest to vec by
// cosine, best first, restricted to the articles f selects. Hit.Score is the
// cosine. vec need not be unit length but must have the store's dimension.
func (s *Store) Dense(ctx context.Context, ns string, vec []float32, k int, f news.Filter) ([]news.Hit, error) {
	if k <= 0 {
		return nil, nil
	}
	q, err := normalize(vec, s.Dim())
	if err != nil {
		return nil, fmt.Errorf("dense search: %w", err)
	}
	cond, args := filterSQL(f)
	if cond == "" {
		ids, scores, err := s.denseAll(ctx, ns, q, k)
		if err != nil {
			return nil, fmt.Errorf("dense search: %w", err)
		}
		return s.hits(ctx, ns, ids, scores)
	}
	ids, scores, err := s.denseFiltered(ctx, ns, q, k, cond, args)
	if err != nil {
		return nil, fmt.Errorf("dense search: %w", err)
	}
	return s.hits(ctx, ns, ids, scores)
}

// denseAll searches the namespace's whole collection.
func (s *Store) denseAll(_ context.Context, ns string, q []float32, k int) ([]string, []float64, error) {
	s.mu.RLock()
	_, vecs, err := s.vectorsOf(ns, false)
	s.mu.RUnlock()
	if err != nil || vecs == nil {
		return nil, nil, err
	}
	vecs.mu.RLock()
	defer vecs.mu.RUnlock()
	ids, scores := vecs.search(q, k, nil)
	return ids, scores, nil
}

// denseFiltered finds the k nearest among the chunks of the articles that
// match cond, by computing the cosine of each of them.
func (s *Store) denseFiltered(ctx context.Context, ns string, q []float32, k int, cond string, args []any) ([]string, []float64, error) {
	// The articles only, by their indexes: the in-memory index knows each
	// chunk's article, and listing chunk rows would read each row's page.
	rows, err := s.db.QueryContext(ctx, `SELECT a.id FROM articles a WHERE a.namespace = ? AND `+cond,
		append([]any{ns}, args...)...)
	if err != nil {
		return nil, nil, fmt.Errorf("filter articles: %w", err)
	}
	allowed := make(map[string]bool)
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("filter articles: %w", err)
		}
		allowed[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("filter articles: %w", err)
	}
	if len(allowed) == 0 {
		return nil, nil, nil
	}

	s.mu.RLock()
	_, vecs, err := s.vectorsOf(ns, false)
	s.mu.RUnlock()
	if err != nil || vecs == nil {
		return nil, nil, err
	}
	vecs.mu.RLock()
	defer vecs.mu.RUnlock()
	ids, scores := vecs.search(q, k, vecs.slotsOf(allowed))
	return ids, scores, nil
}

// hits loads the chunks named by ids with their articles, in the same order.
func (s *Store) hits(ctx context.Context, ns string, ids []string, scores []float64) ([]news.Hit, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, 0, len(ids)+1)
	args = append(args, ns)
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+articleColumns+`, c.id, c.position, c.text
		FROM chunks c JOIN articles a ON a.namespace = c.namespace AND a.id = c.article_id
		WHERE c.namespace = ? AND c.id IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("load hits: %w", err)
	}
	defer rows.Close()
	byID := make(map[string]news.Hit, len(ids))
	for rows.Next() {
		var c news.Chunk
		a, err := scanArticle(rows, false, &c.ID, &c.Position, &c.Text)
		if err != nil {
			return nil, fmt.Errorf("load hits: scan: %w", err)
		}
		c.ArticleID = a.ID
		byID[c.ID] = news.Hit{Chunk: c, Article: a}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load hits: %w", err)
	}
	out := make([]news.Hit, 0, len(ids))
	for i, id := range ids {
		h, ok := byID[id]
		if !ok {
			continue // deleted meanwhile
		}
		h.Score = scores[i]
		out = append(out, h)
	}
	return out, nil
}

// Keyword returns the k chunks of ns that best match any of the search
// terms by FTS5 bm25 over title and passage, best first, restricted to the
// articles f selects. Hit.Score is -bm25 (higher is better). Each term is
// matched as a quoted string, stemmed by the index's Porter tokenizer, so
// no term is ever FTS5 syntax; terms without a letter or digit are
// skipped, and no terms find nothing.
func (s *Store) Keyword(ctx context.Context, ns string, terms []string, k int, f news.Filter) ([]news.Hit, error) {
	match := ftsMatch(terms)
	if match == "" || k <= 0 {
		return nil, nil
	}
	// Rank inside the FTS index first (restricted to the namespace by its
	// token), then load the k winners' rows. A filter becomes the set of
	// its chunks' rowids, built once; the unary + keeps SQLite from
	// driving the full-text search by that set (a seek per chunk, orders
	// of magnitude slower) and makes it a test on each match, far cheaper
	// than joining each match to its article.
	inner := `SELECT f.rowid AS seq, bm25(chunks_fts, 0, 0, ?, 1) AS score FROM chunks_fts f
		WHERE chunks_fts MATCH ?`
	args := []any{s.titleWeight, `ns : "` + nsToken(ns) + `" AND (` + match + `)`}
	if cond, fargs := filterSQL(f); cond != "" {
		inner += ` AND +f.rowid IN (SELECT c.seq FROM articles a CROSS JOIN chunks c
			ON c.namespace = a.namespace AND c.article_id = a.id
			WHERE a.namespace = ? AND ` + cond + `)`
		args = append(args, ns)
		args = append(args, fargs...)
	}
	args = append(args, k)
	rows, err := s.db.QueryContext(ctx, `SELECT `+articleColumns+`, c.id, c.position, c.text, top.score
		FROM (`+inner+` ORDER BY score, seq LIMIT ?) top
		JOIN chunks c ON c.seq = top.seq
		JOIN articles a ON a.namespace = c.namespace AND a.id = c.article_id
		ORDER BY top.score, top.seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("keyword search: %w", err)
	}
	defer rows.Close()
	var out []news.Hit
	for rows.Next() {
		var (
			c    news.Chunk
			bm25 float64
		)
		a, err := scanArticle(rows, false, &c.ID, &c.Position, &c.Text, &bm25)
		if err != nil {
			return nil, fmt.Errorf("keyword search: scan: %w", err)
		}
		c.ArticleID = a.ID
		out = append(out, news.Hit{Chunk: c, Article: a, Score: -bm25})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("keyword search: %w", err)
	}
	return out, nil
}

// nsToken is the single token that names namespace ns in the keyword index
// (see migrations/0001_core.sql).
func nsToken(ns string) string { return "n" + hex.EncodeToString([]byte(ns)) }

// maxFTSTerms bounds the terms of a keyword query.
const maxFTSTerms = 64

// ftsMatch turns search terms into an FTS5 query: each distinct term
// quoted (its quotes doubled), joined by OR; "" when no term has a letter
// or digit.
func ftsMatch(terms []string) string {
	seen := make(map[string]bool, len(terms))
	var quoted []string
	for _, t := range terms {
		// FTS5 ends a query string at a NUL byte, so control characters
		// become spaces before quoting.
		t = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return ' '
			}
			return r
		}, t)
		t = strings.ToLower(strings.TrimSpace(t))
		if seen[t] || strings.IndexFunc(t, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) < 0 {
			continue
		}
		seen[t] = true
		quoted = append(quoted, `"`+strings.ReplaceAll(t, `"`, `""`)+`"`)
		if len(quoted) == maxFTSTerms {
			break
		}
	}
	return strings.Join(quoted, " OR ")
}
