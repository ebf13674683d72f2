package frontend

import (
	"math"

	"github.com/nncc/nncc/ir"
)

// bceLogFloor is the lower bound PyTorch's BCELoss puts on its logarithms.
const bceLogFloor = -100

// BCE adds the binary cross-entropy of probabilities p and float targets y, the mean
// over all elements of -(y·log(p) + (1-y)·log(1-p)), like PyTorch's BCELoss with
// reduction "mean". As in PyTorch, each logarithm is clamped to at least -100, so
// p = 0 or p = 1 gives a finite loss. Where a logarithm is clamped its gradient is
// 0; PyTorch's gradient there is (p-y)/max(p(1-p), 1e-12) instead. Elsewhere the two
// agree. p outside [0, 1] is not checked (PyTorch raises an error); p <= 0 and NaN
// count as log(p) = -100. It also adds the module's "correct" output: the number of
// elements where (p > 0.5) equals (y > 0.5). It records an error for a second loss
// or labels that do not fit.
func (m *Model) BCE(p, y *ir.Value) *ir.Value {
	m.enter()
	if !m.beginLoss(ir.LossBCE, p, y, wantTargets) {
		return m.invalid()
	}
	start := len(m.g.Values)
	one := m.b.ScalarLike(p, 1)
	logP := m.clampedLog(p)
	logQ := m.clampedLog(m.b.Sub(one, p))
	elem := m.b.Neg(m.b.Add(m.b.Mul(y, logP), m.b.Mul(m.b.Sub(one, y), logQ)))
	loss := m.b.Mean(elem, ir.AllAxes(elem.Shape.Rank()), false)
	m.comment(start, "bce")
	return m.setLoss(loss, m.thresholdCorrect(p, y, 0.5))
}

// clampedLog returns max(log(x), -100) for x > 0 and -100 elsewhere. The logarithm
// reads 1 where x <= 0, so neither the value nor the gradient becomes NaN there.
func (m *Model) clampedLog(x *ir.Value) *ir.Value {
	zero := m.b.ScalarLike(x, 0)
	floor := m.b.ScalarLike(x, bceLogFloor)
	pos := m.b.Binary(ir.OpGt, x, zero)
	safe := m.b.Select(pos, x, m.b.ScalarLike(x, 1))
	return m.b.Select(pos, m.b.Binary(ir.OpMax, m.b.Log(safe), floor), floor)
}

// thresholdCorrect adds the "correct" count: elements where (v > threshold) equals
// (y > 0.5).
func (m *Model) thresholdCorrect(v, y *ir.Value, threshold float64) *ir.Value {
	start := len(m.g.Values)
	predicted := m.b.Cast(m.b.Binary(ir.OpGt, v, m.b.ScalarLike(v, threshold)), m.dtype)
	target := m.b.Cast(m.b.Binary(ir.OpGt, y, m.b.ScalarLike(y, 0.5)), m.dtype)
	correct := m.count(m.b.Binary(ir.OpEq, predicted, target))
	m.comment(start, "correct")
	return correct
}

// BCEWithLogitsPosWeight adds BCEWithLogits with a weight on the positive term, like
// PyTorch's BCEWithLogitsLoss(pos_weight=w): the mean over all elements of
// (1-y)·x + (1 + (w-1)·y)·softplus(-x), where softplus(-x) = log1p(exp(-|x|)) +
// max(-x, 0) cannot overflow. posWeight holds one weight for every element, or one
// per element of the last axis of the logits (PyTorch's per-class pos_weight). With
// no weights, or one weight equal to 1, it is BCEWithLogits. The "correct" output
// is that of BCEWithLogits. It records an error for a weight that is negative, not
// finite or not representable in the model's dtype, the wrong number of weights, a
// second loss or labels that do not fit.
func (m *Model) BCEWithLogitsPosWeight(logits, y *ir.Value, posWeight []float64) *ir.Value {
	m.enter()
	if len(posWeight) == 0 || len(posWeight) == 1 && posWeight[0] == 1 {
		return m.BCEWithLogits(logits, y)
	}
	if !m.beginLoss(ir.LossBCEWithLogits, logits, y, wantTargets) {
		return m.invalid()
	}

	for _, w := range posWeight {
		if !(w >= 0) || math.IsInf(w, 0) {
			return m.fail("bce_with_logits: pos_weight must be non-negative and finite, got %v", w)
		}
	}
	last := logits.Shape[logits.Shape.Rank()-1]
	var weight *ir.Value
	switch {
	case len(posWeight) == 1:
		weight = m.b.ScalarLike(logits, posWeight[0])
	case len(posWeight) == last && last != ir.Batch:
		weight = m.b.Const(m.dtype, ir.Shape{last}, posWeight)
	default:
		return m.fail("bce_with_logits: %d pos_weight values for logits of shape %v, want 1 or %d",
			len(posWeight), logits.Shape, last)
	}

	start := len(m.g.Values)
	x := logits
	zero, one := m.b.ScalarLike(x, 0), m.b.ScalarLike(x, 1)
	softplusNeg := m.b.Add(m.b.Unary(ir.OpLog1p, m.b.Exp(m.b.Neg(m.b.Unary(ir.OpAbs, x)))),
		m.b.Binary(ir.OpMax, m.b.Neg(x), zero))
	lw := m.b.Add(one, m.b.Mul(m.b.Sub(weight, one), y))
	elem := m.b.Add(m.b.Mul(m.b.Sub(one, y), x), m.b.Mul(lw, softplusNeg))
	loss := m.b.Mean(elem, ir.AllAxes(elem.Shape.Rank()), false)
	m.comment(start, "bce_with_logits")
	return m.setLoss(loss, m.thresholdCorrect(x, y, 0))
}
