//go:build amd64 && !purego

package runtime

import "golang.org/x/sys/cpu"

// hasSgemmAVX512 reports whether the CPU and OS support the AVX-512 instructions of
// sgemmKernelAVX512.
var hasSgemmAVX512 = cpu.X86.HasAVX512F

// sgemmKernelAVX512 is the 6×32 micro-kernel in matmul_avx512_amd64.s with the contract
// of sgemmWideKernel. It keeps the tile in twelve ZMM registers and uses one fused
// multiply-add per 16 products. It must only be called when hasSgemmAVX512 is set.
//
//go:noescape
func sgemmKernelAVX512(k int, a, b []float32, bNext int, c []float32, ldc int)

// sgemmKernelAVX512Checked bounds-checks the panels and the tile of C, which the
// assembly does not, and then runs sgemmKernelAVX512.
func sgemmKernelAVX512Checked(k int, a, b []float32, bNext int, c []float32, ldc int) {
	if k <= 0 {
		return
	}
	_ = a[k*kernelMR-1]
	_ = b[k*kernelNR-1]
	_ = b[bNext+k*kernelNR-1]
	_ = c[(kernelMR-1)*ldc+2*kernelNR-1]
	sgemmKernelAVX512(k, a, b, bNext, c, ldc)
}

// fastSgemmWideKernel returns the AVX-512 wide micro-kernel when the CPU supports it,
// else nil.
func fastSgemmWideKernel() (string, sgemmWideKernel) {
	if !hasSgemmAVX512 {
		return "", nil
	}
	return "avx512", sgemmKernelAVX512Checked
}
