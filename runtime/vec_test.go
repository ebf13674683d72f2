package runtime

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// vecForm is the operand layout of a slice kernel.
type vecForm int

const (
	formVV    vecForm = iota // two arrays
	formVS                   // an array and a scalar
	formSV                   // a scalar and an array
	formUnary                // one array
)

// vecCase is one slice kernel, called through a common signature, with the Go
// expression that it must match bit for bit. call passes a, b and s to the kernel
// as its form takes them. elem(x, y) is the expression, with x the first operand
// and y the second, which unary kernels ignore.
type vecCase struct {
	name string
	form vecForm
	call func(dst, a, b []float32, s float32)
	elem func(x, y float32) float32
}

var vecCases = []vecCase{
	{"AddVV32", formVV, func(d, a, b []float32, _ float32) { AddVV32(d, a, b) },
		func(x, y float32) float32 { return x + y }},
	{"SubVV32", formVV, func(d, a, b []float32, _ float32) { SubVV32(d, a, b) },
		func(x, y float32) float32 { return x - y }},
	{"MulVV32", formVV, func(d, a, b []float32, _ float32) { MulVV32(d, a, b) },
		func(x, y float32) float32 { return x * y }},
	{"DivVV32", formVV, func(d, a, b []float32, _ float32) { DivVV32(d, a, b) },
		func(x, y float32) float32 { return x / y }},
	{"AddVS32", formVS, func(d, a, _ []float32, s float32) { AddVS32(d, a, s) },
		func(x, y float32) float32 { return x + y }},
	{"SubVS32", formVS, func(d, a, _ []float32, s float32) { SubVS32(d, a, s) },
		func(x, y float32) float32 { return x - y }},
	{"MulVS32", formVS, func(d, a, _ []float32, s float32) { MulVS32(d, a, s) },
		func(x, y float32) float32 { return x * y }},
	{"DivVS32", formVS, func(d, a, _ []float32, s float32) { DivVS32(d, a, s) },
		func(x, y float32) float32 { return x / y }},
	{"SubSV32", formSV, func(d, _, b []float32, s float32) { SubSV32(d, s, b) },
		func(x, y float32) float32 { return x - y }},
	{"DivSV32", formSV, func(d, _, b []float32, s float32) { DivSV32(d, s, b) },
		func(x, y float32) float32 { return x / y }},
	{"Neg32", formUnary, func(d, a, _ []float32, _ float32) { Neg32(d, a) },
		func(x, _ float32) float32 { return -x }},
	{"Sqrt32", formUnary, func(d, a, _ []float32, _ float32) { Sqrt32(d, a) },
		func(x, _ float32) float32 { return float32(math.Sqrt(float64(x))) }},
	{"Relu32", formUnary, func(d, a, _ []float32, _ float32) { Relu32(d, a) },
		func(x, _ float32) float32 {
			if x > 0 || x != x {
				return x
			}
			return 0
		}},
}

// vecSpecials are the bit patterns every operand stream draws from often: zeros,
// infinities, quiet and signaling NaNs of both signs and with payloads, the extreme
// subnormals and normals, and small integers.
var vecSpecials = []uint32{
	0, signBit32, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001,
	0xff800001, 0x7fc12345, 0x7fa00000, 0xffbfffff, 0x00000001, 0x80000001,
	0x007fffff, 0x807fffff, 0x00800000, 0x80800000, 0x7f7fffff, 0xff7fffff,
	0x3f800000, 0xbf800000, 0x40000000, 0x3f000000, 0x34000000, 0x4b800000,
}

// vecValue returns a random float32: a special value, a subnormal, a tiny normal or
// any bit pattern, which covers every exponent.
func vecValue(r *rand.Rand) float32 {
	switch r.IntN(8) {
	case 0:
		return math.Float32frombits(vecSpecials[r.IntN(len(vecSpecials))])
	case 1:
		return math.Float32frombits(r.Uint32() & (signBit32 | 0x007fffff))
	case 2:
		return math.Float32frombits(r.Uint32() & (signBit32 | 0x07ffffff))
	default:
		return math.Float32frombits(r.Uint32())
	}
}

// vecPartner returns a second operand for x: often one close to x, equal to x or to
// -x, so that sums and differences cancel to zeros and subnormals.
func vecPartner(r *rand.Rand, x float32) float32 {
	switch r.IntN(6) {
	case 0:
		return math.Float32frombits(math.Float32bits(x) ^ uint32(r.IntN(64)))
	case 1:
		return -math.Float32frombits(math.Float32bits(x) ^ uint32(r.IntN(64)))
	case 2:
		return x
	default:
		return vecValue(r)
	}
}

// vecGuard is the bit pattern of the elements around the buffers under test.
const vecGuard = 0x7fbadbad

// vecBuffer is a slice of n elements inside a buffer with guard elements before and
// after it.
type vecBuffer struct {
	buf      []float32
	pre      int
	n        int
	snapshot []uint32
}

// newVecBuffer returns n guarded elements, starting at a random offset so that the
// vector loads and stores meet every alignment.
func newVecBuffer(r *rand.Rand, n int) *vecBuffer {
	pre := 1 + r.IntN(8)
	b := &vecBuffer{buf: make([]float32, pre+n+9), pre: pre, n: n}
	for i := range b.buf {
		b.buf[i] = math.Float32frombits(vecGuard)
	}
	return b
}

// s returns the elements under test; its capacity reaches into the guard after it.
func (b *vecBuffer) s() []float32 { return b.buf[b.pre : b.pre+b.n] }

// save records the whole buffer, guards included.
func (b *vecBuffer) save() {
	b.snapshot = b.snapshot[:0]
	for _, v := range b.buf {
		b.snapshot = append(b.snapshot, math.Float32bits(v))
	}
}

// changedOutside returns the index of the first element of the buffer outside
// [lo, hi) of the elements under test whose bits differ from the snapshot, or -1.
func (b *vecBuffer) changedOutside(lo, hi int) int {
	for i, v := range b.buf {
		if i >= b.pre+lo && i < b.pre+hi {
			continue
		}
		if math.Float32bits(v) != b.snapshot[i] {
			return i - b.pre
		}
	}
	return -1
}

// vecAlias names the operands that dst is in one call.
type vecAlias int

const (
	aliasNone vecAlias = iota // dst apart from the operands
	aliasA                    // dst is the first array operand
	aliasB                    // dst is the second array operand
	aliasAB                   // dst, a and b are one slice
	aliasOps                  // a and b are one slice, dst apart
)

// vecAliases returns the aliasings that form f allows.
func vecAliases(f vecForm) []vecAlias {
	switch f {
	case formVV:
		return []vecAlias{aliasNone, aliasA, aliasB, aliasAB, aliasOps}
	case formSV:
		return []vecAlias{aliasNone, aliasB}
	default:
		return []vecAlias{aliasNone, aliasA}
	}
}

// vecLengths are the lengths of dst in the conformance test: every length up to 40,
// then lengths around the 8- and 32-element rounds and some long ones.
func vecLengths() []int {
	var ns []int
	for n := 0; n <= 40; n++ {
		ns = append(ns, n)
	}
	return append(ns, 63, 64, 65, 71, 100, 255, 256, 257, 1000, 4103)
}

// vecImpls returns the kernel sets to test: the one this build and CPU select, and
// the Go loops alone where that is a different set.
func vecImpls() []vecKernels {
	fast := fastVecKernels()
	if fast.name == "" {
		return []vecKernels{{name: "go"}}
	}
	return []vecKernels{fast, {name: "go"}}
}

// withVecKernels runs f with vecFast set to ks.
func withVecKernels(ks vecKernels, f func()) {
	saved := vecFast
	vecFast = ks
	defer func() { vecFast = saved }()
	f()
}

func TestVecConformance(t *testing.T) {
	for _, impl := range vecImpls() {
		name := impl.name
		t.Run(name, func(t *testing.T) {
			withVecKernels(impl, func() {
				for _, c := range vecCases {
					t.Run(c.name, func(t *testing.T) { testVecCase(t, c) })
				}
			})
		})
	}
}

// vecTally counts the kinds of results that one kernel produced, so that the test
// fails if its inputs stopped reaching the cases that matter.
type vecTally struct{ subnormal, zero, inf, nan int }

func (v *vecTally) add(x float32) {
	switch a := math.Abs(float64(x)); {
	case x != x:
		v.nan++
	case a == 0:
		v.zero++
	case math.IsInf(a, 0):
		v.inf++
	case a < 0x1p-126:
		v.subnormal++
	}
}

func testVecCase(t *testing.T, c vecCase) {
	r := rand.New(rand.NewPCG(1, uint64(len(c.name))))
	var tally vecTally
	for _, n := range vecLengths() {
		for rep := 0; rep < 3; rep++ {
			for _, alias := range vecAliases(c.form) {
				if err := runVecCase(r, c, n, alias, vecValue(r), &tally); err != nil {
					t.Fatalf("n=%d alias=%d: %v", n, alias, err)
				}
			}
		}
	}
	// Every scalar operand of the special list, on a length with both a vector body
	// and a tail.
	if c.form == formVS || c.form == formSV {
		for _, s := range vecSpecials {
			if err := runVecCase(r, c, 45, aliasNone, math.Float32frombits(s), &tally); err != nil {
				t.Fatalf("scalar %#08x: %v", s, err)
			}
		}
	}
	if tally.zero == 0 || tally.nan == 0 {
		t.Errorf("results reached too few cases: %+v", tally)
	}
	if c.form != formUnary && (tally.subnormal == 0 || tally.inf == 0) {
		t.Errorf("results reached too few cases: %+v", tally)
	}
}

// runVecCase calls c on random operands of n elements with dst aliased as alias and
// checks every result against c.elem and every guard and operand element the
// kernel must not write.
func runVecCase(r *rand.Rand, c vecCase, n int, alias vecAlias, s float32, tally *vecTally) error {
	// Operands may be longer than dst; only the first n elements count.
	ab := newVecBuffer(r, n+r.IntN(3))
	bb := newVecBuffer(r, n+r.IntN(3))
	a, b := ab.s(), bb.s()
	for i := range a {
		a[i] = vecValue(r)
	}
	for i := range b {
		b[i] = vecValue(r)
		if i < len(a) && c.form == formVV {
			b[i] = vecPartner(r, a[i])
		}
	}
	if c.form == formSV {
		for i := range b {
			b[i] = vecPartner(r, s)
		}
	}
	db := newVecBuffer(r, n)
	dst := db.s()
	switch alias {
	case aliasA:
		dst, db = a[:n], ab
	case aliasB:
		dst, db = b[:n], bb
	case aliasAB:
		b, bb = a, ab
		dst, db = a[:n], ab
	case aliasOps:
		b, bb = a, ab
	}

	// The operands of each element, saved before the call may overwrite them.
	xs, ys, want := make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range want {
		xs[i], ys[i] = a[i], b[i]
		switch c.form {
		case formVS:
			ys[i] = s
		case formSV:
			xs[i] = s
		case formUnary:
			ys[i] = 0
		}
		want[i] = c.elem(xs[i], ys[i])
	}
	ab.save()
	bb.save()
	db.save()

	c.call(dst, a, b, s)

	for i, got := range dst {
		tally.add(got)
		if math.Float32bits(got) == math.Float32bits(want[i]) {
			continue
		}
		// The one allowed difference: the payload of a NaN made from two NaNs.
		x, y := xs[i], ys[i]
		if c.form != formUnary && x != x && y != y && got != got {
			continue
		}
		return fmt.Errorf("element %d (operands %#08x, %#08x): got %#08x, want %#08x",
			i, math.Float32bits(x), math.Float32bits(y),
			math.Float32bits(got), math.Float32bits(want[i]))
	}
	for _, buf := range []*vecBuffer{ab, bb, db} {
		lo, hi := 0, 0
		if buf == db {
			hi = n
		}
		if i := buf.changedOutside(lo, hi); i >= 0 {
			return fmt.Errorf("element %d outside dst written", i)
		}
	}
	return nil
}

// vecPanic returns the message of the panic that f raises, or "" if it returns.
func vecPanic(f func()) (msg string) {
	defer func() {
		if e := recover(); e != nil {
			msg = fmt.Sprint(e)
		}
	}()
	f()
	return ""
}

func TestVecPanics(t *testing.T) {
	buf := make([]float32, 64)
	for _, c := range vecCases {
		operand := "a"
		if c.form == formSV {
			operand = "b"
		}
		short := buf[40:43]
		a, b := buf[20:30], buf[30:40]
		if operand == "a" {
			a = short
		} else {
			b = short
		}
		msg := vecPanic(func() { c.call(buf[:9], a, b, 1) })
		for _, part := range []string{c.name, "len(" + operand + ") = 3", "len(dst) = 9"} {
			if !strings.Contains(msg, part) {
				t.Errorf("%s with a short %s: panic %q, want it to name %q", c.name, operand, msg, part)
			}
		}

		// The operand starts one element into dst.
		a, b = buf[20:30], buf[30:40]
		if operand == "a" {
			a = buf[1:12]
		} else {
			b = buf[1:12]
		}
		msg = vecPanic(func() { c.call(buf[:9], a, b, 1) })
		if !strings.Contains(msg, c.name) || !strings.Contains(msg, "overlap") {
			t.Errorf("%s with overlapping dst and %s: panic %q", c.name, operand, msg)
		}

		// Operands ending where dst starts, or longer than dst, are fine.
		if msg := vecPanic(func() { c.call(buf[20:29], buf[10:20], buf[29:50], 1) }); msg != "" {
			t.Errorf("%s with adjacent operands: panic %q", c.name, msg)
		}
	}
}

func TestVecAllocs(t *testing.T) {
	a, b, dst := make([]float32, 1003), make([]float32, 1003), make([]float32, 1003)
	for i := range a {
		a[i], b[i] = float32(i)+1, float32(i)+2
	}
	for _, c := range vecCases {
		if n := testing.AllocsPerRun(10, func() { c.call(dst, a, b, 3) }); n != 0 {
			t.Errorf("%s: %v allocations per call, want 0", c.name, n)
		}
	}
}
