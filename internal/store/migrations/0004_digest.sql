-- 0004_digest: daily digest subscriptions (one per channel) and delivery
-- runs (one per channel and local day of the subscription's zone).
--
-- A run row is inserted (status 'claimed') before the digest is posted and
-- updated after ('sent' with the message id, 'empty', or 'failed'); the
-- primary key makes the claim atomic, so a day is posted at most once.
-- Runs outlive their subscription, so re-subscribing the same day does not
-- post that day again. Times are INTEGER Unix milliseconds (UTC).

CREATE TABLE digest_subscriptions (
	channel_id TEXT PRIMARY KEY,
	guild_id   TEXT NOT NULL,
	hour       INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),
	minute     INTEGER NOT NULL CHECK (minute BETWEEN 0 AND 59),
	timezone   TEXT NOT NULL,
	outlets    TEXT NOT NULL DEFAULT '[]', -- JSON array of outlet names
	topics     TEXT NOT NULL DEFAULT '[]', -- JSON array of words or phrases
	created_by TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);
CREATE INDEX digest_subscriptions_guild ON digest_subscriptions (guild_id);

CREATE TABLE digest_runs (
	channel_id   TEXT NOT NULL,
	day          TEXT NOT NULL, -- YYYY-MM-DD in the subscription's zone
	guild_id     TEXT NOT NULL,
	status       TEXT NOT NULL CHECK (status IN ('claimed', 'sent', 'empty', 'failed')),
	scheduled_at INTEGER NOT NULL,
	claimed_at   INTEGER NOT NULL,
	finished_at  INTEGER,
	message_id   TEXT NOT NULL DEFAULT '',
	since        INTEGER,
	until        INTEGER,
	article_ids  TEXT NOT NULL DEFAULT '[]', -- JSON array, in source order
	attempts     INTEGER NOT NULL DEFAULT 1,
	error        TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (channel_id, day)
);
CREATE INDEX digest_runs_message ON digest_runs (message_id) WHERE message_id <> '';
CREATE INDEX digest_runs_last ON digest_runs (channel_id, status, until);
