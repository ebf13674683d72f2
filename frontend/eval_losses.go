package frontend

import (
	"github.com/nncc/nncc/ir"
)

// lossFunc is a loss of the loss statement: its parameters after the prediction and
// the labels, and the function that adds it. args holds the extra arguments, nil
// where not given; apply records errors in them itself.
type lossFunc struct {
	extra []param
	apply func(e *evaluator, call *callExpr, pred, y *ir.Value, args []expr)
}

// lossFuncs are the losses of the loss statement.
var lossFuncs = map[string]lossFunc{
	"mse": {apply: func(e *evaluator, _ *callExpr, pred, y *ir.Value, _ []expr) { e.m.MSE(pred, y) }},
	"l1":  {apply: func(e *evaluator, _ *callExpr, pred, y *ir.Value, _ []expr) { e.m.L1(pred, y) }},
	"nll": {apply: func(e *evaluator, _ *callExpr, pred, y *ir.Value, _ []expr) { e.m.NLL(pred, y) }},
	"bce": {apply: func(e *evaluator, _ *callExpr, pred, y *ir.Value, _ []expr) { e.m.BCE(pred, y) }},
	"huber": {
		extra: []param{{"delta", argPosFloat, false}},
		apply: applyHuber,
	},
	"cross_entropy": {
		extra: []param{{"label_smoothing", argNonNegFloat, false}},
		apply: applyCrossEntropy,
	},
	"bce_with_logits": {
		extra: []param{{"pos_weight", argNonNegFloat, false}},
		apply: applyBCEWithLogits,
	},
}

// lossArg returns the optional number argument x of a loss, or def if it is nil.
// ok is false after an error was recorded at x; the loss then counts as declared.
func (e *evaluator) lossArg(call *callExpr, name string, k argKind, x expr, def float64) (float64, bool) {
	if x == nil {
		return def, true
	}
	v, ok := e.floatArg(call.fn.text, name, k, x)
	if !ok {
		e.m.lossKind, e.m.lossPos = lossKindOf(call.fn.text), call.fn.pos
	}
	return v, ok
}

// lossKindOf returns the loss kind named fn in the model language, or
// ir.LossNone for another name.
func lossKindOf(fn string) ir.LossKind {
	// The names end where String reports the name of an unknown kind, at the
	// latest at the last kind, 255.
	unknown := ir.LossKind(255).String()
	for k := ir.LossMSE; k.String() != unknown; k++ {
		if k.String() == fn {
			return k
		}
	}
	return ir.LossNone
}

func applyHuber(e *evaluator, call *callExpr, pred, y *ir.Value, args []expr) {
	if delta, ok := e.lossArg(call, "delta", argPosFloat, args[0], 1); ok {
		e.m.Huber(pred, y, delta)
	}
}

func applyCrossEntropy(e *evaluator, call *callExpr, pred, y *ir.Value, args []expr) {
	eps, ok := e.lossArg(call, "label_smoothing", argNonNegFloat, args[0], 0)
	if !ok {
		return
	}
	if eps > 1 {
		e.errorAt(args[0].first().pos, "cross_entropy: label_smoothing must be in [0, 1], got %q", e.text(args[0]))
		e.m.lossKind, e.m.lossPos = ir.LossCrossEntropy, call.fn.pos
		return
	}
	e.m.CrossEntropyWith(pred, y, CrossEntropyConfig{LabelSmoothing: eps})
}

func applyBCEWithLogits(e *evaluator, call *callExpr, pred, y *ir.Value, args []expr) {
	if w, ok := e.lossArg(call, "pos_weight", argNonNegFloat, args[0], 1); ok {
		e.m.BCEWithLogitsPosWeight(pred, y, []float64{w})
	}
}

func init() {
	// A loss named in an expression is reported as belonging to the loss statement.
	for name := range lossFuncs {
		elsewhere[name] = "a loss; use it in the loss statement"
	}
}
