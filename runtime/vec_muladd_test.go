package runtime

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// mulAddCase is one of the kernels of vec_muladd.go with its element rule.
type mulAddCase struct {
	name string
	call func(dst, a []float32, s float32, b []float32)
	elem func(a, s, b float32) float32
}

var mulAddCases = []mulAddCase{
	{"MulAddVS32", MulAddVS32, func(a, s, b float32) float32 { return float32(a*s) + b }},
	{"SubMulVS32", func(dst, a []float32, s float32, b []float32) { SubMulVS32(dst, b, a, s) },
		func(a, s, b float32) float32 { return b - float32(a*s) }},
}

func TestVecMulAddConformance(t *testing.T) {
	for _, impl := range vecImpls() {
		name := impl.name
		for _, c := range mulAddCases {
			t.Run(name+"/"+c.name, func(t *testing.T) {
				withVecKernels(impl, func() { testMulAddCase(t, c) })
			})
		}
	}
}

func testMulAddCase(t *testing.T, c mulAddCase) {
	r := rand.New(rand.NewPCG(2, uint64(len(c.name))))
	var tally vecTally
	for _, n := range vecLengths() {
		for _, alias := range []vecAlias{aliasNone, aliasA, aliasB, aliasAB, aliasOps} {
			if err := runMulAddCase(r, c, n, alias, vecValue(r), &tally); err != nil {
				t.Fatalf("n=%d alias=%d: %v", n, alias, err)
			}
		}
	}
	for _, s := range vecSpecials {
		if err := runMulAddCase(r, c, 45, aliasNone, math.Float32frombits(s), &tally); err != nil {
			t.Fatalf("scalar %#08x: %v", s, err)
		}
	}
	if tally.zero == 0 || tally.nan == 0 || tally.inf == 0 || tally.subnormal == 0 {
		t.Errorf("results reached too few cases: %+v", tally)
	}
}

// runMulAddCase calls c on random operands of n elements with dst aliased as alias
// and checks every result against c.elem and every element the kernel must not
// write.
func runMulAddCase(r *rand.Rand, c mulAddCase, n int, alias vecAlias, s float32, tally *vecTally) error {
	ab := newVecBuffer(r, n+r.IntN(3))
	bb := newVecBuffer(r, n+r.IntN(3))
	a, b := ab.s(), bb.s()
	for i := range a {
		a[i] = vecValue(r)
	}
	for i := range b {
		b[i] = vecValue(r)
		if i < len(a) && r.IntN(2) == 0 {
			// Often the negated product, so that the sum cancels.
			b[i] = vecPartner(r, -a[i]*s)
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
	xs, ys, want := make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range want {
		xs[i], ys[i] = a[i], b[i]
		want[i] = c.elem(xs[i], s, ys[i])
	}
	ab.save()
	bb.save()
	db.save()

	c.call(dst, a, s, b)

	for i, got := range dst {
		tally.add(got)
		if math.Float32bits(got) == math.Float32bits(want[i]) {
			continue
		}
		// The one allowed difference: the payload of a NaN made from two NaNs.
		p := xs[i] * s
		if p != p && ys[i] != ys[i] && got != got {
			continue
		}
		return fmt.Errorf("element %d (a %#08x, s %#08x, b %#08x): got %#08x, want %#08x",
			i, math.Float32bits(xs[i]), math.Float32bits(s), math.Float32bits(ys[i]),
			math.Float32bits(got), math.Float32bits(want[i]))
	}
	for _, buf := range []*vecBuffer{ab, bb, db} {
		hi := 0
		if buf == db {
			hi = n
		}
		if i := buf.changedOutside(0, hi); i >= 0 {
			return fmt.Errorf("element %d outside dst written", i)
		}
	}
	return nil
}

func TestVecMulAddPanics(t *testing.T) {
	x := make([]float32, 16)
	for _, c := range []struct {
		name string
		f    func()
		want string
	}{
		{"short a", func() { MulAddVS32(x[:8], x[:7], 2, x[8:]) }, "nncc: MulAddVS32: len(a) = 7, want >= len(dst) = 8"},
		{"short b", func() { SubMulVS32(x[:8], x[8:15], x[:8], 2) }, "nncc: SubMulVS32: len(b) = 7, want >= len(dst) = 8"},
		{"overlap", func() { MulAddVS32(x[:8], x[1:9], 2, x[8:]) }, "nncc: MulAddVS32: dst and a overlap without being the same slice"},
	} {
		if got := vecPanic(c.f); got != c.want {
			t.Errorf("%s: panic %q, want %q", c.name, got, c.want)
		}
	}
}

func TestVecMulAddAllocs(t *testing.T) {
	a, b, dst := make([]float32, 100), make([]float32, 100), make([]float32, 100)
	if n := testing.AllocsPerRun(10, func() {
		MulAddVS32(dst, a, 0.5, b)
		SubMulVS32(dst, b, a, 0.5)
	}); n != 0 {
		t.Errorf("%v allocations per call, want 0", n)
	}
}
