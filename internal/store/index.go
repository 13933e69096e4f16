package store

import (
	"context"
	"database/sql"
	"fmt"

	chromem "github.com/philippgille/chromem-go"

	"github.com/gazettebot/gazette/internal/store/vindex"
	"github.com/gazettebot/gazette/news"
)

// The in-memory vector index is chromem-go: one collection per namespace,
// each document a chunk whose embedding is the chunk's unit vector and
// whose metadata names its article and outlet (see chunkMeta). Dense search
// is chromem-go's query; the vectors are held once, by the collections.

// Metadata keys of the index's documents.
const (
	metaArticle = "article"
	metaOutlet  = "outlet" // folded by foldOutlet
)

// foldOutlet folds an outlet name the way SQLite's NOCASE collation does
// (ASCII letters only), so that metadata equality in the index matches
// outlet filters in SQL.
func foldOutlet(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// chunkMeta is the metadata of the chunks of one article: one map shared by
// all of them, which nothing may modify (chromem-go hands it out as
// Result.Metadata).
func chunkMeta(articleID, outlet string) map[string]string {
	return map[string]string{metaArticle: articleID, metaOutlet: foldOutlet(outlet)}
}

// collection returns the namespace's collection in the in-memory index, or
// nil when it has none and create is false. The caller holds s.mu (for
// writing when create is true).
func (s *Store) collection(ns string, create bool) (*chromem.Collection, error) {
	return vindex.Collection(s.index, ns, s.embedderID, s.dim, create)
}

// rebuildIndex replaces the in-memory index by one built from the vectors
// stored in SQLite and returns the number of chunks indexed.
func (s *Store) rebuildIndex(ctx context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.index = chromem.NewDB()
	for ns := range s.gens {
		s.gens[ns] = s.nextGen()
	}
	s.chunkIDs = make(map[string]map[string][]string)
	rows, err := s.db.QueryContext(ctx, `SELECT c.namespace, c.id, c.article_id, a.outlet, c.embedding
		FROM chunks c JOIN articles a ON a.namespace = c.namespace AND a.id = c.article_id
		ORDER BY c.namespace, c.article_id`)
	if err != nil {
		return 0, fmt.Errorf("rebuild index: %w", err)
	}
	defer rows.Close()
	var (
		n                 int
		ns, id, art, outl string
		blob              sql.RawBytes
		cur, curArt       string
		coll              *chromem.Collection
		meta              map[string]string
	)
	for rows.Next() {
		if err := rows.Scan(&ns, &id, &art, &outl, &blob); err != nil {
			return n, fmt.Errorf("rebuild index: scan: %w", err)
		}
		if coll == nil || ns != cur {
			if coll, err = s.collection(ns, true); err != nil {
				return n, fmt.Errorf("rebuild index: %w", err)
			}
			cur, curArt, meta = ns, "", nil
			s.gens[ns] = s.nextGen()
			s.chunkIDs[ns] = make(map[string][]string)
		}
		if len(blob) != 4*s.dim {
			return n, fmt.Errorf("rebuild index: chunk %s/%s: embedding of %d bytes, want %d", ns, id, len(blob), 4*s.dim)
		}
		if meta == nil || art != curArt {
			curArt, meta = art, chunkMeta(art, outl)
		}
		vec := make([]float32, s.dim)
		vindex.DecodeInto(vec, blob)
		if err := coll.AddDocument(ctx, chromem.Document{ID: id, Metadata: meta, Embedding: vec}); err != nil {
			return n, fmt.Errorf("rebuild index: add %s/%s: %w", ns, id, err)
		}
		s.chunkIDs[ns][meta[metaArticle]] = append(s.chunkIDs[ns][meta[metaArticle]], id)
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("rebuild index: %w", err)
	}
	return n, nil
}

// indexArticle replaces the given chunk ids of ns in the in-memory index by
// the chunks of article a in add (none when a is deleted).
func (s *Store) indexArticle(ctx context.Context, a news.Article, remove []string, add []chromem.Document) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns := a.Namespace
	// First, so that even a failure below tells readers of Generation that
	// the (already committed) articles changed.
	s.gens[ns] = s.nextGen()
	coll, err := s.collection(ns, len(add) > 0)
	if err != nil {
		return err
	}
	if coll == nil {
		return nil
	}
	byArticle := s.chunkIDs[ns]
	if byArticle == nil {
		byArticle = make(map[string][]string)
		s.chunkIDs[ns] = byArticle
	}
	if len(remove) > 0 {
		// By ids only: a non-nil empty where map would delete everything.
		if err := coll.Delete(ctx, nil, nil, remove...); err != nil {
			return fmt.Errorf("unindex %d chunks: %w", len(remove), err)
		}
		delete(byArticle, a.ID)
	}
	meta := chunkMeta(a.ID, a.Outlet)
	for _, d := range add {
		d.Metadata = meta
		if err := coll.AddDocument(ctx, d); err != nil {
			return fmt.Errorf("index chunk %s: %w", d.ID, err)
		}
		byArticle[a.ID] = append(byArticle[a.ID], d.ID)
	}
	return nil
}

// dropNamespace removes the namespace's collection from the index.
func (s *Store) dropNamespace(ns string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gens[ns] = s.nextGen()
	delete(s.chunkIDs, ns)
	if s.index.GetCollection(ns, vindex.NoEmbedding) == nil {
		return nil
	}
	return s.index.DeleteCollection(ns)
}

// nextGen returns a generation never handed out before. The caller holds
// s.mu for writing.
func (s *Store) nextGen() uint64 {
	s.gen++
	return s.gen
}

// Generation returns a number that changes whenever the articles of ns
// change: an article written or deleted, the namespace deleted, the store
// reopened or re-embedded. Callers cache what they derive from the articles
// (such as the outlet list) under it. Two equal numbers for ns mean no
// change in between.
func (s *Store) Generation(ns string) uint64 {
	s.mu.RLock()
	g, ok := s.gens[ns]
	s.mu.RUnlock()
	if ok {
		return g
	}
	// A namespace never written since the store opened: give it a number
	// of its own, so that its first write is seen as a change.
	s.mu.Lock()
	defer s.mu.Unlock()
	if g, ok := s.gens[ns]; ok {
		return g
	}
	g = s.nextGen()
	s.gens[ns] = g
	return g
}
