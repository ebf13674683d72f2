package passes

import "github.com/nncc/nncc/ir"

// clipEps is the term torch.nn.utils.clip_grad_norm_ adds to the total norm before
// dividing by it.
const clipEps = 1e-6

// clipGradNorm returns the gradients scaled together as PyTorch 1.13's
// torch.nn.utils.clip_grad_norm_(params, maxNorm) scales them:
//
//	n_i   = sqrt(sum(g_i*g_i))                     (the L2 norm of each gradient)
//	total = sqrt(sum_i n_i*n_i)
//	coef  = min(maxNorm/(total+1e-6), 1)
//	g_i   = g_i*coef
//
// Like PyTorch, it multiplies even when coef is 1; an infinite norm makes coef 0
// (and an infinite gradient NaN), and a NaN norm makes every gradient NaN.
func clipGradNorm(b *ir.Builder, grads []*ir.Value, maxNorm float64) []*ir.Value {
	if len(grads) == 0 {
		return grads
	}
	var total *ir.Value
	for _, g := range grads {
		sq := b.Mul(g, g)
		if g.Shape.Rank() > 0 {
			sq = b.Sum(sq, ir.AllAxes(g.Shape.Rank()), false)
		}
		n := b.Unary(ir.OpSqrt, sq)
		n2 := b.Mul(n, n)
		if total == nil {
			total = n2
		} else {
			total = b.Add(total, n2)
		}
	}
	norm := b.Unary(ir.OpSqrt, total)
	norm.Comment = "global L2 norm of the gradients"
	coef := b.Div(b.ScalarLike(norm, maxNorm), b.Add(norm, b.ScalarLike(norm, clipEps)))
	coef = b.Binary(ir.OpMin, coef, b.ScalarLike(norm, 1))
	coef.Comment = "gradient clipping factor"

	clipped := make([]*ir.Value, len(grads))
	for i, g := range grads {
		clipped[i] = b.Mul(g, coef)
	}
	return clipped
}
