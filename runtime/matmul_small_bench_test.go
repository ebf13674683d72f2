package runtime

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// smallBenchCases are the products that the small path is for: single-sample MNIST
// inference, the 10-10-1 model's forward and backward products and the MNIST output
// layer's products. Shapes either side of the limits in useSmallPath and products of
// the other benchmark models follow.
var smallBenchCases = []struct {
	m, k, n        int
	transA, transB bool
}{
	{1, 784, 128, false, true},
	{1, 128, 10, false, true},
	{1, 784, 128, false, false},
	{64, 10, 10, false, true},
	{64, 10, 1, false, true},
	{64, 1, 10, false, false},
	{1, 64, 10, true, false},
	{10, 64, 10, true, false},
	{64, 128, 10, false, true},
	{64, 10, 128, false, false},
	{10, 64, 128, true, false},
	{64, 64, 128, false, false},
	{64, 128, 64, false, true},
	{32, 128, 128, true, false},
	{128, 64, 784, true, false},
	// LeNet's im2col products, the 784-512-512-10 MLP's output layer and the products
	// of an LSTM with 16 inputs and 96 units at batch 64.
	{6, 25, 784, false, false},
	{25, 6, 784, true, false},
	{6, 784, 25, false, true},
	{150, 16, 100, true, false},
	{128, 512, 10, false, true},
	{128, 10, 512, false, false},
	{64, 16, 384, false, true},
	{64, 384, 16, false, false},
	{384, 64, 16, true, false},
	{384, 64, 96, true, false},
}

// BenchmarkSgemmSmall compares the pure-Go loops, the packed GEMM and the small path
// on smallBenchCases in one run. The gflops metric counts 2·m·k·n operations per call.
func BenchmarkSgemmSmall(b *testing.B) {
	impls := []sgemmImpl{{"loops", gemmLoops[float32]}}
	if name, kernel := fastSgemmKernel(); kernel != nil {
		impls = append(impls, sgemmImpl{"packed-" + name, func(c, a, b []float32,
			m, k, n int, transA, transB bool) {
			gemmPacked(kernel, c, a, b, m, k, n, transA, transB)
		}})
	}
	if hasSmallKernels {
		impls = append(impls, sgemmImpl{"small-" + smallKernelName, gemmSmall})
	}
	for _, tc := range smallBenchCases {
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
