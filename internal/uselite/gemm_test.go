package uselite

import (
	"math"
	"math/rand/v2"
	"testing"
)

// naive computes C = A·B + bias directly from unpacked B.
func naive(m, n, k int, a []float32, lda int, b []float32, bias []float32, c0 []float32, op int) []float32 {
	c := make([]float32, m*n)
	for i := range m {
		for j := range n {
			var s float64
			if op == opAdd {
				s = float64(c0[i*n+j])
			}
			if bias != nil {
				s += float64(bias[j])
			}
			for l := range k {
				s += float64(a[i*lda+l]) * float64(b[l*n+j])
			}
			if op == opReLU {
				s = max(s, 0)
			}
			c[i*n+j] = float32(s)
		}
	}
	return c
}

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	return s
}

func TestGemm(t *testing.T) {
	tests := []struct {
		name    string
		m, n, k int
		bias    bool
		op      int
	}{
		{"one block", 6, 16, 4, false, opSet},
		{"ragged rows and depth", 13, 32, 7, true, opSet},
		{"depth past one K block", 20, 48, kcBlock + 37, true, opReLU},
		{"relu without bias", 12, 32, 300, false, opReLU},
		{"accumulate with bias", 13, 32, kcBlock + 5, true, opAdd},
		{"accumulate without bias", 6, 16, 9, false, opAdd},
		{"model shape", 128, 768, 256, true, opSet},
		{"empty depth", 6, 16, 0, true, opReLU},
		{"empty depth accumulate", 6, 16, 0, true, opAdd},
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mp := roundUp(tt.m, mr)
			a := randSlice(r, mp*tt.k+1)
			b := randSlice(r, tt.k*tt.n)
			var bias []float32
			if tt.bias {
				bias = randSlice(r, tt.n)
			}
			c0 := randSlice(r, mp*tt.n)
			want := naive(tt.m, tt.n, tt.k, a, tt.k, b, bias, c0, tt.op)
			bp := packB(b, tt.k, tt.n, tt.n)
			for _, asm := range []bool{false, true} {
				if asm && !useAsm {
					t.Log("no AVX2+FMA: assembly kernel not tested")
					continue
				}
				saved := useAsm
				setAsm(asm)
				c := append([]float32{}, c0...) // read by opAdd only
				gemm(tt.m, tt.n, tt.k, a, tt.k, bp, c, tt.n, bias, tt.op)
				setAsm(saved)
				for i := range tt.m * tt.n {
					if d := math.Abs(float64(c[i] - want[i])); d > 1e-4*(1+math.Abs(float64(want[i]))) {
						t.Fatalf("asm=%v: C[%d] = %g, want %g", asm, i, c[i], want[i])
					}
				}
			}
		})
	}
}

// TestKernelsAgree checks that the assembly and Go kernels give the same
// encoder output.
func TestKernelsAgree(t *testing.T) {
	if !useAsm {
		t.Skip("no AVX2+FMA on this CPU")
	}
	e := mustLoad(t)
	text := "Iraq asked the US to stop Israeli jets using its airspace"
	fast := e.EmbedText(text)
	setAsm(false)
	t.Cleanup(func() { setAsm(true) })
	slow := e.EmbedText(text)
	if d := maxAbsDiff(fast, slow); d > 1e-5 {
		t.Errorf("assembly and Go kernels differ by %g", d)
	}
}

func TestExpf(t *testing.T) {
	for x := float32(-90); x <= 0; x += 0.001 {
		want := math.Exp(float64(x))
		got := float64(expf(x))
		if math.Abs(got-want) > 3e-7*want+2e-38 {
			t.Fatalf("expf(%g) = %g, want %g", x, got, want)
		}
	}
}
