package passes

import (
	"fmt"

	"github.com/nncc/nncc/ir"
)

// SaliencyOutputName is the output of the saliency function: the gradient of the
// module's chosen scalar with respect to the input x, with x's dtype and shape.
const SaliencyOutputName = "input_grad"

// deriveSaliency returns the saliency function cut from a clone of m's forward
// graph: inputs x and y, and the output "input_grad", the gradient with respect to
// x of the scalar that m.Saliency selects. Like predict and eval it computes the
// inference mode (m.InferenceValues) and drops the forward graph's updates, so it
// leaves state unchanged.
func deriveSaliency(m *ir.Module, name string) (*Function, error) {
	g, clone := m.Forward.Clone()
	g.Name = name
	useInferenceValues(g, m, clone)
	x, y := g.Named("x"), g.Named("y")
	pos := ir.Pos{File: m.File}
	if out := g.Output("output"); out != nil {
		pos = out.Pos
	}

	var target *ir.Value
	switch m.Saliency {
	case ir.SaliencyLoss:
		target = g.Output("loss")
		if target == nil {
			return nil, ir.ErrorList{{Pos: pos, Msg: "saliency loss: the model has no loss"}}
		}
	case ir.SaliencyOutput:
		var err *ir.Error
		target, err = classScore(g, m.Classes, y)
		if err != nil {
			return nil, ir.ErrorList{err}
		}
	default:
		panic(fmt.Sprintf("passes: saliency: unknown kind %d", m.Saliency))
	}

	grads, err := Grad(g, target, []*ir.Value{x})
	if err != nil {
		return nil, asErrorList(err, target.Pos)
	}
	g.Outputs = []ir.Output{{Name: SaliencyOutputName, Value: grads[0]}}
	g.Updates = nil
	prune(g, func(v *ir.Value) bool {
		return v.Op.IsPersistent() || v.Op == ir.OpInput && (v == x || v == y)
	})
	return &Function{Name: name, Graph: g}, nil
}

// classScore appends to g the sum over the batch of output[i, y[i]], the score of
// the class y[i] that each sample's label selects. The class is picked with a
// select, so a -Inf score of another class does not make the sum NaN.
func classScore(g *ir.Graph, classes int, y *ir.Value) (*ir.Value, *ir.Error) {
	out := g.Output("output")
	want := ir.Shape{ir.Batch, classes}
	switch {
	case classes < 1 || y == nil || y.DType != ir.I32:
		return nil, &ir.Error{Pos: out.Pos, Msg: "saliency output: needs class labels (labels y: classes(C)) to select each sample's class"}
	case !out.Shape.Equal(want) || !out.DType.IsFloat():
		return nil, &ir.Error{Pos: out.Pos, Msg: fmt.Sprintf("saliency output: the output is %s, want float %v, one score per class", out.Type(), want)}
	}
	b := ir.NewBuilder(g).At(out.Pos)
	zero := b.ScalarLike(out, 0)
	hot := b.Binary(ir.OpGt, b.OneHot(y, classes, out.DType), zero)
	score := b.Sum(b.Select(hot, out, zero), ir.AllAxes(2), false)
	if err := b.Err(); err != nil {
		panic(fmt.Sprintf("passes: saliency: building the class score: %v", err))
	}
	return score, nil
}
