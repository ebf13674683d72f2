package runtime

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// sgemmImpl is one float32 GEMM implementation: acc adds op(A)·op(B) to C for positive
// dimensions, like gemmAcc.
type sgemmImpl struct {
	name string
	acc  func(c, a, b []float32, m, k, n int, transA, transB bool)
}

// sgemmImpls lists every float32 GEMM this build can run: the pure-Go loops, the packed
// GEMM with the portable micro-kernel and, where the CPU supports them, the packed GEMM
// with the assembly micro-kernel and the small-product path.
func sgemmImpls() []sgemmImpl {
	impls := []sgemmImpl{
		{"loops", gemmLoops[float32]},
		{"packed-go", func(c, a, b []float32, m, k, n int, transA, transB bool) {
			gemmPacked(sgemmKernelGo, c, a, b, m, k, n, transA, transB)
		}},
	}
	if name, kernel := fastSgemmKernel(); kernel != nil {
		impls = append(impls, sgemmImpl{"packed-" + name, func(c, a, b []float32,
			m, k, n int, transA, transB bool) {
			gemmPacked(kernel, c, a, b, m, k, n, transA, transB)
		}})
	}
	if hasSmallKernels {
		impls = append(impls, sgemmImpl{"small-" + smallKernelName, gemmSmall})
	}
	return impls
}

// packedSizes cross the packing blocks and the register tiles of every implementation
// without being multiples of them, in every dimension.
var packedSizes = [][3]int{
	{1, 1, 1},
	{6, 1, 16},
	{5, 3, 15},
	{7, 17, 17},
	{13, 257, 33},
	{97, 300, 520},
	{64, 784, 128},
	{200, 513, 1030},
	{1, 600, 40},
	{50, 2, 1},
	// Shapes of the small-product path: every remainder of k mod 8, of n mod 8, 16 and
	// 64 and of m mod 4, the MNIST single-sample layers and the 10-10-1 model's products.
	{1, 784, 128},
	{1, 128, 10},
	{64, 10, 10},
	{10, 64, 10},
	{64, 10, 1},
	{3, 9, 17},
	{2, 7, 31},
	{4, 8, 16},
	{5, 16, 8},
	{9, 13, 33},
	{11, 6, 7},
	{6, 5, 70},
}

func TestSgemmImplsConform(t *testing.T) {
	for _, impl := range sgemmImpls() {
		r := rand.New(rand.NewPCG(11, 12))
		for _, sz := range packedSizes {
			m, k, n := sz[0], sz[1], sz[2]
			for _, transA := range []bool{false, true} {
				for _, transB := range []bool{false, true} {
					name := fmt.Sprintf("%s/%s/%dx%dx%d", impl.name,
						transName(transA, transB), m, k, n)
					t.Run(name, func(t *testing.T) {
						a := randomSlice[float32](r, m*k)
						b := randomSlice[float32](r, k*n)
						buf, c := newGuarded[float32](m * n)
						base := make([]float64, m*n)
						for i := range c {
							c[i] = float32(r.Float64()*2 - 1)
							base[i] = float64(c[i])
						}
						impl.acc(c, a, b, m, k, n, transA, transB)
						ref, mag := refMatMul(a, b, m, k, n, transA, transB)
						checkProduct(t, c, base, ref, mag, k)
						checkGuards(t, buf, m*n)
					})
				}
			}
		}
	}
}

// TestSgemmImplsNaN checks that every implementation propagates a NaN of A into its
// row of C and leaves the other rows finite.
func TestSgemmImplsNaN(t *testing.T) {
	const m, k, n = 7, 9, 18
	for _, impl := range sgemmImpls() {
		t.Run(impl.name, func(t *testing.T) {
			a := make([]float32, m*k)
			b := make([]float32, k*n)
			a[0] = float32(math.NaN())
			c := make([]float32, m*n)
			impl.acc(c, a, b, m, k, n, false, false)
			for j := range n {
				if !math.IsNaN(float64(c[j])) {
					t.Errorf("c[0,%d] = %v, want NaN", j, c[j])
				}
			}
			for i := n; i < m*n; i++ {
				if c[i] != 0 {
					t.Errorf("c[%d] = %v, want 0", i, c[i])
				}
			}
		})
	}
}

func TestSgemmImplsAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	const m, k, n = 19, 300, 530
	a := randomSlice[float32](r, m*k)
	b := randomSlice[float32](r, k*n)
	c := make([]float32, m*n)
	for _, impl := range sgemmImpls() {
		for _, transA := range []bool{false, true} {
			for _, transB := range []bool{false, true} {
				f := func() { impl.acc(c, a, b, m, k, n, transA, transB) }
				if allocs := testing.AllocsPerRun(3, f); allocs != 0 {
					t.Errorf("%s %s: %v allocations per call, want 0", impl.name,
						transName(transA, transB), allocs)
				}
			}
		}
	}
}

// TestMatMulUsesFastKernel checks that float32 MatMul and types defined on float32 take
// the assembly paths when the CPU has them, by comparing bit for bit with the path
// useSmallPath selects, and that MatMul uses none when the build has none.
func TestMatMulUsesFastKernel(t *testing.T) {
	name, kernel := fastSgemmKernel()
	if kernel == nil {
		if sgemmFast != nil {
			t.Fatalf("MatMul uses kernel %q, but the build has none", sgemmFastName)
		}
		return
	}
	if sgemmFast == nil || sgemmFastName != name {
		t.Fatalf("MatMul uses kernel %q, want %q", sgemmFastName, name)
	}
	if !hasSmallKernels {
		t.Fatal("the CPU has the packed kernel but the build has no small-product kernels")
	}
	r := rand.New(rand.NewPCG(15, 16))
	for _, sz := range [][3]int{{23, 70, 45}, {23, 70, 150}, {3, 70, 150}} {
		m, k, n := sz[0], sz[1], sz[2]
		a := randomSlice[float32](r, m*k)
		b := randomSlice[float32](r, k*n)
		want := make([]float32, m*n)
		if useSmallPath(m, k, n) {
			gemmSmall(want, a, b, m, k, n, false, true)
		} else {
			gemmPacked(kernel, want, a, b, m, k, n, false, true)
		}
		got := make([]myFloat, m*n)
		MatMul(got, asMyFloat(a), asMyFloat(b), m, k, n, false, true)
		for i := range want {
			if float32(got[i]) != want[i] {
				t.Fatalf("%dx%dx%d: element %d = %v, want %v", m, k, n, i, got[i], want[i])
			}
		}
	}
}

func asMyFloat(s []float32) []myFloat {
	out := make([]myFloat, len(s))
	for i, v := range s {
		out[i] = myFloat(v)
	}
	return out
}
