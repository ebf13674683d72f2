package runtime

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

// parallelSizes are products large enough to be split across workers, along m and
// along n, and one that is not. They cross the packing blocks and the register tiles
// in every dimension.
var parallelSizes = [][3]int{
	{13, 257, 33},
	{7, 1000, 700},
	{1, 3000, 1500},
	{64, 784, 128},
	{97, 300, 520},
	{150, 513, 530},
	{301, 170, 97},
}

// packedImpls lists the packed GEMM implementations of sgemmImpls and, where the CPU
// has a wide micro-kernel, the packed GEMM that uses it beside the narrow one.
func packedImpls() []sgemmImpl {
	var out []sgemmImpl
	for _, impl := range sgemmImpls() {
		if strings.HasPrefix(impl.name, "packed-") {
			out = append(out, impl)
		}
	}
	if sgemmWide != nil {
		out = append(out, sgemmImpl{"packed-" + sgemmFastName + "+" + sgemmWideName,
			gemmPackedFast})
	}
	return out
}

// TestSgemmWideConform runs the conformance test of the packed implementations on the
// packed GEMM with the wide micro-kernel, and checks that it gives the same bits as the
// narrow micro-kernel alone.
func TestSgemmWideConform(t *testing.T) {
	if sgemmWide == nil {
		t.Skip("no wide micro-kernel on this CPU")
	}
	r := rand.New(rand.NewPCG(25, 26))
	for _, sz := range append(packedSizes, [3]int{12, 64, 64}, [3]int{7, 40, 96}) {
		m, k, n := sz[0], sz[1], sz[2]
		for _, transA := range []bool{false, true} {
			for _, transB := range []bool{false, true} {
				a := randomSlice[float32](r, m*k)
				b := randomSlice[float32](r, k*n)
				buf, c := newGuarded[float32](m * n)
				base := randomSlice[float32](r, m*n)
				copy(c, base)
				gemmPackedFast(c, a, b, m, k, n, transA, transB)
				checkGuards(t, buf, m*n)
				ref, mag := refMatMul(a, b, m, k, n, transA, transB)
				checkProduct(t, c, float64s(base), ref, mag, k)
				narrow := append([]float32(nil), base...)
				gemmPacked(sgemmFast, narrow, a, b, m, k, n, transA, transB)
				for i := range c {
					if math.Float32bits(c[i]) != math.Float32bits(narrow[i]) {
						t.Fatalf("%s %dx%dx%d: c[%d] = %v, narrow kernel gives %v",
							transName(transA, transB), m, k, n, i, c[i], narrow[i])
					}
				}
			}
		}
	}
}

// TestGemmPackedThreadsBitIdentical checks that the packed GEMM gives the same bits
// for every number of workers, that it is correct, and that it writes nothing outside
// C. Row 0 of op(A) is zero and some starting values of C are negative zeros, so the
// signs of exact zero results are compared too.
func TestGemmPackedThreadsBitIdentical(t *testing.T) {
	defer func(min int) { parallelMinWork = min }(parallelMinWork)
	parallelMinWork = 1 << 20
	split := 0
	for _, sz := range parallelSizes {
		if sz[0]*sz[1]*sz[2] >= parallelMinWork {
			split++
		}
	}
	if split < len(parallelSizes)-1 {
		t.Fatalf("only %d of the sizes are split across workers", split)
	}
	for _, impl := range packedImpls() {
		for _, sz := range parallelSizes {
			m, k, n := sz[0], sz[1], sz[2]
			for _, transA := range []bool{false, true} {
				for _, transB := range []bool{false, true} {
					name := fmt.Sprintf("%s/%s/%dx%dx%d", impl.name,
						transName(transA, transB), m, k, n)
					t.Run(name, func(t *testing.T) {
						checkThreadsBitIdentical(t, impl, m, k, n, transA, transB)
					})
				}
			}
		}
	}
}

func checkThreadsBitIdentical(t *testing.T, impl sgemmImpl, m, k, n int, transA, transB bool) {
	r := rand.New(rand.NewPCG(uint64(m), uint64(k*n)))
	a := randomSlice[float32](r, m*k)
	b := randomSlice[float32](r, k*n)
	// Row 0 of op(A) is zero, so row 0 of the product is an exact zero sum.
	for p := range k {
		if transA {
			a[p*m] = 0
		} else {
			a[p] = 0
		}
	}
	base := make([]float32, m*n)
	for i := range base {
		base[i] = float32(r.Float64()*2 - 1)
		if i%5 == 0 {
			base[i] = float32(math.Copysign(0, -1))
		}
	}
	var want []float32
	for _, threads := range testThreadCounts {
		buf, c := newGuarded[float32](m * n)
		copy(c, base)
		withThreads(t, threads, func() {
			impl.acc(c, a, b, m, k, n, transA, transB)
		})
		checkGuards(t, buf, m*n)
		if want == nil {
			want = append([]float32(nil), c...)
			ref, mag := refMatMul(a, b, m, k, n, transA, transB)
			checkProduct(t, c, float64s(base), ref, mag, k)
			continue
		}
		for i := range c {
			if math.Float32bits(c[i]) != math.Float32bits(want[i]) {
				t.Fatalf("%d threads: c[%d] = %v (%#x), 1 thread gave %v (%#x)",
					threads, i, c[i], math.Float32bits(c[i]), want[i],
					math.Float32bits(want[i]))
			}
		}
	}
}

func float64s(s []float32) []float64 {
	out := make([]float64, len(s))
	for i, v := range s {
		out[i] = float64(v)
	}
	return out
}

// TestMatMulConcurrentCallers runs large products from two goroutines at once with
// several workers each and compares them with single-threaded results.
func TestMatMulConcurrentCallers(t *testing.T) {
	defer func(min int) { parallelMinWork = min }(parallelMinWork)
	parallelMinWork = 1 << 20
	r := rand.New(rand.NewPCG(21, 22))
	shapes := [][3]int{{97, 300, 520}, {200, 513, 130}}
	type product struct {
		a, b, want []float32
	}
	var ps []product
	for _, sz := range shapes {
		m, k, n := sz[0], sz[1], sz[2]
		p := product{a: randomSlice[float32](r, m*k), b: randomSlice[float32](r, k*n)}
		p.want = make([]float32, m*n)
		withThreads(t, 1, func() { MatMul(p.want, p.a, p.b, m, k, n, false, true) })
		ps = append(ps, p)
	}
	withThreads(t, 3, func() {
		var wg sync.WaitGroup
		errs := make([]error, len(ps))
		for g := range ps {
			wg.Go(func() {
				m, k, n := shapes[g][0], shapes[g][1], shapes[g][2]
				c := make([]float32, m*n)
				for range 5 {
					MatMul(c, ps[g].a, ps[g].b, m, k, n, false, true)
					for i := range c {
						if c[i] != ps[g].want[i] {
							errs[g] = fmt.Errorf("product %d: c[%d] = %v, want %v",
								g, i, c[i], ps[g].want[i])
							return
						}
					}
				}
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
	})
}

func TestGemmPackedParallelAllocs(t *testing.T) {
	defer func(min int) { parallelMinWork = min }(parallelMinWork)
	parallelMinWork = 1 << 20
	r := rand.New(rand.NewPCG(23, 24))
	const m, k, n = 97, 300, 520
	a := randomSlice[float32](r, m*k)
	b := randomSlice[float32](r, k*n)
	c := make([]float32, m*n)
	for _, impl := range packedImpls() {
		for _, threads := range []int{2, 4} {
			withThreads(t, threads, func() {
				f := func() { impl.acc(c, a, b, m, k, n, true, false) }
				if allocs := testing.AllocsPerRun(5, f); allocs != 0 {
					t.Errorf("%s, %d threads: %v allocations per call, want 0",
						impl.name, threads, allocs)
				}
			})
		}
	}
}

// BenchmarkSgemmSquare measures float32 MatMul on square n×n products; run it with
// -cpu 1,2 to compare worker counts. The gflops metric counts 2·n³ operations per call.
func BenchmarkSgemmSquare(b *testing.B) {
	for _, n := range []int{48, 64, 96, 128, 256, 512, 1024} {
		r := rand.New(rand.NewPCG(7, 8))
		x := randomSlice[float32](r, n*n)
		y := randomSlice[float32](r, n*n)
		c := make([]float32, n*n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				MatMul(c, x, y, n, n, n, false, false)
			}
			flops := 2 * float64(n) * float64(n) * float64(n) * float64(b.N)
			b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "gflops")
		})
	}
}
