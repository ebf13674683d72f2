package frontend

import (
	"github.com/nncc/nncc/ir"
)

// labelsWant is the kind of labels a loss accepts.
type labelsWant uint8

const (
	wantClasses labelsWant = iota // class labels: i32 [N]
	wantTargets                   // float targets of the prediction's shape
	wantEither                    // class labels, or float targets of the prediction's shape
)

// beginLoss records the loss kind and checks the operands: pred of the model's
// dtype and y the model's labels of the kind want names.
func (m *Model) beginLoss(kind ir.LossKind, pred, y *ir.Value, want labelsWant) bool {
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
	switch {
	case want == wantClasses || want == wantEither && m.classes > 0:
		return m.checkClassLabels(fn, pred)
	case m.classes > 0:
		m.errorf("%s: needs float targets, but the labels are %d classes", fn, m.classes)
		return false
	case !pred.Shape.Equal(y.Shape):
		m.errorf("%s: prediction has shape %v but the targets have shape %v", fn, pred.Shape, y.Shape)
		return false
	}
	return true
}

// NLL adds the negative log-likelihood loss: the mean over the batch of -logp[y]
// for log-probabilities logp of shape [N, classes] and class labels y, like
// PyTorch's NLLLoss with reduction "mean". logp is used as given, so it should come
// from log_softmax. A label outside [0, classes) contributes 0 to the sum but still
// counts in the mean (PyTorch raises an error instead). It also adds the module's
// "correct" output: the number of rows whose first maximum of logp is at the
// label. It records an error for a second loss or labels that do not fit.
func (m *Model) NLL(logp, y *ir.Value) *ir.Value {
	m.enter()
	if !m.beginLoss(ir.LossNLL, logp, y, wantClasses) {
		return m.invalid()
	}
	start := len(m.g.Values)
	loss := m.b.Neg(m.b.Mean(m.pickLabel(logp, y), []int{0}, false))
	m.comment(start, "nll")
	return m.setLoss(loss, m.argMaxCorrect(logp, y))
}

// pickLabel returns the [N] entries of the [N, C] value v at the class labels y,
// picked with a select so that -Inf entries of other classes do not give NaN.
func (m *Model) pickLabel(v, y *ir.Value) *ir.Value {
	onehot := m.b.OneHot(y, m.classes, m.dtype)
	zero := m.b.ScalarLike(v, 0)
	return m.b.Sum(m.b.Select(m.b.Binary(ir.OpGt, onehot, zero), v, zero), []int{1}, false)
}

// argMaxCorrect adds the "correct" count: rows of v whose first maximum is at the
// class label y.
func (m *Model) argMaxCorrect(v, y *ir.Value) *ir.Value {
	start := len(m.g.Values)
	correct := m.count(m.b.Binary(ir.OpEq, m.b.Reduce(ir.OpArgMax, v, []int{1}, false), y))
	m.comment(start, "correct")
	return correct
}

// CrossEntropyConfig configures CrossEntropyWith.
type CrossEntropyConfig struct {
	// LabelSmoothing is PyTorch's label_smoothing ε in [0, 1]: the target becomes
	// (1-ε)·target + ε/C.
	LabelSmoothing float64
}

// CrossEntropyWith adds the cross-entropy of logits [N, C] against class labels
// (ClassLabels) or against class probabilities (TargetLabels(C)), like PyTorch's
// CrossEntropyLoss(label_smoothing=ε) with reduction "mean". With class labels and
// ε = 0 it is CrossEntropy. Otherwise the loss is the mean over the batch of
// -Σ_c t_c·log_softmax(logits)_c, where t = (1-ε)·onehot(y) + ε/C for class labels
// and t = (1-ε)·y + ε/C for probabilities. Probability targets are used as given:
// rows need not sum to 1, and a zero target at a -Inf logit gives NaN as in
// PyTorch. It adds the module's "correct" output: rows whose first maximal logit is
// at the label, or for probabilities at the first maximal target. It records an
// error for ε outside [0, 1], a second loss or labels that do not fit.
func (m *Model) CrossEntropyWith(logits, y *ir.Value, c CrossEntropyConfig) *ir.Value {
	m.enter()
	eps := c.LabelSmoothing
	if !(eps >= 0 && eps <= 1) {
		m.lossKind, m.lossPos = ir.LossCrossEntropy, m.b.Pos
		return m.fail("cross_entropy: label_smoothing must be in [0, 1], got %v", eps)
	}
	if eps == 0 && m.classes > 0 {
		return m.CrossEntropy(logits, y)
	}
	if !m.beginLoss(ir.LossCrossEntropy, logits, y, wantEither) {
		return m.invalid()
	}
	if logits.Shape.Rank() != 2 {
		return m.fail("cross_entropy: logits have shape %v, want [N,classes]", logits.Shape)
	}
	start := len(m.g.Values)
	logp := m.logSoftmax(logits, 1)
	var row *ir.Value
	if m.classes > 0 {
		// (1-ε)·logp[y] + (ε/C)·Σ_c logp_c, PyTorch's split into NLL and smoothing.
		picked := m.pickLabel(logp, y)
		smooth := m.b.Sum(logp, []int{1}, false)
		row = m.b.Add(m.b.Mul(m.b.ScalarLike(logp, 1-eps), picked),
			m.b.Mul(m.b.ScalarLike(logp, eps/float64(m.classes)), smooth))
	} else {
		t := y
		if eps > 0 {
			classes := float64(y.Shape[1])
			t = m.b.Add(m.b.Mul(y, m.b.ScalarLike(y, 1-eps)), m.b.ScalarLike(y, eps/classes))
		}
		row = m.b.Sum(m.b.Mul(t, logp), []int{1}, false)
	}
	loss := m.b.Neg(m.b.Mean(row, []int{0}, false))
	m.comment(start, "cross_entropy")

	if m.classes > 0 {
		return m.setLoss(loss, m.argMaxCorrect(logits, y))
	}
	start = len(m.g.Values)
	hit := m.b.Binary(ir.OpEq, m.b.Reduce(ir.OpArgMax, logits, []int{1}, false),
		m.b.Reduce(ir.OpArgMax, y, []int{1}, false))
	correct := m.count(hit)
	m.comment(start, "correct")
	return m.setLoss(loss, correct)
}
