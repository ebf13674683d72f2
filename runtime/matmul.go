package runtime

import (
	"fmt"
	"unsafe"
)

// Float is the constraint of the floating-point kernels: float32, float64 and types
// defined on them.
type Float interface{ ~float32 | ~float64 }

// Cache blocking of the pure-Go GEMM. A panel of blockK rows by blockN columns of op(B)
// (256 KiB of float32) is reused by every row of C before the next panel is loaded, so it
// should fit in a per-core L2 cache.
const (
	blockK = 256
	blockN = 256
)

// MatMul computes C = op(A)·op(B) for row-major matrices. op(A) is m×k: A is stored m×k,
// or k×m when transA is set. op(B) is k×n: B is stored k×n, or n×k when transB is set.
// C is m×n and is overwritten. Only the first m*k, k*n and m*n elements of a, b and c
// are used. c must not overlap a or b. Large float32 products run on up to Threads()
// goroutines, with the same result for any number. MatMul does not allocate, except
// for packing storage the first time a product runs on more goroutines than before.
//
// MatMul panics if a dimension is negative or a slice is shorter than its matrix.
func MatMul[T Float](c, a, b []T, m, k, n int, transA, transB bool) {
	checkMatMul("MatMul", len(c), len(a), len(b), 1, m, k, n)
	if unsafe.Sizeof(c[0]) == 4 {
		gemmOverwrite32(asFloat32(c), asFloat32(a), asFloat32(b), m, k, n, transA, transB,
			gemmEpilogue{})
		return
	}
	clear(c[:m*n])
	gemmAcc(c, a, b, m, k, n, transA, transB)
}

// MatMulAcc computes C += op(A)·op(B) with the same layout, aliasing rules and panics as
// MatMul. Like MatMul, it allocates only when it first runs on more goroutines.
func MatMulAcc[T Float](c, a, b []T, m, k, n int, transA, transB bool) {
	checkMatMul("MatMulAcc", len(c), len(a), len(b), 1, m, k, n)
	gemmAcc(c, a, b, m, k, n, transA, transB)
}

// BatchMatMul computes batch independent products C[i] = op(A[i])·op(B[i]). A, B and C
// are contiguous stacks of the matrices described at MatMul, with strides m*k, k*n and
// m*n elements. C is overwritten. Like MatMul, it allocates only when it first runs
// on more goroutines.
//
// BatchMatMul panics if batch or a dimension is negative or a slice is shorter than its
// stack.
func BatchMatMul[T Float](c, a, b []T, batch, m, k, n int, transA, transB bool) {
	checkMatMul("BatchMatMul", len(c), len(a), len(b), batch, m, k, n)
	sa, sb, sc := m*k, k*n, m*n
	clear(c[:batch*sc])
	for i := range batch {
		gemmAcc(c[i*sc:(i+1)*sc], a[i*sa:(i+1)*sa], b[i*sb:(i+1)*sb], m, k, n, transA, transB)
	}
}

// checkMatMul panics unless the dimensions are non-negative, their products fit in an
// int and the slices hold batch matrices each.
func checkMatMul(fn string, lenC, lenA, lenB, batch, m, k, n int) {
	if batch < 0 || m < 0 || k < 0 || n < 0 {
		panicMatMul(fn, "negative dimension", batch, m, k, n)
	}
	sa, okA := mulInt(m, k)
	sb, okB := mulInt(k, n)
	sc, okC := mulInt(m, n)
	na, okNA := mulInt(batch, sa)
	nb, okNB := mulInt(batch, sb)
	nc, okNC := mulInt(batch, sc)
	if !okA || !okB || !okC || !okNA || !okNB || !okNC {
		panicMatMul(fn, "dimensions overflow int", batch, m, k, n)
	}
	if lenA < na || lenB < nb || lenC < nc {
		panicMatMulLen(fn, lenC, lenA, lenB, nc, na, nb)
	}
}

// mulInt returns x*y for non-negative x and y and whether it did not overflow.
func mulInt(x, y int) (int, bool) {
	if x == 0 || y == 0 {
		return 0, true
	}
	p := x * y
	return p, p/y == x && p >= 0
}

//go:noinline
func panicMatMul(fn, problem string, batch, m, k, n int) {
	panic(fmt.Sprintf("nncc: %s: %s: batch=%d m=%d k=%d n=%d", fn, problem, batch, m, k, n))
}

//go:noinline
func panicMatMulLen(fn string, lenC, lenA, lenB, wantC, wantA, wantB int) {
	panic(fmt.Sprintf("nncc: %s: slice too short: len(c)=%d (want >= %d), "+
		"len(a)=%d (want >= %d), len(b)=%d (want >= %d)",
		fn, lenC, wantC, lenA, wantA, lenB, wantB))
}

// sgemmFastName and sgemmFast are the assembly micro-kernel that float32 products use,
// chosen at start-up by CPU features. sgemmFast is nil where there is none.
var sgemmFastName, sgemmFast = fastSgemmKernel()

// packedMinRows is the least m for which float32 products are packed. Packing op(B)
// costs roughly as much as multiplying one row of op(A) by it. In BenchmarkSgemmImpls
// on a 2-core AVX2 machine the packed GEMM overtook the loops at about 8 rows.
const packedMinRows = 8

// gemmPath is the code that gemmAcc runs a float32 product on.
type gemmPath uint8

const (
	pathLoops  gemmPath = iota // gemmLoops
	pathSmall                  // gemmSmall, split by columns across workers by gemmSmallSplit
	pathPacked                 // the packed GEMM
)

// float32Path returns the path of a float32 product of positive dimensions: the small
// kernels where useSmallPath selects the shape, the packed GEMM from packedMinRows rows
// where there are assembly kernels, and the loops otherwise.
func float32Path(m, k, n int) gemmPath {
	switch {
	case hasSmallKernels && useSmallPath(m, k, n):
		return pathSmall
	case sgemmFast != nil && m >= packedMinRows:
		return pathPacked
	}
	return pathLoops
}

// gemmAcc adds op(A)·op(B) to C, for float32 on the path float32Path chooses and
// otherwise with gemmLoops.
func gemmAcc[T Float](c, a, b []T, m, k, n int, transA, transB bool) {
	if m == 0 || n == 0 || k == 0 {
		return
	}
	if unsafe.Sizeof(c[0]) == 4 {
		switch float32Path(m, k, n) {
		case pathSmall:
			gemmSmallSplit(asFloat32(c), asFloat32(a), asFloat32(b), m, k, n, transA, transB)
			return
		case pathPacked:
			gemmPackedFast(asFloat32(c), asFloat32(a), asFloat32(b), m, k, n, transA, transB)
			return
		}
	}
	gemmLoops(c, a, b, m, k, n, transA, transB)
}

// gemmLoops adds op(A)·op(B) to C with the pure-Go loops, choosing the loop order that
// reads both operands along their rows. m, k and n must be positive.
func gemmLoops[T Float](c, a, b []T, m, k, n int, transA, transB bool) {
	switch {
	case !transB && !transA:
		gemmAxpy(c, a, b, m, k, n, k, 1)
	case !transB && transA:
		gemmAxpy(c, a, b, m, k, n, 1, m)
	case !transA:
		gemmDot(c, a, b, m, k, n)
	default:
		gemmTransBoth(c, a, b, m, k, n)
	}
}
