package frontend

import (
	"slices"

	"github.com/nncc/nncc/ir"
)

// optimizerSpec is one function of the optimizer statement: its parameters and the
// optimizer with its defaults filled in.
type optimizerSpec struct {
	params   []param
	defaults ir.Optimizer
}

// clipParam is the clip_norm setting every optimizer takes.
var clipParam = param{"clip_norm", argNonNegFloat, false}

var optimizerSpecs = map[string]optimizerSpec{
	"sgd": {[]param{
		{"lr", argPosFloat, true}, {"momentum", argNonNegFloat, false},
		{"nesterov", argBool, false}, {"weight_decay", argNonNegFloat, false}, clipParam,
	}, ir.Optimizer{Kind: ir.OptSGD}},
	"adam": {[]param{
		{"lr", argPosFloat, false}, {"beta1", argUnitFloat, false}, {"beta2", argUnitFloat, false},
		{"eps", argNonNegFloat, false}, {"weight_decay", argNonNegFloat, false}, clipParam,
	}, ir.Optimizer{Kind: ir.OptAdam, LR: DefaultAdamLR, Beta1: DefaultAdamBeta1, Beta2: DefaultAdamBeta2, Eps: DefaultAdamEps}},
	"adamw": {[]param{
		{"lr", argPosFloat, false}, {"beta1", argUnitFloat, false}, {"beta2", argUnitFloat, false},
		{"eps", argNonNegFloat, false}, {"weight_decay", argNonNegFloat, false}, clipParam,
	}, ir.Optimizer{Kind: ir.OptAdamW, LR: DefaultAdamLR, Beta1: DefaultAdamBeta1, Beta2: DefaultAdamBeta2,
		Eps: DefaultAdamEps, WeightDecay: DefaultAdamWWeightDecay}},
	"rmsprop": {[]param{
		{"lr", argPosFloat, false}, {"alpha", argNonNegFloat, false}, {"eps", argNonNegFloat, false},
		{"weight_decay", argNonNegFloat, false}, {"momentum", argNonNegFloat, false},
		{"centered", argBool, false}, clipParam,
	}, ir.Optimizer{Kind: ir.OptRMSProp, LR: DefaultRMSPropLR, Alpha: DefaultRMSPropAlpha, Eps: DefaultRMSPropEps}},
	"adagrad": {[]param{
		{"lr", argPosFloat, false}, {"lr_decay", argNonNegFloat, false},
		{"weight_decay", argNonNegFloat, false}, {"initial_accumulator_value", argNonNegFloat, false},
		{"eps", argNonNegFloat, false}, clipParam,
	}, ir.Optimizer{Kind: ir.OptAdagrad, LR: DefaultAdagradLR, Eps: DefaultAdagradEps}},
}

// optimizer evaluates the optimizer statement, such as "optimizer adamw(lr=0.001)".
func (e *evaluator) optimizer(s *exprStmt) {
	call, ok := s.value.(*callExpr)
	if !ok || !slices.Contains(optimizers, call.fn.text) {
		e.errorAt(s.value.first().pos, "optimizer: want %s, got %q%s",
			oneOf(optimizerCalls()), e.text(s.value), e.suggestion(s.value, optimizers))
		return
	}
	fn := call.fn.text
	spec := optimizerSpecs[fn]
	o := spec.defaults
	args, ok := e.bind(call, spec.params)
	if !ok {
		return
	}
	floats := map[string]*float64{
		"lr": &o.LR, "momentum": &o.Momentum, "weight_decay": &o.WeightDecay,
		"beta1": &o.Beta1, "beta2": &o.Beta2, "eps": &o.Eps, "alpha": &o.Alpha,
		"lr_decay": &o.LRDecay, "initial_accumulator_value": &o.InitialAcc, "clip_norm": &o.ClipNorm,
	}
	bools := map[string]*bool{"nesterov": &o.Nesterov, "centered": &o.Centered}
	for i, p := range spec.params {
		if args[i] == nil {
			continue
		}
		var argOK bool
		if p.kind == argBool {
			*bools[p.name], argOK = e.boolArg(fn, p.name, args[i])
		} else {
			*floats[p.name], argOK = e.floatArg(fn, p.name, p.kind, args[i])
		}
		ok = ok && argOK
	}
	if ok {
		e.m.At(call.fn.pos).SetOptimizer(o)
	}
}

// optimizerCalls returns the optimizer functions as calls, "sgd(...)" and so on.
func optimizerCalls() []string {
	calls := make([]string, len(optimizers))
	for i, name := range optimizers {
		calls[i] = name + "(...)"
	}
	return calls
}
