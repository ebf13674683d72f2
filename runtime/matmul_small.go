package runtime

// Small float32 products. Packing op(A) and op(B) into panels pays off only when each
// packed value is reused many times. For a few rows of A, or for an op(B) small enough to
// stay in L1, the copy costs more than the product, so these paths read both operands
// in place, with the strides of their layout:
//
//   - op(B) = B (stored k×n): broadcast op(A)[i,p] and add it times row p of B to a
//     4×16 block of C (saxpy4x16), or to a 1×64 block for one or two rows (saxpy1x64).
//     A may be stored either way because its strides are arguments.
//   - op(B) = Bᵀ (B stored n×k) with A stored m×k: every element of C is a dot product of
//     two contiguous rows, computed eight at a time with one row shared (sdotNT8).
//   - op(A) = Aᵀ and op(B) = Bᵀ: Cᵀ = B·A is a product of the first kind, computed into a
//     local 4×16 block and added to C transposed.
//
// Each element of C is computed by the same arithmetic whatever block it falls in. The
// bits of a result thus depend only on the operands and the layout, not on the position
// of the element or the order of the blocks.

// Limits of the small path for products of at least packedMinRows rows, from
// BenchmarkSgemmSmall against the packed GEMM on an AVX-512 machine with one and two
// threads. The small kernels pay a fixed cost per block of C (loading and storing it,
// and for A·Bᵀ the horizontal sums), which a short k does not amortize, and they are
// narrower than the packed micro-kernels. Packing costs O(k·n + m·k) against the
// product's m·k·n, so the packed GEMM wins once the product is large or n is wide
// compared with k. For example, 128×10×512 A·B and 64×16×384 A·Bᵀ were faster packed,
// and 64×128×64 A·Bᵀ, 64×384×16 A·B and 25×6×784 Aᵀ·B were faster on the small path.
const (
	// smallMaxKN bounds k·n: such an op(B) has at most 32 KiB of float32, so it stays
	// in the L1 or L2 cache while the rows of A pass over it.
	smallMaxKN = 8192
	// smallAnyWork is the m·k·n up to which any product within smallMaxKN is small.
	smallAnyWork = 1 << 17
	// smallMaxWork bounds m·k·n for the others, which must also have n <= smallMaxRatio·k.
	smallMaxWork  = 1 << 20
	smallMaxRatio = 8
)

// Block sizes of the small-path kernels.
const (
	smallDotCols  = 8  // elements of C per sdotNT8 call
	smallAxpyRows = 4  // rows of C per saxpy4x16 call
	smallAxpyCols = 16 // columns of C per saxpy4x16 call
	smallRowCols  = 64 // columns of C per saxpy1x64 call
)

// useSmallPath reports whether gemmAcc computes an m×k×n float32 product with the small
// path when kernels are available. The choice depends only on the dimensions of the
// whole product, never on how a caller splits it or on the number of threads.
func useSmallPath(m, k, n int) bool {
	if m < packedMinRows {
		return true
	}
	if k*n > smallMaxKN {
		return false
	}
	work := m * k * n
	return work <= smallAnyWork || work <= smallMaxWork && n <= smallMaxRatio*k
}

// gemmSmall adds op(A)·op(B) to C (layouts as at MatMul) with the small-product kernels,
// reading both operands in place. m, k and n must be positive. It does not allocate.
func gemmSmall(c, a, b []float32, m, k, n int, transA, transB bool) {
	// The kernels check no bounds, so check that the matrices fit: every block they
	// touch lies inside these elements.
	_, _, _ = a[m*k-1], b[k*n-1], c[m*n-1]
	switch {
	case transB && !transA:
		smallDot(c, a, b, m, k, n)
	case !transB && !transA:
		smallAxpy(c, a, b, m, k, n, k, 1)
	case !transB:
		smallAxpy(c, a, b, m, k, n, 1, m)
	default:
		smallTransBoth(c, a, b, m, k, n)
	}
}

// smallDot adds A·Bᵀ to C where A is stored m×k and B is stored n×k. A call of the dot
// kernel shares one row of one operand across eight rows of the other. For the full
// strips of eight columns of C the shared row is a row of A, and the strip of B stays in
// cache while every row of A passes over it, so B is read from memory once. The last
// n mod 8 columns share a row of B across eight rows of A instead when that takes fewer
// calls. Multiplication commutes and the kernel sums the same way in both roles, so an
// element's bits do not depend on the role.
func smallDot(c, a, b []float32, m, k, n int) {
	n8 := n - n%smallDotCols
	for j0 := 0; j0 < n8; j0 += smallDotCols {
		for i := range m {
			smallDotKernel(k, &a[i*k], &b[j0*k], &c[i*n+j0], k, 1, smallDotCols)
		}
	}
	if n8 == n {
		return
	}
	rowBlocks := (m + smallDotCols - 1) / smallDotCols
	if (n-n8)*rowBlocks >= m {
		for i := range m {
			smallDotKernel(k, &a[i*k], &b[n8*k], &c[i*n+n8], k, 1, n-n8)
		}
		return
	}
	for j := n8; j < n; j++ {
		for i0 := 0; i0 < m; i0 += smallDotCols {
			nr := min(smallDotCols, m-i0)
			smallDotKernel(k, &b[j*k], &a[i0*k], &c[i0*n+j], k, n, nr)
		}
	}
}

// smallAxpy adds op(A)·B to C where B is stored k×n and op(A)[i,p] = a[i*rsA+p*csA],
// all columns at once (see smallAxpyRange).
func smallAxpy(c, a, b []float32, m, k, n, rsA, csA int) {
	smallAxpyRange(c, a, b, m, k, n, 0, n, rsA, csA)
}

// smallTransBoth adds Aᵀ·Bᵀ to C where A is stored k×m and B is stored n×k. It computes
// blocks of Cᵀ = B·A, whose rows are rows of B and whose columns are read along the
// rows of A, into a local block and adds each block to C transposed.
func smallTransBoth(c, a, b []float32, m, k, n int) {
	var tile [smallAxpyRows * smallAxpyCols]float32
	for j0 := 0; j0 < n; j0 += smallAxpyRows {
		nr := min(smallAxpyRows, n-j0)
		for i0 := 0; i0 < m; i0 += smallAxpyCols {
			nc := min(smallAxpyCols, m-i0)
			clear(tile[:])
			smallAxpyKernel(k, &b[j0*k], k, 1, &a[i0], m, &tile[0], smallAxpyCols, nr, nc)
			for jj := range nr {
				for ii, v := range tile[jj*smallAxpyCols : jj*smallAxpyCols+nc] {
					c[(i0+ii)*n+j0+jj] += v
				}
			}
		}
	}
}
