package runtime

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSelectGtVS32 compares SelectGtVS32 bit for bit with the Go expression it
// replaces, on special values, every length up to 40 and a long slice, in place and
// not, with guard values after dst.
func TestSelectGtVS32(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	specials := []float32{0, float32(math.Copysign(0, -1)), 1, -1, float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.NaN()), math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32, math.MaxFloat32}
	value := func() float32 {
		if r.IntN(3) == 0 {
			return specials[r.IntN(len(specials))]
		}
		return math.Float32frombits(r.Uint32())
	}
	const guard = float32(12345)
	for _, n := range append([]int{0, 1, 7, 8, 9, 15, 16, 17, 31, 33, 40}, 1000, 4103) {
		for _, c := range []float32{0, float32(math.Copysign(0, -1)), 0.5, float32(math.NaN())} {
			for _, inPlace := range []string{"", "x", "a"} {
				x, a := make([]float32, n), make([]float32, n)
				for i := range n {
					x[i], a[i] = value(), value()
				}
				b := value()
				want := make([]float32, n)
				for i := range n {
					if x[i] > c {
						want[i] = a[i]
					} else {
						want[i] = b
					}
				}
				buf := make([]float32, n+4)
				for i := range buf {
					buf[i] = guard
				}
				dst := buf[:n]
				switch inPlace {
				case "x":
					copy(dst, x)
					x = dst
				case "a":
					copy(dst, a)
					a = dst
				}
				SelectGtVS32(dst, x, c, a, b)
				for i := range n {
					if math.Float32bits(dst[i]) != math.Float32bits(want[i]) {
						t.Fatalf("n=%d c=%v in place %q: dst[%d] = %v, want %v", n, c, inPlace, i, dst[i], want[i])
					}
				}
				for i := n; i < len(buf); i++ {
					if buf[i] != guard {
						t.Fatalf("n=%d: guard %d overwritten with %v", n, i-n, buf[i])
					}
				}
			}
		}
	}
}

func TestSelectGtVS32Panics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("SelectGtVS32 with a short a did not panic")
		}
	}()
	SelectGtVS32(make([]float32, 9), make([]float32, 9), 0, make([]float32, 8), 0)
}
