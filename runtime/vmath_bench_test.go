package runtime

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// vmathBenchInputs returns n inputs of f drawn uniformly from the range that models
// feed it: [-10, 10], or (0, 100] for log.
func vmathBenchInputs(f vmathFunc, n int) []float32 {
	r := rand.New(rand.NewPCG(5, 6))
	x := make([]float32, n)
	for i := range x {
		if f.name == "log" {
			x[i] = float32(100 * (1 - r.Float64()))
		} else {
			x[i] = float32(20*r.Float64() - 10)
		}
	}
	return x
}

// BenchmarkVmath compares, per function and length, the slice form (the kernels this
// CPU selects), the pure-Go slice loop, a loop over the scalar function and the loop
// that generated code used before: float32 of the float64 math function. The
// ns/elem metric is the time per element.
func BenchmarkVmath(b *testing.B) {
	for _, f := range vmathFuncs {
		for _, n := range []int{1024, 65536} {
			src := vmathBenchInputs(f, n)
			dst := make([]float32, n)
			variants := []struct {
				name string
				run  func()
			}{
				{"slice", func() { f.slice(dst, src) }},
				{"go", func() { vmathApply(f.name, nil, f.scalar, dst, src) }},
				{"scalar", func() {
					for i, x := range src {
						dst[i] = f.scalar(x)
					}
				}},
				{"math64", func() {
					for i, x := range src {
						dst[i] = float32(f.ref(float64(x)))
					}
				}},
			}
			for _, v := range variants {
				b.Run(fmt.Sprintf("%s/%d/%s", f.name, n, v.name), func(b *testing.B) {
					for b.Loop() {
						v.run()
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n),
						"ns/elem")
				})
			}
		}
	}
}
