package codegen

import (
	"math/rand/v2"
	"testing"

	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/passes"
)

// Whole models compiled by passes.Build, so the generated code runs the real
// schedules and memory plans of predict, eval and train functions.

// dense appends x·wᵀ + bias with PyTorch's layout and initialization.
func dense(b *ir.Builder, x *ir.Value, name string, in, out int) *ir.Value {
	bound := 1 / float64(in)
	w := b.Param(name+".weight", x.DType, ir.Shape{out, in}, ir.Init{Kind: ir.InitUniform, Lo: -bound, Hi: bound})
	bias := b.Param(name+".bias", x.DType, ir.Shape{out}, ir.Init{Kind: ir.InitUniform, Lo: -bound, Hi: bound})
	return b.Add(b.MatMul(x, w, false, true), bias)
}

// classifierModule returns Linear, ReLU, Linear trained with cross-entropy on class
// labels, with a "correct" count.
func classifierModule(t *testing.T, name string, dt ir.DType, opt ir.Optimizer) *ir.Module {
	const in, hidden, classes = 6, 5, 3
	g := buildGraph(t, name, 4, func(b *ir.Builder) {
		x := b.Input("x", dt, ir.Shape{ir.Batch, in})
		y := b.Input("y", ir.I32, ir.Shape{ir.Batch})
		logits := dense(b, b.Unary(ir.OpRelu, dense(b, x, "fc1", in, hidden)), "fc2", hidden, classes)
		shifted := b.Sub(logits, b.Reduce(ir.OpReduceMax, logits, []int{1}, true))
		logp := b.Sub(shifted, b.Log(b.Sum(b.Exp(shifted), []int{1}, true)))
		picked := b.Sum(b.Mul(logp, b.OneHot(y, classes, dt)), []int{1}, false)
		hits := b.Binary(ir.OpEq, b.Reduce(ir.OpArgMax, logits, []int{1}, false), y)
		b.G.SetOutput("output", logits)
		b.G.SetOutput("loss", b.Neg(b.Mean(picked, []int{0}, false)))
		b.G.SetOutput("correct", b.Cast(b.Sum(b.Cast(hits, dt), []int{0}, false), ir.I32))
	})
	return &ir.Module{
		Name: name, File: name + ".nnc", Forward: g, Loss: ir.LossCrossEntropy, Classes: classes,
		Optimizer: opt, Train: ir.TrainConfig{Seed: 3, BatchSize: 4},
	}
}

// binaryModule returns Linear, sigmoid, Linear trained with BCE on logits against
// float targets.
func binaryModule(t *testing.T, name string, dt ir.DType, opt ir.Optimizer) *ir.Module {
	const in, hidden = 4, 3
	g := buildGraph(t, name, 5, func(b *ir.Builder) {
		x := b.Input("x", dt, ir.Shape{ir.Batch, in})
		y := b.Input("y", dt, ir.Shape{ir.Batch, 1})
		z := dense(b, b.Unary(ir.OpSigmoid, dense(b, x, "fc1", in, hidden)), "fc2", hidden, 1)
		terms := b.Add(
			b.Sub(b.Binary(ir.OpMax, z, b.ScalarLike(z, 0)), b.Mul(z, y)),
			b.Unary(ir.OpLog1p, b.Exp(b.Neg(b.Unary(ir.OpAbs, z)))))
		b.G.SetOutput("output", z)
		b.G.SetOutput("loss", b.Mean(terms, []int{0, 1}, false))
	})
	return &ir.Module{
		Name: name, File: name + ".nnc", Forward: g, Loss: ir.LossBCEWithLogits,
		Optimizer: opt, Train: ir.TrainConfig{Seed: 5, BatchSize: 5},
	}
}

// regressionModule returns one linear layer with a tanh, trained with the mean
// squared error on two targets per sample.
func regressionModule(t *testing.T, name string, dt ir.DType, opt ir.Optimizer) *ir.Module {
	g := buildGraph(t, name, 3, func(b *ir.Builder) {
		x := b.Input("x", dt, ir.Shape{ir.Batch, 3})
		y := b.Input("y", dt, ir.Shape{ir.Batch, 2})
		out := b.Unary(ir.OpTanh, dense(b, x, "fc", 3, 2))
		d := b.Sub(out, y)
		b.G.SetOutput("output", out)
		b.G.SetOutput("loss", b.Mean(b.Mul(d, d), []int{0, 1}, false))
	})
	return &ir.Module{
		Name: name, File: name + ".nnc", Forward: g, Loss: ir.LossMSE,
		Optimizer: opt, Train: ir.TrainConfig{Seed: 9, BatchSize: 3},
	}
}

func buildProgram(t *testing.T, m *ir.Module) *passes.Program {
	t.Helper()
	p, err := passes.Build(m, passes.Options{VerifyEach: true})
	if err != nil {
		t.Fatalf("passes.Build(%s): %v", m.Name, err)
	}
	return p
}

// moduleCases returns the cases of whole models with each optimizer.
func moduleCases(t *testing.T) []*genCase {
	sgd := ir.Optimizer{Kind: ir.OptSGD, LR: 0.1}
	momentum := ir.Optimizer{Kind: ir.OptSGD, LR: 0.05, Momentum: 0.9, Nesterov: true, WeightDecay: 0.01}
	adam := ir.Optimizer{Kind: ir.OptAdam, LR: 0.01, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
	labels := caseOpts{y: smallInts(0, 2)}
	targets := caseOpts{y: smallInts(0, 1)}
	return []*genCase{
		newCase("mlp_sgd", buildProgram(t, classifierModule(t, "mlp_sgd", ir.F32, sgd)), labels),
		newCase("mlp_momentum_f64", buildProgram(t, classifierModule(t, "mlp_momentum_f64", ir.F64, momentum)), labels),
		newCase("mlp_adam", buildProgram(t, classifierModule(t, "mlp_adam", ir.F32, adam)), caseOpts{y: smallInts(0, 2), steps: 3}),
		newCase("binary_sgd", buildProgram(t, binaryModule(t, "binary_sgd", ir.F32, sgd)), targets),
		newCase("binary_adam_f64", buildProgram(t, binaryModule(t, "binary_adam_f64", ir.F64, adam)), targets),
		newCase("regression_momentum", buildProgram(t, regressionModule(t, "regression_momentum", ir.F32, momentum)),
			caseOpts{y: func(r *rand.Rand) float64 { return r.Float64() - 0.5 }}),
	}
}
