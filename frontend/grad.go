package frontend

import (
	"slices"

	"github.com/nncc/nncc/ir"
)

// This file holds the gradient features of the language and the Go API. The
// grad(y, x) construct builds a gradient inside the forward graph, so a loss can use
// it and the train function's differentiation runs through it. The file also has
// the reductions sum and mean, param references, loss expressions and the saliency
// statement.

// Grad returns the gradient of the scalar y with respect to x, with x's dtype and
// shape: like torch.autograd.grad(y, x, create_graph=True). x may be the input, an
// intermediate value or a param. The gradient ops are ordinary values of the
// forward graph, so a loss may use them (a gradient-norm penalty), and the train
// function's gradient of that loss differentiates through them. Where y does not
// depend on x the gradient is zero. Where y depends on dropout or batch norm, the
// predict and eval functions use the gradient of y's inference computation, which
// Grad adds too (see the modes in the package passes). Grad records an error if y is not a rank-0
// value of the model's dtype or x is not a value of the model's dtype, and when
// the graph exceeds the limits maxGradValues and maxGradWork. It needs the package
// passes linked into the program, which registers the differentiator
// (ir.RegisterGrad). Without it Grad records an error.
func (m *Model) Grad(y, x *ir.Value) *ir.Value {
	m.enter()
	okY := m.floatOperand("grad", "y", y)
	if !m.floatOperand("grad", "x", x) || !okY {
		return m.invalid()
	}
	if !y.IsScalar() {
		return m.fail("grad: y has shape %v, want a scalar such as a loss or a sum", y.Shape)
	}
	start := len(m.g.Values)
	var inference *ir.Value
	if yi, xi, differs := m.inferenceVersion(y, x); differs {
		if inference = m.differentiate(yi, xi); inference == nil {
			return m.invalid()
		}
	}
	trainStart := len(m.g.Values)
	g := m.differentiate(y, x)
	if g == nil {
		return m.invalid()
	}
	if inference != nil && slices.Contains(m.g.Values[trainStart:], g) {
		m.inferAs(g, inference)
	}
	m.comment(start, "grad")
	return g
}

// differentiate appends the gradient of y with respect to x to the forward graph
// and returns it, or records an error and returns nil when the graph exceeds the
// limits of Grad or the differentiator fails.
func (m *Model) differentiate(y, x *ir.Value) *ir.Value {
	size := len(m.g.Values)
	if size > maxGradValues {
		m.errorf("grad: the graph already has %d values, more than the %d that grad differentiates; nest fewer grads", size, maxGradValues)
		return nil
	}
	m.gradWork += size
	if m.gradWork > maxGradWork {
		m.errorf("grad: the grads so far differentiate graphs of %d values in all, more than %d; use fewer grads", m.gradWork, maxGradWork)
		return nil
	}
	grads, err := ir.Differentiate(m.g, y, []*ir.Value{x})
	if err != nil {
		m.errorf("%v", err)
		return nil
	}
	return grads[0]
}

// maxGradValues bounds the graph that Grad differentiates. Each nested grad
// multiplies the graph's size by a small factor, so without a bound a short model
// file of nested grads would take hours and exhaust memory.
const maxGradValues = 1 << 16

// maxGradWork bounds the sum of the graph sizes over all Grad calls of a model.
// Each call takes time in the size of the graph so far, so without a bound a
// model file of many grads of one large graph would take hours.
const maxGradWork = 1 << 21

// SumAll returns the sum of all elements of x, a scalar, like torch.sum(x). It
// records an error if x is not a value of the model's dtype.
func (m *Model) SumAll(x *ir.Value) *ir.Value {
	m.enter()
	if !m.floatOperand("sum", "x", x) {
		return m.invalid()
	}
	return m.b.Sum(x, ir.AllAxes(x.Shape.Rank()), false)
}

// MeanAll returns the mean of all elements of x, a scalar, like torch.mean(x). A
// batch dimension counts the n samples of the call, not MaxBatch. It records an
// error if x is not a value of the model's dtype.
func (m *Model) MeanAll(x *ir.Value) *ir.Value {
	m.enter()
	if !m.floatOperand("mean", "x", x) {
		return m.invalid()
	}
	return m.b.Mean(x, ir.AllAxes(x.Shape.Rank()), false)
}

// ParamNamed returns the param called name, such as "fc1.weight", for use as the x
// of Grad. It records an error if the model has no such param.
func (m *Model) ParamNamed(name string) *ir.Value {
	m.enter()
	for _, v := range m.g.Values {
		if v.Op == ir.OpParam && v.Attrs.Name == name {
			return v
		}
	}
	return m.fail("param: the model has no param %q", name)
}

// SetLoss replaces the value of the model's loss by v, for example the loss plus a
// penalty. The loss kind and the "correct" output stay those of the loss function
// called before. It records an error if no loss function was called yet or v is not
// a scalar of the model's dtype.
func (m *Model) SetLoss(v *ir.Value) {
	m.enter()
	if m.lossKind == ir.LossNone {
		m.errorf("loss: call a loss function such as CrossEntropy before SetLoss")
		return
	}
	if !m.floatOperand("loss", "value", v) {
		return
	}
	if !v.IsScalar() {
		m.errorf("loss: value has shape %v, want a scalar", v.Shape)
		return
	}
	m.loss = v
}

// Saliency requests the saliency function: the gradient with respect to the input
// of the loss (ir.SaliencyLoss) or of the output's score of a class chosen per
// sample (ir.SaliencyOutput). It records an error for a second call or an unknown
// kind. Build records an error, at the Saliency call, when ir.SaliencyOutput is
// requested without class labels or without an output of one score per class.
func (m *Model) Saliency(kind ir.SaliencyKind) {
	m.enter()
	switch {
	case m.saliency != ir.SaliencyNone:
		m.errorf("saliency: the model already has a saliency function (%s)", m.saliency)
	case kind != ir.SaliencyLoss && kind != ir.SaliencyOutput:
		m.errorf("saliency: want loss or output, got %s", kind)
	default:
		m.saliency, m.saliencyPos = kind, m.b.Pos
	}
}

// checkSaliency records an error at the saliency statement when the input holds
// integer token ids, which have no gradient, or when "saliency output" has no
// class to select: float targets, or an output that is not [N, classes].
func (m *Model) checkSaliency() {
	if m.saliency == ir.SaliencyNone || m.x == nil {
		return
	}
	if !m.x.DType.IsFloat() {
		m.b.Errs.Add(m.saliencyPos, "saliency %s: the input is %s token ids, which have no gradient; want a float input",
			m.saliency, m.x.Type())
		return
	}
	if m.saliency != ir.SaliencyOutput || m.y == nil || m.output == nil {
		return
	}
	want := ir.Shape{ir.Batch, m.classes}
	if m.classes == 0 || !m.output.Shape.Equal(want) {
		m.b.Errs.Add(m.saliencyPos, "saliency output: needs class labels and an output of shape [N, classes], got labels %s and output %s",
			m.labelsDesc(), m.output.Type())
	}
}

// gradFuncs are the expression functions of this file, added to valueFuncs.
var gradFuncs = map[string]valueFunc{
	"grad":  {params: []param{{"y", argTensor, true}, {"x", argTensor, true}}, apply: applyGrad},
	"sum":   {params: []param{{"x", argTensor, true}}, apply: applyReduceAll},
	"mean":  {params: []param{{"x", argTensor, true}}, apply: applyReduceAll},
	"param": {params: []param{{"name", argParamName, true}}, apply: applyParam},
}

func applyGrad(e *evaluator, call *callExpr, args []expr) *ir.Value {
	y, x := e.tensor(args[0]), e.tensor(args[1])
	return e.m.At(call.fn.pos).Grad(y, x)
}

func applyReduceAll(e *evaluator, call *callExpr, args []expr) *ir.Value {
	x := e.tensor(args[0])
	if call.fn.text == "sum" {
		return e.m.At(call.fn.pos).SumAll(x)
	}
	return e.m.At(call.fn.pos).MeanAll(x)
}

func applyParam(e *evaluator, call *callExpr, args []expr) *ir.Value {
	name, ok := e.stringArg("param", "name", argParamName, args[0])
	if !ok {
		return e.m.invalid()
	}
	return e.m.At(call.fn.pos).ParamNamed(name)
}

// lossExpr evaluates a loss statement whose value is an expression around a loss
// call, such as cross_entropy(logits, y) + 0.01 * sum(...). The loss call declares
// the model's loss. The same call, written the same way, may appear again inside
// the expression (for example inside grad) and gives the same value. lossExpr
// returns false, evaluating nothing, if the expression calls no loss function.
func (e *evaluator) lossExpr(s *exprStmt) bool {
	if !callsLoss(s.value) {
		return false
	}
	e.lossKw, e.lossCalls = s.kw, map[string]*ir.Value{}
	defer func() { e.lossCalls = nil }()
	total := e.tensor(s.value)
	if total.DType != ir.Invalid && e.m.lossKind != ir.LossNone {
		e.m.At(s.kw.pos).SetLoss(total)
	}
	return true
}

// lossCall evaluates call and reports ok if it is a loss call inside a loss
// expression. A repeat of the first loss call returns the same value.
func (e *evaluator) lossCall(call *callExpr) (v *ir.Value, ok bool) {
	if e.lossCalls == nil || !slices.Contains(losses, call.fn.text) {
		return nil, false
	}
	key := e.text(call)
	if v, ok := e.lossCalls[key]; ok {
		return v, true
	}
	if len(e.lossCalls) > 0 {
		for first := range e.lossCalls {
			e.errorAt(call.fn.pos, "loss: the expression may call one loss function, written the same way each time; %q differs from %q", key, first)
		}
		return e.m.invalid(), true
	}
	e.loss(&exprStmt{kw: e.lossKw, value: call})
	v = e.m.loss
	if v == nil || e.m.lossKind == ir.LossNone {
		v = e.m.invalid()
	}
	e.lossCalls[key] = v
	return v, true
}

// callsLoss reports whether x contains a call of a loss function.
func callsLoss(x expr) bool {
	switch x := x.(type) {
	case *parenExpr:
		return callsLoss(x.x)
	case *unaryExpr:
		return callsLoss(x.x)
	case *binaryExpr:
		return callsLoss(x.x) || callsLoss(x.y)
	case *callExpr:
		if slices.Contains(losses, x.fn.text) {
			return true
		}
		for _, a := range x.args {
			if callsLoss(a.value) {
				return true
			}
		}
	}
	return false
}

// saliencyStmt applies "saliency loss" or "saliency output".
func (e *evaluator) saliencyStmt(k *keywordStmt) {
	kinds := map[string]ir.SaliencyKind{"loss": ir.SaliencyLoss, "output": ir.SaliencyOutput}
	kind, ok := kinds[k.name.text]
	if !ok {
		e.errorAt(k.name.pos, "saliency: want loss or output, got %q", k.name.text)
		return
	}
	e.m.At(k.kw.pos).Saliency(kind)
}
