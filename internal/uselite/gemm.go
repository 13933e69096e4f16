package uselite

// Matrix products. Every product in the model multiplies activations A
// (row-major, M×K, leading dimension lda) by a matrix B (K×N) stored as
// panels of 16 columns: panel p holds B[0:K, 16p:16p+16] as K consecutive
// rows of 16 floats. A 6×16 microkernel (AVX2+FMA assembly on amd64, plain
// Go elsewhere) computes one block of C at a time; the driver walks K in
// blocks of kcBlock so that the B panel block stays in the L1 cache while
// every row block of A streams past it.

const (
	mr      = 6   // rows of the microkernel
	nr      = 16  // columns of the microkernel (one B panel)
	kcBlock = 256 // K block of the driver
)

// roundUp rounds n up to a multiple of m.
func roundUp(n, m int) int { return (n + m - 1) / m * m }

// packB returns B (K×N, row-major with leading dimension ldb) in panels.
// N must be a multiple of nr.
func packB(b []float32, k, n, ldb int) []float32 {
	p := make([]float32, k*n)
	packBInto(p, b, k, n, ldb)
	return p
}

func packBInto(p, b []float32, k, n, ldb int) {
	for j := 0; j < n; j += nr {
		dst := p[j*k : j*k+k*nr]
		for i := range k {
			copy(dst[i*nr:i*nr+nr], b[i*ldb+j:i*ldb+j+nr])
		}
	}
}

// Microkernel flags.
const (
	flagInit = 1 << iota // start from the bias row (zero if nil), not from C (+ bias)
	flagReLU             // store max(0, result)
)

// Operations of gemm beyond C = A·B + bias.
const (
	opSet  = iota // C = A·B + bias
	opReLU        // C = max(0, A·B + bias)
	opAdd         // C += A·B + bias (a residual connection)
)

// gemm computes C = A·B + bias (or as op says) for M rows (rounded up to a
// multiple of mr: A and C must hold roundUp(m, mr) rows), N columns (a
// multiple of nr) and depth K. bp is B packed by packB; bias may be nil.
func gemm(m, n, k int, a []float32, lda int, bp []float32, c []float32, ldc int, bias []float32, op int) {
	mp := roundUp(m, mr)
	if n%nr != 0 || len(bp) < k*n || len(a) < (mp-1)*lda+k || len(c) < (mp-1)*ldc+n || (bias != nil && len(bias) < n) {
		panic("uselite: gemm operands too small")
	}
	if k == 0 {
		for i := range mp {
			row := c[i*ldc : i*ldc+n]
			if op != opAdd {
				clear(row)
			}
			if bias != nil {
				addTo(row, bias[:n])
			}
			if op == opReLU {
				for j, v := range row {
					row[j] = max(v, 0)
				}
			}
		}
		return
	}
	for k0 := 0; k0 < k; k0 += kcBlock {
		kl := min(kcBlock, k-k0)
		flags := 0
		if k0 == 0 && op != opAdd {
			flags |= flagInit
		}
		if op == opReLU && k0+kl == k {
			flags |= flagReLU
		}
		for j := 0; j < n; j += nr {
			panel := bp[j*k+k0*nr:]
			var bj []float32
			if bias != nil && k0 == 0 {
				bj = bias[j : j+nr]
			}
			for i := 0; i < mp; i += mr {
				kernel(kl, a[i*lda+k0:], lda, panel, c[i*ldc+j:], ldc, bj, flags)
			}
		}
	}
}

// kernelGo is the portable microkernel: see kernel6x16 in gemm_amd64.s.
func kernelGo(k int, a []float32, lda int, p []float32, c []float32, ldc int, bias []float32, flags int) {
	var acc [mr][nr]float32
	for r := range mr {
		if flags&flagInit == 0 {
			copy(acc[r][:], c[r*ldc:r*ldc+nr])
		}
		if bias != nil {
			addTo(acc[r][:], bias[:nr])
		}
	}
	for l := range k {
		b := (*[nr]float32)(p[l*nr : l*nr+nr])
		for r := range mr {
			av := a[r*lda+l]
			row := &acc[r]
			for j := range nr {
				row[j] += av * b[j]
			}
		}
	}
	for r := range mr {
		if flags&flagReLU != 0 {
			for j, v := range acc[r] {
				acc[r][j] = max(v, 0)
			}
		}
		copy(c[r*ldc:r*ldc+nr], acc[r][:])
	}
}
