package runtime

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkMatMul measures float32 MatMul on the shapes of an MNIST dense layer
// (64×784 by 784×128) and a square 256³ product, for each transpose combination.
// The gflops metric counts 2·m·k·n floating-point operations per call.
func BenchmarkMatMul(b *testing.B) {
	for _, sz := range [][3]int{{64, 784, 128}, {256, 256, 256}} {
		m, k, n := sz[0], sz[1], sz[2]
		r := rand.New(rand.NewPCG(7, 8))
		x := randomSlice[float32](r, m*k)
		y := randomSlice[float32](r, k*n)
		c := make([]float32, m*n)
		for _, transA := range []bool{false, true} {
			for _, transB := range []bool{false, true} {
				name := fmt.Sprintf("%dx%dx%d/%s", m, k, n, transName(transA, transB))
				b.Run(name, func(b *testing.B) {
					for b.Loop() {
						MatMul(c, x, y, m, k, n, transA, transB)
					}
					flops := 2 * float64(m) * float64(k) * float64(n) * float64(b.N)
					b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "gflops")
				})
			}
		}
	}
}

// BenchmarkSgemmImpls measures each float32 GEMM implementation on the MNIST dense
// layer shapes (forward x·Wᵀ is NT, the weight gradient TN, the input gradient NN), on a
// single row and a narrow output layer, and on square products. The gflops metric counts 2·m·k·n floating-point operations per call.
func BenchmarkSgemmImpls(b *testing.B) {
	cases := []struct {
		m, k, n        int
		transA, transB bool
	}{
		{1, 784, 128, false, true},
		{64, 128, 10, false, true},
		{64, 784, 128, false, false},
		{64, 784, 128, false, true},
		{64, 784, 128, true, false},
		{256, 256, 256, false, false},
		{1024, 1024, 1024, false, false},
	}
	for _, impl := range sgemmImpls() {
		for _, tc := range cases {
			m, k, n := tc.m, tc.k, tc.n
			r := rand.New(rand.NewPCG(7, 8))
			x := randomSlice[float32](r, m*k)
			y := randomSlice[float32](r, k*n)
			c := make([]float32, m*n)
			name := fmt.Sprintf("%s/%dx%dx%d/%s", impl.name, m, k, n,
				transName(tc.transA, tc.transB))
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

// BenchmarkMatMulTrainShapes measures float32 MatMul on the products of one MNIST
// 784-128-10 training step at batch 64, each with the transposes the generated code
// uses (forward x·Wᵀ, weight gradient dYᵀ·X, input gradient dY·W), and on 256³. The
// gflops metric counts 2·m·k·n operations per call.
func BenchmarkMatMulTrainShapes(b *testing.B) {
	cases := []struct {
		m, k, n        int
		transA, transB bool
	}{
		{64, 784, 128, false, true},
		{128, 64, 784, true, false},
		{64, 128, 10, false, true},
		{10, 64, 128, true, false},
		{64, 10, 128, false, false},
		{256, 256, 256, false, false},
	}
	for _, tc := range cases {
		m, k, n := tc.m, tc.k, tc.n
		r := rand.New(rand.NewPCG(7, 8))
		x := randomSlice[float32](r, m*k)
		y := randomSlice[float32](r, k*n)
		c := make([]float32, m*n)
		name := fmt.Sprintf("%dx%dx%d/%s", m, k, n, transName(tc.transA, tc.transB))
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				MatMul(c, x, y, m, k, n, tc.transA, tc.transB)
			}
			flops := 2 * float64(m) * float64(k) * float64(n) * float64(b.N)
			b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "gflops")
		})
	}
}
