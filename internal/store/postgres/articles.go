package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gazettebot/gazette/internal/store/vindex"
	"github.com/gazettebot/gazette/news"
)

// PutArticle writes the article and replaces all its chunks, with their
// embeddings, in one transaction, as the SQLite store does: an article
// already stored with the same content hash is left untouched
// ([news.PutUnchanged]). The change reaches every process's index through
// the change log; this process's before PutArticle returns.
func (s *Store) PutArticle(ctx context.Context, a news.Article, chunks []news.Chunk) (news.PutResult, error) {
	if a.Namespace == "" || a.ID == "" {
		return 0, fmt.Errorf("put article: namespace %q and id %q must both be set", a.Namespace, a.ID)
	}
	if a.ContentHash == "" {
		a.ContentHash = news.ContentHash(a.Body)
	}
	if a.IngestedAt.IsZero() {
		a.IngestedAt = s.now()
	}
	dim, embedder := s.Dim(), s.EmbedderID()
	if dim == 0 {
		return 0, fmt.Errorf("put article %s: the store has no embedder; open it with Options.EmbedderID", a.ID)
	}
	if len(chunks) == 0 {
		return 0, fmt.Errorf("put article %s: no chunks", a.ID)
	}
	blobs := make([][]byte, len(chunks))
	seen := make(map[string]bool, len(chunks))
	for i, c := range chunks {
		if c.ID == "" || seen[c.ID] {
			return 0, fmt.Errorf("put article %s: chunk %d has an empty or duplicate id %q", a.ID, i, c.ID)
		}
		seen[c.ID] = true
		if c.Position != i {
			return 0, fmt.Errorf("put article %s: chunk %s at index %d has position %d", a.ID, c.ID, i, c.Position)
		}
		if c.ArticleID != "" && c.ArticleID != a.ID {
			return 0, fmt.Errorf("put article %s: chunk %s belongs to article %s", a.ID, c.ID, c.ArticleID)
		}
		vec, err := vindex.Normalize(c.Embedding, dim)
		if err != nil {
			return 0, fmt.Errorf("put article %s: chunk %s: %w", a.ID, c.ID, err)
		}
		blobs[i] = vindex.Encode(vec)
	}

	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("put article %s: begin: %w", a.ID, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	// The embedder row, locked for share: a re-embedding that switches the
	// store over waits for this write, and this write sees its result.
	var curID string
	if err := tx.QueryRow(ctx, `SELECT coalesce((SELECT value FROM meta WHERE key = 'embedder' FOR SHARE), '')`).
		Scan(&curID); err != nil {
		return 0, fmt.Errorf("put article %s: read embedder: %w", a.ID, err)
	}
	if curID != embedder {
		return 0, fmt.Errorf("put article %s: %w", a.ID, news.ErrEmbedderMismatch)
	}
	var oldHash string
	result := news.PutNew
	err = tx.QueryRow(ctx, `SELECT content_hash FROM articles WHERE namespace = $1 AND id = $2 FOR UPDATE`,
		a.Namespace, a.ID).Scan(&oldHash)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return 0, fmt.Errorf("put article %s: look up: %w", a.ID, err)
	case oldHash == a.ContentHash:
		return news.PutUnchanged, nil
	default:
		result = news.PutUpdated
	}
	if result == news.PutUpdated {
		if _, err := tx.Exec(ctx, `DELETE FROM chunks WHERE namespace = $1 AND article_id = $2`,
			a.Namespace, a.ID); err != nil {
			return 0, fmt.Errorf("put article %s: delete old chunks: %w", a.ID, err)
		}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO articles
		(namespace, id, url, title, outlet, author, published_at, ingested_at, content_hash, language, body)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (namespace, id) DO UPDATE SET
			url = excluded.url, title = excluded.title, outlet = excluded.outlet,
			author = excluded.author, published_at = excluded.published_at,
			ingested_at = excluded.ingested_at, content_hash = excluded.content_hash,
			language = excluded.language, body = excluded.body`,
		a.Namespace, a.ID, a.URL, a.Title, a.Outlet, a.Author, ms(a.PublishedAt),
		ms(a.IngestedAt), a.ContentHash, a.Language, a.Body); err != nil {
		return 0, fmt.Errorf("put article %s: write article: %w", a.ID, err)
	}
	batch := &pgx.Batch{}
	for i, c := range chunks {
		batch.Queue(`INSERT INTO chunks (namespace, id, article_id, position, text, embedding, embedder, tsv)
			VALUES ($1, $2, $3, $4, $5, $6, $7, `+tsvExpr("$8", "$5")+`)`,
			a.Namespace, c.ID, a.ID, i, c.Text, blobs[i], embedder, a.Title)
	}
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return 0, fmt.Errorf("put article %s: write chunks: %w", a.ID, err)
	}
	seq, err := logChange(ctx, tx, a.Namespace, a.ID)
	if err != nil {
		return 0, fmt.Errorf("put article %s: %w", a.ID, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("put article %s: commit: %w", a.ID, err)
	}
	if err := s.syncTo(ctx, seq); err != nil {
		// The database holds the truth and the change log will be applied
		// again; report, since this process's queries may miss the
		// article until then.
		return result, fmt.Errorf("put article %s: stored, but %w", a.ID, err)
	}
	return result, nil
}

// tsvExpr is the keyword document of a chunk from its title and text
// parameters: the title weighs A, the passage B.
func tsvExpr(title, text string) string {
	return `setweight(to_tsvector('english', ` + title + `), 'A') || setweight(to_tsvector('english', ` + text + `), 'B')`
}

// DeleteArticle removes the article with its chunks, everywhere. It returns
// news.ErrNotFound when there is no such article.
func (s *Store) DeleteArticle(ctx context.Context, ns, id string) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("delete article %s: begin: %w", id, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	tag, err := tx.Exec(ctx, `DELETE FROM articles WHERE namespace = $1 AND id = $2`, ns, id)
	if err != nil {
		return fmt.Errorf("delete article %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("delete article %s: %w", id, news.ErrNotFound)
	}
	seq, err := logChange(ctx, tx, ns, id)
	if err != nil {
		return fmt.Errorf("delete article %s: %w", id, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("delete article %s: commit: %w", id, err)
	}
	if err := s.syncTo(ctx, seq); err != nil {
		return fmt.Errorf("delete article %s: deleted, but %w", id, err)
	}
	return nil
}

// DeleteNamespace removes every article of ns with its chunks and returns
// how many articles it removed.
func (s *Store) DeleteNamespace(ctx context.Context, ns string) (int, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("delete namespace %q: begin: %w", ns, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	tag, err := tx.Exec(ctx, `DELETE FROM articles WHERE namespace = $1`, ns)
	if err != nil {
		return 0, fmt.Errorf("delete namespace %q: %w", ns, err)
	}
	seq, err := logChange(ctx, tx, ns, "")
	if err != nil {
		return 0, fmt.Errorf("delete namespace %q: %w", ns, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("delete namespace %q: commit: %w", ns, err)
	}
	n := int(tag.RowsAffected())
	if err := s.syncTo(ctx, seq); err != nil {
		return n, fmt.Errorf("delete namespace %q: deleted, but %w", ns, err)
	}
	return n, nil
}

const articleColumns = `a.namespace, a.id, a.url, a.title, a.outlet, a.author, a.published_at,
	a.ingested_at, a.content_hash, a.language`

// scanArticle scans articleColumns (and the body when withBody), then extra.
func scanArticle(row pgx.Row, withBody bool, extra ...any) (news.Article, error) {
	var (
		a         news.Article
		published *time.Time
		ingested  time.Time
	)
	dest := []any{&a.Namespace, &a.ID, &a.URL, &a.Title, &a.Outlet, &a.Author, &published,
		&ingested, &a.ContentHash, &a.Language}
	if withBody {
		dest = append(dest, &a.Body)
	}
	dest = append(dest, extra...)
	if err := row.Scan(dest...); err != nil {
		return news.Article{}, err
	}
	a.PublishedAt = fromTS(published)
	a.IngestedAt = ingested.UTC()
	return a, nil
}

func (s *Store) articleWhere(ctx context.Context, what, cond string, args ...any) (news.Article, error) {
	row := s.pool.QueryRow(ctx, `SELECT `+articleColumns+`, a.body FROM articles a WHERE `+cond+`
		ORDER BY a.ingested_at DESC, a.id LIMIT 1`, args...)
	a, err := scanArticle(row, true)
	if errors.Is(err, pgx.ErrNoRows) {
		return news.Article{}, fmt.Errorf("article by %s: %w", what, news.ErrNotFound)
	}
	if err != nil {
		return news.Article{}, fmt.Errorf("article by %s: %w", what, err)
	}
	return a, nil
}

// Article returns the article with its body, or news.ErrNotFound.
func (s *Store) Article(ctx context.Context, ns, id string) (news.Article, error) {
	return s.articleWhere(ctx, "id", `a.namespace = $1 AND a.id = $2`, ns, id)
}

// ArticleByURL returns the article stored under the canonical URL (the
// latest ingested if several), or news.ErrNotFound.
func (s *Store) ArticleByURL(ctx context.Context, ns, url string) (news.Article, error) {
	if url == "" {
		return news.Article{}, fmt.Errorf("article by url: %w", news.ErrNotFound)
	}
	return s.articleWhere(ctx, "url", `a.namespace = $1 AND a.url = $2`, ns, url)
}

// ArticleByHash returns an article whose content hash is hash, or
// news.ErrNotFound.
func (s *Store) ArticleByHash(ctx context.Context, ns, hash string) (news.Article, error) {
	if hash == "" {
		return news.Article{}, fmt.Errorf("article by hash: %w", news.ErrNotFound)
	}
	return s.articleWhere(ctx, "hash", `a.namespace = $1 AND a.content_hash = $2`, ns, hash)
}

// args numbers query parameters.
type args struct{ v []any }

func (a *args) add(v any) string {
	a.v = append(a.v, v)
	return fmt.Sprintf("$%d", len(a.v))
}

// ListArticles returns a page of articles, newest ingested first, with
// empty bodies, and the number of articles matching o in all.
func (s *Store) ListArticles(ctx context.Context, ns string, o news.ListOptions) ([]news.Article, int, error) {
	var p args
	conds := []string{"a.namespace = " + p.add(ns)}
	if o.Search != "" {
		like := p.add("%" + escapeLike(o.Search) + "%")
		conds = append(conds, `(a.title ILIKE `+like+` OR a.outlet ILIKE `+like+` OR a.url ILIKE `+like+`)`)
	}
	if !o.IngestedSince.IsZero() {
		conds = append(conds, "a.ingested_at >= "+p.add(ms(o.IngestedSince)))
	}
	if len(o.Outlets) > 0 {
		conds = append(conds, "lower(a.outlet) = ANY("+p.add(lowerAll(o.Outlets))+")")
	}
	where := strings.Join(conds, " AND ")
	var total int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM articles a WHERE `+where, p.v...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("list articles: count: %w", err)
	}
	limit := o.Limit
	if limit <= 0 {
		limit = 50
	}
	q := `SELECT ` + articleColumns + ` FROM articles a WHERE ` + where + `
		ORDER BY a.ingested_at DESC, a.id LIMIT ` + p.add(limit) + ` OFFSET ` + p.add(max(o.Offset, 0))
	rows, err := s.pool.Query(ctx, q, p.v...)
	if err != nil {
		return nil, 0, fmt.Errorf("list articles: %w", err)
	}
	defer rows.Close()
	var arts []news.Article
	for rows.Next() {
		a, err := scanArticle(rows, false)
		if err != nil {
			return nil, 0, fmt.Errorf("list articles: scan: %w", err)
		}
		arts = append(arts, a)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list articles: %w", err)
	}
	return arts, total, nil
}

// Chunks returns the article's chunks in order, with their embeddings, or
// news.ErrNotFound when the article does not exist.
func (s *Store) Chunks(ctx context.Context, ns, articleID string) ([]news.Chunk, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, position, text, embedding FROM chunks
		WHERE namespace = $1 AND article_id = $2 ORDER BY position`, ns, articleID)
	if err != nil {
		return nil, fmt.Errorf("chunks of %s: %w", articleID, err)
	}
	defer rows.Close()
	var out []news.Chunk
	for rows.Next() {
		c := news.Chunk{ArticleID: articleID}
		var blob []byte
		if err := rows.Scan(&c.ID, &c.Position, &c.Text, &blob); err != nil {
			return nil, fmt.Errorf("chunks of %s: scan: %w", articleID, err)
		}
		if c.Embedding, err = vindex.Decode(blob, 0); err != nil {
			return nil, fmt.Errorf("chunks of %s: chunk %s: %w", articleID, c.ID, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("chunks of %s: %w", articleID, err)
	}
	if len(out) == 0 {
		if _, err := s.Article(ctx, ns, articleID); err != nil {
			return nil, fmt.Errorf("chunks of %s: %w", articleID, err)
		}
	}
	return out, nil
}

// Outlets lists the namespace's outlets (articles without one are left
// out), most articles first, then by name.
func (s *Store) Outlets(ctx context.Context, ns string) ([]news.OutletInfo, error) {
	rows, err := s.pool.Query(ctx, `SELECT outlet, count(*), min(published_at), max(published_at)
		FROM articles WHERE namespace = $1 AND outlet <> '' GROUP BY outlet
		ORDER BY count(*) DESC, outlet`, ns)
	if err != nil {
		return nil, fmt.Errorf("outlets: %w", err)
	}
	defer rows.Close()
	var out []news.OutletInfo
	for rows.Next() {
		var (
			o           news.OutletInfo
			first, last *time.Time
		)
		if err := rows.Scan(&o.Name, &o.Articles, &first, &last); err != nil {
			return nil, fmt.Errorf("outlets: scan: %w", err)
		}
		o.First, o.Last = fromTS(first), fromTS(last)
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("outlets: %w", err)
	}
	return out, nil
}

// Stats returns the namespace's counts and the store's embedder.
func (s *Store) Stats(ctx context.Context, ns string) (news.Stats, error) {
	st := news.Stats{EmbedderID: s.EmbedderID(), Dim: s.Dim()}
	err := s.pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM articles WHERE namespace = $1),
		(SELECT count(*) FROM chunks WHERE namespace = $1)`, ns).Scan(&st.Articles, &st.Chunks)
	if err != nil {
		return news.Stats{}, fmt.Errorf("stats: %w", err)
	}
	return st, nil
}

// IngestedBetween returns the namespace's articles ingested at or after
// since and before until, newest first, with their bodies.
func (s *Store) IngestedBetween(ctx context.Context, ns string, since, until time.Time) ([]news.Article, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+articleColumns+`, a.body FROM articles a
		WHERE a.namespace = $1 AND a.ingested_at >= $2 AND a.ingested_at < $3
		ORDER BY a.ingested_at DESC, a.id`, ns, since.UTC(), until.UTC())
	if err != nil {
		return nil, fmt.Errorf("articles ingested between: %w", err)
	}
	defer rows.Close()
	var out []news.Article
	for rows.Next() {
		a, err := scanArticle(rows, true)
		if err != nil {
			return nil, fmt.Errorf("articles ingested between: scan: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("articles ingested between: %w", err)
	}
	return out, nil
}

func lowerAll(v []string) []string {
	out := make([]string, len(v))
	for i, s := range v {
		out[i] = strings.ToLower(s)
	}
	return out
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
