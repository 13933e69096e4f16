package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"

	chromem "github.com/philippgille/chromem-go"
)

// errNoEmbedding is what the in-memory index's embedding function returns:
// the store always passes vectors itself, so reaching it is a bug, and it
// must never fall back to chromem-go's default (a network call).
var errNoEmbedding = errors.New("store: the vector index never embeds text; pass vectors")

func noEmbedding(context.Context, string) ([]float32, error) { return nil, errNoEmbedding }

// collection returns the namespace's collection in the in-memory index, or
// nil when it has none and create is false. The caller holds s.mu.
func (s *Store) collection(ns string, create bool) (*chromem.Collection, error) {
	if c := s.index.GetCollection(ns, noEmbedding); c != nil {
		return c, nil
	}
	if !create {
		return nil, nil
	}
	c, err := s.index.GetOrCreateCollection(ns, map[string]string{
		"embedder": s.embedderID,
		"dim":      strconv.Itoa(s.dim),
	}, noEmbedding)
	if err != nil {
		return nil, fmt.Errorf("create collection %q: %w", ns, err)
	}
	return c, nil
}

// rebuildIndex replaces the in-memory index by one built from the vectors
// stored in SQLite and returns the number of chunks indexed.
func (s *Store) rebuildIndex(ctx context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.index = chromem.NewDB()
	rows, err := s.db.QueryContext(ctx, `SELECT namespace, id, embedding FROM chunks ORDER BY namespace`)
	if err != nil {
		return 0, fmt.Errorf("rebuild index: %w", err)
	}
	defer rows.Close()
	var (
		n    int
		ns   string
		coll *chromem.Collection
		blob []byte
		id   string
		cur  string
	)
	for rows.Next() {
		if err := rows.Scan(&ns, &id, &blob); err != nil {
			return n, fmt.Errorf("rebuild index: scan: %w", err)
		}
		if coll == nil || ns != cur {
			if coll, err = s.collection(ns, true); err != nil {
				return n, fmt.Errorf("rebuild index: %w", err)
			}
			cur = ns
		}
		vec, err := decodeVector(blob, s.dim)
		if err != nil {
			return n, fmt.Errorf("rebuild index: chunk %s/%s: %w", ns, id, err)
		}
		if err := coll.AddDocument(ctx, chromem.Document{ID: id, Embedding: vec}); err != nil {
			return n, fmt.Errorf("rebuild index: add %s/%s: %w", ns, id, err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("rebuild index: %w", err)
	}
	return n, nil
}

// indexChunks replaces the given chunk ids of ns in the in-memory index.
func (s *Store) indexChunks(ctx context.Context, ns string, remove []string, add []chromem.Document) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	coll, err := s.collection(ns, len(add) > 0)
	if err != nil {
		return err
	}
	if coll == nil {
		return nil
	}
	if len(remove) > 0 {
		// By ids only: a non-nil empty where map would delete everything.
		if err := coll.Delete(ctx, nil, nil, remove...); err != nil {
			return fmt.Errorf("unindex %d chunks: %w", len(remove), err)
		}
	}
	for _, d := range add {
		if err := coll.AddDocument(ctx, d); err != nil {
			return fmt.Errorf("index chunk %s: %w", d.ID, err)
		}
	}
	return nil
}

// encodeVector encodes v as float32 little-endian.
func encodeVector(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

// decodeVector decodes a float32 little-endian blob of dim values.
func decodeVector(b []byte, dim int) ([]float32, error) {
	if len(b)%4 != 0 || (dim > 0 && len(b) != 4*dim) {
		return nil, fmt.Errorf("embedding of %d bytes, want %d", len(b), 4*dim)
	}
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v, nil
}

// normalize returns v scaled to unit length, or an error for a vector of
// the wrong dimension, with a non-finite value, or of zero length.
func normalize(v []float32, dim int) ([]float32, error) {
	if len(v) != dim {
		return nil, fmt.Errorf("embedding has %d dimensions, want %d", len(v), dim)
	}
	var sum float64
	for _, x := range v {
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, errors.New("embedding has a non-finite value")
		}
		sum += f * f
	}
	if sum == 0 {
		return nil, errors.New("embedding is the zero vector")
	}
	norm := math.Sqrt(sum)
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(float64(x) / norm)
	}
	return out, nil
}

// dot is the cosine of two unit vectors.
func dot(a, b []float32) float64 {
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return float64(s)
}
