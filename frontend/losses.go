package frontend

import (
	"github.com/nncc/nncc/ir"
)

// The losses return the rank-0 loss value, which becomes the module's "loss" output.
// A model has exactly one loss. Each loss records an error if one was already added,
// or if y is not the model's labels of the kind the loss needs.

// MSE adds the mean squared error mean((pred - y)²) over all elements, like PyTorch's
// MSELoss with reduction "mean". The labels must be float targets (TargetLabels) of
// pred's shape.
func (m *Model) MSE(pred, y *ir.Value) *ir.Value {
	m.enter()
	if !m.startLoss(ir.LossMSE, pred, y) {
		return m.invalid()
	}
	start := len(m.g.Values)
	d := m.b.Sub(pred, y)
	loss := m.b.Mean(m.b.Mul(d, d), ir.AllAxes(d.Shape.Rank()), false)
	m.comment(start, "mse")
	return m.setLoss(loss, nil)
}

// CrossEntropy adds the mean over the batch of -log_softmax(logits)[y], like
// PyTorch's CrossEntropyLoss with class indices. The labels must be class labels
// (ClassLabels) and logits must have shape [N, classes]. The log-softmax subtracts
// the row maximum, so two equal logits of 1e8 give ln 2 and logits up to 1e8 stay
// finite in f32. The label's entry is picked with a select rather than a product
// with the one-hot labels, so -Inf logits of other classes do not make the loss NaN.
// It also adds the module's "correct" output: the number of rows whose first
// maximal logit is at the label.
func (m *Model) CrossEntropy(logits, y *ir.Value) *ir.Value {
	m.enter()
	if !m.startLoss(ir.LossCrossEntropy, logits, y) {
		return m.invalid()
	}
	start := len(m.g.Values)
	logp := m.logSoftmax(logits, 1)
	onehot := m.b.OneHot(y, m.classes, m.dtype)
	zero := m.b.ScalarLike(logp, 0)
	picked := m.b.Select(m.b.Binary(ir.OpGt, onehot, zero), logp, zero)
	loss := m.b.Neg(m.b.Mean(m.b.Sum(picked, []int{1}, false), []int{0}, false))
	m.comment(start, "cross_entropy")

	start = len(m.g.Values)
	hit := m.b.Binary(ir.OpEq, m.b.Reduce(ir.OpArgMax, logits, []int{1}, false), y)
	correct := m.count(hit)
	m.comment(start, "correct")
	return m.setLoss(loss, correct)
}

// BCEWithLogits adds the mean over all elements of
// max(x, 0) - x*y + log1p(exp(-|x|)) for logits x and float targets y, as PyTorch's
// BCEWithLogitsLoss. exp(-|x|) is at most 1, so it cannot overflow. The labels must be float
// targets (TargetLabels) of the logits' shape. It also adds the module's "correct"
// output: the number of elements where (x > 0) equals (y > 0.5).
func (m *Model) BCEWithLogits(logits, y *ir.Value) *ir.Value {
	m.enter()
	if !m.startLoss(ir.LossBCEWithLogits, logits, y) {
		return m.invalid()
	}
	start := len(m.g.Values)
	x := logits
	zero := m.b.ScalarLike(x, 0)
	softplus := m.b.Unary(ir.OpLog1p, m.b.Exp(m.b.Neg(m.b.Unary(ir.OpAbs, x))))
	elem := m.b.Add(m.b.Sub(m.b.Binary(ir.OpMax, x, zero), m.b.Mul(x, y)), softplus)
	loss := m.b.Mean(elem, ir.AllAxes(elem.Shape.Rank()), false)
	m.comment(start, "bce_with_logits")

	start = len(m.g.Values)
	predicted := m.b.Cast(m.b.Binary(ir.OpGt, x, zero), m.dtype)
	target := m.b.Cast(m.b.Binary(ir.OpGt, y, m.b.ScalarLike(y, 0.5)), m.dtype)
	correct := m.count(m.b.Binary(ir.OpEq, predicted, target))
	m.comment(start, "correct")
	return m.setLoss(loss, correct)
}

// count returns the number of true elements of the bool value hit as an i32 scalar.
func (m *Model) count(hit *ir.Value) *ir.Value {
	n := m.b.Sum(m.b.Cast(hit, m.dtype), ir.AllAxes(hit.Shape.Rank()), false)
	return m.b.Cast(n, ir.I32)
}

// startLoss records the loss kind and checks its operands: pred (logits) of the
// model's dtype and y the model's labels of the kind and shape the loss needs.
func (m *Model) startLoss(kind ir.LossKind, pred, y *ir.Value) bool {
	fn := kind.String()
	if m.lossKind != ir.LossNone {
		m.errorf("%s: the model already has a loss (declared at %s)", fn, m.lossPos)
		return false
	}
	m.lossKind, m.lossPos = kind, m.b.Pos
	okPred := m.floatOperand(fn, "prediction", pred)
	if !m.operand(fn, "labels", y) || !okPred {
		return false
	}
	if y != m.y {
		m.errorf("%s: second argument must be the model's labels", fn)
		return false
	}
	if kind == ir.LossCrossEntropy {
		return m.checkClassLabels(fn, pred)
	}
	if m.classes > 0 {
		m.errorf("%s: needs float targets, but the labels are %d classes", fn, m.classes)
		return false
	}
	if !pred.Shape.Equal(y.Shape) {
		m.errorf("%s: prediction has shape %v but the targets have shape %v", fn, pred.Shape, y.Shape)
		return false
	}
	return true
}

func (m *Model) checkClassLabels(fn string, logits *ir.Value) bool {
	if m.classes == 0 {
		m.errorf("%s: needs class labels, but the labels are float targets %s", fn, m.y.Type())
		return false
	}
	want := ir.Shape{ir.Batch, m.classes}
	if !logits.Shape.Equal(want) {
		m.errorf("%s: logits have shape %v, want %v for %d classes", fn, logits.Shape, want, m.classes)
		return false
	}
	return true
}

func (m *Model) setLoss(loss, correct *ir.Value) *ir.Value {
	m.loss, m.correct = loss, correct
	return loss
}
