package passes

import (
	"math"
	"strings"
	"testing"

	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/ir/interp"
)

func gradTensor(shape []int, data ...float64) *interp.Tensor {
	return interp.NewTensor(ir.F64, shape, data)
}

// runGrad returns y = sum(f(x...)) with its gradients as outputs "y" and "d0",
// "d1", ... evaluated at batch extent n on feeds.
func runGrad(t *testing.T, n int, feeds map[string]*interp.Tensor, build func(b *ir.Builder) ([]*ir.Value, *ir.Value)) map[string]*interp.Tensor {
	t.Helper()
	g := ir.NewGraph("grad", 4)
	b := ir.NewBuilder(g)
	wrt, u := build(b)
	y := b.Sum(u, ir.AllAxes(u.Shape.Rank()), false)
	if err := b.Err(); err != nil {
		t.Fatal(err)
	}
	g.SetOutput("y", y)
	grads, err := Grad(g, y, wrt)
	if err != nil {
		t.Fatalf("Grad: %v", err)
	}
	for i, d := range grads {
		g.SetOutput("d"+string(rune('0'+i)), d)
	}
	if err := ir.Verify(g); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	outs, _, err := interp.Run(g, n, feeds)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return outs
}

func checkGradValues(t *testing.T, name string, got *interp.Tensor, want ...float64) {
	t.Helper()
	if len(got.Data) != len(want) {
		t.Fatalf("%s: %d elements, want %d", name, len(got.Data), len(want))
	}
	for i, w := range want {
		g := got.Data[i]
		if g != w && !(math.IsNaN(g) && math.IsNaN(w)) {
			t.Errorf("%s[%d] = %v, want %v (all: %v)", name, i, g, w, got.Data)
		}
	}
}

func TestGradReluAbsAtZero(t *testing.T) {
	feeds := map[string]*interp.Tensor{"x": gradTensor([]int{3}, -1, 0, 2)}
	for _, tt := range []struct {
		op   ir.Op
		want []float64
	}{
		{ir.OpRelu, []float64{0, 0, 1}},
		{ir.OpAbs, []float64{-1, 0, 1}},
	} {
		outs := runGrad(t, 1, feeds, func(b *ir.Builder) ([]*ir.Value, *ir.Value) {
			x := b.Input("x", ir.F64, gradShape(3))
			return []*ir.Value{x}, b.Unary(tt.op, x)
		})
		checkGradValues(t, tt.op.String()+"'", outs["d0"], tt.want...)
	}
}

// TestGradMaxMinTies checks torch.maximum's and torch.minimum's rule: equal
// operands each get half, and NaN sends the whole gradient to both.
func TestGradMaxMinTies(t *testing.T) {
	feeds := map[string]*interp.Tensor{
		"x": gradTensor([]int{4}, 1, 2, 3, math.NaN()),
		"y": gradTensor([]int{4}, 1, 3, 2, 1),
	}
	for _, tt := range []struct {
		op     ir.Op
		dx, dy []float64
	}{
		{ir.OpMax, []float64{0.5, 0, 1, 1}, []float64{0.5, 1, 0, 1}},
		{ir.OpMin, []float64{0.5, 1, 0, 1}, []float64{0.5, 0, 1, 1}},
	} {
		outs := runGrad(t, 1, feeds, func(b *ir.Builder) ([]*ir.Value, *ir.Value) {
			x, y := b.Input("x", ir.F64, gradShape(4)), b.Input("y", ir.F64, gradShape(4))
			return []*ir.Value{x, y}, b.Binary(tt.op, x, y)
		})
		checkGradValues(t, tt.op.String()+" dx", outs["d0"], tt.dx...)
		checkGradValues(t, tt.op.String()+" dy", outs["d1"], tt.dy...)
	}
}

func TestGradMaxTiesBroadcast(t *testing.T) {
	feeds := map[string]*interp.Tensor{"x": gradTensor([]int{2, 2}, 1, 0, 1, 2), "y": gradTensor([]int{}, 1)}
	outs := runGrad(t, 2, feeds, func(b *ir.Builder) ([]*ir.Value, *ir.Value) {
		x, y := b.Input("x", ir.F64, gradShape(dimN, 2)), b.Input("y", ir.F64, gradShape())
		return []*ir.Value{x, y}, b.Binary(ir.OpMax, x, y)
	})
	checkGradValues(t, "dx", outs["d0"], 0.5, 0, 0.5, 1)
	checkGradValues(t, "dy", outs["d1"], 0.5+1+0.5+0)
}

// TestGradReduceMaxTies checks the amax rule: ties share the gradient evenly, and a
// NaN maximum gives NaN gradients to its group.
func TestGradReduceMaxTies(t *testing.T) {
	feeds := map[string]*interp.Tensor{"x": gradTensor([]int{4, 3},
		1, 3, 3,
		2, 0, 1,
		2, 2, 2,
		math.NaN(), 0, 1)}
	outs := runGrad(t, 4, feeds, func(b *ir.Builder) ([]*ir.Value, *ir.Value) {
		x := b.Input("x", ir.F64, gradShape(dimN, 3))
		return []*ir.Value{x}, b.Reduce(ir.OpReduceMax, x, []int{1}, false)
	})
	nan := math.NaN()
	checkGradValues(t, "dx", outs["d0"], 0, 0.5, 0.5, 1, 0, 0, 1.0/3, 1.0/3, 1.0/3, nan, nan, nan)
}

// TestGradPowAtZero checks PyTorch's guards at a zero base and zero exponent.
func TestGradPowAtZero(t *testing.T) {
	feeds := map[string]*interp.Tensor{
		"x": gradTensor([]int{5}, 0, 0, 0, 0, 2),
		"y": gradTensor([]int{5}, 2, 0, 0.5, -1, 3),
	}
	outs := runGrad(t, 1, feeds, func(b *ir.Builder) ([]*ir.Value, *ir.Value) {
		x, y := b.Input("x", ir.F64, gradShape(5)), b.Input("y", ir.F64, gradShape(5))
		return []*ir.Value{x, y}, b.Binary(ir.OpPow, x, y)
	})
	inf := math.Inf(1)
	// d/dx = y*x^(y-1): 2*0, guarded 0, 0.5*0^-0.5, -1*0^-2, 3*4.
	checkGradValues(t, "dx", outs["d0"], 0, 0, inf, -inf, 12)
	// d/dy = x^y*log(x): guarded 0 where x == 0 and y >= 0, else inf*-inf.
	checkGradValues(t, "dy", outs["d1"], 0, 0, 0, -inf, 8*math.Ln2)
}

// TestGradMeanPartialBatch checks that the gradient of a batch mean divides by the
// run-time extent n, not MaxBatch.
func TestGradMeanPartialBatch(t *testing.T) {
	for _, n := range []int{1, 3} {
		feeds := map[string]*interp.Tensor{"x": interp.Zeros(ir.F64, []int{n, 2})}
		outs := runGrad(t, n, feeds, func(b *ir.Builder) ([]*ir.Value, *ir.Value) {
			x := b.Input("x", ir.F64, gradShape(dimN, 2))
			return []*ir.Value{x}, b.Mean(x, []int{0}, false)
		})
		want := make([]float64, 2*n)
		for i := range want {
			want[i] = 1 / float64(n)
		}
		checkGradValues(t, "dx", outs["d0"], want...)
	}
}

// TestGradNoDependence checks the zero gradients of values y does not depend on,
// directly or only through ops without a gradient.
func TestGradNoDependence(t *testing.T) {
	feeds := map[string]*interp.Tensor{"x": gradTensor([]int{2, 3}, 1, -2, 3, 4, 5, -6), "w": gradTensor([]int{3}, 1, 2, 3)}
	outs := runGrad(t, 2, feeds, func(b *ir.Builder) ([]*ir.Value, *ir.Value) {
		x, w := b.Input("x", ir.F64, gradShape(dimN, 3)), b.Input("w", ir.F64, gradShape(3))
		am := b.Cast(b.Reduce(ir.OpArgMax, x, []int{1}, false), ir.F64)
		cmp := b.Cast(b.Binary(ir.OpGt, x, b.ScalarLike(x, 0)), ir.F64)
		u := b.Add(b.Add(b.Unary(ir.OpSign, x), cmp), b.Reshape(am, gradShape(dimN, 1)))
		return []*ir.Value{x, w}, b.Add(u, b.Size(x, []int{0}, ir.F64))
	})
	checkGradValues(t, "dx", outs["d0"], 0, 0, 0, 0, 0, 0)
	checkGradValues(t, "dw", outs["d1"], 0, 0, 0)
}

func TestGradWithSeedVJP(t *testing.T) {
	g := ir.NewGraph("vjp", 4)
	b := ir.NewBuilder(g)
	x := b.Input("x", ir.F64, gradShape(dimN, 2))
	s := b.Input("s", ir.F64, gradShape(dimN, 2))
	y := b.Mul(x, x)
	grads, err := GradWithSeed(g, y, s, []*ir.Value{x})
	if err != nil {
		t.Fatal(err)
	}
	g.SetOutput("dx", grads[0])
	outs, _, err := interp.Run(g, 2, map[string]*interp.Tensor{
		"x": gradTensor([]int{2, 2}, 1, 2, 3, 4), "s": gradTensor([]int{2, 2}, 1, -1, 0.5, 2)})
	if err != nil {
		t.Fatal(err)
	}
	checkGradValues(t, "dx", outs["dx"], 2, -4, 3, 16)
}

func TestGradErrors(t *testing.T) {
	g := ir.NewGraph("g", 4)
	b := ir.NewBuilder(g)
	x := b.Input("x", ir.F64, gradShape(dimN, 2))
	idx := b.Input("i", ir.I32, gradShape(dimN))
	v := b.Mul(x, x)
	y := b.Sum(v, []int{0, 1}, false)
	other := ir.NewBuilder(ir.NewGraph("other", 1)).Input("z", ir.F64, gradShape())
	wrong := b.Input("s", ir.F64, gradShape(2))
	tests := []struct {
		name string
		err  func() error
		want string
	}{
		{"vector_y", func() error { _, err := Grad(g, v, []*ir.Value{x}); return err }, "not a scalar"},
		{"int_wrt", func() error { _, err := Grad(g, y, []*ir.Value{idx}); return err }, "dtype i32"},
		{"foreign_y", func() error { _, err := Grad(g, other, []*ir.Value{x}); return err }, "not a value of graph g"},
		{"foreign_wrt", func() error { _, err := Grad(g, y, []*ir.Value{other}); return err }, "not a value of graph g"},
		{"seed_shape", func() error { _, err := GradWithSeed(g, v, wrong, []*ir.Value{x}); return err }, "want f64[N,2]"},
	}
	n := len(g.Values)
	for _, tt := range tests {
		err := tt.err()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
	if len(g.Values) != n {
		t.Errorf("failed Grad calls left %d values in the graph", len(g.Values)-n)
	}
}

// TestGradPositionsAndPruning checks that gradient ops carry the position of the
// forward value they differentiate, and that Grad leaves no value the gradients do
// not use (here the gradient of the input x, which is not requested).
func TestGradPositionsAndPruning(t *testing.T) {
	g := ir.NewGraph("g", 4)
	b := ir.NewBuilder(g)
	x := b.At(ir.Pos{File: "m.nnc", Line: 1}).Input("x", ir.F64, gradShape(dimN, 3))
	w := b.At(ir.Pos{File: "m.nnc", Line: 2}).Param("w", ir.F64, gradShape(3, 2), ir.Init{})
	h := b.At(ir.Pos{File: "m.nnc", Line: 3}).MatMul(x, w, false, false)
	y := b.At(ir.Pos{File: "m.nnc", Line: 4}).Sum(b.Unary(ir.OpTanh, h), []int{0, 1}, false)

	start := len(g.Values)
	grads, err := Grad(g, y, []*ir.Value{w})
	if err != nil {
		t.Fatal(err)
	}
	appended := g.Values[start:]
	used := make(map[*ir.Value]bool)
	for _, v := range appended {
		if !v.Pos.IsKnown() || v.Pos.Line < 3 {
			t.Errorf("gradient value %s has position %s, want line 3 or 4", v, v.Pos)
		}
		for _, a := range v.Args {
			used[a] = true
		}
	}

	matmuls := 0
	for _, v := range appended {
		if v.Op == ir.OpMatMul {
			matmuls++
		}
		if !used[v] && v != grads[0] {
			t.Errorf("gradient value %s is unused", v)
		}
	}
	if matmuls != 1 {
		t.Errorf("%d matmuls in the gradient, want 1 (the weight gradient only)", matmuls)
	}
}

// TestGradCastThroughF32 checks the cast rule across dtypes: the gradient of
// x -> f32 -> f64 is the upstream gradient rounded to float32.
func TestGradCastThroughF32(t *testing.T) {
	feeds := map[string]*interp.Tensor{"x": gradTensor([]int{2}, 1, 2), "w": gradTensor([]int{2}, 0.1, -1.3)}
	outs := runGrad(t, 1, feeds, func(b *ir.Builder) ([]*ir.Value, *ir.Value) {
		x, w := b.Input("x", ir.F64, gradShape(2)), b.Input("w", ir.F64, gradShape(2))
		return []*ir.Value{x}, b.Mul(b.Cast(b.Cast(x, ir.F32), ir.F64), w)
	})
	checkGradValues(t, "dx", outs["d0"], float64(float32(0.1)), float64(float32(-1.3)))
}
