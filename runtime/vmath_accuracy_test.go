package runtime

import (
	"flag"
	"math"
	"sync"
	"testing"
)

// vmathFull makes the accuracy and bit-identity sweeps visit every float32 bit
// pattern instead of a stride through them, which takes minutes per function.
var vmathFull = flag.Bool("vmath.full", false, "sweep every float32 bit pattern in the vmath tests")

// vmathStride is the step through the 2³² bit patterns of the default sweeps. The
// odd step gives about 16.7 million inputs and visits every exponent with varied
// low mantissa bits.
const vmathStride = 257

// vmathFunc is one float32 function of the vmath family with its float64 reference
// and the documented bound of its error, in ulps of the float32 result.
type vmathFunc struct {
	name    string
	scalar  func(float32) float32
	slice   func(dst, src []float32)
	ref     func(float64) float64
	maxUlps int64
}

var vmathFuncs = []vmathFunc{
	{"exp", Exp32, Exp32Slice, math.Exp, 1},
	{"log", Log32, Log32Slice, math.Log, 1},
	{"tanh", Tanh32, Tanh32Slice, math.Tanh, 1},
	{"sigmoid", Sigmoid32, Sigmoid32Slice, sigmoid64, 2},
}

// sigmoid64 is the float64 logistic function, evaluated without overflow.
func sigmoid64(x float64) float64 {
	if x < 0 {
		e := math.Exp(x)
		return e / (1 + e)
	}
	return 1 / (1 + math.Exp(-x))
}

// ordinal32 maps float32 bit patterns to integers in the order of their values, so
// that the difference of two ordinals counts the float32 values between them. Both
// zeros map to 0.
func ordinal32(v float32) int64 {
	b := math.Float32bits(v)
	if b&signBit32 != 0 {
		return -int64(b &^ signBit32)
	}
	return int64(b)
}

// ulp32 returns the spacing of the float32 values at the magnitude of r, as float64.
func ulp32(r float32) float64 {
	a := math.Abs(float64(r))
	if a < 0x1p-126 {
		return 0x1p-149
	}
	_, e := math.Frexp(a)
	return math.Ldexp(1, e-24)
}

// sweepError is the worst error one sweep found.
type sweepError struct {
	ulps    int64   // largest ordinal distance from the rounded reference
	real    float64 // largest |got - ref| in ulps of the rounded reference
	x, got  float32 // the input of the largest ulps and its result
	want    float32
	realArg float32 // the input of the largest real error
}

func (s *sweepError) merge(o sweepError) {
	if o.ulps > s.ulps {
		s.ulps, s.x, s.got, s.want = o.ulps, o.x, o.got, o.want
	}
	if o.real > s.real {
		s.real, s.realArg = o.real, o.realArg
	}
}

// sweepAccuracy compares f.scalar with f.ref rounded to float32 on every non-NaN bit
// pattern that is a multiple of stride, splitting the patterns over two goroutines.
func sweepAccuracy(f vmathFunc, stride uint64) sweepError {
	const workers = 2
	var wg sync.WaitGroup
	parts := make([]sweepError, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var s sweepError
			for b := uint64(w) * stride; b < 1<<32; b += workers * stride {
				x := math.Float32frombits(uint32(b))
				if x != x {
					continue
				}
				got := f.scalar(x)
				ref := f.ref(float64(x))
				want := float32(ref)
				var e sweepError
				e.ulps = ordinal32(got) - ordinal32(want)
				if e.ulps < 0 {
					e.ulps = -e.ulps
				}
				e.x, e.got, e.want = x, got, want
				if !math.IsInf(ref, 0) && !math.IsInf(float64(got), 0) {
					e.real = math.Abs(float64(got)-ref) / ulp32(want)
					e.realArg = x
				}
				s.merge(e)
			}
			parts[w] = s
		}()
	}
	wg.Wait()
	var s sweepError
	for _, p := range parts {
		s.merge(p)
	}
	return s
}

// TestVmathAccuracy asserts the documented error bound of every function against
// float64 math rounded to float32, and logs the largest error found in ulps (run
// with -v to see the figures of docs/elementwise-math.md).
func TestVmathAccuracy(t *testing.T) {
	stride := uint64(vmathStride)
	if *vmathFull {
		stride = 1
	}
	for _, f := range vmathFuncs {
		t.Run(f.name, func(t *testing.T) {
			s := sweepAccuracy(f, stride)
			t.Logf("%s: max %d ulp from the rounded reference (x=%g: got %g, want %g); "+
				"max %.3f ulp from float64 (x=%g)",
				f.name, s.ulps, s.x, s.got, s.want, s.real, s.realArg)
			if s.ulps > f.maxUlps {
				t.Errorf("%s(%g) = %g (%#08x), want %g (%#08x): %d ulp, bound %d",
					f.name, s.x, s.got, math.Float32bits(s.got), s.want,
					math.Float32bits(s.want), s.ulps, f.maxUlps)
			}
		})
	}
}
