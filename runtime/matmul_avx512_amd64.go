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

// sgemmKernelAVX512Set is sgemmKernelAVX512 storing 0 + the sums into the tile of C
// instead of adding them, the set variant of gemmKernels.
//
//go:noescape
func sgemmKernelAVX512Set(k int, a, b []float32, bNext int, c []float32, ldc int)

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

// sgemmKernelAVX512SetChecked bounds-checks the panels and the tile of C and then runs
// sgemmKernelAVX512Set. With k = 0 it stores zeros.
func sgemmKernelAVX512SetChecked(k int, a, b []float32, bNext int, c []float32, ldc int) {
	k = max(k, 0)
	_ = a[k*kernelMR : k*kernelMR]
	_ = b[bNext+k*kernelNR : bNext+k*kernelNR]
	_ = c[(kernelMR-1)*ldc+2*kernelNR-1]
	sgemmKernelAVX512Set(k, a, b, bNext, c, ldc)
}

// fastSgemmWideKernelSet returns the set variant of fastSgemmWideKernel's kernel, else
// nil.
func fastSgemmWideKernelSet() sgemmWideKernel {
	if !hasSgemmAVX512 {
		return nil
	}
	return sgemmKernelAVX512SetChecked
}

// sgemmKernelAVX512Rows and sgemmKernelAVX512RowsSet are sgemmKernelAVX512 and
// sgemmKernelAVX512Set reading the 6 rows of A in place, lda elements apart, with the
// contract of sgemmInPlaceKernel.
//
//go:noescape
func sgemmKernelAVX512Rows(k int, a []float32, lda int, b []float32, bNext int,
	c []float32, ldc int)

//go:noescape
func sgemmKernelAVX512RowsSet(k int, a []float32, lda int, b []float32, bNext int,
	c []float32, ldc int)

// checkWideRows bounds-checks the operands of an sgemmInPlaceKernel for k > 0.
func checkWideRows(k int, a []float32, lda int, b []float32, bNext int, c []float32,
	ldc int) {
	_ = a[(kernelMR-1)*lda+k-1]
	_ = b[k*kernelNR-1]
	_ = b[bNext+k*kernelNR-1]
	_ = c[(kernelMR-1)*ldc+2*kernelNR-1]
}

// sgemmKernelAVX512RowsChecked bounds-checks and runs sgemmKernelAVX512Rows.
func sgemmKernelAVX512RowsChecked(k int, a []float32, lda int, b []float32, bNext int,
	c []float32, ldc int) {
	if k <= 0 {
		return
	}
	checkWideRows(k, a, lda, b, bNext, c, ldc)
	sgemmKernelAVX512Rows(k, a, lda, b, bNext, c, ldc)
}

// sgemmKernelAVX512RowsSetChecked bounds-checks and runs sgemmKernelAVX512RowsSet.
// k must be positive.
func sgemmKernelAVX512RowsSetChecked(k int, a []float32, lda int, b []float32,
	bNext int, c []float32, ldc int) {
	checkWideRows(k, a, lda, b, bNext, c, ldc)
	sgemmKernelAVX512RowsSet(k, a, lda, b, bNext, c, ldc)
}

// fastSgemmWideRowsKernels returns the AVX-512 wide micro-kernels that read A in
// place, adding and setting, when the CPU supports them, else nil.
func fastSgemmWideRowsKernels() (add, set sgemmInPlaceKernel) {
	if !hasSgemmAVX512 {
		return nil, nil
	}
	return sgemmKernelAVX512RowsChecked, sgemmKernelAVX512RowsSetChecked
}

// fastSgemmWideKernel returns the AVX-512 wide micro-kernel when the CPU supports it,
// else nil.
func fastSgemmWideKernel() (string, sgemmWideKernel) {
	if !hasSgemmAVX512 {
		return "", nil
	}
	return "avx512", sgemmKernelAVX512Checked
}
