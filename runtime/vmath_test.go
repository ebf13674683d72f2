package runtime

import (
	"math"
	"strings"
	"testing"
)

// vmathSpecial is one special input of a vmath function with its exact result.
type vmathSpecial struct {
	fn   string
	x    float32
	want float32
}

var (
	inf32    = float32(math.Inf(1))
	negZero  = float32(math.Copysign(0, -1))
	minSub32 = math.Float32frombits(1)
)

var vmathSpecials = []vmathSpecial{
	{"exp", inf32, inf32},
	{"exp", -inf32, 0},
	{"exp", 0, 1},
	{"exp", negZero, 1},
	{"exp", math.Float32frombits(0x42b17217), 3.4027985e38}, // below the overflow threshold
	{"exp", math.Float32frombits(0x42b17218), inf32},        // above it
	{"exp", 1000, inf32},
	{"exp", -87.33655, 1.1754907e-38}, // just below the least normal float32
	{"exp", -103.27893, minSub32},     // the smallest subnormal result
	{"exp", -104, 0},                  // exp(-104) < 2⁻¹⁵⁰ rounds to 0
	{"exp", -1000, 0},
	{"exp", 1, float32(math.E)},
	{"log", 1, 0},
	{"log", 0, -inf32},
	{"log", negZero, -inf32},
	{"log", inf32, inf32},
	{"log", -1, math.Float32frombits(logNaN)},
	{"log", -inf32, math.Float32frombits(logNaN)},
	{"log", minSub32, -103.27893}, // log(2⁻¹⁴⁹)
	{"log", math.MaxFloat32, 88.72284},
	{"log", float32(math.E), 1},
	{"tanh", inf32, 1},
	{"tanh", -inf32, -1},
	{"tanh", 0, 0},
	{"tanh", negZero, negZero},
	{"tanh", 10, 1},
	{"tanh", 9, 0.99999994}, // still rounds below 1
	{"tanh", minSub32, minSub32},
	{"tanh", -minSub32, -minSub32},
	{"sigmoid", inf32, 1},
	{"sigmoid", -inf32, 0},
	{"sigmoid", 0, 0.5},
	{"sigmoid", negZero, 0.5},
	{"sigmoid", -50, 1.9287499e-22}, // tiny, with full relative accuracy
	{"sigmoid", -100, 3.720076e-44}, // subnormal
	{"sigmoid", -104, 0},
	{"sigmoid", 20, 1},
}

// TestVmathSpecials checks special inputs of every function and implementation,
// through the scalar function and through the slice form. Results are compared
// within 1 ulp where the input is not exact (the figures above are decimal), and
// bit for bit for infinities, zeros and NaNs.
func TestVmathSpecials(t *testing.T) {
	byName := map[string]vmathFunc{}
	for _, f := range vmathFuncs {
		byName[f.name] = f
	}
	for _, s := range vmathSpecials {
		f := byName[s.fn]
		for _, impl := range vmathImpls() {
			// A full block of 8 runs the kernel, if any.
			src := make([]float32, 8)
			for i := range src {
				src[i] = s.x
			}
			dst := make([]float32, 8)
			vmathApply(f.name, impl.kernel(f.name), f.scalar, dst, src)
			for _, got := range []float32{f.scalar(s.x), dst[0], dst[7]} {
				if !sameSpecial(got, s.want) {
					t.Errorf("%s/%s(%g) = %g (%#08x), want %g (%#08x)", s.fn, impl.name,
						s.x, got, math.Float32bits(got), s.want, math.Float32bits(s.want))
				}
			}
		}
	}
}

// sameSpecial reports whether got matches want: the same bits for zeros,
// infinities and NaNs, else at most 1 ulp apart.
func sameSpecial(got, want float32) bool {
	if want == 0 || math.IsInf(float64(want), 0) || want != want {
		return math.Float32bits(got) == math.Float32bits(want)
	}
	d := ordinal32(got) - ordinal32(want)
	return d >= -1 && d <= 1
}

// TestVmathNaN checks that NaN inputs come back unchanged, payload and sign
// included, from every function and implementation.
func TestVmathNaN(t *testing.T) {
	nans := []uint32{0x7fc00000, 0xffc00000, 0x7fc12345, 0x7f800001, 0xffbfffff}
	for _, f := range vmathFuncs {
		for _, impl := range vmathImpls() {
			src := make([]float32, 16)
			for i := range src {
				src[i] = math.Float32frombits(nans[i%len(nans)])
			}
			dst := make([]float32, 16)
			vmathApply(f.name, impl.kernel(f.name), f.scalar, dst, src)
			for i := range src {
				if math.Float32bits(dst[i]) != math.Float32bits(src[i]) {
					t.Errorf("%s/%s(%#08x) = %#08x, want the input", f.name, impl.name,
						math.Float32bits(src[i]), math.Float32bits(dst[i]))
				}
			}
		}
	}
}

// TestVmathSliceLengths runs every implementation on every length from 0 to 40 at
// every start offset modulo 8, with guard values around dst, and checks each element
// against the scalar function and that nothing outside dst[:len(src)] is written.
func TestVmathSliceLengths(t *testing.T) {
	const guard = 8
	for _, f := range vmathFuncs {
		for _, impl := range vmathImpls() {
			for n := 0; n <= 40; n++ {
				for off := 0; off < 8; off++ {
					src := make([]float32, off+n)[off:]
					for i := range src {
						src[i] = float32(i)*0.37 - 5
					}
					buf := make([]float32, off+n+2*guard+3)
					for i := range buf {
						buf[i] = -12345
					}
					dst := buf[off+guard : off+guard+n+3] // longer than src
					vmathApply(f.name, impl.kernel(f.name), f.scalar, dst, src)
					for i, x := range src {
						if math.Float32bits(dst[i]) != math.Float32bits(f.scalar(x)) {
							t.Fatalf("%s/%s n=%d off=%d: dst[%d] = %g, want %g",
								f.name, impl.name, n, off, i, dst[i], f.scalar(x))
						}
					}
					for i, v := range buf {
						inside := i >= off+guard && i < off+guard+n
						if !inside && v != -12345 {
							t.Fatalf("%s/%s n=%d off=%d: buf[%d] written outside dst[:n]",
								f.name, impl.name, n, off, i)
						}
					}
				}
			}
		}
	}
}

// TestVmathSlicePanics checks the panics of the exported slice forms on a short dst
// and on partly overlapping slices, and that equal and adjacent slices are accepted.
func TestVmathSlicePanics(t *testing.T) {
	for _, f := range vmathFuncs {
		buf := make([]float32, 32)
		for i := range buf {
			buf[i] = 0.5
		}
		mustPanic(t, f.name+" short dst", "want >= len(src) = 16", func() {
			f.slice(buf[:15], buf[16:32])
		})
		mustPanic(t, f.name+" dst after src", "overlap", func() { f.slice(buf[1:17], buf[:16]) })
		mustPanic(t, f.name+" dst before src", "overlap", func() { f.slice(buf[:16], buf[8:24]) })
		f.slice(buf[:16], buf[:16])   // in place
		f.slice(buf[16:], buf[:16])   // adjacent
		f.slice(nil, nil)             // empty
		f.slice(buf[:4], buf[4:4])    // empty src, overlapping dst: nothing to write
		f.slice(buf[:32], buf[8:8+8]) // dst longer than src, its written part disjoint
	}
}

// mustPanic runs fn and fails unless it panics with a message containing want.
func mustPanic(t *testing.T, name, want string, fn func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		msg, _ := r.(string)
		if r == nil || !strings.Contains(msg, want) || !strings.HasPrefix(msg, "nncc: ") {
			t.Errorf("%s: recovered %v, want a panic containing %q", name, r, want)
		}
	}()
	fn()
}

// TestVmathSliceAllocs checks that the exported slice forms do not allocate.
func TestVmathSliceAllocs(t *testing.T) {
	src := make([]float32, 1027)
	for i := range src {
		src[i] = float32(i) * 0.01
	}
	dst := make([]float32, len(src))
	for _, f := range vmathFuncs {
		if a := testing.AllocsPerRun(10, func() {
			f.slice(dst, src)
			f.slice(dst, dst)
		}); a != 0 {
			t.Errorf("%s: %v allocations per call, want 0", f.name, a)
		}
	}
}
