package passes

import (
	"math"
	"testing"

	"github.com/nncc/nncc/ir"
)

func TestFoldConstants(t *testing.T) {
	b := newBuilder(t)
	x := b.Input("x", f32, ir.Shape{N, 2})
	c := b.Add(b.Const(f32, ir.Shape{2}, []float64{1, 2}), b.Const(f32, ir.Shape{2}, []float64{3, 4.5}))
	e := b.Exp(b.Scalar(f32, 1))
	size := b.Size(x, []int{1}, f32)
	batch := b.Size(x, []int{0}, f32)
	b.G.SetOutput("output", b.Mul(b.Mul(b.Add(x, c), b.Mul(e, size)), batch))
	runPass(t, "fold-constants", b.G)
	runPass(t, "dce", b.G)

	// exp(1)*2 folds in a second step, once its operands are constants, and dce
	// then drops the constants that only fed folded values.
	w := newBuilder(t)
	wx := w.Input("x", f32, ir.Shape{N, 2})
	wc := w.Const(f32, ir.Shape{2}, []float64{4, 6.5})
	wn := w.Size(wx, []int{0}, f32)
	sum := w.Add(wx, wc)
	prod := w.Scalar(f32, float64(float32(math.E))*2)
	w.G.SetOutput("output", w.Mul(w.Mul(sum, prod), wn))
	if d := diffGraphs(b.G, w.G); d != "" {
		t.Error(d)
	}
}

func TestFoldConstantsSkips(t *testing.T) {
	b := newBuilder(t)
	big := b.Broadcast(b.Scalar(f32, 1), ir.Shape{300, 300}) // 90000 elements
	withBatch := b.Broadcast(b.Scalar(f32, 2), ir.Shape{N, 3})
	divZero := b.Div(b.Scalar(ir.I32, 1), b.Scalar(ir.I32, 0))
	b.G.SetOutput("big", big)
	b.G.SetOutput("batch", withBatch)
	b.G.SetOutput("div", divZero)
	runPass(t, "fold-constants", b.G)
	for _, v := range []*ir.Value{big, withBatch, divZero} {
		if v.Op == ir.OpConst {
			t.Errorf("%s was folded, want it left as an op", v)
		}
	}
}

func TestCSE(t *testing.T) {
	b := newBuilder(t)
	x := b.Input("x", f32, ir.Shape{N, 3})
	e1 := b.Exp(x)
	e2 := b.Exp(x)
	s1 := b.Sum(b.Add(e1, b.Scalar(f32, 2)), []int{1}, false)
	s2 := b.Sum(b.Add(e2, b.Scalar(f32, 2)), []int{1}, false)
	s3 := b.Sum(b.Add(e2, b.Scalar(f32, 2)), []int{1}, true) // other attrs
	z1 := b.Add(x, b.Scalar(f32, 0))
	z2 := b.Add(x, b.Scalar(f32, math.Copysign(0, -1))) // -0 is another constant
	b.G.SetOutput("a", b.Add(s1, s2))
	b.G.SetOutput("b", s3)
	b.G.SetOutput("z", b.Sub(z1, z2))
	runPass(t, "cse", b.G)

	w := newBuilder(t)
	wx := w.Input("x", f32, ir.Shape{N, 3})
	we := w.Exp(wx)
	wtwo := w.Scalar(f32, 2)
	ws1 := w.Sum(w.Add(we, wtwo), []int{1}, false)
	ws3 := w.Sum(w.G.Values[3], []int{1}, true)
	wz1 := w.Add(wx, w.Scalar(f32, 0))
	wz2 := w.Add(wx, w.Scalar(f32, math.Copysign(0, -1)))
	w.G.SetOutput("a", w.Add(ws1, ws1))
	w.G.SetOutput("b", ws3)
	w.G.SetOutput("z", w.Sub(wz1, wz2))
	if d := diffGraphs(b.G, w.G); d != "" {
		t.Error(d)
	}
	if c := b.G.Values[len(b.G.Values)-3]; !math.Signbit(c.Args[1].Attrs.Data[0]) {
		t.Errorf("%s adds %v, want -0", c, c.Args[1].Attrs.Data)
	}
}

func TestCSEKeepsNamedSources(t *testing.T) {
	b := newBuilder(t)
	p := b.Param("p", f32, ir.Shape{2}, ir.Init{})
	q := b.Param("q", f32, ir.Shape{2}, ir.Init{})
	b.G.SetOutput("output", b.Add(p, q))
	runPass(t, "cse", b.G)
	if len(b.G.Params()) != 2 {
		t.Errorf("cse left %d params, want 2:\n%s", len(b.G.Params()), b.G)
	}
}

func TestSimplifyIdentities(t *testing.T) {
	negZero := math.Copysign(0, -1)
	tests := []struct {
		name string
		make func(b *ir.Builder, x *ir.Value) *ir.Value
		same bool // whether the result is replaced by x
	}{
		{"add -0", func(b *ir.Builder, x *ir.Value) *ir.Value { return b.Add(x, b.Scalar(f32, negZero)) }, true},
		{"-0 add", func(b *ir.Builder, x *ir.Value) *ir.Value { return b.Add(b.Scalar(f32, negZero), x) }, true},
		{"add +0", func(b *ir.Builder, x *ir.Value) *ir.Value { return b.Add(x, b.Scalar(f32, 0)) }, false},
		{"sub +0", func(b *ir.Builder, x *ir.Value) *ir.Value { return b.Sub(x, b.Scalar(f32, 0)) }, true},
		{"sub -0", func(b *ir.Builder, x *ir.Value) *ir.Value { return b.Sub(x, b.Scalar(f32, negZero)) }, false},
		{"zero sub", func(b *ir.Builder, x *ir.Value) *ir.Value { return b.Sub(b.Scalar(f32, 0), x) }, false},
		{"mul 1", func(b *ir.Builder, x *ir.Value) *ir.Value { return b.Mul(x, b.Scalar(f32, 1)) }, true},
		{"1 mul", func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Mul(b.Const(f32, ir.Shape{3}, []float64{1, 1, 1}), x)
		}, true},
		{"mul 0", func(b *ir.Builder, x *ir.Value) *ir.Value { return b.Mul(x, b.Scalar(f32, 0)) }, false},
		{"mul mixed", func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Mul(x, b.Const(f32, ir.Shape{3}, []float64{1, 2, 1}))
		}, false},
		{"div 1", func(b *ir.Builder, x *ir.Value) *ir.Value { return b.Div(x, b.Scalar(f32, 1)) }, true},
		{"1 div", func(b *ir.Builder, x *ir.Value) *ir.Value { return b.Div(b.Scalar(f32, 1), x) }, false},
		{"neg neg", func(b *ir.Builder, x *ir.Value) *ir.Value { return b.Neg(b.Neg(x)) }, true},
		{"cast same", func(b *ir.Builder, x *ir.Value) *ir.Value { return b.Cast(x, f32) }, true},
		{"cast other", func(b *ir.Builder, x *ir.Value) *ir.Value { return b.Cast(b.Cast(x, f64), f32) }, false},
		{"reshape same", func(b *ir.Builder, x *ir.Value) *ir.Value { return b.Reshape(x, ir.Shape{N, 3}) }, true},
		{"broadcast same", func(b *ir.Builder, x *ir.Value) *ir.Value { return b.Broadcast(x, ir.Shape{N, 3}) }, true},
		{"transpose identity", func(b *ir.Builder, x *ir.Value) *ir.Value { return b.Transpose(x, []int{0, 1}) }, true},
		{"slice whole", func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Slice(x, []int{0, 0}, []int{N, 3})
		}, true},
		{"slice part", func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Concat(1, b.Slice(x, []int{0, 0}, []int{N, 2}), b.Slice(x, []int{0, 2}, []int{N, 3}))
		}, false},
		{"sum no axes", func(b *ir.Builder, x *ir.Value) *ir.Value { return b.Sum(x, nil, false) }, true},
		{"select same", func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Select(b.Binary(ir.OpGt, x, b.Scalar(f32, 0)), x, x)
		}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := newBuilder(t)
			x := b.Input("x", f32, ir.Shape{N, 3})
			b.G.SetOutput("output", tc.make(b, x))
			runPass(t, "simplify", b.G)
			if got := b.G.Output("output") == x; got != tc.same {
				t.Errorf("output replaced by x: %v, want %v\n%s", got, tc.same, b.G)
			}
		})
	}
}

func TestSimplifyKeepsBroadcast(t *testing.T) {
	b := newBuilder(t)
	x := b.Input("x", f32, ir.Shape{3})
	mul := b.Mul(x, b.Const(f32, ir.Shape{2, 3}, []float64{1, 1, 1, 1, 1, 1}))
	b.G.SetOutput("output", mul)
	runPass(t, "simplify", b.G)
	if b.G.Output("output") != mul {
		t.Errorf("x * ones broadcast to a larger shape was replaced:\n%s", b.G)
	}
}

func TestSimplifyIntegerZero(t *testing.T) {
	b := newBuilder(t)
	x := b.Input("x", ir.I32, ir.Shape{N})
	b.G.SetOutput("output", b.Add(x, b.Scalar(ir.I32, 0)))
	runPass(t, "simplify", b.G)
	if b.G.Output("output") != x {
		t.Errorf("i32 x + 0 not replaced by x:\n%s", b.G)
	}
}

func TestSimplifyChainsAndUpdates(t *testing.T) {
	b := newBuilder(t)
	x := b.Input("x", f32, ir.Shape{N, 3})
	s := b.State("s", f32, ir.Shape{3}, ir.Init{})
	one := b.Scalar(f32, 1)
	y := b.Mul(b.Mul(x, one), one)         // both muls go
	s1 := b.Div(b.Exp(b.Div(s, one)), one) // the exp stays and takes s
	b.G.SetOutput("output", y)
	b.G.AddUpdate(s, s1)
	runPass(t, "simplify", b.G)
	runPass(t, "dce", b.G)

	w := newBuilder(t)
	wx := w.Input("x", f32, ir.Shape{N, 3})
	ws := w.State("s", f32, ir.Shape{3}, ir.Init{})
	w.G.SetOutput("output", wx)
	w.G.AddUpdate(ws, w.Exp(ws))
	if d := diffGraphs(b.G, w.G); d != "" {
		t.Error(d)
	}
}

func TestDCE(t *testing.T) {
	b := newBuilder(t)
	x := b.Input("x", f32, ir.Shape{N, 3})
	unused := b.Input("unused", f32, ir.Shape{N})
	p := b.Param("p", f32, ir.Shape{3}, ir.Init{})
	s := b.State("s", f32, ir.Shape{3}, ir.Init{})
	dead := b.Exp(b.Add(x, b.Scalar(f32, 5)))
	_ = unused
	_ = dead
	b.G.SetOutput("output", b.Mul(x, p))
	b.G.AddUpdate(s, b.Add(s, b.Scalar(f32, 1)))
	runPass(t, "dce", b.G)

	w := newBuilder(t)
	wx := w.Input("x", f32, ir.Shape{N, 3})
	w.Input("unused", f32, ir.Shape{N})
	wp := w.Param("p", f32, ir.Shape{3}, ir.Init{})
	ws := w.State("s", f32, ir.Shape{3}, ir.Init{})
	wmul := w.Mul(wx, wp)
	w.G.SetOutput("output", wmul)
	w.G.AddUpdate(ws, w.Add(ws, w.Scalar(f32, 1)))
	// dce keeps definition order: the surviving mul comes before the update's ops.
	if d := diffGraphs(b.G, w.G); d != "" {
		t.Error(d)
	}
}
