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
