package codegen

import (
	"testing"

	"github.com/nncc/nncc/ir"
)

// logSoftmaxCases returns predict-only cases of the log_softmax op, each followed
// by a twin that computes log_softmax from the primitives reduce_max, sub, exp,
// sum, log and sub. The runtime kernel does those loops' operations in their order,
// so each twin's results must equal the op's bit for bit.
func logSoftmaxCases(t *testing.T) []*genCase {
	t.Helper()
	tests := []struct {
		name  string
		dt    ir.DType
		shape ir.Shape
		axis  int
		opts  caseOpts
	}{
		{"log_softmax_last", ir.F32, ir.Shape{ir.Batch, 3, 10}, 2, caseOpts{x: wide}},
		{"log_softmax_specials", ir.F32, ir.Shape{ir.Batch, 6}, 1, caseOpts{x: withSpecials}},
		{"log_softmax_middle", ir.F32, ir.Shape{ir.Batch, 5, 3}, 1, caseOpts{}},
		{"log_softmax_batch", ir.F32, ir.Shape{ir.Batch, 3}, 0, caseOpts{}},
		{"log_softmax_long", ir.F32, ir.Shape{ir.Batch, 1100}, 1, caseOpts{x: wide}},
		{"log_softmax_wide_inner", ir.F32, ir.Shape{ir.Batch, 3, 300}, 1, caseOpts{x: withSpecials}},
		{"log_softmax_f64", ir.F64, ir.Shape{ir.Batch, 4, 3}, -1, caseOpts{x: withSpecials}},
	}
	var cases []*genCase
	for _, tc := range tests {
		build := func(name string, f func(b *ir.Builder, x *ir.Value) *ir.Value) *ir.Graph {
			return buildGraph(t, name, opMaxBatch, func(b *ir.Builder) {
				x := b.Input("x", tc.dt, tc.shape)
				b.G.SetOutput("output", f(b, x))
			})
		}
		op := build(tc.name, func(b *ir.Builder, x *ir.Value) *ir.Value { return b.LogSoftmax(x, tc.axis) })
		c := newCase(tc.name, predictProgram(op, planReuse), tc.opts)
		c.check = func(t *testing.T, _ harnessResult) { checkUsesOp(t, c, ir.OpLogSoftmax) }

		composite := build(tc.name+"_composite", func(b *ir.Builder, x *ir.Value) *ir.Value {
			ax := tc.axis
			if ax < 0 {
				ax += x.Shape.Rank()
			}
			s := b.Sub(x, b.Reduce(ir.OpReduceMax, x, []int{ax}, true))
			return b.Sub(s, b.Log(b.Sum(b.Exp(s), []int{ax}, true)))
		})
		twin := *c
		twin.name = tc.name + "_composite"
		twin.prog = predictProgram(composite, planReuse)
		twin.check = nil
		twin.sameAs = c.name
		cases = append(cases, c, &twin)
	}
	return cases
}

// checkUsesOp fails t unless the predict function of c computes a value with op.
func checkUsesOp(t *testing.T, c *genCase, op ir.Op) {
	t.Helper()
	for _, v := range c.prog.Predict.Schedule {
		if v.Op == op {
			return
		}
	}
	t.Errorf("the predict function has no %s", op)
}
