//go:build amd64 && !purego

package runtime

// sdotNT8AVX2 adds the dot products of a[0:k] with the rows b[j*ldb:j*ldb+k], j < nc,
// to c[j*ldc]. nc must be in 1..8 and k positive. Columns past nc read row 0 of b. The
// assembly in matmul_small_amd64.s checks no bounds.
//
//go:noescape
func sdotNT8AVX2(k int, a, b, c *float32, ldb, ldc, nc int)

// saxpy4x16AVX2 adds the nr×nc block (nr in 1..4, nc in 1..16) of the product of
// A[i,p] = a[i*rsA+p*csA] and B[p,j] = b[p*ldb+j] to c[i*ldc+j]. k must be positive.
// Rows past nr read row 0 of A. The assembly checks no bounds.
//
//go:noescape
func saxpy4x16AVX2(k int, a *float32, rsA, csA int, b *float32, ldb int, c *float32,
	ldc, nr, nc int)

// saxpy1x64AVX2 adds the product of the row A[p] = a[p*csA] and the k×64 block
// B[p,j] = b[p*ldb+j] to c[0:64]. k must be positive. The assembly checks no bounds.
//
//go:noescape
func saxpy1x64AVX2(k int, a *float32, csA int, b *float32, ldb int, c *float32)

// smallKernelName names the instruction set of the small-product kernels.
const smallKernelName = "avx2"

// hasSmallKernels reports whether the CPU and OS support the AVX2 and FMA instructions
// of the small-product kernels.
var hasSmallKernels = hasSgemmAVX2

// smallDotKernel is the dot-product kernel of the small path; see smallDot.
func smallDotKernel(k int, a, b, c *float32, ldb, ldc, nc int) {
	sdotNT8AVX2(k, a, b, c, ldb, ldc, nc)
}

// smallAxpyKernel is the broadcast kernel of the small path; see smallAxpy.
func smallAxpyKernel(k int, a *float32, rsA, csA int, b *float32, ldb int, c *float32,
	ldc, nr, nc int) {
	saxpy4x16AVX2(k, a, rsA, csA, b, ldb, c, ldc, nr, nc)
}

// smallRowKernel is the single-row broadcast kernel of the small path; see smallAxpy.
func smallRowKernel(k int, a *float32, csA int, b *float32, ldb int, c *float32) {
	saxpy1x64AVX2(k, a, csA, b, ldb, c)
}
