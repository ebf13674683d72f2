package runtime

import "unsafe"

// Packed float32 GEMM. Blocks of op(A) and op(B) are copied into contiguous panels laid
// out in the order a register-tile micro-kernel reads them, so the kernel streams both
// operands with unit stride whatever the transposes are. The loop nest follows the usual
// three-level blocking: a packedKC×packedNC block of op(B) stays in L2/L3 while
// packedMC×packedKC blocks of op(A) pass over it, and each kernel call adds a
// kernelMR×kernelNR tile of C, or a tile twice as wide with a wide kernel.
const (
	kernelMR = 6  // rows of the micro-kernel's register tile
	kernelNR = 16 // columns of the micro-kernel's register tile
	packedKC = 256
	packedMC = 16 * kernelMR // 96 rows: 96 KiB of packed A
	packedNC = 512           // 512 KiB of packed B
)

// sgemmKernel adds the product of a kernelMR×k panel of A and a k×kernelNR panel of B
// to a kernelMR×kernelNR tile of C whose rows start ldc elements apart. a contains the
// panel column by column (kernelMR values per step of k) and b row by row (kernelNR
// values per step). Each element of the tile receives its k-term sum in one addition.
type sgemmKernel func(k int, a, b, c []float32, ldc int)

// asFloat32 returns s reinterpreted as []float32. T must be float32 or a type defined
// on it, which the caller checks by the element size.
func asFloat32[T Float](s []T) []float32 {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// sgemmWideKernel is a micro-kernel for a kernelMR×2·kernelNR tile. It has the
// contract of sgemmKernel, except that the tile's first kernelNR columns come from the
// B panel at b and its last kernelNR columns from the panel bNext elements further on.
// Its result is bit for bit that of two calls of an sgemmKernel that fuses each
// multiply-add.
type sgemmWideKernel func(k int, a, b []float32, bNext int, c []float32, ldc int)

// sgemmWideName and sgemmWide are the wide assembly micro-kernel that float32
// products use beside sgemmFast for pairs of full B panels, chosen at start-up by CPU
// features. sgemmWide is nil where there is none.
var sgemmWideName, sgemmWide = fastSgemmWideKernel()

// gemmPacked adds op(A)·op(B) to C (layouts as at MatMul) with the packed blocking and
// the given micro-kernel, on several goroutines when the product is large enough (see
// gemmJob). It does not allocate in steady state.
func gemmPacked(kernel sgemmKernel, c, a, b []float32, m, k, n int, transA, transB bool) {
	gemmPackedWide(kernel, nil, c, a, b, m, k, n, transA, transB)
}

// gemmPackedFast is gemmPacked with the assembly micro-kernels: sgemmFast, and
// sgemmWide where there is one. sgemmFast must not be nil.
func gemmPackedFast(c, a, b []float32, m, k, n int, transA, transB bool) {
	gemmPackedWide(sgemmFast, sgemmWide, c, a, b, m, k, n, transA, transB)
}

// gemmPackedWide is gemmPacked with wide, if not nil, computing the tiles of full rows
// that span two full B panels.
func gemmPackedWide(kernel sgemmKernel, wide sgemmWideKernel, c, a, b []float32,
	m, k, n int, transA, transB bool) {
	j := getGemmJob()
	j.run(kernel, wide, c, a, b, m, k, n, transA, transB)
	putGemmJob(j)
}

// macroKernel adds the packed mc×kc block ap times the packed kc×nc block bp to the
// mc×nc block of C at the start of c. Where wide is not nil, full tiles over two full
// B panels go through it. Tiles that stick out of C are computed into tile and only
// their valid part is added.
func macroKernel(kernel sgemmKernel, wide sgemmWideKernel, c, ap, bp, tile []float32,
	mc, kc, nc, ldc int) {
	for jr := 0; jr < nc; {
		step := kernelNR
		if wide != nil && jr+2*kernelNR <= nc {
			step = 2 * kernelNR
		}
		for ir := 0; ir < mc; ir += kernelMR {
			mr := min(kernelMR, mc-ir)
			aPanel := ap[ir*kc : ir*kc+kc*kernelMR]
			if mr == kernelMR && step == 2*kernelNR {
				wide(kc, aPanel, bp[jr*kc:], kc*kernelNR, c[ir*ldc+jr:], ldc)
				continue
			}
			for j := jr; j < jr+step; j += kernelNR {
				bPanel := bp[j*kc : j*kc+kc*kernelNR]
				nr := min(kernelNR, nc-j)
				if mr == kernelMR && nr == kernelNR {
					kernel(kc, aPanel, bPanel, c[ir*ldc+j:], ldc)
					continue
				}
				edgeTile(kernel, c[ir*ldc+j:], aPanel, bPanel, tile, kc, mr, nr, ldc)
			}
		}
		jr += step
	}
}

// edgeTile adds the mr×nr corner of the tile of the packed panels aPanel and bPanel to
// C, computing the whole tile in tile first.
func edgeTile(kernel sgemmKernel, c, aPanel, bPanel, tile []float32, kc, mr, nr, ldc int) {
	clear(tile)
	kernel(kc, aPanel, bPanel, tile, kernelNR)
	for i := range mr {
		row := c[i*ldc : i*ldc+nr]
		for j, v := range tile[i*kernelNR : i*kernelNR+nr] {
			row[j] += v
		}
	}
}

// sgemmKernelGo is the portable micro-kernel. It accumulates the tile in a local array
// and adds it to C at the end, like the assembly kernels.
func sgemmKernelGo(k int, a, b, c []float32, ldc int) {
	var acc [kernelMR][kernelNR]float32
	a = a[:k*kernelMR]
	b = b[:k*kernelNR]
	for p := range k {
		bRow := (*[kernelNR]float32)(b[p*kernelNR:])
		for i, av := range a[p*kernelMR : p*kernelMR+kernelMR] {
			for j, bv := range bRow {
				acc[i][j] += av * bv
			}
		}
	}
	for i := range acc {
		row := c[i*ldc : i*ldc+kernelNR]
		for j, v := range acc[i] {
			row[j] += v
		}
	}
}
