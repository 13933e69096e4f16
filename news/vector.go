package news

import (
	"errors"
	"math"
)

// Normalize returns v scaled to unit length, the form every stored and
// compared embedding takes. It fails for a vector with a non-finite value
// or of zero length; v itself is not changed.
func Normalize(v []float32) ([]float32, error) {
	var sum float64
	for _, x := range v {
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, errors.New("vector has a non-finite value")
		}
		sum += f * f
	}
	if sum == 0 {
		return nil, errors.New("vector is the zero vector")
	}
	norm := math.Sqrt(sum)
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(float64(x) / norm)
	}
	return out, nil
}

// Cosine returns the cosine similarity of a and b, computed in float64; 0
// when their lengths differ or either is the zero vector.
func Cosine(a, b []float32) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 0
	}
	var dot, na, nb float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		dot += x * y
		na += x * x
		nb += y * y
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}
