-- 0001_core: the PostgreSQL schema of the store, the same data as the
-- SQLite schema (internal/store/migrations) in PostgreSQL's own types.
--
-- Times are timestamptz, kept to the millisecond; NULL when unknown.
-- Embeddings are float32 little-endian bytea of meta.dim values, produced by
-- the embedder named in meta.embedder (a store never mixes two embedders).

CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE TABLE meta (
	key   text PRIMARY KEY,
	value text NOT NULL
);

CREATE TABLE articles (
	namespace    text NOT NULL,
	id           text NOT NULL,
	url          text NOT NULL DEFAULT '',
	title        text NOT NULL DEFAULT '',
	outlet       text NOT NULL DEFAULT '',
	author       text NOT NULL DEFAULT '',
	published_at timestamptz,
	ingested_at  timestamptz NOT NULL,
	content_hash text NOT NULL,
	language     text NOT NULL DEFAULT '',
	body         text NOT NULL,
	PRIMARY KEY (namespace, id)
);
CREATE INDEX articles_url ON articles (namespace, url);
CREATE INDEX articles_hash ON articles (namespace, content_hash);
CREATE INDEX articles_outlet ON articles (namespace, lower(outlet));
CREATE INDEX articles_published ON articles (namespace, published_at);
CREATE INDEX articles_ingested ON articles (namespace, ingested_at);

-- tsv is the chunk's keyword document: the article's title (weight A) and
-- the passage (weight B), English stemming. It is written with the chunk
-- (an article's title changes only with its chunks), and the GIN index over
-- (namespace, tsv) answers a keyword query inside one namespace.
CREATE TABLE chunks (
	seq        bigserial PRIMARY KEY,
	namespace  text NOT NULL,
	id         text NOT NULL,
	article_id text NOT NULL,
	position   integer NOT NULL,
	text       text NOT NULL,
	embedding  bytea NOT NULL,
	embedder   text NOT NULL,
	tsv        tsvector NOT NULL,
	UNIQUE (namespace, id),
	UNIQUE (namespace, article_id, position),
	FOREIGN KEY (namespace, article_id) REFERENCES articles (namespace, id) ON DELETE CASCADE
);
CREATE INDEX chunks_tsv ON chunks USING gin (namespace, tsv);

-- Embeddings computed by a re-embedding run that has not switched over yet.
CREATE TABLE reembed_pending (
	seq       bigint PRIMARY KEY REFERENCES chunks (seq) ON DELETE CASCADE,
	embedder  text NOT NULL,
	embedding bytea NOT NULL
);

-- changes is the log every process follows to keep its in-memory vector
-- index equal to the chunks table: one row per article written or deleted
-- (or namespace deleted, article_id ''), in commit order of seq. A NOTIFY
-- on 'gazette_changes' carrying seq follows each commit; a process that
-- missed notifications (a reconnect) reads the rows after the last seq it
-- applied. Old rows are pruned.
CREATE TABLE changes (
	seq        bigserial PRIMARY KEY,
	namespace  text NOT NULL,
	article_id text NOT NULL,
	changed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE feeds (
	namespace       text NOT NULL,
	url             text NOT NULL,
	title           text NOT NULL DEFAULT '',
	added_at        timestamptz NOT NULL,
	last_polled_at  timestamptz,
	last_success_at timestamptz,
	next_poll_at    timestamptz NOT NULL,
	etag            text NOT NULL DEFAULT '',
	last_modified   text NOT NULL DEFAULT '',
	failures        integer NOT NULL DEFAULT 0,
	last_error      text NOT NULL DEFAULT '',
	items           integer NOT NULL DEFAULT 0,
	-- The process polling the feed holds it until lease_until; another
	-- process takes a due feed over only after that.
	lease_owner     text NOT NULL DEFAULT '',
	lease_until     timestamptz,
	PRIMARY KEY (namespace, url)
);
CREATE INDEX feeds_due ON feeds (next_poll_at);

CREATE TABLE feed_items (
	namespace  text NOT NULL,
	feed_url   text NOT NULL,
	item_key   text NOT NULL,
	article_id text NOT NULL DEFAULT '',
	status     text NOT NULL DEFAULT '',
	seen_at    timestamptz NOT NULL,
	PRIMARY KEY (namespace, feed_url, item_key),
	FOREIGN KEY (namespace, feed_url) REFERENCES feeds (namespace, url) ON DELETE CASCADE
);

CREATE TABLE questions (
	id         bigserial PRIMARY KEY,
	namespace  text NOT NULL,
	channel_id text NOT NULL DEFAULT '',
	user_id    text NOT NULL DEFAULT '',
	question   text NOT NULL,
	answer     text NOT NULL,
	refused    boolean NOT NULL DEFAULT false,
	sources    jsonb NOT NULL DEFAULT '[]',
	asked_at   timestamptz NOT NULL
);
CREATE INDEX questions_asked ON questions (namespace, asked_at);

CREATE TABLE feedback (
	question_id bigint NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
	user_id     text NOT NULL,
	vote        integer NOT NULL CHECK (vote IN (-1, 1)),
	voted_at    timestamptz NOT NULL,
	PRIMARY KEY (question_id, user_id)
);

CREATE TABLE digest_subscriptions (
	channel_id text PRIMARY KEY,
	guild_id   text NOT NULL,
	hour       integer NOT NULL CHECK (hour BETWEEN 0 AND 23),
	minute     integer NOT NULL CHECK (minute BETWEEN 0 AND 59),
	timezone   text NOT NULL,
	outlets    jsonb NOT NULL DEFAULT '[]',
	topics     jsonb NOT NULL DEFAULT '[]',
	created_by text NOT NULL DEFAULT '',
	created_at timestamptz NOT NULL
);
CREATE INDEX digest_subscriptions_guild ON digest_subscriptions (guild_id);

CREATE TABLE digest_runs (
	channel_id   text NOT NULL,
	day          text NOT NULL,
	guild_id     text NOT NULL,
	status       text NOT NULL CHECK (status IN ('claimed', 'sent', 'empty', 'failed')),
	scheduled_at timestamptz NOT NULL,
	claimed_at   timestamptz NOT NULL,
	finished_at  timestamptz,
	message_id   text NOT NULL DEFAULT '',
	since        timestamptz,
	until        timestamptz,
	article_ids  jsonb NOT NULL DEFAULT '[]',
	attempts     integer NOT NULL DEFAULT 1,
	error        text NOT NULL DEFAULT '',
	PRIMARY KEY (channel_id, day)
);
CREATE INDEX digest_runs_message ON digest_runs (message_id) WHERE message_id <> '';
CREATE INDEX digest_runs_last ON digest_runs (channel_id, status, until);
