package uselite

import "golang.org/x/sys/cpu"

// useAsm selects the AVX2+FMA microkernel when the CPU has it.
var useAsm = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// setAsm switches kernels (tests only; not safe during encoding).
func setAsm(on bool) { useAsm = on && cpu.X86.HasAVX2 && cpu.X86.HasFMA }

// kernel6x16 is implemented in gemm_amd64.s. lda and ldc are in elements.
//
//go:noescape
func kernel6x16(k int, a *float32, lda int, p *float32, c *float32, ldc int, bias *float32, flags int)

func kernel(k int, a []float32, lda int, p []float32, c []float32, ldc int, bias []float32, flags int) {
	if useAsm {
		_ = a[5*lda+k-1]
		_ = p[k*nr-1]
		_ = c[5*ldc+nr-1]
		var bp *float32
		if bias != nil {
			bp = &bias[:nr][0]
		}
		kernel6x16(k, &a[0], lda, &p[0], &c[0], ldc, bp, flags)
		return
	}
	kernelGo(k, a, lda, p, c, ldc, bias, flags)
}
