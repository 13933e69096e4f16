package postgres

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gazettebot/gazette/internal/store/pgtest"
	"github.com/gazettebot/gazette/news"
)

// referenceBM25 ranks every chunk of ns matching the query straight from
// its tsvector, as the store ranked before it kept postings: the postings
// must give the same hits and scores.
const referenceBM25 = `WITH
	ql AS (SELECT DISTINCT u.lexeme AS lex FROM unnest(to_tsvector('english', $2)) u),
	df AS (SELECT ql.lex, greatest(ln(($3::float8 - d.n + 0.5) / (d.n + 0.5)), 1e-6) AS idf
		FROM ql CROSS JOIN LATERAL (SELECT count(*)::float8 AS n FROM chunks c
			WHERE c.namespace = $1 AND c.tsv @@ quote_literal(ql.lex)::tsquery) d)
	SELECT c.id, sum(df.idf * tf.f * 2.2 / (tf.f + 1.2 * (0.25 + 0.75 * c.dl::float8 / $4::float8))) AS score
	FROM chunks c CROSS JOIN LATERAL unnest(c.tsv) u
	JOIN df ON df.lex = u.lexeme
	CROSS JOIN LATERAL (SELECT coalesce(array_length(u.positions, 1), 1)::float8 AS f) tf
	WHERE c.namespace = $1
	GROUP BY c.seq, c.id
	ORDER BY score DESC, c.seq LIMIT $5`

func TestKeywordPostingsRankAsTheDocuments(t *testing.T) {
	url := pgtest.URL(t)
	s := openTest(t, url, Options{})
	ctx := context.Background()
	words := strings.Fields(`harbour ferry ticket council budget school teacher strike rail station
		storm flood river bridge museum painting election mayor vote hospital nurse wage energy price
		solar wind farm port ship cargo football stadium match goal police court judge`)
	rng := rand.New(rand.NewPCG(7, 13))
	sentence := func() string {
		n := 4 + rng.IntN(10)
		parts := make([]string, n)
		for i := range parts {
			parts[i] = words[rng.IntN(len(words))]
		}
		return strings.Join(parts, " ") + "."
	}
	article := func(ns string, i int) {
		paras := make([]string, 1+rng.IntN(4))
		for j := range paras {
			paras[j] = sentence() + " " + sentence()
		}
		put(t, s, ns, fmt.Sprintf("a%d", i), sentence(), paras...)
	}
	for i := range 40 {
		article("g1", i)
	}
	for i := range 10 {
		article("g2", i)
	}
	// Replaced, deleted, and a whole namespace gone: the postings follow.
	for i := range 5 {
		article("g1", i)
	}
	for i := 5; i < 10; i++ {
		if err := s.DeleteArticle(ctx, "g1", fmt.Sprintf("a%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.DeleteNamespace(ctx, "g2"); err != nil {
		t.Fatal(err)
	}
	rep, err := s.Check(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("Check() = %+v, %v", rep, err)
	}

	n, avgdl, err := s.keywordStats(ctx, "g1")
	if err != nil {
		t.Fatal(err)
	}
	type hit struct {
		ID    string
		Score float64
	}
	approx := cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(a)) })
	for q := range 25 {
		terms := make([]string, 1+rng.IntN(6))
		for i := range terms {
			terms[i] = words[rng.IntN(len(words))]
		}
		if q == 0 {
			terms = append(terms, "absent")
		}
		// Every match: equal scores may differ in their last bits (the
		// sums run in another order), so ties are ordered by id here.
		got, err := s.Keyword(ctx, "g1", terms, 1000, news.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		rows, err := s.pool.Query(ctx, referenceBM25, "g1", strings.Join(terms, " "), float64(n), max(avgdl, 1), 1000)
		if err != nil {
			t.Fatal(err)
		}
		var want, have []hit
		for rows.Next() {
			var h hit
			if err := rows.Scan(&h.ID, &h.Score); err != nil {
				t.Fatal(err)
			}
			want = append(want, h)
		}
		rows.Close()
		for _, h := range got {
			have = append(have, hit{h.Chunk.ID, h.Score})
		}
		byScore := func(hs []hit) {
			slices.SortFunc(hs, func(a, b hit) int {
				if d := math.Round(b.Score*1e9) - math.Round(a.Score*1e9); d != 0 {
					return int(math.Copysign(1, d))
				}
				return strings.Compare(a.ID, b.ID)
			})
		}
		byScore(want)
		byScore(have)
		if len(want) == 0 {
			t.Fatalf("query %v matches nothing: a test that cannot fail", terms)
		}
		if diff := cmp.Diff(want, have, approx); diff != "" {
			t.Errorf("Keyword(%v) mismatch with the ranking of the documents (-want +got):\n%s", terms, diff)
		}
	}

	// A filter keeps the ranking of the chunks it allows.
	all, err := s.Keyword(ctx, "g1", []string{"harbour", "ferry"}, 100, news.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	allow := []string{all[len(all)-1].Article.ID, all[0].Article.ID}
	filtered, err := s.Keyword(ctx, "g1", []string{"harbour", "ferry"}, 100, news.Filter{ArticleIDs: allow})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, h := range all {
		if h.Article.ID == allow[0] || h.Article.ID == allow[1] {
			want = append(want, h.Chunk.ID)
		}
	}
	if diff := cmp.Diff(want, ids(filtered)); diff != "" {
		t.Errorf("Keyword() with an article filter mismatch (-want +got):\n%s", diff)
	}

	// Check finds postings out of step: one missing, one of no chunk.
	if _, err := s.pool.Exec(ctx, `DELETE FROM chunk_terms WHERE (namespace, lexeme, seq) IN
		(SELECT namespace, lexeme, seq FROM chunk_terms ORDER BY seq, lexeme LIMIT 1)`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO chunk_terms (namespace, lexeme, seq, tf, dl) VALUES ('g1', 'ferri', -1, 1, 1)`); err != nil {
		t.Fatal(err)
	}
	rep, err = s.Check(ctx)
	if err != nil || len(rep.Problems) != 2 {
		t.Errorf("Check() of broken postings = %q, %v; want two problems", rep.Problems, err)
	}
}

// TestKeywordWithStaleStatistics: the passage count a process holds may lag
// the postings another process has just written (statistics are cached by
// generation); a word then in more passages than the count says still
// ranks, instead of failing on the logarithm of a negative number.
func TestKeywordWithStaleStatistics(t *testing.T) {
	s := openTest(t, pgtest.URL(t), Options{})
	ctx := context.Background()
	for i := range 4 {
		put(t, s, "g1", fmt.Sprintf("a%d", i), "Ferry fares", "The harbour ferry fare rises in January.")
	}
	gen := s.Generation("g1")
	if gen == 0 {
		t.Skip("no generation to cache the statistics under")
	}
	s.statsMu.Lock()
	if s.stats == nil {
		s.stats = map[string]keywordStats{}
	}
	s.stats["g1"] = keywordStats{gen: gen, n: 1, avgdl: 8}
	s.statsMu.Unlock()
	hits, err := s.Keyword(ctx, "g1", []string{"ferry"}, 10, news.Filter{})
	if err != nil {
		t.Fatalf("Keyword() error = %v", err)
	}
	if len(hits) != 4 {
		t.Errorf("Keyword() = %d hits, want 4", len(hits))
	}
}
