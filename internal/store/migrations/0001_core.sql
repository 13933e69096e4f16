-- 0001_core: articles, their chunks with embeddings, the FTS5 keyword index
-- over chunks and the store's metadata.
--
-- Times are INTEGER Unix milliseconds (UTC); NULL when unknown.
-- Embeddings are float32 little-endian BLOBs of meta.dim values, produced by
-- the embedder named in meta.embedder (a store never mixes two embedders).

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE articles (
	namespace    TEXT NOT NULL,
	id           TEXT NOT NULL,
	url          TEXT NOT NULL DEFAULT '',
	title        TEXT NOT NULL DEFAULT '',
	outlet       TEXT NOT NULL DEFAULT '',
	author       TEXT NOT NULL DEFAULT '',
	published_at INTEGER,
	ingested_at  INTEGER NOT NULL,
	content_hash TEXT NOT NULL,
	language     TEXT NOT NULL DEFAULT '',
	body         TEXT NOT NULL,
	PRIMARY KEY (namespace, id)
);
CREATE INDEX articles_url ON articles (namespace, url);
CREATE INDEX articles_hash ON articles (namespace, content_hash);
CREATE INDEX articles_outlet ON articles (namespace, outlet COLLATE NOCASE);
CREATE INDEX articles_published ON articles (namespace, published_at);
CREATE INDEX articles_ingested ON articles (namespace, ingested_at);

CREATE TABLE chunks (
	seq        INTEGER PRIMARY KEY,
	namespace  TEXT NOT NULL,
	id         TEXT NOT NULL,
	article_id TEXT NOT NULL,
	position   INTEGER NOT NULL,
	text       TEXT NOT NULL,
	embedding  BLOB NOT NULL,
	embedder   TEXT NOT NULL,
	UNIQUE (namespace, id),
	UNIQUE (namespace, article_id, position),
	FOREIGN KEY (namespace, article_id) REFERENCES articles (namespace, id) ON DELETE CASCADE
);

-- Keyword index: one row per chunk, rowid = chunks.seq. ns holds one token
-- naming the namespace ('n' || lower(hex(namespace))), so a query restricts
-- itself to a namespace inside the index (ns : "n6c6f63616c" AND ...)
-- without reading chunk rows; article is the chunk's article id.
CREATE VIRTUAL TABLE chunks_fts USING fts5 (
	ns,
	article UNINDEXED,
	title,
	text,
	tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
	INSERT INTO chunks_fts (rowid, ns, article, title, text)
	SELECT new.seq, 'n' || lower(hex(new.namespace)), new.article_id, a.title, new.text FROM articles a
	WHERE a.namespace = new.namespace AND a.id = new.article_id;
END;

CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
	DELETE FROM chunks_fts WHERE rowid = old.seq;
END;

CREATE TRIGGER chunks_fts_update AFTER UPDATE OF text ON chunks BEGIN
	UPDATE chunks_fts SET text = new.text WHERE rowid = new.seq;
END;

CREATE TRIGGER articles_fts_title AFTER UPDATE OF title ON articles BEGIN
	UPDATE chunks_fts SET title = new.title
	WHERE rowid IN (SELECT seq FROM chunks WHERE namespace = new.namespace AND article_id = new.id);
END;

-- Embeddings computed by a re-embedding run that has not switched over yet.
-- They replace chunks.embedding in one transaction at the end of the run.
CREATE TABLE reembed_pending (
	seq       INTEGER PRIMARY KEY REFERENCES chunks (seq) ON DELETE CASCADE,
	embedder  TEXT NOT NULL,
	embedding BLOB NOT NULL
);
