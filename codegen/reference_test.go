package codegen

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/ir/interp"
	"github.com/nncc/nncc/passes"
)

// caseOpts describes how newCase draws the data of a case: x and y generate the input
// elements (standard normal when nil) and w the params (their initializer when
// nil, see initGenerator).
type caseOpts struct {
	x, y, w func(r *rand.Rand) float64
	sizes   []int // batch sizes; default MaxBatch, 1 and MaxBatch-1
	steps   int   // TrainStep calls per batch; default 2
	// panicX and panicWant set the genCase fields of the same names.
	panicX    []float64
	panicWant string
}

func normal(r *rand.Rand) float64 { return r.NormFloat64() }

// roundTo returns x as dtype dt stores it, as the reference interpreter rounds.
func roundTo(dt ir.DType, x float64) float64 {
	switch dt {
	case ir.F32:
		return float64(float32(x))
	case ir.I32, ir.I64:
		return float64(roundInt(dt, x))
	case ir.Bool:
		if x != 0 {
			return 1
		}
	}
	return x
}

// randomTensor returns a tensor of dtype dt and shape s (batch dimension at n) with
// elements drawn by gen and rounded to dt.
func randomTensor(r *rand.Rand, dt ir.DType, s ir.Shape, n int, gen func(*rand.Rand) float64) *interp.Tensor {
	shape := make([]int, len(s))
	for i, d := range s {
		if d == ir.Batch {
			d = n
		}
		shape[i] = d
	}
	t := interp.Zeros(dt, shape)
	for i := range t.Data {
		t.Data[i] = roundTo(dt, gen(r))
	}
	return t
}

// newCase returns a case for prog with random params, state from its initializers
// (random where the initializer is), and random inputs.
func newCase(name string, prog *passes.Program, o caseOpts) *genCase {
	r := rand.New(rand.NewPCG(uint64(len(name)), 7))
	pick := func(g func(*rand.Rand) float64) func(*rand.Rand) float64 {
		if g == nil {
			return normal
		}
		return g
	}
	c := &genCase{name: name, prog: prog, feeds: make(map[string]*interp.Tensor), steps: o.steps, panicX: o.panicX, panicWant: o.panicWant}
	if c.steps == 0 {
		c.steps = 2
	}

	var graphs []*ir.Graph
	for _, f := range []*passes.Function{prog.Predict, prog.Eval, prog.Train} {
		if f != nil {
			graphs = append(graphs, f.Graph)
		}
	}
	for _, g := range graphs {
		for _, v := range g.Values {
			if !v.Op.IsPersistent() || c.feeds[v.Attrs.Name] != nil {
				continue
			}
			gen := initGenerator(v, o.w)
			c.feeds[v.Attrs.Name] = randomTensor(r, v.DType, v.Shape, 1, gen)
		}
	}

	maxBatch := prog.Predict.Graph.MaxBatch
	sizes := o.sizes
	if sizes == nil {
		sizes = []int{maxBatch}
		if maxBatch > 1 {
			sizes = append(sizes, 1)
		}
		if maxBatch > 2 {
			sizes = append(sizes, maxBatch-1)
		}
	}
	x := prog.Predict.Graph.Named("x")
	for _, n := range sizes {
		b := genBatch{n: n, x: randomTensor(r, x.DType, x.Shape, n, pick(o.x))}
		if prog.Eval != nil {
			y := prog.Eval.Graph.Named("y")
			gen := pick(o.y)
			if classes := prog.Module.Classes; o.y == nil && y.DType.IsInt() && classes > 0 {
				// Class labels must be in range: generated code panics on others.
				gen = func(r *rand.Rand) float64 { return float64(r.IntN(classes)) }
			}
			b.y = randomTensor(r, y.DType, y.Shape, n, gen)
		}
		c.batches = append(c.batches, b)
	}
	return c
}

// initGenerator returns the generator of the elements of param or state v. A param
// uses w when it is set. Otherwise a random initializer is sampled, a state with
// zeros or a constant gets that value, and a param gets N(0, 0.25).
func initGenerator(v *ir.Value, w func(*rand.Rand) float64) func(*rand.Rand) float64 {
	in := v.Attrs.Init
	switch {
	case v.Op == ir.OpParam && w != nil:
		return w
	case in.Kind == ir.InitUniform:
		return func(r *rand.Rand) float64 { return in.Lo + (in.Hi-in.Lo)*r.Float64() }
	case in.Kind == ir.InitNormal:
		return func(r *rand.Rand) float64 { return in.Std * r.NormFloat64() }
	case v.Op == ir.OpParam:
		return func(r *rand.Rand) float64 { return 0.5 * r.NormFloat64() }
	}
	return func(*rand.Rand) float64 { return in.Value }
}

// closeTo reports whether got matches want for dtype dt: exactly for integers and
// bool, within rounding for floats (the generated code sums in another order than
// the interpreter), NaN matching NaN.
func closeTo(dt ir.DType, got, want float64) bool {
	if math.IsNaN(want) || math.IsNaN(got) {
		return math.IsNaN(want) && math.IsNaN(got)
	}
	if math.IsInf(want, 0) {
		return got == want
	}
	switch dt {
	case ir.F32:
		return math.Abs(got-want) <= 2e-5*(1+math.Abs(want))
	case ir.F64:
		return math.Abs(got-want) <= 1e-11*(1+math.Abs(want))
	}
	return got == want
}

// compare fails t with the first mismatches between got and want.
func compare(t *testing.T, what string, want *interp.Tensor, got []float64) {
	t.Helper()
	if len(got) != len(want.Data) {
		t.Errorf("%s: %d elements, want %d", what, len(got), len(want.Data))
		return
	}
	bad := 0
	for i := range got {
		if !closeTo(want.DType, got[i], want.Data[i]) {
			if bad < 5 {
				t.Errorf("%s[%d] = %v, want %v", what, i, got[i], want.Data[i])
			}
			bad++
		}
	}
	if bad > 5 {
		t.Errorf("%s: %d mismatches in all", what, bad)
	}
}

// checkCase compares the harness results of c with the reference interpreter.
func checkCase(t *testing.T, c *genCase, res harnessResult) {
	for _, p := range res.Problems {
		t.Error(p)
	}
	if len(res.Batches) != len(c.batches) {
		t.Fatalf("%d batch results, want %d", len(res.Batches), len(c.batches))
	}
	for i, b := range c.batches {
		got := res.Batches[i]
		at := fmt.Sprintf("n=%d", b.n)
		for method, allocs := range got.Allocs {
			if allocs != 0 {
				t.Errorf("%s: %s allocates %v times per call, want 0", at, method, allocs)
			}
		}
		feeds := maps.Clone(c.feeds)
		feeds["x"] = b.x
		if b.y != nil {
			feeds["y"] = b.y
		}
		outs, _ := runInterp(t, c.prog.Predict, b.n, feeds)
		compare(t, at+": Predict", outs["output"], decodeFloats(t, got.Predict))
		if c.prog.Eval == nil {
			continue
		}
		outs, _ = runInterp(t, c.prog.Eval, b.n, feeds)
		compare(t, at+": Evaluate loss", outs["loss"], decodeFloats(t, []string{got.Loss}))
		wantCorrect := -1
		if correct := outs["correct"]; correct != nil {
			wantCorrect = int(correct.Data[0])
		}
		if got.Correct != wantCorrect {
			t.Errorf("%s: Evaluate correct = %d, want %d", at, got.Correct, wantCorrect)
		}
		if c.prog.Saliency != nil {
			checkInputGradient(t, c, at, feeds, b.n, got)
		}
		checkSteps(t, c, at, feeds, b.n, got.Steps)
	}
}

// checkSteps replays the train steps in the interpreter, feeding each step's
// updates to the next, and compares the losses, the correct counts (-1 without a
// "correct" output) and every param and state.
func checkSteps(t *testing.T, c *genCase, at string, feeds map[string]*interp.Tensor, n int, steps []stepResult) {
	t.Helper()
	if len(steps) != c.steps {
		t.Fatalf("%s: %d train steps, want %d", at, len(steps), c.steps)
	}
	for s, got := range steps {
		outs, ups := runInterp(t, c.prog.Train, n, feeds)
		step := fmt.Sprintf("%s: TrainStep %d", at, s+1)
		compare(t, step+" loss", outs["loss"], decodeFloats(t, []string{got.Loss}))
		wantCorrect := -1
		if correct := outs["correct"]; correct != nil {
			wantCorrect = int(correct.Data[0])
		}
		if got.Correct != wantCorrect {
			t.Errorf("%s: LastCorrect = %d, want %d", step, got.Correct, wantCorrect)
		}
		for name, w := range ups {
			feeds[name] = w
		}
		for name := range c.feeds {
			compare(t, step+": "+name, feeds[name], decodeFloats(t, got.Tensors[name]))
		}
	}
}

// runInterp runs f in the reference interpreter and returns its outputs and
// updates by name.
func runInterp(t *testing.T, f *passes.Function, n int, feeds map[string]*interp.Tensor) (outs, ups map[string]*interp.Tensor) {
	t.Helper()
	outs, ups, err := interp.Run(f.Graph, n, feeds)
	if err != nil {
		t.Fatalf("interp.Run(%s, n=%d): %v", f.Name, n, err)
	}
	return outs, ups
}
