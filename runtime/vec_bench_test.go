package runtime

import (
	"fmt"
	"testing"
)

// BenchmarkVec times every slice kernel in ns per element, with the kernels this
// build and CPU select and with the Go loops alone. It runs three lengths: 512
// elements, where the cost per call shows, 4096, where the three arrays (48 KiB)
// fit in L2, and 262144, where they (3 MiB) do not.
func BenchmarkVec(b *testing.B) {
	for _, c := range vecCases {
		for _, n := range []int{512, 4096, 262144} {
			a, y, dst := make([]float32, n), make([]float32, n), make([]float32, n)
			for i := range a {
				// Normal values away from zero, so that no input or result is
				// subnormal and takes the slow microcode path.
				a[i] = 1 + float32(i%97)/97
				y[i] = 2 + float32(i%89)/89
			}
			for _, impl := range vecImpls() {
				name := impl.name
				b.Run(fmt.Sprintf("%s/n=%d/%s", c.name, n, name), func(b *testing.B) {
					withVecKernels(impl, func() {
						b.SetBytes(int64(n) * 4)
						for b.Loop() {
							c.call(dst, a, y, 1.5)
						}
						b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/elem")
					})
				})
			}
		}
	}
}
