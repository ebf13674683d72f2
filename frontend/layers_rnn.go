package frontend

import (
	"math"

	"github.com/nncc/nncc/ir"
)

// RNNConfig configures an LSTM or GRU layer.
type RNNConfig struct {
	Hidden          int    // hidden features H; at least 1
	Name            string // layer name; "" picks lstm1, gru1, ... by the layer's position
	ReturnSequences bool   // return every step's hidden state [N, T, H], not only the last [N, H]
}

// LSTM adds a single-layer LSTM over x of shape [N, T, F], unrolled over the T
// steps, with zero initial hidden and cell states, like PyTorch's
// nn.LSTM(F, H, batch_first=True). The gates are, in PyTorch's order,
// i, f, g, o = split(x_t·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh): c = σ(f)·c + σ(i)·tanh(g)
// and h = σ(o)·tanh(c). The parameters are "<name>.weight_ih" [4H, F],
// "<name>.weight_hh" [4H, H], "<name>.bias_ih" and "<name>.bias_hh" [4H], PyTorch's
// layout without its "_l0" suffix, all initialized uniformly in ±1/sqrt(H). The
// result is the last hidden state [N, H], or every step's [N, T, H] with
// c.ReturnSequences. It records an error for an input that is not [N, T, F] of the
// model's dtype, Hidden < 1, or an invalid or duplicate name.
func (m *Model) LSTM(x *ir.Value, c RNNConfig) *ir.Value {
	m.enter()
	return m.rnn("lstm", 4, x, c, m.lstmStep)
}

// GRU adds a single-layer GRU over x of shape [N, T, F], unrolled over the T steps,
// with a zero initial hidden state, like PyTorch's nn.GRU(F, H, batch_first=True).
// With gi = x_t·W_ihᵀ + b_ih and gh = h·W_hhᵀ + b_hh split into r, z, n parts in
// PyTorch's order: r = σ(gi_r + gh_r), z = σ(gi_z + gh_z),
// n = tanh(gi_n + r·gh_n) and h = (h - n)·z + n, which is (1-z)·n + z·h. The
// parameters are "<name>.weight_ih" [3H, F], "<name>.weight_hh" [3H, H],
// "<name>.bias_ih" and "<name>.bias_hh" [3H], initialized uniformly in
// ±1/sqrt(H). The result and the errors are those of LSTM.
func (m *Model) GRU(x *ir.Value, c RNNConfig) *ir.Value {
	m.enter()
	return m.rnn("gru", 3, x, c, m.gruStep)
}

// rnnParams are the parameters of a recurrent layer.
type rnnParams struct {
	wih, whh, bih, bhh *ir.Value
	hidden             int
}

// rnnStep advances the recurrence by one step from the input xt [N, F]. h and cell
// are nil at the first step, where the states are zero; it returns the new states.
type rnnStep func(p rnnParams, xt, h, cell *ir.Value) (newH, newCell *ir.Value)

func (m *Model) rnn(fn string, gates int, x *ir.Value, c RNNConfig, step rnnStep) *ir.Value {
	name, ok := m.layerName(fn, c.Name)
	if !ok || !m.floatOperand(fn, "input", x) {
		return m.invalid()
	}
	if x.Shape.Rank() != 3 || !x.Shape.HasBatch() {
		return m.fail("%s: input has shape %v, want [N,steps,features]", fn, x.Shape)
	}
	steps, features, hidden := x.Shape[1], x.Shape[2], c.Hidden
	if hidden < 1 || hidden > maxElems/gates/max(features, hidden) || steps > maxElems/hidden {
		return m.fail("%s: hidden must be a positive integer that keeps the weights under %d elements, got %d", fn, maxElems, hidden)
	}

	start := len(m.g.Values)
	bound := 1 / math.Sqrt(float64(hidden))
	init := ir.Init{Kind: ir.InitUniform, Lo: -bound, Hi: bound}
	p := rnnParams{
		wih:    m.b.Param(name+".weight_ih", m.dtype, ir.Shape{gates * hidden, features}, init),
		whh:    m.b.Param(name+".weight_hh", m.dtype, ir.Shape{gates * hidden, hidden}, init),
		bih:    m.b.Param(name+".bias_ih", m.dtype, ir.Shape{gates * hidden}, init),
		bhh:    m.b.Param(name+".bias_hh", m.dtype, ir.Shape{gates * hidden}, init),
		hidden: hidden,
	}
	var h, cell *ir.Value
	var seq []*ir.Value
	for t := range steps {
		xt := m.b.Reshape(m.b.Slice(x, []int{0, t, 0}, []int{ir.Batch, t + 1, features}), ir.Shape{ir.Batch, features})
		h, cell = step(p, xt, h, cell)
		if c.ReturnSequences {
			seq = append(seq, m.b.Reshape(h, ir.Shape{ir.Batch, 1, hidden}))
		}
	}
	if c.ReturnSequences {
		h = seq[0]
		if steps > 1 {
			h = m.b.Concat(1, seq...)
		}
	}
	m.comment(start, name)
	return h
}

// gateInputs returns x_t·W_ihᵀ + b_ih and h·W_hhᵀ + b_hh, the latter just b_hh
// when h is nil (a zero state).
func (m *Model) gateInputs(p rnnParams, xt, h *ir.Value) (gi, gh *ir.Value) {
	gi = m.b.Add(m.b.MatMul(xt, p.wih, false, true), p.bih)
	if h == nil {
		return gi, p.bhh
	}
	return gi, m.b.Add(m.b.MatMul(h, p.whh, false, true), p.bhh)
}

// gate returns part k of the hidden-sized parts of v along its last axis.
func (m *Model) gate(v *ir.Value, k, hidden int) *ir.Value {
	if v.Shape.Rank() == 1 {
		return m.b.Slice(v, []int{k * hidden}, []int{(k + 1) * hidden})
	}
	return m.b.Slice(v, []int{0, k * hidden}, []int{ir.Batch, (k + 1) * hidden})
}

func (m *Model) lstmStep(p rnnParams, xt, h, cell *ir.Value) (*ir.Value, *ir.Value) {
	gi, gh := m.gateInputs(p, xt, h)
	gates := m.b.Add(gi, gh)
	H := p.hidden
	i := m.b.Unary(ir.OpSigmoid, m.gate(gates, 0, H))
	f := m.b.Unary(ir.OpSigmoid, m.gate(gates, 1, H))
	g := m.b.Unary(ir.OpTanh, m.gate(gates, 2, H))
	o := m.b.Unary(ir.OpSigmoid, m.gate(gates, 3, H))
	newCell := m.b.Mul(i, g)
	if cell != nil {
		newCell = m.b.Add(m.b.Mul(f, cell), newCell)
	}
	return m.b.Mul(o, m.b.Unary(ir.OpTanh, newCell)), newCell
}

func (m *Model) gruStep(p rnnParams, xt, h, _ *ir.Value) (*ir.Value, *ir.Value) {
	gi, gh := m.gateInputs(p, xt, h)
	H := p.hidden
	r := m.b.Unary(ir.OpSigmoid, m.b.Add(m.gate(gi, 0, H), m.gate(gh, 0, H)))
	z := m.b.Unary(ir.OpSigmoid, m.b.Add(m.gate(gi, 1, H), m.gate(gh, 1, H)))
	n := m.b.Unary(ir.OpTanh, m.b.Add(m.gate(gi, 2, H), m.b.Mul(r, m.gate(gh, 2, H))))
	if h == nil {
		// h = (0 - n)·z + n.
		return m.b.Add(m.b.Mul(m.b.Neg(n), z), n), nil
	}
	return m.b.Add(m.b.Mul(m.b.Sub(h, n), z), n), nil
}
