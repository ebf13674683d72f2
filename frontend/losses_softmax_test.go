package frontend

import (
	"math"
	"testing"

	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/ir/interp"
)

// TestCrossEntropyUsesLogSoftmaxOp checks that every loss built on log-softmax
// takes it as one log_softmax op over the class axis, with no reduce_max of its own.
func TestCrossEntropyUsesLogSoftmaxOp(t *testing.T) {
	classes := func(m *Model) *ir.Value { return m.ClassLabels(4) }
	targets := func(m *Model) *ir.Value { return m.TargetLabels(4) }
	cases := []struct {
		name   string
		labels func(m *Model) *ir.Value
		loss   func(m *Model, logits, y *ir.Value)
	}{
		{"cross_entropy", classes, func(m *Model, z, y *ir.Value) { m.CrossEntropy(z, y) }},
		{"label_smoothing", classes, func(m *Model, z, y *ir.Value) {
			m.CrossEntropyWith(z, y, CrossEntropyConfig{LabelSmoothing: 0.1})
		}},
		{"probabilities", targets, func(m *Model, z, y *ir.Value) {
			m.CrossEntropyWith(z, y, CrossEntropyConfig{LabelSmoothing: 0.2})
		}},
		{"nll_of_log_softmax", classes, func(m *Model, z, y *ir.Value) { m.NLL(m.LogSoftmax(z, -1), y) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := NewModel("ce")
			x := m.Input(3)
			y := c.labels(m)
			logits := m.Dense(x, 4, "fc")
			m.Output(logits)
			c.loss(m, logits, y)
			m.SGD(SGDConfig{LR: 0.1})
			m.Train(ir.TrainConfig{BatchSize: 8, Epochs: 1})
			mod, err := m.Build()
			if err != nil {
				t.Fatal(err)
			}
			count := map[ir.Op]int{}
			for _, v := range mod.Forward.Values {
				count[v.Op]++
				if v.Op == ir.OpLogSoftmax && (v.Args[0] != logits || v.Attrs.Axis != 1) {
					t.Errorf("%s: want log_softmax of the logits %s over axis 1", v, logits.Ref())
				}
			}
			if count[ir.OpLogSoftmax] != 1 || count[ir.OpReduceMax] != 0 || count[ir.OpExp] != 0 {
				t.Errorf("ops %v: want one log_softmax and no reduce_max or exp", count)
			}
		})
	}
}

// TestCrossEntropyInfiniteLogits checks the loss where logits of other classes are
// -Inf: they drop out of the softmax, so the loss stays finite. A row whose label's
// logit is -Inf has an infinite loss, as in PyTorch.
func TestCrossEntropyInfiniteLogits(t *testing.T) {
	inf := math.Inf(-1)
	for _, dt := range []ir.DType{ir.F32, ir.F64} {
		mod := lossModel(t, dt, 3, 3, identity, func(m *Model, out, y *ir.Value) { m.CrossEntropy(out, y) })
		loss := func(x []float64, labels ...float64) float64 {
			n := len(labels)
			out := run(t, mod, n, map[string]*interp.Tensor{
				"x": interp.NewTensor(dt, []int{n, 3}, x),
				"y": interp.NewTensor(ir.I32, []int{n}, labels),
			})
			return out["loss"].Data[0]
		}
		// Row 0: softmax (1/2, 1/2, 0) picks 1/2; row 1: one finite logit, loss 0.
		got := loss([]float64{2, 2, inf, inf, 5, inf}, 0, 1)
		if want := math.Ln2 / 2; math.Abs(got-want) > 1e-6 {
			t.Errorf("%s: loss %v, want %v", dt, got, want)
		}
		if got := loss([]float64{2, 2, inf}, 2); !math.IsInf(got, 1) {
			t.Errorf("%s: loss %v with the label's logit at -Inf, want +Inf", dt, got)
		}
	}
}
