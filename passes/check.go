package passes

import (
	"errors"
	"math"

	"github.com/nncc/nncc/ir"
)

// checkGraph is the "check" pass: it runs ir.Verify on the derived graph and
// reports what it finds as the user's errors, since the graph is still as the
// frontend built it.
func checkGraph(ctx *Context) error {
	err := ir.Verify(ctx.Func.Graph)
	if err == nil {
		return nil
	}
	return asErrorList(err, ir.Pos{File: ctx.Module.File})
}

// asErrorList returns err as an ir.ErrorList, giving pos to the errors that have
// no position of their own.
func asErrorList(err error, pos ir.Pos) ir.ErrorList {
	var list ir.ErrorList
	var e *ir.Error
	switch {
	case errors.As(err, &list):
	case errors.As(err, &e):
		list = ir.ErrorList{e}
	default:
		list = ir.ErrorList{{Msg: err.Error()}}
	}
	for _, e := range list {
		if e.Pos == (ir.Pos{}) {
			e.Pos = pos
		}
	}
	return list
}

// checkModule reports what keeps m from following the conventions in ir.Module:
// missing or ill-typed inputs and outputs, params that cannot be trained, names
// that clash with optimizer state, and invalid hyperparameters.
func checkModule(m *ir.Module) ir.ErrorList {
	var errs ir.ErrorList
	g := m.Forward
	filePos := ir.Pos{File: m.File}

	if x := g.Named("x"); x == nil || x.Op != ir.OpInput {
		errs.Add(filePos, "missing input \"x\": the forward graph needs the features as input x")
	}
	if y := g.Named("y"); y != nil && y.Op != ir.OpInput {
		errs.Add(y.Pos, "%q must be an input, not a %s", "y", y.Op)
	}
	if g.Output("output") == nil {
		errs.Add(filePos, "missing output \"output\": the forward graph needs the prediction as output")
	}
	if c := g.Output("correct"); c != nil && (!c.IsScalar() || !c.DType.IsInt()) {
		errs.Add(c.Pos, "output \"correct\" is %s, want an i32 or i64 scalar count", c.Type())
	}

	loss := g.Output("loss")
	if loss == nil {
		return errs
	}
	if !loss.IsScalar() || !loss.DType.IsFloat() {
		errs.Add(loss.Pos, "output \"loss\" is %s, want an f32 or f64 scalar", loss.Type())
		return errs
	}
	errs = append(errs, checkTrainable(m, loss.DType)...)
	errs = append(errs, checkOptimizer(m.Optimizer)...)
	errs = append(errs, checkLRSchedule(m.Train.Schedule, filePos)...)
	return errs
}

// checkTrainable checks what the train function derives from the forward graph:
// params of the loss's dtype, updates of state only, and no name that optimizer
// lowering is about to define.
func checkTrainable(m *ir.Module, dt ir.DType) ir.ErrorList {
	var errs ir.ErrorList
	g := m.Forward
	reserved := map[string]bool{stepName: true, lrName: true}
	for _, p := range g.Params() {
		if p.DType != dt {
			errs.Add(p.Pos, "param %q has dtype %s, but the loss has %s (a model trains in one float dtype)", p.Attrs.Name, p.DType, dt)
		}
		for _, suffix := range []string{momentumSuffix, adamMSuffix, adamVSuffix} {
			reserved[p.Attrs.Name+suffix] = true
		}
	}
	for _, v := range g.Values {
		if v.Op.IsSource() && v.Op != ir.OpConst && reserved[v.Attrs.Name] {
			errs.Add(v.Pos, "rename this %s, because the optimizer uses the name %q for its state", v.Op, v.Attrs.Name)
		}
	}

	targets := make(map[*ir.Value]bool)
	for _, u := range g.Updates {
		switch {
		case u.Target.Op == ir.OpParam:
			errs.Add(u.Value.Pos, "the forward graph updates param %q, which only the optimizer may update", u.Target.Attrs.Name)
		case targets[u.Target]:
			errs.Add(u.Value.Pos, "the forward graph updates %q twice", u.Target.Attrs.Name)
		}
		targets[u.Target] = true
	}
	return errs
}

// checkOptimizer checks the hyperparameters against the ranges that PyTorch 1.13's
// optimizers accept, and also rejects NaN and infinities.
func checkOptimizer(o ir.Optimizer) ir.ErrorList {
	var errs ir.ErrorList
	bad := func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) || x < 0 }
	if bad(o.LR) {
		errs.Add(o.Pos, "%s: learning rate %g, want 0 or more", o.Kind, o.LR)
	}
	if bad(o.WeightDecay) {
		errs.Add(o.Pos, "%s: weight decay %g, want 0 or more", o.Kind, o.WeightDecay)
	}
	switch o.Kind {
	case ir.OptSGD:
		if bad(o.Momentum) {
			errs.Add(o.Pos, "sgd: momentum %g, want 0 or more", o.Momentum)
		}
		if o.Nesterov && o.Momentum == 0 {
			errs.Add(o.Pos, "sgd: nesterov needs a momentum above 0")
		}
	case ir.OptAdam, ir.OptAdamW:
		if bad(o.Beta1) || o.Beta1 >= 1 || bad(o.Beta2) || o.Beta2 >= 1 {
			errs.Add(o.Pos, "%s: betas (%g, %g), want each in [0, 1)", o.Kind, o.Beta1, o.Beta2)
		}
		if bad(o.Eps) {
			errs.Add(o.Pos, "%s: eps %g, want 0 or more", o.Kind, o.Eps)
		}
	case ir.OptRMSProp, ir.OptAdagrad:
		errs = append(errs, checkAdaptive(o)...)
	default:
		errs.Add(o.Pos, "unknown optimizer %s", o.Kind)
	}
	if bad(o.ClipNorm) {
		errs.Add(o.Pos, "%s: clip_norm %g, want 0 or more", o.Kind, o.ClipNorm)
	}
	return errs
}

// checkAdaptive checks RMSProp's and Adagrad's hyperparameters against the ranges
// PyTorch 1.13 accepts.
func checkAdaptive(o ir.Optimizer) ir.ErrorList {
	var errs ir.ErrorList
	bad := func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) || x < 0 }
	if bad(o.Eps) {
		errs.Add(o.Pos, "%s: eps %g, want 0 or more", o.Kind, o.Eps)
	}
	if o.Kind == ir.OptRMSProp {
		if bad(o.Alpha) {
			errs.Add(o.Pos, "rmsprop: alpha %g, want 0 or more", o.Alpha)
		}
		if bad(o.Momentum) {
			errs.Add(o.Pos, "rmsprop: momentum %g, want 0 or more", o.Momentum)
		}
		return errs
	}
	if bad(o.LRDecay) {
		errs.Add(o.Pos, "adagrad: lr_decay %g, want 0 or more", o.LRDecay)
	}
	if bad(o.InitialAcc) {
		errs.Add(o.Pos, "adagrad: initial_accumulator_value %g, want 0 or more", o.InitialAcc)
	}
	return errs
}
