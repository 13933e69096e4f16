package vindex

import (
	"context"
	"errors"
	"math"
	"testing"

	chromem "github.com/philippgille/chromem-go"
)

func TestEncodeDecode(t *testing.T) {
	v := []float32{0.6, -0.8, 0, float32(math.SmallestNonzeroFloat32)}
	got, err := Decode(Encode(v), len(v))
	if err != nil || !Same(got, v) {
		t.Fatalf("Decode(Encode(%v)) = %v, %v", v, got, err)
	}
	if _, err := Decode(Encode(v), 3); err == nil {
		t.Error("Decode() of another dimension error = nil")
	}
	if _, err := Decode([]byte{1, 2, 3}, 0); err == nil {
		t.Error("Decode() of a partial float error = nil")
	}
}

func TestNormalize(t *testing.T) {
	got, err := Normalize([]float32{3, 4}, 2)
	if err != nil || !Same(got, []float32{0.6, 0.8}) {
		t.Errorf("Normalize() = %v, %v; want [0.6 0.8]", got, err)
	}
	for _, v := range [][]float32{{1, 2, 3}, {0, 0}, {float32(math.NaN()), 1}} {
		if _, err := Normalize(v, 2); err == nil {
			t.Errorf("Normalize(%v, 2) error = nil", v)
		}
	}
}

func TestCollection(t *testing.T) {
	db := chromem.NewDB()
	if c, err := Collection(db, "g", "e", 2, false); c != nil || err != nil {
		t.Fatalf("Collection(absent, no create) = %v, %v; want nil", c, err)
	}
	c, err := Collection(db, "g", "e", 2, true)
	if err != nil || c == nil {
		t.Fatalf("Collection(create) = %v, %v", c, err)
	}
	if again, _ := Collection(db, "g", "e", 2, false); again != c {
		t.Error("Collection() did not return the existing collection")
	}
	if _, err := c.Query(context.Background(), "text", 1, nil, nil); !errors.Is(err, ErrNoEmbedding) {
		t.Errorf("a query by text error = %v, want ErrNoEmbedding", err)
	}
}
