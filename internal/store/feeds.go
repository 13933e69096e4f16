package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/gazettebot/gazette/news"
)

func msOrNull(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

func timeOrZero(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64).UTC()
}

// SaveFeed inserts or replaces a followed feed and its polling state.
func (s *Store) SaveFeed(ctx context.Context, f news.Feed) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	_, err := s.db.ExecContext(ctx, `INSERT INTO feeds (namespace, url, title, added_at, last_polled_at,
		last_success_at, next_poll_at, etag, last_modified, failures, last_error, items)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (namespace, url) DO UPDATE SET title = excluded.title, added_at = excluded.added_at,
		last_polled_at = excluded.last_polled_at, last_success_at = excluded.last_success_at,
		next_poll_at = excluded.next_poll_at, etag = excluded.etag, last_modified = excluded.last_modified,
		failures = excluded.failures, last_error = excluded.last_error, items = excluded.items`,
		f.Namespace, f.URL, f.Title, f.AddedAt.UnixMilli(), msOrNull(f.LastPolledAt), msOrNull(f.LastSuccessAt),
		f.NextPollAt.UnixMilli(), f.ETag, f.LastModified, f.Failures, f.LastError, f.Items)
	if err != nil {
		return fmt.Errorf("save feed %s: %w", f.URL, err)
	}
	return nil
}

// DeleteFeed stops following a feed and forgets its items; it returns
// [news.ErrNotFound] when the namespace does not follow it.
func (s *Store) DeleteFeed(ctx context.Context, ns, url string) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	res, err := s.db.ExecContext(ctx, `DELETE FROM feeds WHERE namespace = ? AND url = ?`, ns, url)
	if err != nil {
		return fmt.Errorf("delete feed %s: %w", url, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("delete feed %s: %w", url, err)
	} else if n == 0 {
		return fmt.Errorf("delete feed %s: %w", url, news.ErrNotFound)
	}
	return nil
}

const feedColumns = `namespace, url, title, added_at, last_polled_at, last_success_at, next_poll_at,
	etag, last_modified, failures, last_error, items`

func scanFeeds(rows *sql.Rows) ([]news.Feed, error) {
	defer rows.Close()
	var out []news.Feed
	for rows.Next() {
		var f news.Feed
		var added, next int64
		var polled, success sql.NullInt64
		if err := rows.Scan(&f.Namespace, &f.URL, &f.Title, &added, &polled, &success, &next,
			&f.ETag, &f.LastModified, &f.Failures, &f.LastError, &f.Items); err != nil {
			return nil, err
		}
		f.AddedAt = time.UnixMilli(added).UTC()
		f.NextPollAt = time.UnixMilli(next).UTC()
		f.LastPolledAt = timeOrZero(polled)
		f.LastSuccessAt = timeOrZero(success)
		out = append(out, f)
	}
	return out, rows.Err()
}

// Feeds lists the feeds a namespace follows, ordered by URL.
func (s *Store) Feeds(ctx context.Context, ns string) ([]news.Feed, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+feedColumns+` FROM feeds WHERE namespace = ? ORDER BY url`, ns)
	if err != nil {
		return nil, fmt.Errorf("list feeds: %w", err)
	}
	feeds, err := scanFeeds(rows)
	if err != nil {
		return nil, fmt.Errorf("list feeds: %w", err)
	}
	return feeds, nil
}

// DueFeeds lists the feeds of every namespace due at now, most overdue
// first.
func (s *Store) DueFeeds(ctx context.Context, now time.Time) ([]news.Feed, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+feedColumns+` FROM feeds WHERE next_poll_at <= ?
		ORDER BY next_poll_at, namespace, url`, now.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("due feeds: %w", err)
	}
	feeds, err := scanFeeds(rows)
	if err != nil {
		return nil, fmt.Errorf("due feeds: %w", err)
	}
	return feeds, nil
}

// SeenItems reports which of keys were already handled for a feed.
func (s *Store) SeenItems(ctx context.Context, ns, feedURL string, keys []string) (map[string]bool, error) {
	out := make(map[string]bool)
	const batch = 200
	for start := 0; start < len(keys); start += batch {
		part := keys[start:min(start+batch, len(keys))]
		args := []any{ns, feedURL}
		for _, k := range part {
			args = append(args, k)
		}
		q := `SELECT item_key FROM feed_items WHERE namespace = ? AND feed_url = ? AND item_key IN (?` +
			strings.Repeat(", ?", len(part)-1) + `)`
		rows, err := s.db.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("seen items: %w", err)
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, fmt.Errorf("seen items: %w", err)
			}
			out[k] = true
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("seen items: %w", err)
		}
	}
	return out, nil
}

// MarkItemSeen records a feed item as handled; marking it again keeps the
// first record.
func (s *Store) MarkItemSeen(ctx context.Context, ns, feedURL string, it news.SeenItem) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	_, err := s.db.ExecContext(ctx, `INSERT INTO feed_items (namespace, feed_url, item_key, article_id, status, seen_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		ns, feedURL, it.Key, it.ArticleID, it.Status, it.SeenAt.UnixMilli())
	if err != nil {
		return fmt.Errorf("mark item seen: %w", err)
	}
	return nil
}
