-- 0005_changes: a log of every change to the articles, in commit order, so
-- a serving process keeps its in-memory vector index equal to the chunks
-- table while another process (the command line) writes: it applies the
-- rows after the last seq it applied. Triggers fill it, so no writer can
-- forget to. A row is one of:
--   (namespace, article_id, '')       the article was written or deleted:
--                                     index its chunks as stored now;
--   (namespace, article_id, chunk_id) the chunk was removed;
--   ('', '', '')                      the embedder changed: reload all.
-- AUTOINCREMENT never reuses a seq, and writers are serialised, so seq
-- order is commit order. The oldest rows are pruned; a process that falls
-- behind the oldest reloads its whole index.
CREATE TABLE changes (
	seq        INTEGER PRIMARY KEY AUTOINCREMENT,
	namespace  TEXT NOT NULL,
	article_id TEXT NOT NULL,
	chunk_id   TEXT NOT NULL DEFAULT ''
);

CREATE TRIGGER changes_article_insert AFTER INSERT ON articles BEGIN
	INSERT INTO changes (namespace, article_id) VALUES (new.namespace, new.id);
	DELETE FROM changes WHERE seq <= last_insert_rowid() - 100000;
END;

CREATE TRIGGER changes_article_update AFTER UPDATE ON articles BEGIN
	INSERT INTO changes (namespace, article_id) VALUES (new.namespace, new.id);
	DELETE FROM changes WHERE seq <= last_insert_rowid() - 100000;
END;

CREATE TRIGGER changes_article_delete AFTER DELETE ON articles BEGIN
	INSERT INTO changes (namespace, article_id) VALUES (old.namespace, old.id);
END;

CREATE TRIGGER changes_chunk_delete AFTER DELETE ON chunks BEGIN
	INSERT INTO changes (namespace, article_id, chunk_id) VALUES (old.namespace, old.article_id, old.id);
END;

CREATE TRIGGER changes_embedder_insert AFTER INSERT ON meta WHEN new.key = 'embedder' BEGIN
	INSERT INTO changes (namespace, article_id) VALUES ('', '');
END;

CREATE TRIGGER changes_embedder_update AFTER UPDATE ON meta WHEN new.key = 'embedder' BEGIN
	INSERT INTO changes (namespace, article_id) VALUES ('', '');
END;
