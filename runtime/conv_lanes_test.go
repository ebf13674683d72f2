package runtime

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSumLanes checks sumLanes, with the assembly form where the CPU has it, against
// sums from +0 in lane order, separately and in place, with signed zeros, infinities
// and NaNs among the values.
func TestSumLanes(t *testing.T) {
	defer func(saved bool) { sumLanesAsm = saved }(sumLanesAsm)
	r := rand.New(rand.NewPCG(43, 44))
	special := []float32{float32(math.Copysign(0, -1)), 0, float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.NaN()), 1e30, -1e30, 1e-40}
	for _, asm := range []bool{false, sumLanesAsm} {
		sumLanesAsm = asm
		for n := 0; n <= 41; n++ {
			src := randSlice[float32](r, convDotLanes*n)
			for i := range src {
				if r.IntN(6) == 0 {
					src[i] = special[r.IntN(len(special))]
				}
			}
			// Some sums of signed zeros only, whose result is +0.
			for d := 0; d < n; d += 5 {
				for l := range convDotLanes {
					src[convDotLanes*d+l] = float32(math.Copysign(0, -1))
				}
			}
			want := make([]float32, n)
			for d := range want {
				var s float32
				for _, v := range src[convDotLanes*d : convDotLanes*(d+1)] {
					s += v
				}
				want[d] = s
			}
			dst, check := guarded[float32](n)
			sumLanes(dst, src)
			check(t)
			requireSameBits32(t, "sumLanes", dst, want)

			inPlace := append([]float32(nil), src...)
			sumLanes(inPlace[:n], inPlace)
			requireSameBits32(t, "sumLanes in place", inPlace[:n], want)
		}
	}
}
