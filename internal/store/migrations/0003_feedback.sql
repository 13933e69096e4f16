-- 0003_feedback: the questions the bot answered, with the answer and its
-- cited sources (so the Sources button can quote them later), and members'
-- votes on the answers. Times are INTEGER Unix milliseconds (UTC).

CREATE TABLE questions (
	id         INTEGER PRIMARY KEY,
	namespace  TEXT NOT NULL,
	channel_id TEXT NOT NULL DEFAULT '',
	user_id    TEXT NOT NULL DEFAULT '',
	question   TEXT NOT NULL,
	answer     TEXT NOT NULL,
	refused    INTEGER NOT NULL DEFAULT 0,
	sources    TEXT NOT NULL DEFAULT '[]', -- JSON array of rag.Source
	asked_at   INTEGER NOT NULL
);
CREATE INDEX questions_asked ON questions (namespace, asked_at);

CREATE TABLE feedback (
	question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
	user_id     TEXT NOT NULL,
	vote        INTEGER NOT NULL CHECK (vote IN (-1, 1)),
	voted_at    INTEGER NOT NULL,
	PRIMARY KEY (question_id, user_id)
) WITHOUT ROWID;
