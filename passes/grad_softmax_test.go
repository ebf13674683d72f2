package passes

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/ir/interp"
)

// softmaxGradCases are the finite-difference cases of log_softmax: along the last,
// a middle and the batch axis.
func softmaxGradCases() []gradCase {
	var cs []gradCase
	for _, c := range []struct {
		name  string
		shape ir.Shape
		axis  int
	}{
		{"last", gradShape(dimN, 4), -1},
		{"middle", gradShape(dimN, 3, 2), 1},
		{"batch", gradShape(dimN, 3), 0},
		{"single", gradShape(dimN, 1), 1},
	} {
		cs = append(cs, gradCase{
			name: "log_softmax_" + c.name,
			op:   ir.OpLogSoftmax,
			in:   []gradInput{fdInputGen("x", c.shape, fdUniform(-3, 3))},
			build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
				return b.LogSoftmax(in[0], c.axis)
			},
		})
	}
	return cs
}

// TestGradLogSoftmaxSecondOrder differentiates a gradient penalty of log_softmax,
// y = sum(w*u) + 0.5*sum(v*d*d) with u = log_softmax(x) and d = dy/dx, so the
// rule's own ops (exp of the result, the sum, the product) are differentiated.
// It checks d y/d x against central differences, in f64.
func TestGradLogSoftmaxSecondOrder(t *testing.T) {
	for _, axis := range []int{1, 0} {
		g := ir.NewGraph("penalty", 4)
		b := ir.NewBuilder(g)
		x := b.Input("x", ir.F64, gradShape(dimN, 3))
		w := b.Input("w", ir.F64, gradShape(dimN, 3))
		v := b.Input("v", ir.F64, gradShape(dimN, 3))
		all := []int{0, 1}
		u := b.LogSoftmax(x, axis)
		inner := b.Sum(b.Mul(u, w), all, false)
		d, err := Grad(g, inner, []*ir.Value{x})
		if err != nil {
			t.Fatal(err)
		}
		penalty := b.Sum(b.Mul(v, b.Mul(d[0], d[0])), all, false)
		y := b.Add(inner, b.Mul(b.ScalarLike(penalty, 0.5), penalty))
		g.SetOutput("y", y)
		dx, err := Grad(g, y, []*ir.Value{x})
		if err != nil {
			t.Fatal(err)
		}
		g.SetOutput("d_x", dx[0])
		if err := ir.Verify(g); err != nil {
			t.Fatalf("Verify: %v", err)
		}
		r := rand.New(rand.NewPCG(9, 10))
		in := []gradInput{fdInputGen("x", x.Shape, fdUniform(-3, 3))}
		for _, n := range []int{1, 3} {
			checkFiniteDifferences(t, g, n, fdRandomFeeds(g, in, n, r))
		}
	}
}

// TestGradLogSoftmaxStructure checks that the gradient of log_softmax is the
// primitive rule: no maximum is taken, and the only exp is that of the result.
func TestGradLogSoftmaxStructure(t *testing.T) {
	g := ir.NewGraph("ce", 4)
	b := ir.NewBuilder(g)
	x := b.Input("x", ir.F32, gradShape(dimN, 5))
	u := b.LogSoftmax(x, 1)
	y := b.Sum(b.Mul(u, u), []int{0, 1}, false)
	start := len(g.Values)
	if _, err := Grad(g, y, []*ir.Value{x}); err != nil {
		t.Fatal(err)
	}
	count := map[ir.Op]int{}
	for _, v := range g.Values[start:] {
		count[v.Op]++
		if v.Op == ir.OpExp && v.Args[0] != u {
			t.Errorf("%s takes exp of %s, want of the log_softmax %s", v, v.Args[0].Ref(), u.Ref())
		}
	}
	if count[ir.OpReduceMax] != 0 || count[ir.OpEq] != 0 || count[ir.OpExp] != 1 {
		t.Errorf("gradient ops %v: want one exp and no reduce_max or eq", count)
	}
}

// TestGradLogSoftmaxInfinities checks the gradient where a logit is -Inf: the
// result there is -Inf and its exp 0, so that element gets its upstream gradient
// unchanged and the others the gradient over the finite logits, as in PyTorch.
func TestGradLogSoftmaxInfinities(t *testing.T) {
	inf := math.Inf(-1)
	outs := runGrad(t, 2, map[string]*interp.Tensor{
		"x": gradTensor([]int{2, 3}, inf, 0, 0, inf, 0, 0),
		"w": gradTensor([]int{2, 3}, 1, 2, 0, 0, 2, 1),
	}, func(b *ir.Builder) ([]*ir.Value, *ir.Value) {
		x := b.Input("x", ir.F64, gradShape(dimN, 3))
		w := b.Input("w", ir.F64, gradShape(dimN, 3))
		// A select picks the weighted entries, as cross-entropy picks the label's.
		u := b.LogSoftmax(x, 1)
		zero := b.ScalarLike(u, 0)
		picked := b.Select(b.Binary(ir.OpGt, w, zero), b.Mul(u, w), zero)
		return []*ir.Value{x}, picked
	})
	// Upstream gradients (1, 2, 0) and (0, 2, 1), both summing to 3; the softmax
	// is (0, 0.5, 0.5) in both rows.
	checkGradValues(t, "d0", outs["d0"], 1, 0.5, -1.5, 0, 0.5, -0.5)
}
