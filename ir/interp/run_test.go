package interp

import (
	"strings"
	"testing"

	"github.com/nncc/nncc/ir"
)

// TestEveryOpHasCase fails when an op of ir.Ops() has no forward case, so a new op
// cannot go untested.
func TestEveryOpHasCase(t *testing.T) {
	covered := map[ir.Op]bool{ir.OpInput: true, ir.OpParam: true, ir.OpState: true}
	tables := [][]opCase{unaryCases, binaryCases, compareCases, otherElementwiseCases,
		reduceCases, matMulCases, layoutCases, indexCases, convCases, randomCases, softmaxCases}
	for _, cases := range tables {
		for _, c := range cases {
			_, v := buildCase(t, c)
			covered[v.Op] = true
		}
	}
	covered[ir.OpConst] = true // TestRunSourcesAndUpdates evaluates constants
	for _, op := range ir.Ops() {
		if !covered[op] {
			t.Errorf("op %s has no forward test case", op)
		}
	}
}

func TestRunSourcesAndUpdates(t *testing.T) {
	g := ir.NewGraph("train", 4)
	b := ir.NewBuilder(g)
	x := b.Input("x", ir.F32, sh(ir.Batch, 2))
	w := b.Param("w", ir.F32, sh(2), ir.Init{Kind: ir.InitConst, Value: 0.5})
	step := b.State("step", ir.I64, sh(), ir.Init{})
	c := b.Const(ir.F32, sh(2), []float64{1, 0.1})
	y := b.Mul(b.Add(x, w), c)
	g.SetOutput("y", y)
	g.AddUpdate(step, b.Add(step, b.Scalar(ir.I64, 1)))
	g.AddUpdate(w, b.Sub(w, b.Mean(y, []int{0}, false)))
	if err := b.Err(); err != nil {
		t.Fatal(err)
	}

	_, _, err := Run(g, 3, map[string]*Tensor{"x": f64([]int{3, 2}, 1, 2, 3, 4, 5, 6)})
	if err == nil {
		t.Fatal("Run: a f64 feed for a f32 input gave no error")
	}
	outs, ups, err := Run(g, 3, map[string]*Tensor{"x": NewTensor(ir.F32, []int{3, 2}, []float64{1, 2, 3, 4, 5, 6})})
	if err != nil {
		t.Fatal(err)
	}
	// y = (x + 0.5) * [1, 0.1], with 0.1 and the products rounded to float32.
	tenth := float64(float32(0.1))
	r := func(x float64) float64 { return float64(float32(x)) }
	checkTensor(t, outs["y"], NewTensor(ir.F32, []int{3, 2},
		[]float64{1.5, r(2.5 * tenth), 3.5, r(4.5 * tenth), 5.5, r(6.5 * tenth)}))
	checkTensor(t, ups["step"], NewTensor(ir.I64, []int{}, []float64{1}))
	// The mean sums in float64 and rounds once.
	mean1 := r((r(2.5*tenth) + r(4.5*tenth) + r(6.5*tenth)) / 3)
	checkTensor(t, ups["w"], NewTensor(ir.F32, []int{2}, []float64{0.5 - 3.5, r(0.5 - mean1)}))
}

func TestRunErrors(t *testing.T) {
	g := ir.NewGraph("g", 2)
	b := ir.NewBuilder(g)
	x := b.Input("x", ir.F64, sh(ir.Batch, 2))
	w := b.Param("w", ir.F64, sh(2), ir.Init{Kind: ir.InitNormal, Std: 1})
	g.SetOutput("y", b.Mul(x, w))
	if err := b.Err(); err != nil {
		t.Fatal(err)
	}
	xs := f64([]int{2, 2}, 1, 2, 3, 4)
	ws := f64([]int{2}, 1, 1)
	tests := []struct {
		name  string
		n     int
		feeds map[string]*Tensor
		want  string
	}{
		{"missing_input", 2, map[string]*Tensor{"w": ws}, `input "x": missing feed`},
		{"random_init_param", 2, map[string]*Tensor{"x": xs}, `param "w": missing feed`},
		{"wrong_batch", 1, map[string]*Tensor{"x": xs, "w": ws}, "want f64[1,2]"},
		{"batch_above_max", 3, map[string]*Tensor{"x": xs, "w": ws}, "outside [1, 2]"},
		{"batch_zero", 0, map[string]*Tensor{"x": xs, "w": ws}, "outside [1, 2]"},
	}
	for _, tt := range tests {
		_, _, err := Run(g, tt.n, tt.feeds)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

// TestEvalSkipsDeadValues checks that values no output needs are not evaluated: the
// dead gather would fail on its index and its input has no feed.
func TestEvalSkipsDeadValues(t *testing.T) {
	g := ir.NewGraph("g", 1)
	b := ir.NewBuilder(g)
	x := b.Input("x", ir.F64, sh(2))
	b.Gather(b.Const(ir.F64, sh(2), []float64{1, 2}), b.Input("unused", ir.I32, sh(1)), 0)
	y := b.Neg(x)
	g.SetOutput("y", y)
	vals, err := Eval(g, 1, map[string]*Tensor{"x": f64([]int{2}, 1, 2)})
	if err != nil {
		t.Fatal(err)
	}
	if len(vals) != 2 {
		t.Errorf("Eval returned %d values, want 2 (x and y)", len(vals))
	}
	checkTensor(t, vals[y], f64([]int{2}, -1, -2))
}

func TestEvalOpChecksOperands(t *testing.T) {
	g := ir.NewGraph("g", 4)
	b := ir.NewBuilder(g)
	v := b.Neg(b.Input("x", ir.F64, sh(ir.Batch, 2)))
	if _, err := EvalOp(v, []*Tensor{f64([]int{3, 2}, 1, 2, 3, 4, 5, 6)}, 2); err == nil {
		t.Error("EvalOp: operand with batch 3 at n=2 gave no error")
	}
	if _, err := EvalOp(v, []*Tensor{NewTensor(ir.F32, []int{2, 2}, make([]float64, 4))}, 2); err == nil {
		t.Error("EvalOp: f32 operand for a f64 value gave no error")
	}
	if _, err := EvalOp(v, nil, 2); err == nil {
		t.Error("EvalOp: missing operand gave no error")
	}
	if _, err := EvalOp(v.Args[0], nil, 2); err == nil {
		t.Error("EvalOp: an input gave no error")
	}
	got, err := EvalOp(v, []*Tensor{f64([]int{2, 2}, 1, 2, 3, 4)}, 2)
	if err != nil {
		t.Fatal(err)
	}
	checkTensor(t, got, f64([]int{2, 2}, -1, -2, -3, -4))
}

func TestNewTensorPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("NewTensor with 3 elements for shape [2,2] did not panic")
		}
	}()
	NewTensor(ir.F64, []int{2, 2}, []float64{1, 2, 3})
}

func TestRoundTo(t *testing.T) {
	tests := []struct {
		dt   ir.DType
		x    float64
		want float64
	}{
		{ir.F32, 0.1, float64(float32(0.1))},
		{ir.F64, 0.1, 0.1},
		{ir.I32, -2.9, -2},
		{ir.I32, 1 << 31, -(1 << 31)},
		{ir.I64, nan, 0},
		{ir.I64, 1e300, 1<<63 - 1},
		{ir.Bool, -3, 1},
		{ir.Bool, 0, 0},
	}
	for _, tt := range tests {
		if got := roundTo(tt.dt, tt.x); got != tt.want {
			t.Errorf("roundTo(%s, %v) = %v, want %v", tt.dt, tt.x, got, tt.want)
		}
	}
}
