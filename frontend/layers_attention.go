package frontend

import (
	"math"

	"github.com/nncc/nncc/ir"
)

// AttentionConfig configures a multi-head self-attention layer.
type AttentionConfig struct {
	Heads  int    // attention heads; must divide the embedding size
	Name   string // layer name; "" picks attention1, attention2, ...
	Causal bool   // step t attends only to steps up to t
}

// Attention adds multi-head self-attention over x of shape [N, T, E], like
// PyTorch's nn.MultiheadAttention(E, heads, batch_first=True) called as
// attn(x, x, x, need_weights=False), without dropout. With d = E/heads, each head
// computes softmax((q/√d)·kᵀ + mask)·v from its d-wide parts of the projections
// q, k, v = split(x·Wᵀ + b) of the parameter "<name>.in_proj_weight" [3E, E] and
// "<name>.in_proj_bias" [3E]; the heads are concatenated and projected by
// "<name>.out_proj.weight" [E, E] and "<name>.out_proj.bias" [E]. The weights are
// initialized as PyTorch does: in_proj_weight uniformly in ±√(6/(4E)) (Xavier),
// out_proj.weight in ±1/√E, the biases zero. c.Causal adds a mask of -Inf above
// the diagonal, PyTorch's attn_mask=triu(ones(T, T), 1) as bools. Every row keeps
// its diagonal entry, so no row is fully masked. A row whose scores are all -Inf
// (only possible from infinite inputs) gives NaN, as in PyTorch. It records an error
// for an input that is not [N, T, E] of the model's dtype, heads < 1 or not
// dividing E, or an invalid or duplicate name.
func (m *Model) Attention(x *ir.Value, c AttentionConfig) *ir.Value {
	m.enter()
	name, ok := m.layerName("attention", c.Name)
	if !ok || !m.floatOperand("attention", "input", x) {
		return m.invalid()
	}
	if x.Shape.Rank() != 3 || !x.Shape.HasBatch() {
		return m.fail("attention: input has shape %v, want [N,steps,embedding]", x.Shape)
	}
	steps, e := x.Shape[1], x.Shape[2]
	if c.Heads < 1 || e%c.Heads != 0 {
		return m.fail("attention: heads must be a positive divisor of the embedding size %d, got %d", e, c.Heads)
	}
	if e > maxElems/(3*e) || steps > maxElems/steps {
		return m.fail("attention: embedding size %d or %d steps is too large", e, steps)
	}

	start := len(m.g.Values)
	xavier := math.Sqrt(6 / float64(4*e))
	kaiming := 1 / math.Sqrt(float64(e))
	inW := m.b.Param(name+".in_proj_weight", m.dtype, ir.Shape{3 * e, e}, ir.Init{Kind: ir.InitUniform, Lo: -xavier, Hi: xavier})
	inB := m.b.Param(name+".in_proj_bias", m.dtype, ir.Shape{3 * e}, ir.Init{Kind: ir.InitZeros})
	outW := m.b.Param(name+".out_proj.weight", m.dtype, ir.Shape{e, e}, ir.Init{Kind: ir.InitUniform, Lo: -kaiming, Hi: kaiming})
	outB := m.b.Param(name+".out_proj.bias", m.dtype, ir.Shape{e}, ir.Init{Kind: ir.InitZeros})

	proj := m.b.Add(m.linear3(x, inW), inB)
	var mask *ir.Value
	if c.Causal {
		mask = m.causalMask(steps)
	}
	d := e / c.Heads
	heads := make([]*ir.Value, c.Heads)
	for h := range heads {
		part := func(k int) *ir.Value {
			off := k*e + h*d
			return m.b.Slice(proj, []int{0, 0, off}, []int{ir.Batch, steps, off + d})
		}
		q := m.b.Div(part(0), m.b.ScalarLike(x, math.Sqrt(float64(d))))
		scores := m.b.MatMul(q, part(1), false, true)
		if mask != nil {
			scores = m.b.Add(scores, mask)
		}
		e := m.b.Exp(m.shiftByMax(scores, 2))
		weights := m.b.Div(e, m.b.Sum(e, []int{2}, true))
		heads[h] = m.b.MatMul(weights, part(2), false, false)
	}
	y := heads[0]
	if len(heads) > 1 {
		y = m.b.Concat(2, heads...)
	}
	y = m.b.Add(m.linear3(y, outW), outB)
	m.comment(start, name)
	return y
}

// linear3 returns x·wᵀ for x of shape [N, T, in] and w of shape [out, in], as a
// batched product with w broadcast over the batch.
//
// NOTE: the broadcast weight is a [N, out, in] value, so the arena holds MaxBatch
// copies of each projection weight. A rank-3 by rank-2 matmul would avoid that.
func (m *Model) linear3(x, w *ir.Value) *ir.Value {
	wb := m.b.Broadcast(w, ir.Shape{ir.Batch, w.Shape[0], w.Shape[1]})
	return m.b.MatMul(x, wb, false, true)
}

// causalMask returns the [T, T] constant that is 0 on and below the diagonal and
// -Inf above it.
func (m *Model) causalMask(steps int) *ir.Value {
	data := make([]float64, steps*steps)
	for i := range steps {
		for j := i + 1; j < steps; j++ {
			data[i*steps+j] = math.Inf(-1)
		}
	}
	return m.b.Const(m.dtype, ir.Shape{steps, steps}, data)
}
