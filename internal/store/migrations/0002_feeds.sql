-- 0002_feeds: RSS and Atom feeds followed per namespace, with their polling
-- state, and the feed items already handled (ingested or refused), so that
-- a restart neither re-ingests nor skips an item.
--
-- Times are INTEGER Unix milliseconds (UTC); NULL when unknown.

CREATE TABLE feeds (
	namespace       TEXT NOT NULL,
	url             TEXT NOT NULL, -- canonical feed URL
	title           TEXT NOT NULL DEFAULT '',
	added_at        INTEGER NOT NULL,
	last_polled_at  INTEGER,
	last_success_at INTEGER,
	next_poll_at    INTEGER NOT NULL,
	etag            TEXT NOT NULL DEFAULT '',
	last_modified   TEXT NOT NULL DEFAULT '',
	failures        INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT '', -- readable by users; '' after a success
	items           INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (namespace, url)
);
CREATE INDEX feeds_due ON feeds (next_poll_at);

CREATE TABLE feed_items (
	namespace  TEXT NOT NULL,
	feed_url   TEXT NOT NULL,
	item_key   TEXT NOT NULL, -- 'guid:…', 'link:…' or 'hash:…'
	article_id TEXT NOT NULL DEFAULT '',
	status     TEXT NOT NULL DEFAULT '',
	seen_at    INTEGER NOT NULL,
	PRIMARY KEY (namespace, feed_url, item_key),
	FOREIGN KEY (namespace, feed_url) REFERENCES feeds (namespace, url) ON DELETE CASCADE
);
