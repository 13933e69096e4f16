// Package vindex is what the store backends (internal/store for SQLite,
// internal/store/postgres) share about vectors: how a chunk's vector is
// checked and kept in the database, and the chromem-go collections that
// hold them in memory, one per namespace.
package vindex

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	chromem "github.com/philippgille/chromem-go"

	"github.com/gazettebot/gazette/news"
)

// ErrNoEmbedding is what the collections' embedding function returns: a
// store always passes vectors itself, so reaching it is a bug, and it must
// never fall back to chromem-go's default (a network call).
var ErrNoEmbedding = errors.New("store: the vector index never embeds text; pass vectors")

// NoEmbedding is the embedding function of every collection.
func NoEmbedding(context.Context, string) ([]float32, error) { return nil, ErrNoEmbedding }

// Collection returns the namespace's collection in db, created (tagged
// with the embedder and dimension of its vectors) when it has none and
// create is set; nil when it has none and create is not set.
func Collection(db *chromem.DB, ns, embedder string, dim int, create bool) (*chromem.Collection, error) {
	if c := db.GetCollection(ns, NoEmbedding); c != nil || !create {
		return c, nil
	}
	c, err := db.CreateCollection(ns, map[string]string{"embedder": embedder, "dim": strconv.Itoa(dim)}, NoEmbedding)
	if err != nil {
		return nil, fmt.Errorf("create collection %q: %w", ns, err)
	}
	return c, nil
}

// Normalize returns v scaled to unit length, or an error for a vector of
// another dimension than dim, with a non-finite value, or of zero length.
func Normalize(v []float32, dim int) ([]float32, error) {
	if len(v) != dim {
		return nil, fmt.Errorf("embedding has %d dimensions, want %d", len(v), dim)
	}
	return news.Normalize(v)
}

// Unit is [Normalize] that returns v itself when it is already of unit
// length, to the precision chromem-go accepts as normalised (which then
// keeps it as given): a caller that hands v over holds it once.
func Unit(v []float32, dim int) ([]float32, error) {
	if len(v) == dim {
		var sum float64
		for _, x := range v {
			sum += float64(x) * float64(x)
		}
		if math.Abs(sum-1) < 1e-6 { // NaN and ±Inf compare false
			return v, nil
		}
	}
	return Normalize(v, dim)
}

// Encode encodes v as float32 little-endian, the form vectors take in the
// database.
func Encode(v []float32) []byte {
	b := make([]byte, 4*len(v))
	EncodeInto(b, v)
	return b
}

// EncodeInto is [Encode] into b, which holds 4·len(v) bytes.
func EncodeInto(b []byte, v []float32) {
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
}

// DecodeInto decodes the float32 little-endian blob b into v, which holds
// len(b)/4 values.
func DecodeInto(v []float32, b []byte) {
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
}

// Decode decodes a float32 little-endian blob of dim values (of any length
// when dim is 0).
func Decode(b []byte, dim int) ([]float32, error) {
	if len(b)%4 != 0 || (dim > 0 && len(b) != 4*dim) {
		return nil, fmt.Errorf("embedding of %d bytes, want %d", len(b), 4*dim)
	}
	v := make([]float32, len(b)/4)
	DecodeInto(v, b)
	return v, nil
}

// Same reports whether an indexed vector is the stored one: the same
// length and values. Stored vectors are unit length already, so chromem-go
// keeps them as given.
func Same(a, b []float32) bool { return slices.Equal(a, b) }
