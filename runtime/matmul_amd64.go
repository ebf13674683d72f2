//go:build amd64 && !purego

package runtime

import "golang.org/x/sys/cpu"

// hasSgemmAVX2 reports whether the CPU and OS support the AVX2 and FMA instructions of
// sgemmKernelAVX2.
var hasSgemmAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// sgemmKernelAVX2 is the 6×16 micro-kernel in matmul_amd64.s with the contract of
// sgemmKernel. It keeps the tile in twelve YMM registers and uses one fused
// multiply-add per 8 products. It must only be called when hasSgemmAVX2 is set.
//
//go:noescape
func sgemmKernelAVX2(k int, a, b, c []float32, ldc int)

// sgemmKernelAVX2Set is sgemmKernelAVX2 storing 0 + the sums into the tile of C
// instead of adding them, the set variant of gemmKernels.
//
//go:noescape
func sgemmKernelAVX2Set(k int, a, b, c []float32, ldc int)

// sgemmKernelAVX2Checked bounds-checks the panels and the tile of C, which the assembly
// does not, and then runs sgemmKernelAVX2.
func sgemmKernelAVX2Checked(k int, a, b, c []float32, ldc int) {
	if k <= 0 {
		return
	}
	_ = a[k*kernelMR-1]
	_ = b[k*kernelNR-1]
	_ = c[(kernelMR-1)*ldc+kernelNR-1]
	sgemmKernelAVX2(k, a, b, c, ldc)
}

// sgemmKernelAVX2SetChecked bounds-checks the panels and the tile of C and then runs
// sgemmKernelAVX2Set. With k = 0 it stores zeros.
func sgemmKernelAVX2SetChecked(k int, a, b, c []float32, ldc int) {
	k = max(k, 0)
	_ = a[k*kernelMR : k*kernelMR]
	_ = b[k*kernelNR : k*kernelNR]
	_ = c[(kernelMR-1)*ldc+kernelNR-1]
	sgemmKernelAVX2Set(k, a, b, c, ldc)
}

// fastSgemmKernelSet returns the set variant of fastSgemmKernel's kernel, else nil.
func fastSgemmKernelSet() sgemmKernel {
	if !hasSgemmAVX2 {
		return nil
	}
	return sgemmKernelAVX2SetChecked
}

// fastSgemmKernel returns the assembly micro-kernel when the CPU supports it, else nil.
func fastSgemmKernel() (string, sgemmKernel) {
	if !hasSgemmAVX2 {
		return "", nil
	}
	return "avx2", sgemmKernelAVX2Checked
}
