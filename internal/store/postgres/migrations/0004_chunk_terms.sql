-- 0004_chunk_terms: the keyword postings of every chunk (one row per
-- lexeme of its tsvector, with the lexeme's occurrences and the chunk's
-- keyword length), kept by triggers, so BM25 ranking reads the postings of
-- the query's lexemes (a few thousand rows) instead of unnesting the
-- tsvector of every matching chunk (a few hundred thousand).

CREATE TABLE chunk_terms (
	namespace text NOT NULL,
	lexeme    text NOT NULL,
	seq       bigint NOT NULL, -- chunks.seq
	tf        integer NOT NULL,
	dl        integer NOT NULL,
	PRIMARY KEY (namespace, lexeme, seq) INCLUDE (tf, dl)
);

CREATE FUNCTION chunk_terms_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO chunk_terms (namespace, lexeme, seq, tf, dl)
		SELECT n.namespace, u.lexeme, n.seq, coalesce(array_length(u.positions, 1), 1), n.dl
		FROM new_chunks n CROSS JOIN LATERAL unnest(n.tsv) u;
	RETURN NULL;
END
$$;

CREATE FUNCTION chunk_terms_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	-- Through the primary key, by the lexemes of the deleted documents: no
	-- second index to keep up on every write.
	DELETE FROM chunk_terms t USING old_chunks o CROSS JOIN LATERAL unnest(o.tsv) u
		WHERE t.namespace = o.namespace AND t.lexeme = u.lexeme AND t.seq = o.seq;
	RETURN NULL;
END
$$;

CREATE FUNCTION chunk_terms_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM chunk_terms t USING unnest(OLD.tsv) u
		WHERE t.namespace = OLD.namespace AND t.lexeme = u.lexeme AND t.seq = OLD.seq;
	INSERT INTO chunk_terms (namespace, lexeme, seq, tf, dl)
		SELECT NEW.namespace, u.lexeme, NEW.seq, coalesce(array_length(u.positions, 1), 1), NEW.dl
		FROM unnest(NEW.tsv) u;
	RETURN NULL;
END
$$;

CREATE TRIGGER chunk_terms_insert AFTER INSERT ON chunks
	REFERENCING NEW TABLE AS new_chunks FOR EACH STATEMENT EXECUTE FUNCTION chunk_terms_insert();
CREATE TRIGGER chunk_terms_delete AFTER DELETE ON chunks
	REFERENCING OLD TABLE AS old_chunks FOR EACH STATEMENT EXECUTE FUNCTION chunk_terms_delete();
CREATE TRIGGER chunk_terms_update AFTER UPDATE OF namespace, tsv ON chunks
	FOR EACH ROW EXECUTE FUNCTION chunk_terms_update();

INSERT INTO chunk_terms (namespace, lexeme, seq, tf, dl)
	SELECT c.namespace, u.lexeme, c.seq, coalesce(array_length(u.positions, 1), 1), c.dl
	FROM chunks c CROSS JOIN LATERAL unnest(c.tsv) u;
