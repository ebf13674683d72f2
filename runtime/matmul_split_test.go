package runtime

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
)

// splitSizes are small products that gemmSmallSplit splits by columns once
// splitMinWork is lowered: the single-sample MNIST layer, remainders of the column grids
// of both kernels, every row count of the small path and grids too narrow to split.
var splitSizes = [][3]int{
	{1, 784, 128},
	{1, 784, 130},
	{1, 17, 40},
	{2, 9, 1000},
	{3, 100, 200},
	{4, 64, 515},
	{5, 33, 77},
	{6, 5, 129},
	{7, 50, 300},
	{1, 3, 8},
}

// gemmAccImpl is gemmAcc for float32 as an sgemmImpl.
var gemmAccImpl = sgemmImpl{"gemmAcc", gemmAcc[float32]}

// lowerSplitMinWork sets splitMinWork to 1, so that every product the split supports is
// split, until the test ends.
func lowerSplitMinWork(t *testing.T) {
	prev := splitMinWork
	splitMinWork = 1
	t.Cleanup(func() { splitMinWork = prev })
}

// TestSmallSplitThreadsBitIdentical checks that small products give the same bits with
// 1, 2, 3, 4 and 7 workers, that they are correct, and that they write nothing outside
// C.
func TestSmallSplitThreadsBitIdentical(t *testing.T) {
	if !hasSmallKernels {
		t.Skip("no small-product kernels in this build")
	}
	lowerSplitMinWork(t)
	split := 0
	for _, sz := range splitSizes {
		m, k, n := sz[0], sz[1], sz[2]
		for _, transA := range []bool{false, true} {
			for _, transB := range []bool{false, true} {
				if !useSmallPath(m, k, n) {
					t.Fatalf("%dx%dx%d does not take the small path", m, k, n)
				}
				if u := splitUnit(m, k, n, transA, transB); u > 0 && n/u >= 2 {
					split++
				}
				name := fmt.Sprintf("%s/%dx%dx%d", transName(transA, transB), m, k, n)
				t.Run(name, func(t *testing.T) {
					checkThreadsBitIdentical(t, gemmAccImpl, m, k, n, transA, transB)
				})
			}
		}
	}
	if split < 2*len(splitSizes) {
		t.Errorf("only %d of the products are split", split)
	}
}

// TestSmallSplitReadsInBounds runs split products on operands surrounded by NaN, so a
// read outside either operand shows up as NaN in C, and compares them bit for bit with
// the unsplit small path.
func TestSmallSplitReadsInBounds(t *testing.T) {
	if !hasSmallKernels {
		t.Skip("no small-product kernels in this build")
	}
	lowerSplitMinWork(t)
	r := rand.New(rand.NewPCG(31, 32))
	for _, sz := range splitSizes {
		m, k, n := sz[0], sz[1], sz[2]
		for _, trans := range [][2]bool{{false, true}, {false, false}, {true, false}} {
			a, b := nanPadded(r, m*k), nanPadded(r, k*n)
			want := make([]float32, m*n)
			gemmSmall(want, a, b, m, k, n, trans[0], trans[1])
			buf, c := newGuarded[float32](m * n)
			clear(c)
			withThreads(t, 7, func() { gemmSmallSplit(c, a, b, m, k, n, trans[0], trans[1]) })
			checkGuards(t, buf, m*n)
			for i := range c {
				if math.IsNaN(float64(c[i])) ||
					math.Float32bits(c[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%s %dx%dx%d: c[%d] = %v, unsplit gives %v",
						transName(trans[0], trans[1]), m, k, n, i, c[i], want[i])
				}
			}
		}
	}
}

// TestSplitUnit checks which products gemmSmallSplit splits with the default bound.
func TestSplitUnit(t *testing.T) {
	cases := []struct {
		m, k, n        int
		transA, transB bool
		want           int
	}{
		{1, 784, 128, false, true, smallDotCols},
		{1, 784, 128, false, false, smallRowCols},
		{1, 784, 128, true, false, smallRowCols},
		{1, 784, 128, true, true, 0},                            // Aᵀ·Bᵀ is not split
		{8, 784, 128, false, true, 0},                           // packed or row-split by the packed GEMM
		{1, 128, 10, false, true, 0},                            // too little work
		{1, 256, splitMinWork / 256, false, true, smallDotCols}, // exactly the bound
		{1, 256, splitMinWork/256 - 8, false, true, 0},          // just below it
	}
	for _, tc := range cases {
		if got := splitUnit(tc.m, tc.k, tc.n, tc.transA, tc.transB); got != tc.want {
			t.Errorf("splitUnit(%d, %d, %d, %v, %v) = %d, want %d",
				tc.m, tc.k, tc.n, tc.transA, tc.transB, got, tc.want)
		}
	}
}

// TestSmallSplitAllocs checks that a split product allocates nothing once a job exists.
func TestSmallSplitAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(33, 34))
	const m, k, n = 1, 784, 128
	a, b := randomSlice[float32](r, m*k), randomSlice[float32](r, k*n)
	c := make([]float32, m*n)
	for _, threads := range []int{2, 3} {
		withThreads(t, threads, func() {
			MatMul(c, a, b, m, k, n, false, true)
			if allocs := testing.AllocsPerRun(50, func() {
				MatMul(c, a, b, m, k, n, false, true)
			}); allocs != 0 {
				t.Errorf("threads %d: %v allocations per product, want 0", threads, allocs)
			}
		})
	}
}

// TestSmallSplitConcurrentCallers runs split products from several goroutines at once
// and compares them with the single-threaded result.
func TestSmallSplitConcurrentCallers(t *testing.T) {
	r := rand.New(rand.NewPCG(35, 36))
	const m, k, n = 2, 700, 200
	a, b := randomSlice[float32](r, m*k), randomSlice[float32](r, k*n)
	want := make([]float32, m*n)
	withThreads(t, 1, func() { MatMul(want, a, b, m, k, n, false, true) })
	withThreads(t, 3, func() {
		var wg sync.WaitGroup
		outs := make([][]float32, 4)
		for g := range outs {
			outs[g] = make([]float32, m*n)
			wg.Go(func() {
				for range 50 {
					MatMul(outs[g], a, b, m, k, n, false, true)
				}
			})
		}
		wg.Wait()
		for g, c := range outs {
			for i := range c {
				if math.Float32bits(c[i]) != math.Float32bits(want[i]) {
					t.Fatalf("caller %d: c[%d] = %v, want %v", g, i, c[i], want[i])
				}
			}
		}
	})
}

// BenchmarkSgemmSplit compares the unsplit small path with the column split on the
// products of single-sample inference. Run it with -cpu 1,2: with one thread both run
// the same code. The gflops metric counts 2·m·k·n operations per call.
func BenchmarkSgemmSplit(b *testing.B) {
	if !hasSmallKernels {
		b.Skip("no small-product kernels in this build")
	}
	cases := []struct {
		m, k, n        int
		transA, transB bool
	}{
		{1, 784, 128, false, true},
		{1, 784, 128, false, false},
		{1, 512, 512, false, true},
		{4, 784, 128, false, true},
		{1, 256, 256, false, true},
	}
	impls := []sgemmImpl{{"small", gemmSmall}, {"split", gemmSmallSplit}}
	for _, tc := range cases {
		m, k, n := tc.m, tc.k, tc.n
		r := rand.New(rand.NewPCG(7, 8))
		x := randomSlice[float32](r, m*k)
		y := randomSlice[float32](r, k*n)
		c := make([]float32, m*n)
		for _, impl := range impls {
			name := fmt.Sprintf("%dx%dx%d/%s/%s", m, k, n,
				transName(tc.transA, tc.transB), impl.name)
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					impl.acc(c, x, y, m, k, n, tc.transA, tc.transB)
				}
				flops := 2 * float64(m) * float64(k) * float64(n) * float64(b.N)
				b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "gflops")
			})
		}
	}
}
