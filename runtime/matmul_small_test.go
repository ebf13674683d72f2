package runtime

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// smallSizes are shapes for the small path's own tests: remainders of every block size,
// single rows and columns, and k below one vector.
var smallSizes = [][3]int{
	{1, 1, 1},
	{1, 784, 128},
	{3, 9, 17},
	{5, 7, 33},
	{7, 23, 9},
	{64, 10, 10},
	{10, 64, 10},
	{13, 3, 1},
	{1, 17, 40},
	{2, 9, 130},
	{6, 5, 70},
}

// nanPadded returns a slice of size random values inside a buffer whose elements before
// and after it are NaN, so a kernel that reads past either end and uses the value
// produces NaN.
func nanPadded(r *rand.Rand, size int) []float32 {
	buf := make([]float32, size+2*guardLen)
	Fill(buf, float32(math.NaN()))
	s := buf[guardLen : guardLen+size]
	for i := range s {
		s[i] = float32(r.Float64()*2 - 1)
	}
	return s
}

// TestSmallReadsInBounds runs the small path on operands surrounded by NaN and on an
// output surrounded by guard values: a read outside either operand shows up as NaN in
// C, a write outside C as a changed guard.
func TestSmallReadsInBounds(t *testing.T) {
	if !hasSmallKernels {
		t.Skip("no small-product kernels in this build")
	}
	r := rand.New(rand.NewPCG(21, 22))
	for _, sz := range smallSizes {
		m, k, n := sz[0], sz[1], sz[2]
		for _, transA := range []bool{false, true} {
			for _, transB := range []bool{false, true} {
				a := nanPadded(r, m*k)
				b := nanPadded(r, k*n)
				buf, c := newGuarded[float32](m * n)
				clear(c)
				gemmSmall(c, a, b, m, k, n, transA, transB)
				ref, mag := refMatMul(a, b, m, k, n, transA, transB)
				name := fmt.Sprintf("%dx%dx%d/%s", m, k, n, transName(transA, transB))
				t.Run(name, func(t *testing.T) {
					checkProduct(t, c, make([]float64, m*n), ref, mag, k)
					checkGuards(t, buf, m*n)
				})
			}
		}
	}
}

// TestSmallPositionIndependent checks that an element of C gets the same bits on every
// call and whether it is computed inside a large product or alone as a 1×k×1 product.
// The kernels' arithmetic must not depend on the block an element falls in.
func TestSmallPositionIndependent(t *testing.T) {
	if !hasSmallKernels {
		t.Skip("no small-product kernels in this build")
	}
	r := rand.New(rand.NewPCG(23, 24))
	const m, k, n = 10, 37, 70
	for _, transA := range []bool{false, true} {
		for _, transB := range []bool{false, true} {
			a := randomSlice[float32](r, m*k)
			b := randomSlice[float32](r, k*n)
			c := make([]float32, m*n)
			gemmSmall(c, a, b, m, k, n, transA, transB)
			again := make([]float32, m*n)
			gemmSmall(again, a, b, m, k, n, transA, transB)
			row, col := make([]float32, k), make([]float32, k)
			for i := range m {
				for j := range n {
					for p := range k {
						row[p], col[p] = opA(a, i, p, m, k, transA), opB(b, p, j, k, n, transB)
					}
					var alone [1]float32
					gemmSmall(alone[:], row, col, 1, k, 1, transA, transB)
					if again[i*n+j] != c[i*n+j] {
						t.Fatalf("%s: c[%d,%d] = %v, then %v on the next call",
							transName(transA, transB), i, j, c[i*n+j], again[i*n+j])
					}
					if alone[0] != c[i*n+j] {
						t.Fatalf("%s: c[%d,%d] = %v, but %v computed alone",
							transName(transA, transB), i, j, c[i*n+j], alone[0])
					}
				}
			}
		}
	}
}

// opA returns op(A)[i,p] for A stored m×k, or k×m when transA is set.
func opA(a []float32, i, p, m, k int, transA bool) float32 {
	if transA {
		return a[p*m+i]
	}
	return a[i*k+p]
}

// opB returns op(B)[p,j] for B stored k×n, or n×k when transB is set.
func opB(b []float32, p, j, k, n int, transB bool) float32 {
	if transB {
		return b[j*k+p]
	}
	return b[p*n+j]
}

// TestUseSmallPath pins the dispatch rule on the shapes of the benchmark models. Single
// samples, the 10-10-1 model and the MNIST output layer take the small path. Batched
// MNIST hidden layers and products with n wide for their k take the packed one.
func TestUseSmallPath(t *testing.T) {
	for _, tc := range []struct {
		m, k, n int
		want    bool
	}{
		{1, 784, 128, true},
		{7, 784, 512, true},
		{64, 10, 10, true},
		{10, 64, 10, true},
		{64, 128, 10, true},
		{64, 10, 128, true},
		{25, 6, 784, true},
		{64, 384, 16, true},
		{64, 16, 384, false},
		{128, 10, 512, false},
		{384, 64, 96, false},
		{64, 784, 128, false},
		{128, 64, 784, false},
	} {
		if got := useSmallPath(tc.m, tc.k, tc.n); got != tc.want {
			t.Errorf("useSmallPath(%d, %d, %d) = %v, want %v", tc.m, tc.k, tc.n, got, tc.want)
		}
	}
}
