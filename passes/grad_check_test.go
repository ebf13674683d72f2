package passes

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/ir/interp"
)

// Finite-difference checks of the differentiation rules, in f64.

const (
	fdStep = 1e-6 // central difference step h
	fdTol  = 1e-6 // tolerance relative to max(1, |gradient|)
)

// gradInput is an input of a gradient check: a float input is differentiated,
// integer and bool inputs (indices, conditions) are not.
type gradInput struct {
	name  string
	dtype ir.DType
	shape ir.Shape
	gen   func(r *rand.Rand) float64
}

func fdUniform(lo, hi float64) func(*rand.Rand) float64 {
	return func(r *rand.Rand) float64 { return lo + (hi-lo)*r.Float64() }
}

// fdAwayFromZero draws from ±[0.1, 2], keeping clear of the kinks of abs and relu and
// of the pole of div.
func fdAwayFromZero(r *rand.Rand) float64 {
	x := 0.1 + 1.9*r.Float64()
	if r.IntN(2) == 0 {
		return -x
	}
	return x
}

func fdInput(name string, shape ir.Shape) gradInput {
	return gradInput{name, ir.F64, shape, fdUniform(-2, 2)}
}

func fdInputGen(name string, shape ir.Shape, gen func(*rand.Rand) float64) gradInput {
	return gradInput{name, ir.F64, shape, gen}
}

func fdIndexInput(name string, shape ir.Shape, below int) gradInput {
	return gradInput{name, ir.I32, shape, func(r *rand.Rand) float64 { return float64(r.IntN(below)) }}
}

func fdBoolInput(name string, shape ir.Shape) gradInput {
	return gradInput{name, ir.Bool, shape, func(r *rand.Rand) float64 { return float64(r.IntN(2)) }}
}

// gradCase checks the gradient of one op. build receives the inputs in order and
// returns the op's value u; the check differentiates y = sum(u * w) for a random
// input w of u's shape.
type gradCase struct {
	name  string
	op    ir.Op
	in    []gradInput
	build func(b *ir.Builder, in []*ir.Value) *ir.Value
}

// gradGraph builds y = sum(u * w) from c and its gradients with respect to c's float
// inputs, as outputs "y" and "d_" + input name.
func gradGraph(t *testing.T, c gradCase) *ir.Graph {
	t.Helper()
	g := ir.NewGraph(c.name, 4)
	b := ir.NewBuilder(g)
	var ins, wrt []*ir.Value
	for _, in := range c.in {
		v := b.Input(in.name, in.dtype, in.shape)
		ins = append(ins, v)
		if in.dtype.IsFloat() {
			wrt = append(wrt, v)
		}
	}
	u := c.build(b, ins)
	if u.Op != c.op {
		t.Fatalf("case builds %s, want %s", u.Op, c.op)
	}

	w := b.Input("w", u.DType, u.Shape)
	y := b.Sum(b.Mul(u, w), ir.AllAxes(u.Shape.Rank()), false)
	if err := b.Err(); err != nil {
		t.Fatalf("building: %v", err)
	}
	g.SetOutput("y", y)

	grads, err := Grad(g, y, wrt)
	if err != nil {
		t.Fatalf("Grad: %v", err)
	}
	for i, gr := range grads {
		g.SetOutput("d_"+wrt[i].Attrs.Name, gr)
	}
	if err := ir.Verify(g); err != nil {
		t.Fatalf("Verify after Grad: %v", err)
	}
	return g
}

// fdRandomFeeds returns a feed for every input of g at batch extent n. The inputs
// listed in in are drawn with their gen, and w and other inputs from [-2, 2].
func fdRandomFeeds(g *ir.Graph, in []gradInput, n int, r *rand.Rand) map[string]*interp.Tensor {
	feeds := make(map[string]*interp.Tensor)
	for _, v := range g.Inputs() {
		gen := fdUniform(-2, 2)
		for _, i := range in {
			if i.name == v.Attrs.Name {
				gen = i.gen
			}
		}
		shape := []int(v.Shape.Clone())
		if v.Shape.HasBatch() {
			shape[0] = n
		}
		data := make([]float64, v.Shape.Elems(n))
		for i := range data {
			data[i] = gen(r)
		}
		feeds[v.Attrs.Name] = interp.NewTensor(v.DType, shape, data)
	}
	return feeds
}

// checkFiniteDifferences compares every gradient output "d_<input>" of g with
// central differences of output "y" in each element of that input.
func checkFiniteDifferences(t *testing.T, g *ir.Graph, n int, feeds map[string]*interp.Tensor) {
	t.Helper()
	outs, _, err := interp.Run(g, n, feeds)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	for _, o := range g.Outputs {
		name, ok := strings.CutPrefix(o.Name, "d_")
		if !ok {
			continue
		}
		got := outs[o.Name]
		x := feeds[name]
		for i := range x.Data {
			fd := centralDifference(t, g, n, feeds, name, i, "y")
			if !gradClose(got.Data[i], fd) {
				t.Errorf("n=%d: d y/d %s[%d] = %.12g, finite difference %.12g", n, name, i, got.Data[i], fd)
			}
		}
	}
}

// centralDifference returns (f(x+h) - f(x-h)) / 2h for the scalar output out of g,
// where x is element i of the feed called name.
func centralDifference(t *testing.T, g *ir.Graph, n int, feeds map[string]*interp.Tensor, name string, i int, out string) float64 {
	t.Helper()
	at := func(delta float64) float64 {
		f := make(map[string]*interp.Tensor, len(feeds))
		for k, v := range feeds {
			f[k] = v
		}
		x := feeds[name].Clone()
		x.Data[i] += delta
		f[name] = x
		outs, _, err := interp.Run(g, n, f)
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		return outs[out].Data[0]
	}
	return (at(fdStep) - at(-fdStep)) / (2 * fdStep)
}

func gradClose(got, want float64) bool {
	return math.Abs(got-want) <= fdTol*max(1, math.Abs(want))
}

// TestGradFiniteDifferences checks every case at batch extents 1 and 3.
func TestGradFiniteDifferences(t *testing.T) {
	for _, c := range gradCases() {
		t.Run(c.name, func(t *testing.T) {
			g := gradGraph(t, c)
			r := rand.New(rand.NewPCG(1, 2))
			for _, n := range []int{1, 3} {
				checkFiniteDifferences(t, g, n, fdRandomFeeds(g, c.in, n, r))
			}
		})
	}
}

// TestGradEveryOpHasRule fails when a non-source op has no entry in gradRules, or a
// differentiable op (one with a rule) has no finite-difference case.
func TestGradEveryOpHasRule(t *testing.T) {
	covered := make(map[ir.Op]bool)
	for _, c := range gradCases() {
		covered[c.op] = true
	}
	for _, op := range ir.Ops() {
		if op.IsSource() {
			continue
		}
		rule, ok := gradRules[op]
		switch {
		case !ok:
			t.Errorf("op %s has no entry in gradRules", op)
		case rule != nil && !covered[op]:
			t.Errorf("op %s has a differentiation rule but no finite-difference case", op)
		}
	}
	if _, ok := gradRules[ir.OpInput]; ok {
		t.Error("gradRules has an entry for the source op input")
	}
}
