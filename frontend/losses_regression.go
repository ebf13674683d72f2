package frontend

import (
	"github.com/nncc/nncc/ir"
)

// L1 adds the mean absolute error mean(|pred - y|) over all elements, like
// PyTorch's L1Loss with reduction "mean". Its gradient at pred == y is 0, as
// PyTorch's is. The labels must be float targets (TargetLabels) of pred's shape. It
// records an error for a second loss or labels that do not fit.
func (m *Model) L1(pred, y *ir.Value) *ir.Value {
	m.enter()
	if !m.beginLoss(ir.LossL1, pred, y, wantTargets) {
		return m.invalid()
	}
	start := len(m.g.Values)
	d := m.b.Unary(ir.OpAbs, m.b.Sub(pred, y))
	loss := m.b.Mean(d, ir.AllAxes(d.Shape.Rank()), false)
	m.comment(start, "l1")
	return m.setLoss(loss, nil)
}

// Huber adds the mean over all elements of the Huber loss of d = pred - y:
// 0.5·d² where |d| < delta, else delta·(|d| - 0.5·delta), like PyTorch's
// HuberLoss(delta=delta) with reduction "mean". The labels must be float targets
// (TargetLabels) of pred's shape. It records an error for delta <= 0 (or NaN), a
// second loss or labels that do not fit.
func (m *Model) Huber(pred, y *ir.Value, delta float64) *ir.Value {
	m.enter()
	if !m.beginLoss(ir.LossHuber, pred, y, wantTargets) {
		return m.invalid()
	}
	if !(delta > 0) {
		return m.fail("huber: delta must be a positive number, got %v", delta)
	}
	start := len(m.g.Values)
	d := m.b.Sub(pred, y)
	a := m.b.Unary(ir.OpAbs, d)
	half := m.b.ScalarLike(d, 0.5)
	dc := m.b.ScalarLike(d, delta)
	quadratic := m.b.Mul(half, m.b.Mul(d, d))
	linear := m.b.Mul(dc, m.b.Sub(a, m.b.ScalarLike(d, 0.5*delta)))
	elem := m.b.Select(m.b.Binary(ir.OpLt, a, dc), quadratic, linear)
	loss := m.b.Mean(elem, ir.AllAxes(elem.Shape.Rank()), false)
	m.comment(start, "huber")
	return m.setLoss(loss, nil)
}
