package passes

import (
	"testing"

	"github.com/nncc/nncc/ir"
)

// Test models built with ir.Builder, in the layout of the PyTorch reference
// models: Linear weights are [out, in] and named "<layer>.weight".

// linear appends x·wᵀ + bias.
func linear(b *ir.Builder, x *ir.Value, name string, in, out int) *ir.Value {
	dt := x.DType
	w := b.Param(name+".weight", dt, ir.Shape{out, in}, ir.Init{Kind: ir.InitUniform, Lo: -0.3, Hi: 0.3})
	bias := b.Param(name+".bias", dt, ir.Shape{out}, ir.Init{Kind: ir.InitUniform, Lo: -0.3, Hi: 0.3})
	return b.Add(b.MatMul(x, w, false, true), bias)
}

// crossEntropy appends the mean cross-entropy of logits [N,C] against class labels
// y [N], computed through a max-shifted log-softmax, and the count of rows whose
// first maximum is the label.
func crossEntropy(b *ir.Builder, logits, y *ir.Value, classes int) (loss, correct *ir.Value) {
	dt := logits.DType
	shifted := b.Sub(logits, b.Reduce(ir.OpReduceMax, logits, []int{1}, true))
	lse := b.Log(b.Sum(b.Exp(shifted), []int{1}, true))
	logp := b.Sub(shifted, lse)
	picked := b.Sum(b.Mul(logp, b.OneHot(y, classes, dt)), []int{1}, false)
	loss = b.Neg(b.Mean(picked, []int{0}, false))

	hits := b.Binary(ir.OpEq, b.Reduce(ir.OpArgMax, logits, []int{1}, false), y)
	correct = b.Cast(b.Sum(b.Cast(hits, dt), []int{0}, false), ir.I32)
	return loss, correct
}

// bceWithLogits appends the mean of max(z,0) - z*y + log1p(exp(-|z|)) over all
// elements: binary cross-entropy on logits z against targets y in [0, 1].
func bceWithLogits(b *ir.Builder, z, y *ir.Value) *ir.Value {
	zero := b.ScalarLike(z, 0)
	terms := b.Add(
		b.Sub(b.Binary(ir.OpMax, z, zero), b.Mul(z, y)),
		b.Unary(ir.OpLog1p, b.Exp(b.Neg(b.Unary(ir.OpAbs, z)))))
	return b.Mean(terms, ir.AllAxes(z.Shape.Rank()), false)
}

// mnistModule returns Linear(in,hidden), ReLU, Linear(hidden,classes) trained
// with cross-entropy: the reference "mnist" model at smaller sizes if asked.
func mnistModule(t *testing.T, dt ir.DType, in, hidden, classes, maxBatch int, opt ir.Optimizer) *ir.Module {
	b := ir.NewBuilder(ir.NewGraph("mlp", maxBatch))
	b.At(ir.Pos{File: "mlp.nnc", Line: 1})
	x := b.Input("x", dt, ir.Shape{ir.Batch, in})
	y := b.Input("y", ir.I32, ir.Shape{ir.Batch})
	b.At(ir.Pos{File: "mlp.nnc", Line: 2})
	h := b.Unary(ir.OpRelu, linear(b, x, "fc1", in, hidden))
	b.At(ir.Pos{File: "mlp.nnc", Line: 3})
	logits := linear(b, h, "fc2", hidden, classes)
	b.At(ir.Pos{File: "mlp.nnc", Line: 4})
	loss, correct := crossEntropy(b, logits, y, classes)
	b.G.SetOutput("output", logits)
	b.G.SetOutput("loss", loss)
	b.G.SetOutput("correct", correct)
	if err := b.Err(); err != nil {
		t.Fatalf("building the test model: %v", err)
	}
	opt.Pos = ir.Pos{File: "mlp.nnc", Line: 5}
	return &ir.Module{Name: "mlp", File: "mlp.nnc", Forward: b.G, Loss: ir.LossCrossEntropy, Classes: classes, Optimizer: opt}
}

// binaryModule returns Linear(in,hidden), sigmoid, Linear(hidden,1) trained with
// BCE on logits: the reference "binary" model.
func binaryModule(t *testing.T, dt ir.DType, in, hidden, maxBatch int, opt ir.Optimizer) *ir.Module {
	b := ir.NewBuilder(ir.NewGraph("binary", maxBatch))
	x := b.Input("x", dt, ir.Shape{ir.Batch, in})
	y := b.Input("y", dt, ir.Shape{ir.Batch, 1})
	h := b.Unary(ir.OpSigmoid, linear(b, x, "fc1", in, hidden))
	logits := linear(b, h, "fc2", hidden, 1)
	b.G.SetOutput("output", logits)
	b.G.SetOutput("loss", bceWithLogits(b, logits, y))
	if err := b.Err(); err != nil {
		t.Fatalf("building the test model: %v", err)
	}
	return &ir.Module{Name: "binary", File: "binary.nnc", Forward: b.G, Loss: ir.LossBCEWithLogits, Optimizer: opt}
}
