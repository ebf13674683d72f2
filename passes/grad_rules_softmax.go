package passes

import "github.com/nncc/nncc/ir"

// The differentiation rule of log_softmax, in primitives so that gradients of any
// order stay in the IR. With y = log_softmax(x) over axis a and upstream gradient g,
//
//	dx = g - exp(y) * sum(g, a, keepdims)
//
// as PyTorch's log_softmax backward computes it. exp(y) is softmax(x), so no
// maximum is taken again and no gradient flows through one.
func init() {
	gradRules[ir.OpLogSoftmax] = gradLogSoftmax
}

func gradLogSoftmax(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	total := b.Sum(g, []int{v.Attrs.Axis}, true)
	return oneGrad(b.Sub(g, b.Mul(b.Exp(v), total)))
}
