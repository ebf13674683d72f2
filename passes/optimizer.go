package passes

import (
	"fmt"

	"github.com/nncc/nncc/ir"
)

// Names of the state that optimizer lowering adds to the train graph. Per-param
// state is named after the param with a suffix, for example "fc1.weight.adam_m".
const (
	lrName         = "lr"   // the learning rate, a scalar of the model's float dtype
	stepName       = "step" // f64 scalar count of completed training steps
	momentumSuffix = ".momentum"
	adamMSuffix    = ".adam_m"
	adamVSuffix    = ".adam_v"
)

// lowerOptimizer is the "lower-optimizer" pass of the train function. It appends
// the optimizer's update of every param as explicit ops and records each new
// value with g.AddUpdate, together with the new optimizer state.
//
// The arithmetic follows PyTorch 1.13's single-tensor SGD and Adam step for step,
// including the order of operations, so that results agree to rounding:
//
//	all:      g' = g + wd*w                       (when weight decay is set)
//	sgd:      buf = g' at the first step, else buf = momentum*buf + g'
//	          d = g' + momentum*buf (nesterov), buf (momentum) or g'
//	          w = w - lr*d
//	adam:     t = step + 1
//	          m = b1*m + (1-b1)*g'
//	          v = b2*v + ((1-b2)*g')*g'
//	          denom = sqrt(v)/sqrt(1-b2^t) + eps
//	          w = w - (lr/(1-b1^t))*m / denom
//	adamw:    as adam without g' = g + wd*w, and with w = w*(1-lr*wd) first
//	rmsprop:  see rmspropLowering
//	adagrad:  see adagradLowering
//
// With ClipNorm set, the gradients are first scaled as clipGradNorm describes.
// The state "lr" contains the learning rate, initialized to Optimizer.LR. The graph
// never updates it, so a training loop may change it between steps. The state
// "step" counts completed steps. The scalar bias corrections of Adam are computed
// in f64, as PyTorch computes them in Python floats, and then rounded to the
// model's dtype.
func lowerOptimizer(ctx *Context) error {
	g := ctx.Func.Graph
	o := ctx.Module.Optimizer
	dt := g.Output("loss").DType
	b := ir.NewBuilder(g).At(o.Pos)

	lr := b.State(lrName, dt, ir.Shape{}, ir.Init{Kind: ir.InitConst, Value: o.LR})
	step := b.State(stepName, ir.F64, ir.Shape{}, ir.Init{})
	t := b.Add(step, b.Scalar(ir.F64, 1))
	g.AddUpdate(step, t)

	var update func(w, grad *ir.Value) *ir.Value
	switch o.Kind {
	case ir.OptSGD:
		update = sgdLowering(b, o, lr, step)
	case ir.OptAdam, ir.OptAdamW:
		update = adamLowering(b, o, lr, t)
	case ir.OptRMSProp:
		update = rmspropLowering(b, o, lr)
	case ir.OptAdagrad:
		update = adagradLowering(b, o, lr, step)
	default:
		panic(fmt.Sprintf("passes: lower-optimizer: unknown optimizer %s", o.Kind))
	}

	grads := ctx.Grads
	if o.ClipNorm > 0 {
		grads = clipGradNorm(b, grads, o.ClipNorm)
	}
	for i, w := range ctx.Params {
		grad := grads[i]
		if o.WeightDecay != 0 && o.Kind != ir.OptAdamW {
			grad = b.Add(grad, b.Mul(b.ScalarLike(w, o.WeightDecay), w))
		}
		next := update(w, grad)
		next.Comment = fmt.Sprintf("%s step of %s", o.Kind, w.Attrs.Name)
		g.AddUpdate(w, next)
	}
	if err := b.Err(); err != nil {
		panic(fmt.Sprintf("passes: lower-optimizer: %v", err))
	}
	return nil
}

// sgdLowering returns the SGD update of one param. The momentum buffer starts at
// zero and is replaced by g' at the first step, as in PyTorch, where the buffer
// is created as a copy of the first g'.
func sgdLowering(b *ir.Builder, o ir.Optimizer, lr, step *ir.Value) func(w, grad *ir.Value) *ir.Value {
	var first *ir.Value
	if o.Momentum != 0 {
		first = b.Binary(ir.OpEq, step, b.Scalar(ir.F64, 0))
	}
	return func(w, grad *ir.Value) *ir.Value {
		d := grad
		if o.Momentum != 0 {
			mu := b.ScalarLike(w, o.Momentum)
			buf := b.State(w.Attrs.Name+momentumSuffix, w.DType, w.Shape, ir.Init{})
			buf1 := b.Select(first, grad, b.Add(b.Mul(buf, mu), grad))
			b.G.AddUpdate(buf, buf1)
			d = buf1
			if o.Nesterov {
				d = b.Add(grad, b.Mul(mu, buf1))
			}
		}
		return b.Sub(w, b.Mul(lr, d))
	}
}

// adamLowering returns the Adam or AdamW update of one param at step t (counting
// from 1).
func adamLowering(b *ir.Builder, o ir.Optimizer, lr, t *ir.Value) func(w, grad *ir.Value) *ir.Value {
	dt := lr.DType
	one := b.Scalar(ir.F64, 1)
	bc1 := b.Sub(one, b.Binary(ir.OpPow, b.Scalar(ir.F64, o.Beta1), t))
	bc2 := b.Sub(one, b.Binary(ir.OpPow, b.Scalar(ir.F64, o.Beta2), t))
	stepSize := castTo(b, b.Div(castTo(b, lr, ir.F64), bc1), dt)
	bc2Sqrt := castTo(b, b.Unary(ir.OpSqrt, bc2), dt)

	// AdamW's decoupled weight decay scales w by 1-lr*wd before the step; PyTorch
	// computes the factor in Python floats.
	var decay *ir.Value
	if o.Kind == ir.OptAdamW && o.WeightDecay != 0 {
		decay = castTo(b, b.Sub(one, b.Mul(castTo(b, lr, ir.F64), b.Scalar(ir.F64, o.WeightDecay))), dt)
	}

	return func(w, grad *ir.Value) *ir.Value {
		m := b.State(w.Attrs.Name+adamMSuffix, w.DType, w.Shape, ir.Init{})
		v := b.State(w.Attrs.Name+adamVSuffix, w.DType, w.Shape, ir.Init{})
		m1 := b.Add(b.Mul(m, b.ScalarLike(w, o.Beta1)), b.Mul(b.ScalarLike(w, 1-o.Beta1), grad))
		v1 := b.Add(b.Mul(v, b.ScalarLike(w, o.Beta2)), b.Mul(b.Mul(b.ScalarLike(w, 1-o.Beta2), grad), grad))
		b.G.AddUpdate(m, m1)
		b.G.AddUpdate(v, v1)

		denom := b.Add(b.Div(b.Unary(ir.OpSqrt, v1), bc2Sqrt), b.ScalarLike(w, o.Eps))
		if decay != nil {
			w = b.Mul(w, decay)
		}
		return b.Sub(w, b.Div(b.Mul(stepSize, m1), denom))
	}
}

// castTo returns x converted to dt, adding a cast only when the dtypes differ.
func castTo(b *ir.Builder, x *ir.Value, dt ir.DType) *ir.Value {
	if x.DType == dt {
		return x
	}
	return b.Cast(x, dt)
}
