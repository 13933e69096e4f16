package store

import (
	"cmp"
	"context"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"unicode"

	chromem "github.com/philippgille/chromem-go"

	"github.com/gazettebot/gazette/internal/store/vindex"
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
	var dated []string
	if !f.Since.IsZero() {
		dated = append(dated, "a.published_at >= ?")
		args = append(args, f.Since.UnixMilli())
	}
	if !f.Until.IsZero() {
		dated = append(dated, "a.published_at < ?")
		args = append(args, f.Until.UnixMilli())
	}
	switch {
	case len(dated) > 0 && f.Undated:
		conds = append(conds, "(a.published_at IS NULL OR ("+strings.Join(dated, " AND ")+"))")
	default:
		conds = append(conds, dated...)
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
// cosine, best first (equal scores by chunk id), restricted to the articles
// f selects. Hit.Score is the cosine. vec need not be unit length but must
// have the store's dimension.
//
// The search is chromem-go's query on the namespace's collection. A single
// outlet or a single article becomes the query's metadata filter. Any other
// condition (several outlets or articles, dates) has no operator there: it
// is resolved in SQL into the set of articles it allows, and the query
// fetches more than k results and keeps those of the allowed articles,
// fetching more again until it has k or has ranked every candidate.
func (s *Store) Dense(ctx context.Context, ns string, vec []float32, k int, f news.Filter) ([]news.Hit, error) {
	if k <= 0 {
		return nil, nil
	}
	q, err := vindex.Normalize(vec, s.Dim())
	if err != nil {
		return nil, fmt.Errorf("dense search: %w", err)
	}
	where, rest := metadataFilter(f)
	var allowed map[string]bool
	if rest {
		cond, args := filterSQL(f)
		if allowed, err = s.allowedArticles(ctx, ns, cond, args); err != nil {
			return nil, fmt.Errorf("dense search: %w", err)
		}
		if len(allowed) == 0 {
			return nil, nil
		}
	}
	ids, scores, err := s.queryIndex(ctx, ns, q, k, where, allowed)
	if err != nil {
		return nil, fmt.Errorf("dense search: %w", err)
	}
	return s.hits(ctx, ns, ids, scores)
}

// metadataFilter returns the part of f that the index's metadata filter
// expresses (equality on one outlet, one article), and whether f has more
// conditions than that.
func metadataFilter(f news.Filter) (where map[string]string, rest bool) {
	if len(f.Outlets) == 1 {
		where = map[string]string{metaOutlet: foldOutlet(f.Outlets[0])}
	}
	if len(f.ArticleIDs) == 1 {
		if where == nil {
			where = map[string]string{}
		}
		where[metaArticle] = f.ArticleIDs[0]
	}
	rest = len(f.Outlets) > 1 || (f.ArticleIDs != nil && len(f.ArticleIDs) != 1) ||
		!f.Since.IsZero() || !f.Until.IsZero() || !f.IngestedSince.IsZero()
	return where, rest
}

// allowedArticles returns the ids of the articles of ns that match cond.
// Only the articles are read, by their indexes, never the chunk rows.
func (s *Store) allowedArticles(ctx context.Context, ns, cond string, args []any) (map[string]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT a.id FROM articles a WHERE a.namespace = ? AND `+cond,
		append([]any{ns}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("filter articles: %w", err)
	}
	defer rows.Close()
	allowed := make(map[string]bool)
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("filter articles: %w", err)
		}
		allowed[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("filter articles: %w", err)
	}
	return allowed, nil
}

// defaultSubsetMax is the number of allowed chunks up to which a filtered
// dense search copies them into a collection of their own and queries that,
// rather than over-fetching from the namespace's whole collection.
const defaultSubsetMax = 2048

// queryIndex queries the namespace's collection for the k documents
// nearest to the unit vector q that match where and, when allowed is not
// nil, belong to an allowed article. It returns their ids and cosines,
// best first, equal scores by id.
func (s *Store) queryIndex(ctx context.Context, ns string, q []float32, k int, where map[string]string, allowed map[string]bool) ([]string, []float64, error) {
	// Readers hold the lock across Count and Query: chromem-go fails a
	// query for more documents than the collection holds.
	s.mu.RLock()
	defer s.mu.RUnlock()
	coll, err := s.collection(ns, false)
	if err != nil || coll == nil {
		return nil, nil, err
	}
	count := coll.Count()
	if count == 0 {
		return nil, nil, nil
	}
	n := k
	if allowed != nil {
		in := 0
		for a := range allowed {
			in += len(s.chunkIDs[ns][a])
		}
		switch {
		case in == 0:
			return nil, nil, nil
		case in <= s.subsetMax:
			return s.querySubset(ctx, coll, ns, q, k, allowed)
		}
		// Fetch enough to hold k allowed chunks if they were spread evenly
		// through the ranking, with a margin.
		n = int(min(float64(count), float64(k)*float64(count)/float64(in)*1.5+float64(k)))
	}
	var kept []chromem.Result
	for {
		n = min(n, count)
		res, err := coll.QueryEmbedding(ctx, q, n, where, nil)
		if err != nil {
			return nil, nil, fmt.Errorf("query collection %q: %w", ns, err)
		}
		kept = kept[:0]
		for _, r := range res {
			if allowed == nil || allowed[r.Metadata[metaArticle]] {
				kept = append(kept, r)
			}
		}
		// Done with k, or when every candidate was ranked (the collection,
		// or the fewer documents the metadata filter let through).
		if len(kept) >= k || n == count || len(res) < n {
			break
		}
		n *= 4
	}
	ids, scores := best(kept, k)
	return ids, scores, nil
}

// querySubset ranks the chunks of the allowed articles by copying them
// into a collection of their own and querying it. The caller holds s.mu
// for reading.
func (s *Store) querySubset(ctx context.Context, coll *chromem.Collection, ns string, q []float32, k int, allowed map[string]bool) ([]string, []float64, error) {
	sub, err := chromem.NewDB().CreateCollection(ns, nil, vindex.NoEmbedding)
	if err != nil {
		return nil, nil, fmt.Errorf("subset of %q: %w", ns, err)
	}
	for a := range allowed {
		for _, id := range s.chunkIDs[ns][a] {
			doc, err := coll.GetByID(ctx, id) // a copy
			if err != nil {
				return nil, nil, fmt.Errorf("subset of %q: %w", ns, err)
			}
			if err := sub.AddDocument(ctx, doc); err != nil {
				return nil, nil, fmt.Errorf("subset of %q: %w", ns, err)
			}
		}
	}
	res, err := sub.QueryEmbedding(ctx, q, min(k, sub.Count()), nil, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("query subset of %q: %w", ns, err)
	}
	ids, scores := best(res, k)
	return ids, scores, nil
}

// best returns the ids and cosines of the k best results, best first,
// equal scores by id (chromem-go leaves their order to chance).
func best(res []chromem.Result, k int) ([]string, []float64) {
	slices.SortFunc(res, func(a, b chromem.Result) int {
		if c := cmp.Compare(b.Similarity, a.Similarity); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	res = res[:min(k, len(res))]
	ids := make([]string, len(res))
	scores := make([]float64, len(res))
	for i, r := range res {
		ids[i], scores[i] = r.ID, float64(r.Similarity)
	}
	return ids, scores
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
