package passes

import "github.com/nncc/nncc/ir"

// Names of the per-param state of RMSProp and Adagrad.
const (
	rmsSquareSuffix   = ".rms_square_avg"
	rmsGradSuffix     = ".rms_grad_avg"
	rmsMomentumSuffix = ".rms_momentum"
	adagradSumSuffix  = ".adagrad_sum"
)

// rmspropLowering returns the RMSProp update of one param, after PyTorch 1.13's
// _single_tensor_rmsprop, with g' the gradient after weight decay:
//
//	sq  = alpha*sq + ((1-alpha)*g')*g'
//	ga  = alpha*ga + (1-alpha)*g'                  (centered)
//	avg = sqrt(sq - ga*ga) + eps (centered), else sqrt(sq) + eps
//	buf = momentum*buf + g'/avg, w = w - lr*buf    (momentum > 0)
//	w   = w - (lr*g')/avg                          (otherwise)
//
// All state starts at zero.
func rmspropLowering(b *ir.Builder, o ir.Optimizer, lr *ir.Value) func(w, grad *ir.Value) *ir.Value {
	return func(w, grad *ir.Value) *ir.Value {
		name := w.Attrs.Name
		alpha := b.ScalarLike(w, o.Alpha)
		sq := b.State(name+rmsSquareSuffix, w.DType, w.Shape, ir.Init{})
		sq1 := b.Add(b.Mul(sq, alpha), b.Mul(b.Mul(b.ScalarLike(w, 1-o.Alpha), grad), grad))
		b.G.AddUpdate(sq, sq1)

		variance := sq1
		if o.Centered {
			ga := b.State(name+rmsGradSuffix, w.DType, w.Shape, ir.Init{})
			ga1 := b.Add(b.Mul(ga, alpha), b.Mul(b.ScalarLike(w, 1-o.Alpha), grad))
			b.G.AddUpdate(ga, ga1)
			variance = b.Sub(sq1, b.Mul(ga1, ga1))
		}
		avg := b.Add(b.Unary(ir.OpSqrt, variance), b.ScalarLike(w, o.Eps))

		if o.Momentum == 0 {
			return b.Sub(w, b.Div(b.Mul(lr, grad), avg))
		}
		buf := b.State(name+rmsMomentumSuffix, w.DType, w.Shape, ir.Init{})
		buf1 := b.Add(b.Mul(buf, b.ScalarLike(w, o.Momentum)), b.Div(grad, avg))
		b.G.AddUpdate(buf, buf1)
		return b.Sub(w, b.Mul(lr, buf1))
	}
}

// adagradLowering returns the Adagrad update of one param, after PyTorch 1.13's
// _single_tensor_adagrad, where step counts the completed steps (t-1 at step t):
//
//	clr = lr / (1 + step*lr_decay)                 (in f64, then rounded)
//	sum = sum + g'*g'                              (starts at InitialAcc)
//	w   = w - (clr*g')/(sqrt(sum) + eps)
func adagradLowering(b *ir.Builder, o ir.Optimizer, lr, step *ir.Value) func(w, grad *ir.Value) *ir.Value {
	clr := lr
	if o.LRDecay != 0 {
		one := b.Scalar(ir.F64, 1)
		div := b.Add(one, b.Mul(step, b.Scalar(ir.F64, o.LRDecay)))
		clr = castTo(b, b.Div(castTo(b, lr, ir.F64), div), lr.DType)
	}
	return func(w, grad *ir.Value) *ir.Value {
		init := ir.Init{Kind: ir.InitConst, Value: o.InitialAcc}
		sum := b.State(w.Attrs.Name+adagradSumSuffix, w.DType, w.Shape, init)
		sum1 := b.Add(sum, b.Mul(grad, grad))
		b.G.AddUpdate(sum, sum1)
		std := b.Add(b.Unary(ir.OpSqrt, sum1), b.ScalarLike(w, o.Eps))
		return b.Sub(w, b.Div(b.Mul(clr, grad), std))
	}
}
