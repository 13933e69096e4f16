package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	chromem "github.com/philippgille/chromem-go"

	"github.com/gazettebot/gazette/internal/store/vindex"
	"github.com/gazettebot/gazette/news"
)

// PutArticle writes the article and replaces all its chunks, with their
// embeddings, in one transaction: a failure or a crash leaves the previous
// state wholly in place. An article already stored under the same namespace
// and id with the same content hash is left untouched ([news.PutUnchanged]).
//
// Chunks must carry embeddings of the store's dimension (they are stored
// normalised) and positions 0..n-1; an article needs at least one chunk.
// An empty ContentHash is computed from the body; a zero IngestedAt is now.
// Times are kept to the millisecond, in UTC.
//
// The in-memory index keeps the chunks' embedding slices themselves when
// they are already of unit length (every embedder's are), so that a large
// article's vectors are held once: the caller must not modify them after
// the call.
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
	dim := s.Dim()
	embedder := s.EmbedderID()
	if dim == 0 {
		return 0, fmt.Errorf("put article %s: the store has no embedder; open it with Options.EmbedderID", a.ID)
	}
	if len(chunks) == 0 {
		return 0, fmt.Errorf("put article %s: no chunks", a.ID)
	}
	docs := make([]chromem.Document, len(chunks))
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
		vec, err := vindex.Unit(c.Embedding, dim)
		if err != nil {
			return 0, fmt.Errorf("put article %s: chunk %s: %w", a.ID, c.ID, err)
		}
		docs[i] = chromem.Document{ID: c.ID, Embedding: vec}
	}

	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.Dim() != dim || s.EmbedderID() != embedder { // a re-embedding switched over meanwhile
		return 0, fmt.Errorf("put article %s: %w", a.ID, news.ErrEmbedderMismatch)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("put article %s: begin: %w", a.ID, err)
	}
	defer tx.Rollback()

	var oldHash string
	result := news.PutNew
	err = tx.QueryRowContext(ctx, `SELECT content_hash FROM articles WHERE namespace = ? AND id = ?`,
		a.Namespace, a.ID).Scan(&oldHash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return 0, fmt.Errorf("put article %s: look up: %w", a.ID, err)
	case oldHash == a.ContentHash:
		return news.PutUnchanged, nil
	default:
		result = news.PutUpdated
	}
	var oldIDs []string
	if result == news.PutUpdated {
		if oldIDs, err = chunkIDs(ctx, tx, a.Namespace, a.ID); err != nil {
			return 0, fmt.Errorf("put article %s: %w", a.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM chunks WHERE namespace = ? AND article_id = ?`,
			a.Namespace, a.ID); err != nil {
			return 0, fmt.Errorf("put article %s: delete old chunks: %w", a.ID, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO articles
		(namespace, id, url, title, outlet, author, published_at, ingested_at, content_hash, language, body)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (namespace, id) DO UPDATE SET
			url = excluded.url, title = excluded.title, outlet = excluded.outlet,
			author = excluded.author, published_at = excluded.published_at,
			ingested_at = excluded.ingested_at, content_hash = excluded.content_hash,
			language = excluded.language, body = excluded.body`,
		a.Namespace, a.ID, a.URL, a.Title, a.Outlet, a.Author, millis(a.PublishedAt),
		a.IngestedAt.UnixMilli(), a.ContentHash, a.Language, a.Body); err != nil {
		return 0, fmt.Errorf("put article %s: write article: %w", a.ID, err)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO chunks
		(namespace, id, article_id, position, text, embedding, embedder) VALUES (?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return 0, fmt.Errorf("put article %s: prepare chunks: %w", a.ID, err)
	}
	defer stmt.Close()
	// One buffer for every row's blob: the driver copies a bound value.
	blob := make([]byte, 4*dim)
	for i, c := range chunks {
		vindex.EncodeInto(blob, docs[i].Embedding)
		if _, err := stmt.ExecContext(ctx, a.Namespace, c.ID, a.ID, i, c.Text, blob, embedder); err != nil {
			return 0, fmt.Errorf("put article %s: write chunk %s: %w", a.ID, c.ID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("put article %s: commit: %w", a.ID, err)
	}
	if err := s.indexArticle(ctx, a, oldIDs, docs); err != nil {
		// SQLite holds the truth; the index is rebuilt from it at the next
		// start. Report, since queries miss the article until then.
		return result, fmt.Errorf("put article %s: stored, but %w", a.ID, err)
	}
	return result, nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func chunkIDs(ctx context.Context, q querier, ns, articleID string) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM chunks WHERE namespace = ? AND article_id = ?`, ns, articleID)
	if err != nil {
		return nil, fmt.Errorf("list chunk ids: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("list chunk ids: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list chunk ids: %w", err)
	}
	return ids, nil
}

// DeleteArticle removes the article, its chunks, their keyword index rows
// and their vectors. It returns [news.ErrNotFound] when there is no such article.
func (s *Store) DeleteArticle(ctx context.Context, ns, id string) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("delete article %s: begin: %w", id, err)
	}
	defer tx.Rollback()
	ids, err := chunkIDs(ctx, tx, ns, id)
	if err != nil {
		return fmt.Errorf("delete article %s: %w", id, err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM articles WHERE namespace = ? AND id = ?`, ns, id)
	if err != nil {
		return fmt.Errorf("delete article %s: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("delete article %s: %w", id, err)
	} else if n == 0 {
		return fmt.Errorf("delete article %s: %w", id, news.ErrNotFound)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("delete article %s: commit: %w", id, err)
	}
	if err := s.indexArticle(ctx, news.Article{Namespace: ns, ID: id}, ids, nil); err != nil {
		return fmt.Errorf("delete article %s: deleted, but %w", id, err)
	}
	return nil
}

// DeleteNamespace removes every article of ns (a guild that left) with its
// chunks, keyword rows and vectors, and returns how many articles it
// removed.
func (s *Store) DeleteNamespace(ctx context.Context, ns string) (int, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	res, err := s.db.ExecContext(ctx, `DELETE FROM articles WHERE namespace = ?`, ns)
	if err != nil {
		return 0, fmt.Errorf("delete namespace %q: %w", ns, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete namespace %q: %w", ns, err)
	}
	if err := s.dropNamespace(ns); err != nil {
		return int(n), fmt.Errorf("delete namespace %q: deleted, but drop its vectors: %w", ns, err)
	}
	return int(n), nil
}

const articleColumns = `a.namespace, a.id, a.url, a.title, a.outlet, a.author, a.published_at,
	a.ingested_at, a.content_hash, a.language`

type scanner interface{ Scan(dest ...any) error }

// scanArticle scans articleColumns (and the body when withBody).
func scanArticle(sc scanner, withBody bool, extra ...any) (news.Article, error) {
	var (
		a         news.Article
		published sql.NullInt64
		ingested  int64
	)
	dest := []any{&a.Namespace, &a.ID, &a.URL, &a.Title, &a.Outlet, &a.Author, &published,
		&ingested, &a.ContentHash, &a.Language}
	if withBody {
		dest = append(dest, &a.Body)
	}
	dest = append(dest, extra...)
	if err := sc.Scan(dest...); err != nil {
		return news.Article{}, err
	}
	if published.Valid {
		a.PublishedAt = time.UnixMilli(published.Int64).UTC()
	}
	a.IngestedAt = time.UnixMilli(ingested).UTC()
	return a, nil
}

func (s *Store) articleWhere(ctx context.Context, what, cond string, args ...any) (news.Article, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+articleColumns+`, a.body FROM articles a WHERE `+cond+`
		ORDER BY a.ingested_at DESC, a.id LIMIT 1`, args...)
	a, err := scanArticle(row, true)
	if errors.Is(err, sql.ErrNoRows) {
		return news.Article{}, fmt.Errorf("article by %s: %w", what, news.ErrNotFound)
	}
	if err != nil {
		return news.Article{}, fmt.Errorf("article by %s: %w", what, err)
	}
	return a, nil
}

// Article returns the article with its body, or [news.ErrNotFound].
func (s *Store) Article(ctx context.Context, ns, id string) (news.Article, error) {
	return s.articleWhere(ctx, "id", `a.namespace = ? AND a.id = ?`, ns, id)
}

// ArticleByURL returns the article stored under the canonical URL (the
// latest ingested if several), or [news.ErrNotFound]. An empty URL never matches.
func (s *Store) ArticleByURL(ctx context.Context, ns, url string) (news.Article, error) {
	if url == "" {
		return news.Article{}, fmt.Errorf("article by url: %w", news.ErrNotFound)
	}
	return s.articleWhere(ctx, "url", `a.namespace = ? AND a.url = ?`, ns, url)
}

// ArticleByHash returns an article whose content hash is hash, or
// ErrNotFound. An empty hash never matches.
func (s *Store) ArticleByHash(ctx context.Context, ns, hash string) (news.Article, error) {
	if hash == "" {
		return news.Article{}, fmt.Errorf("article by hash: %w", news.ErrNotFound)
	}
	return s.articleWhere(ctx, "hash", `a.namespace = ? AND a.content_hash = ?`, ns, hash)
}

// ListArticles returns a page of articles, newest ingested first, with
// empty bodies, and the number of articles matching o in all.
func (s *Store) ListArticles(ctx context.Context, ns string, o news.ListOptions) ([]news.Article, int, error) {
	conds := []string{"a.namespace = ?"}
	args := []any{ns}
	if o.Search != "" {
		like := "%" + escapeLike(o.Search) + "%"
		conds = append(conds, `(a.title LIKE ? ESCAPE '\' OR a.outlet LIKE ? ESCAPE '\' OR a.url LIKE ? ESCAPE '\')`)
		args = append(args, like, like, like)
	}
	if !o.IngestedSince.IsZero() {
		conds = append(conds, "a.ingested_at >= ?")
		args = append(args, o.IngestedSince.UnixMilli())
	}
	if len(o.Outlets) > 0 {
		conds = append(conds, "a.outlet COLLATE NOCASE IN ("+placeholders(len(o.Outlets))+")")
		for _, out := range o.Outlets {
			args = append(args, out)
		}
	}
	where := strings.Join(conds, " AND ")
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM articles a WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("list articles: count: %w", err)
	}
	limit := o.Limit
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+articleColumns+` FROM articles a WHERE `+where+`
		ORDER BY a.ingested_at DESC, a.id LIMIT ? OFFSET ?`, append(args, limit, max(o.Offset, 0))...)
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
// ErrNotFound when the article does not exist.
func (s *Store) Chunks(ctx context.Context, ns, articleID string) ([]news.Chunk, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, position, text, embedding FROM chunks
		WHERE namespace = ? AND article_id = ? ORDER BY position`, ns, articleID)
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
	rows, err := s.db.QueryContext(ctx, `SELECT outlet, count(*), min(published_at), max(published_at)
		FROM articles WHERE namespace = ? AND outlet != '' GROUP BY outlet
		ORDER BY count(*) DESC, outlet`, ns)
	if err != nil {
		return nil, fmt.Errorf("outlets: %w", err)
	}
	defer rows.Close()
	var out []news.OutletInfo
	for rows.Next() {
		var (
			o           news.OutletInfo
			first, last sql.NullInt64
		)
		if err := rows.Scan(&o.Name, &o.Articles, &first, &last); err != nil {
			return nil, fmt.Errorf("outlets: scan: %w", err)
		}
		if first.Valid {
			o.First = time.UnixMilli(first.Int64).UTC()
			o.Last = time.UnixMilli(last.Int64).UTC()
		}
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
	err := s.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM articles WHERE namespace = ?),
		(SELECT count(*) FROM chunks WHERE namespace = ?)`, ns, ns).Scan(&st.Articles, &st.Chunks)
	if err != nil {
		return news.Stats{}, fmt.Errorf("stats: %w", err)
	}
	return st, nil
}

func millis(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
