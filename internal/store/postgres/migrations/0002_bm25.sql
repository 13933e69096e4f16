-- 0002_bm25: each chunk's keyword document length (its word positions,
-- title and passage), kept by a trigger, for BM25 ranking with the
-- namespace's average length.

ALTER TABLE chunks ADD COLUMN dl integer NOT NULL DEFAULT 0;

CREATE FUNCTION chunks_dl() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.dl := (SELECT coalesce(sum(coalesce(array_length(u.positions, 1), 1)), 0) FROM unnest(NEW.tsv) u);
	RETURN NEW;
END
$$;

CREATE TRIGGER chunks_dl BEFORE INSERT OR UPDATE OF tsv ON chunks
	FOR EACH ROW EXECUTE FUNCTION chunks_dl();

UPDATE chunks SET tsv = tsv;
