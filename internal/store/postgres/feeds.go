package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gazettebot/gazette/news"
)

// SaveFeed inserts or replaces a followed feed and its polling state, and
// releases this process's lease on it (a poll saves the feed when done).
func (s *Store) SaveFeed(ctx context.Context, f news.Feed) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO feeds (namespace, url, title, added_at, last_polled_at,
		last_success_at, next_poll_at, etag, last_modified, failures, last_error, items)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (namespace, url) DO UPDATE SET title = excluded.title, added_at = excluded.added_at,
		last_polled_at = excluded.last_polled_at, last_success_at = excluded.last_success_at,
		next_poll_at = excluded.next_poll_at, etag = excluded.etag, last_modified = excluded.last_modified,
		failures = excluded.failures, last_error = excluded.last_error, items = excluded.items,
		lease_owner = CASE WHEN feeds.lease_owner = $13 THEN '' ELSE feeds.lease_owner END,
		lease_until = CASE WHEN feeds.lease_owner = $13 THEN NULL ELSE feeds.lease_until END`,
		f.Namespace, f.URL, f.Title, ms(f.AddedAt), ms(f.LastPolledAt), ms(f.LastSuccessAt),
		ms(f.NextPollAt), f.ETag, f.LastModified, f.Failures, f.LastError, f.Items, s.owner)
	if err != nil {
		return fmt.Errorf("save feed %s: %w", f.URL, err)
	}
	return nil
}

// DeleteFeed stops following a feed and forgets its items; it returns
// [feed.ErrNotFound] when the namespace does not follow it.
func (s *Store) DeleteFeed(ctx context.Context, ns, url string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM feeds WHERE namespace = $1 AND url = $2`, ns, url)
	if err != nil {
		return fmt.Errorf("delete feed %s: %w", url, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("delete feed %s: %w", url, news.ErrNotFound)
	}
	return nil
}

const feedColumns = `namespace, url, title, added_at, last_polled_at, last_success_at, next_poll_at,
	etag, last_modified, failures, last_error, items`

func scanFeeds(rows pgx.Rows) ([]news.Feed, error) {
	defer rows.Close()
	var out []news.Feed
	for rows.Next() {
		var f news.Feed
		var added, next time.Time
		var polled, success *time.Time
		if err := rows.Scan(&f.Namespace, &f.URL, &f.Title, &added, &polled, &success, &next,
			&f.ETag, &f.LastModified, &f.Failures, &f.LastError, &f.Items); err != nil {
			return nil, err
		}
		f.AddedAt = added.UTC()
		f.NextPollAt = next.UTC()
		f.LastPolledAt = fromTS(polled)
		f.LastSuccessAt = fromTS(success)
		out = append(out, f)
	}
	return out, rows.Err()
}

// Feeds lists the feeds a namespace follows, ordered by URL.
func (s *Store) Feeds(ctx context.Context, ns string) ([]news.Feed, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+feedColumns+` FROM feeds WHERE namespace = $1 ORDER BY url`, ns)
	if err != nil {
		return nil, fmt.Errorf("list feeds: %w", err)
	}
	feeds, err := scanFeeds(rows)
	if err != nil {
		return nil, fmt.Errorf("list feeds: %w", err)
	}
	return feeds, nil
}

// DueFeeds claims up to Options.FeedClaimBatch feeds, of every namespace,
// that are due at now and not leased by another process, most overdue
// first, and returns them. Each claimed feed is leased to this process for
// Options.FeedLease (SaveFeed after its poll releases it): other processes
// skip it meanwhile, and take it over when the lease runs out (a process
// that died while polling).
func (s *Store) DueFeeds(ctx context.Context, now time.Time) ([]news.Feed, error) {
	rows, err := s.pool.Query(ctx, `UPDATE feeds f SET lease_owner = $2, lease_until = $3
		FROM (SELECT namespace, url FROM feeds
			WHERE next_poll_at <= $1 AND (lease_until IS NULL OR lease_until <= $1 OR lease_owner = $2)
			ORDER BY next_poll_at, namespace, url
			LIMIT $4 FOR UPDATE SKIP LOCKED) due
		WHERE f.namespace = due.namespace AND f.url = due.url
		RETURNING `+prefixed("f.", feedColumns),
		ms(now), s.owner, ms(now.Add(s.lease)), s.batch)
	if err != nil {
		return nil, fmt.Errorf("due feeds: %w", err)
	}
	feeds, err := scanFeeds(rows)
	if err != nil {
		return nil, fmt.Errorf("due feeds: %w", err)
	}
	slices.SortFunc(feeds, func(a, b news.Feed) int {
		if c := a.NextPollAt.Compare(b.NextPollAt); c != 0 {
			return c
		}
		if c := strings.Compare(a.Namespace, b.Namespace); c != 0 {
			return c
		}
		return strings.Compare(a.URL, b.URL)
	})
	return feeds, nil
}

// prefixed qualifies a comma-separated column list with p.
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// SeenItems reports which of keys were already handled for a feed.
func (s *Store) SeenItems(ctx context.Context, ns, feedURL string, keys []string) (map[string]bool, error) {
	out := make(map[string]bool)
	if len(keys) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT item_key FROM feed_items
		WHERE namespace = $1 AND feed_url = $2 AND item_key = ANY($3)`, ns, feedURL, keys)
	if err != nil {
		return nil, fmt.Errorf("seen items: %w", err)
	}
	seen, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("seen items: %w", err)
	}
	for _, k := range seen {
		out[k] = true
	}
	return out, nil
}

// MarkItemSeen records a feed item as handled; marking it again keeps the
// first record.
func (s *Store) MarkItemSeen(ctx context.Context, ns, feedURL string, it news.SeenItem) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO feed_items (namespace, feed_url, item_key, article_id, status, seen_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
		ns, feedURL, it.Key, it.ArticleID, string(it.Status), ms(it.SeenAt))
	if err != nil {
		return fmt.Errorf("mark item seen: %w", err)
	}
	return nil
}
