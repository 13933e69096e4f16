//go:build !amd64

package uselite

const useAsm = false

func setAsm(bool) {}

func kernel(k int, a []float32, lda int, p []float32, c []float32, ldc int, bias []float32, flags int) {
	kernelGo(k, a, lda, p, c, ldc, bias, flags)
}
