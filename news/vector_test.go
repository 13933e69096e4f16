package news

import (
	"math"
	"testing"
)

func TestNormalize(t *testing.T) {
	got, err := Normalize([]float32{3, 4})
	if err != nil || math.Abs(float64(got[0])-0.6) > 1e-7 || math.Abs(float64(got[1])-0.8) > 1e-7 {
		t.Errorf("Normalize(3, 4) = %v, %v; want 0.6, 0.8", got, err)
	}
	for _, bad := range [][]float32{nil, {0, 0}, {1, float32(math.NaN())}, {float32(math.Inf(1)), 1}} {
		if _, err := Normalize(bad); err == nil {
			t.Errorf("Normalize(%v) error = nil", bad)
		}
	}
}

func TestCosine(t *testing.T) {
	for _, tc := range []struct {
		a, b []float32
		want float64
	}{
		{[]float32{1, 0}, []float32{2, 0}, 1},
		{[]float32{1, 0}, []float32{0, 3}, 0},
		{[]float32{1, 1}, []float32{-1, -1}, -1},
		{[]float32{3, 4}, []float32{4, 3}, 24.0 / 25},
		{[]float32{1}, []float32{1, 0}, 0},
		{[]float32{0, 0}, []float32{1, 0}, 0},
	} {
		if got := Cosine(tc.a, tc.b); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("Cosine(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
