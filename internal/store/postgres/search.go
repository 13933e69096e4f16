package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"

	chromem "github.com/philippgille/chromem-go"

	"github.com/gazettebot/gazette/internal/store/vindex"
	"github.com/gazettebot/gazette/news"
)

// filterSQL returns the conditions on articles a that f imposes, adding
// their parameters to p; empty when f is the zero filter.
func filterSQL(f news.Filter, p *args) string {
	var conds []string
	if len(f.Outlets) > 0 {
		conds = append(conds, "lower(a.outlet) = ANY("+p.add(lowerAll(f.Outlets))+")")
	}
	var dated []string
	if !f.Since.IsZero() {
		dated = append(dated, "a.published_at >= "+p.add(ms(f.Since)))
	}
	if !f.Until.IsZero() {
		dated = append(dated, "a.published_at < "+p.add(ms(f.Until)))
	}
	switch {
	case len(dated) > 0 && f.Undated:
		conds = append(conds, "(a.published_at IS NULL OR ("+strings.Join(dated, " AND ")+"))")
	default:
		conds = append(conds, dated...)
	}
	if !f.IngestedSince.IsZero() {
		conds = append(conds, "a.ingested_at >= "+p.add(ms(f.IngestedSince)))
	}
	if f.ArticleIDs != nil {
		conds = append(conds, "a.id = ANY("+p.add(f.ArticleIDs)+")")
	}
	return strings.Join(conds, " AND ")
}

// Dense returns the k chunks of ns whose vectors are nearest to vec by
// cosine, best first (ties by chunk id), restricted to the articles f
// selects. Hit.Score is the cosine.
func (s *Store) Dense(ctx context.Context, ns string, vec []float32, k int, f news.Filter) ([]news.Hit, error) {
	if k <= 0 {
		return nil, nil
	}
	q, err := vindex.Normalize(vec, s.Dim())
	if err != nil {
		return nil, fmt.Errorf("dense search: %w", err)
	}
	var allowed map[string]bool
	var p args
	p.add(ns)
	if cond := filterSQL(f, &p); cond != "" {
		rows, err := s.pool.Query(ctx, `SELECT a.id FROM articles a WHERE a.namespace = $1 AND `+cond, p.v...)
		if err != nil {
			return nil, fmt.Errorf("dense search: filter articles: %w", err)
		}
		allowed = map[string]bool{}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("dense search: filter articles: %w", err)
			}
			allowed[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("dense search: filter articles: %w", err)
		}
		if len(allowed) == 0 {
			return nil, nil
		}
	}
	sp, err := s.space(ctx, ns)
	if err != nil {
		return nil, fmt.Errorf("dense search: %w", err)
	}
	if sp == nil {
		return nil, nil
	}
	ids, scores, err := sp.search(ctx, q, k, allowed)
	if err != nil {
		return nil, fmt.Errorf("dense search: %w", err)
	}
	return s.hits(ctx, ns, ids, scores)
}

// search queries the namespace's collection for the k nearest chunks, of
// the allowed articles when allowed is not nil.
func (sp *space) search(ctx context.Context, q []float32, k int, allowed map[string]bool) ([]string, []float64, error) {
	n := sp.coll.Count()
	if n == 0 {
		return nil, nil, nil
	}
	want := min(k, n)
	if allowed != nil {
		// chromem-go filters by metadata equality only: rank every chunk
		// and keep the allowed ones.
		want = n
	}
	res, err := sp.coll.QueryEmbedding(ctx, q, want, nil, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("query vectors: %w", err)
	}
	// Deterministic order: by cosine, then chunk id.
	slices.SortStableFunc(res, func(a, b chromem.Result) int {
		switch {
		case a.Similarity > b.Similarity:
			return -1
		case a.Similarity < b.Similarity:
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
	var (
		ids    []string
		scores []float64
	)
	for _, r := range res {
		if allowed != nil && !allowed[sp.articleOf[r.ID]] {
			continue
		}
		ids = append(ids, r.ID)
		scores = append(scores, float64(r.Similarity))
		if len(ids) == k {
			break
		}
	}
	return ids, scores, nil
}

// hits loads the chunks named by ids with their articles, in the same order.
func (s *Store) hits(ctx context.Context, ns string, ids []string, scores []float64) ([]news.Hit, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT `+articleColumns+`, c.id, c.position, c.text
		FROM chunks c JOIN articles a ON a.namespace = c.namespace AND a.id = c.article_id
		WHERE c.namespace = $1 AND c.id = ANY($2)`, ns, ids)
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
// terms by PostgreSQL full text over title and passage, best first,
// restricted to the articles f selects. The terms are OR-ed, each stemmed by
// the English configuration. The chunks holding any of the query's lexemes
// are ranked by BM25 as SQLite's FTS5 ranks them (k1 1.2, b 0.75, a term's
// inverse document frequency in the namespace, title and passage
// occurrences weighing 1 each; see BENCHMARKS.md for ts_rank measured
// against it), read from the keyword postings (chunk_terms) of those
// lexemes alone. Hit.Score is the BM25 score (higher is better). Any terms
// are accepted.
func (s *Store) Keyword(ctx context.Context, ns string, terms []string, k int, f news.Filter) ([]news.Hit, error) {
	tsq := tsQuery(terms)
	if tsq == "" || k <= 0 {
		return nil, nil
	}
	n, avgdl, err := s.keywordStats(ctx, ns)
	if err != nil {
		return nil, fmt.Errorf("keyword search: %w", err)
	}
	if n == 0 {
		return nil, nil
	}
	var p args
	nsArg := p.add(ns)
	wordsArg := p.add(strings.ReplaceAll(tsq, " | ", " "))
	nArg, avgArg := p.add(float64(n)), p.add(max(avgdl, 1))
	allowed := ""
	if cond := filterSQL(f, &p); cond != "" {
		allowed = `WHERE p.seq IN (SELECT c.seq FROM chunks c
			JOIN articles a ON a.namespace = c.namespace AND a.id = c.article_id
			WHERE c.namespace = ` + nsArg + ` AND ` + cond + `)`
	}
	// n may lag the postings another process has just written (it is
	// cached by generation): a lexeme in more passages than n says gets
	// the least idf instead of the logarithm of a negative number.
	rows, err := s.pool.Query(ctx, `WITH
		p AS (SELECT t.lexeme, t.seq, t.tf::float8 AS tf, t.dl::float8 AS dl FROM chunk_terms t
			WHERE t.namespace = `+nsArg+` AND t.lexeme = ANY(ARRAY(
				SELECT DISTINCT u.lexeme FROM unnest(to_tsvector('english', `+wordsArg+`)) u))),
		df AS (SELECT p.lexeme, greatest(ln(greatest((`+nArg+`::float8 - count(*) + 0.5) / (count(*) + 0.5), 1)), 1e-6) AS idf
			FROM p GROUP BY p.lexeme),
		scored AS (SELECT p.seq, sum(df.idf * p.tf * 2.2 / (p.tf + 1.2 * (0.25 + 0.75 * p.dl / `+avgArg+`::float8))) AS score
			FROM p JOIN df ON df.lexeme = p.lexeme
			`+allowed+`
			GROUP BY p.seq
			ORDER BY score DESC, p.seq LIMIT `+p.add(k)+`)
		SELECT `+articleColumns+`, c.id, c.position, c.text, scored.score
		FROM scored JOIN chunks c ON c.seq = scored.seq
		JOIN articles a ON a.namespace = c.namespace AND a.id = c.article_id
		ORDER BY scored.score DESC, scored.seq`, p.v...)
	if err != nil {
		return nil, fmt.Errorf("keyword search: %w", err)
	}
	defer rows.Close()
	var out []news.Hit
	for rows.Next() {
		var (
			c     news.Chunk
			score float64
		)
		a, err := scanArticle(rows, false, &c.ID, &c.Position, &c.Text, &score)
		if err != nil {
			return nil, fmt.Errorf("keyword search: scan: %w", err)
		}
		c.ArticleID = a.ID
		out = append(out, news.Hit{Chunk: c, Article: a, Score: score})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("keyword search: %w", err)
	}
	return out, nil
}

// keywordStats returns the number of chunks of ns and their mean keyword
// document length, for BM25: cached under the namespace's generation, read
// afresh while the namespace has none.
func (s *Store) keywordStats(ctx context.Context, ns string) (int64, float64, error) {
	gen := s.Generation(ns)
	s.statsMu.Lock()
	st, ok := s.stats[ns]
	s.statsMu.Unlock()
	if ok && gen != 0 && st.gen == gen {
		return st.n, st.avgdl, nil
	}
	if err := s.pool.QueryRow(ctx, `SELECT count(*), coalesce(avg(dl), 0)::float8 FROM chunks WHERE namespace = $1`, ns).
		Scan(&st.n, &st.avgdl); err != nil {
		return 0, 0, fmt.Errorf("keyword statistics: %w", err)
	}
	st.gen = gen
	s.statsMu.Lock()
	if s.stats == nil {
		s.stats = map[string]keywordStats{}
	}
	s.stats[ns] = st
	s.statsMu.Unlock()
	return st.n, st.avgdl, nil
}

// keywordStats are a namespace's BM25 statistics at a generation.
type keywordStats struct {
	gen   uint64
	n     int64
	avgdl float64
}

// maxTSTerms bounds the words of a keyword query.
const maxTSTerms = 64

// tsQuery turns search terms into a to_tsquery expression: the distinct
// runs of letters and digits of the terms, lower-cased, OR-ed (so never a
// syntax error); "" when there are none.
func tsQuery(terms []string) string {
	isSep := func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.IsMark(r) }
	seen := make(map[string]bool)
	var words []string
	for _, t := range terms {
		for _, w := range strings.FieldsFunc(strings.ToLower(t), isSep) {
			if seen[w] || len(words) == maxTSTerms {
				continue
			}
			seen[w] = true
			words = append(words, w)
		}
	}
	return strings.Join(words, " | ")
}
