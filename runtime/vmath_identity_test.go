package runtime

import (
	"math"
	"testing"
)

// vmathImpl is one implementation of the slice forms: the pure-Go loops (no kernels)
// or the vector kernels of this CPU.
type vmathImpl struct {
	name    string
	kernels vmathKernels
}

// vmathImpls lists every implementation this build and CPU can run.
func vmathImpls() []vmathImpl {
	impls := []vmathImpl{{"go", vmathKernels{}}}
	if k := fastVmathKernels(); k.name != "" {
		impls = append(impls, vmathImpl{k.name, k})
	}
	return impls
}

// kernel returns the kernel of impl for the function called name.
func (impl vmathImpl) kernel(name string) vmathKernel {
	switch name {
	case "exp":
		return impl.kernels.exp
	case "log":
		return impl.kernels.log
	case "tanh":
		return impl.kernels.tanh
	case "sigmoid":
		return impl.kernels.sigmoid
	}
	panic("unknown vmath function " + name)
}

// bitRange is the closed range [lo, hi] of float32 bit patterns.
type bitRange struct{ lo, hi uint32 }

// valueRange returns the bit patterns of the float32 values in [lo, hi], both of the
// same sign, in increasing bit order.
func valueRange(lo, hi float32) bitRange {
	if math.Signbit(float64(lo)) != math.Signbit(float64(hi)) {
		panic("valueRange: lo and hi differ in sign")
	}
	a, b := math.Float32bits(lo), math.Float32bits(hi)
	if a > b {
		a, b = b, a
	}
	return bitRange{a, b}
}

// denseRanges are the inputs next to each function's thresholds, branch points and
// special regions, visited bit pattern by bit pattern in the default sweep.
var denseRanges = map[string][]bitRange{
	"exp": {
		valueRange(80, 90), valueRange(-80, -105), // overflow and the subnormal results
		valueRange(0.3, 0.4), valueRange(-0.3, -0.4), // n = 0 or ±1 at ±ln2/2
	},
	"log": {
		{1, 0x7fffff},                                  // positive subnormals
		valueRange(0.99, 1.01), valueRange(1.41, 1.42), // f near 0 and the √2 split
		valueRange(0x1.fffp127, math.MaxFloat32),
	},
	"tanh": {
		valueRange(0.6, 0.65), valueRange(-0.6, -0.65), // the branch point 0.625
		valueRange(9, 10.5), valueRange(-9, -10.5), // rounding to ±1 and the clamp
	},
	"sigmoid": {
		valueRange(-80, -105), valueRange(80, 105), // subnormal results and 1
		valueRange(0.3, 0.4), valueRange(-0.3, -0.4),
	},
}

// specialInputs are checked by every sweep, NaNs with payloads included.
var specialInputs = []uint32{
	0, signBit32, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001,
	0xff800001, 0x7fbfffff, 0x7fc12345, 1, 0x80000001, 0x007fffff, 0x807fffff,
	0x00800000, 0x80800000, 0x7f7fffff, 0xff7fffff, 0x3f800000, 0xbf800000,
}

// identityChecker runs one implementation of one function over batches of bit
// patterns and compares every result bit for bit with the scalar function.
type identityChecker struct {
	t       *testing.T
	fn      string
	kernel  vmathKernel
	scalar  func(float32) float32
	src     []float32
	dst     []float32
	fails   int
	checked int
}

// add queues the input with bits b and checks the batch when it is full.
func (c *identityChecker) add(b uint32) {
	c.src = append(c.src, math.Float32frombits(b))
	if len(c.src) == cap(c.src) {
		c.flush()
	}
}

// flush checks the queued inputs, once into a separate dst and once in place.
func (c *identityChecker) flush() {
	n := len(c.src)
	vmathApply(c.fn, c.kernel, c.scalar, c.dst[:n], c.src)
	for i, x := range c.src {
		want := math.Float32bits(c.scalar(x))
		if got := math.Float32bits(c.dst[i]); got != want && c.fails < 10 {
			c.fails++
			c.t.Errorf("%s(%g [%#08x]) = %#08x, scalar gives %#08x",
				c.fn, x, math.Float32bits(x), got, want)
		}
	}
	vmathApply(c.fn, c.kernel, c.scalar, c.src, c.src)
	for i, y := range c.src {
		if math.Float32bits(y) != math.Float32bits(c.dst[i]) && c.fails < 10 {
			c.fails++
			c.t.Errorf("%s in place: element %d is %#08x, want %#08x",
				c.fn, i, math.Float32bits(y), math.Float32bits(c.dst[i]))
		}
	}
	c.checked += n
	c.src = c.src[:0]
}

// TestVmathBitIdentity checks that every implementation of every slice form gives
// the scalar function's bits: on a stride through all 2³² bit patterns (every
// pattern with -vmath.full), on dense ranges around thresholds and branch points,
// and on special values. The batch length is not a multiple of 8, so the scalar
// tail after the vector kernel runs too. The pure-Go implementation is the scalar
// function in a loop, so its default sweep takes a 16 times longer stride.
func TestVmathBitIdentity(t *testing.T) {
	for _, f := range vmathFuncs {
		for _, impl := range vmathImpls() {
			stride := uint64(vmathStride)
			if impl.kernels.name == "" {
				stride *= 16
			}
			if *vmathFull {
				stride = 1
			}
			t.Run(f.name+"/"+impl.name, func(t *testing.T) {
				const batch = 1<<16 - 3
				c := &identityChecker{t: t, fn: f.name, kernel: impl.kernel(f.name),
					scalar: f.scalar, src: make([]float32, 0, batch),
					dst: make([]float32, batch)}
				for b := uint64(0); b < 1<<32; b += stride {
					c.add(uint32(b))
				}
				for _, r := range denseRanges[f.name] {
					for b := uint64(r.lo); b <= uint64(r.hi); b++ {
						c.add(uint32(b))
					}
				}
				for _, b := range specialInputs {
					c.add(b)
				}
				c.flush()
				t.Logf("%s/%s: %d inputs", f.name, impl.name, c.checked)
			})
		}
	}
}
