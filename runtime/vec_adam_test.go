package runtime

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// adamChain computes the Adam step with the slice kernels that a chunked loop
// calls for the unfused expression, in the optimizer lowering's order, into
// fresh slices.
func adamChain(m, v, w, g []float32, c AdamCoef32) (m1, v1, w1 []float32) {
	n := len(w)
	t := func() []float32 { return make([]float32, n) }
	m1, v1, w1 = t(), t(), t()
	mb, vb, gv, gg, sq, dv, den, st, q := t(), t(), t(), t(), t(), t(), t(), t(), t()
	MulVS32(mb, m, c.Beta1)
	MulAddVS32(m1, g, c.Grad1, mb)
	MulVS32(vb, v, c.Beta2)
	MulVS32(gv, g, c.Grad2)
	MulVV32(gg, gv, g)
	AddVV32(v1, vb, gg)
	Sqrt32(sq, v1)
	DivVS32(dv, sq, c.Bias2Sqrt)
	AddVS32(den, dv, c.Eps)
	MulVS32(st, m1, c.Step)
	DivVV32(q, st, den)
	SubVV32(w1, w, q)
	return m1, v1, w1
}

// adamAlias names which outputs of AdamStep32 are which operands in one call.
type adamAlias int

const (
	adamApart   adamAlias = iota // every output has memory of its own
	adamInPlace                  // mOut is m, vOut is v, wOut is w, as in generated code
	adamCrossed                  // mOut is w, vOut is g, wOut is m
)

// adamValue returns a value for operand k (0 m, 1 v, 2 w, 3 g) of a step: mostly
// of the size training produces, sometimes any float32 bit pattern.
func adamValue(r *rand.Rand, k int) float32 {
	if r.IntN(4) == 0 {
		return vecValue(r)
	}
	x := float32(r.NormFloat64())
	switch k {
	case 0:
		return x * 1e-3
	case 1:
		return x * x * 1e-6
	case 2:
		return x * 0.1
	}
	return x * 1e-2
}

func TestAdamStepConformance(t *testing.T) {
	coefs := []AdamCoef32{
		{0.9, 0.1, 0.999, 0.001, float32(math.Sqrt(1 - 0.999)), 1e-8, float32(1e-3 / (1 - 0.9))},
		{0.9, 0.1, 0.999, 0.001, float32(math.Sqrt(1 - math.Pow(0.999, 40))), 1e-8, float32(3e-3 / (1 - math.Pow(0.9, 40)))},
		{0.5, 0.5, 0.25, 0.75, 1, 0, 1},
		{0, 1, 0, 1, 0.5, 1e-3, -2},
	}
	for _, impl := range vecImpls() {
		name := impl.name
		t.Run(name, func(t *testing.T) {
			withVecKernels(impl, func() {
				r := rand.New(rand.NewPCG(7, 11))
				var tally vecTally
				for _, n := range vecLengths() {
					for _, alias := range []adamAlias{adamApart, adamInPlace, adamCrossed} {
						c := coefs[r.IntN(len(coefs))]
						if err := runAdamCase(r, n, alias, c, &tally); err != nil {
							t.Fatalf("n=%d alias=%d: %v", n, alias, err)
						}
					}
				}
				for _, s := range vecSpecials {
					x := math.Float32frombits(s)
					for k := range 7 {
						c := coefs[0]
						field := []*float32{&c.Beta1, &c.Grad1, &c.Beta2, &c.Grad2, &c.Bias2Sqrt, &c.Eps, &c.Step}[k]
						*field = x
						if err := runAdamCase(r, 45, adamApart, c, &tally); err != nil {
							t.Fatalf("coefficient %d = %#08x: %v", k, s, err)
						}
					}
				}
				if tally.zero == 0 || tally.nan == 0 || tally.inf == 0 || tally.subnormal == 0 {
					t.Errorf("results reached too few cases: %+v", tally)
				}
			})
		})
	}
}

// runAdamCase calls AdamStep32 on random operands of n elements, with its outputs
// placed as alias names. It checks every result bit for bit against the chain of
// slice kernels that the call replaces, and every element outside the outputs
// against change.
func runAdamCase(r *rand.Rand, n int, alias adamAlias, c AdamCoef32, tally *vecTally) error {
	var ins [4]*vecBuffer
	for k := range ins {
		ins[k] = newVecBuffer(r, n+r.IntN(3))
		for i := range ins[k].s() {
			ins[k].s()[i] = adamValue(r, k)
		}
	}
	m, v, w, g := ins[0].s(), ins[1].s(), ins[2].s(), ins[3].s()
	want := [3][]float32{}
	want[0], want[1], want[2] = adamChain(m[:n], v[:n], w[:n], g[:n], c)

	bufs := ins[:]
	var outs [3]*vecBuffer
	switch alias {
	case adamApart:
		for k := range outs {
			outs[k] = newVecBuffer(r, n)
			bufs = append(bufs, outs[k])
		}
	case adamInPlace:
		outs = [3]*vecBuffer{ins[0], ins[1], ins[2]}
	case adamCrossed:
		outs = [3]*vecBuffer{ins[2], ins[3], ins[0]}
	}
	for _, b := range bufs {
		b.save()
	}

	AdamStep32(outs[0].s()[:n], outs[1].s()[:n], outs[2].s()[:n], m, v, w, g, c)

	for k, o := range outs {
		for i, got := range o.s()[:n] {
			tally.add(got)
			if x := want[k][i]; math.Float32bits(got) != math.Float32bits(x) && !(got != got && x != x) {
				return fmt.Errorf("output %d element %d: got %#08x, want %#08x", k, i,
					math.Float32bits(got), math.Float32bits(x))
			}
		}
	}
	for _, b := range bufs {
		hi := 0
		for _, o := range outs {
			if o == b {
				hi = n
			}
		}
		if i := b.changedOutside(0, hi); i >= 0 {
			return fmt.Errorf("element %d outside the outputs written", i)
		}
	}
	return nil
}

func TestAdamStepPanics(t *testing.T) {
	x := make([]float32, 64)
	c := AdamCoef32{Beta1: 0.9}
	for _, tc := range []struct {
		name string
		f    func()
		want string
	}{
		{"short m", func() { AdamStep32(x[:8], x[8:16], x[16:24], x[:7], x[8:], x[16:], x[24:], c) },
			"nncc: AdamStep32: len(m) = 7, want >= len(dst) = 8"},
		{"short mOut", func() { AdamStep32(x[:7], x[8:16], x[16:24], x[:8], x[8:], x[16:], x[24:], c) },
			"nncc: AdamStep32: len(mOut) = 7, want >= len(dst) = 8"},
		{"g overlaps wOut", func() { AdamStep32(x[:8], x[8:16], x[16:24], x[:8], x[8:], x[16:], x[20:], c) },
			"nncc: AdamStep32: dst and g overlap without being the same slice"},
		{"outputs overlap", func() { AdamStep32(x[:8], x[4:12], x[16:24], x[32:], x[40:], x[48:], x[56:], c) },
			"nncc: AdamStep32: mOut overlaps vOut"},
		{"outputs equal", func() { AdamStep32(x[:8], x[8:16], x[:8], x[32:], x[40:], x[48:], x[56:], c) },
			"nncc: AdamStep32: mOut overlaps wOut"},
	} {
		if got := vecPanic(tc.f); got != tc.want {
			t.Errorf("%s: panic %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestAdamStepAllocs(t *testing.T) {
	m, v, w, g := make([]float32, 100), make([]float32, 100), make([]float32, 100), make([]float32, 100)
	c := AdamCoef32{0.9, 0.1, 0.999, 0.001, 0.03, 1e-8, 0.01}
	if n := testing.AllocsPerRun(10, func() { AdamStep32(m, v, w, m, v, w, g, c) }); n != 0 {
		t.Errorf("%v allocations per call, want 0", n)
	}
}

func BenchmarkAdamStep(b *testing.B) {
	const n = 1 << 18
	m, v, w, g := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range g {
		g[i] = float32(i%97) * 1e-3
	}
	c := AdamCoef32{0.9, 0.1, 0.999, 0.001, 0.03, 1e-8, 0.01}
	b.Run("fused", func(b *testing.B) {
		b.SetBytes(7 * 4 * n)
		for b.Loop() {
			AdamStep32(m, v, w, m, v, w, g, c)
		}
	})
	b.Run("chain", func(b *testing.B) {
		b.SetBytes(7 * 4 * n)
		var t [9][512]float32
		for b.Loop() {
			for lo := 0; lo < n; lo += 512 {
				hi := lo + 512
				MulVS32(t[0][:], m[lo:hi], c.Beta1)
				MulAddVS32(m[lo:hi], g[lo:hi], c.Grad1, t[0][:])
				MulVS32(t[1][:], v[lo:hi], c.Beta2)
				MulVS32(t[2][:], g[lo:hi], c.Grad2)
				MulVV32(t[3][:], t[2][:], g[lo:hi])
				AddVV32(v[lo:hi], t[1][:], t[3][:])
				Sqrt32(t[4][:], v[lo:hi])
				DivVS32(t[5][:], t[4][:], c.Bias2Sqrt)
				AddVS32(t[6][:], t[5][:], c.Eps)
				MulVS32(t[7][:], m[lo:hi], c.Step)
				DivVV32(t[8][:], t[7][:], t[6][:])
				SubVV32(w[lo:hi], w[lo:hi], t[8][:])
			}
		}
	})
}
