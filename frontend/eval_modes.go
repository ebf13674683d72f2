package frontend

import "github.com/nncc/nncc/ir"

// modeFuncs are the layers that differ between training and inference.
var modeFuncs = map[string]valueFunc{
	"dropout": {
		params: []param{{"x", argTensor, true}, {"p", argNonNegFloat, false}, {"seed", argNonNegInt, false}},
		apply:  applyDropout,
	},
	"batch_norm": {
		params: []param{{"x", argTensor, true}, {"name", argParamName, false},
			{"momentum", argNonNegFloat, false}, {"eps", argPosFloat, false}, {"affine", argBool, false}},
		apply: applyBatchNorm,
	},
}

// applyDropout evaluates dropout(x, p=0.5, seed=k), with PyTorch's default p.
func applyDropout(e *evaluator, call *callExpr, args []expr) *ir.Value {
	x := e.tensor(args[0])
	c, ok := DropoutConfig{P: 0.5}, true
	if args[1] != nil {
		c.P, ok = e.floatArg("dropout", "p", argNonNegFloat, args[1])
	}
	if args[2] != nil {
		seed, seedOK := e.uintArg("dropout", "seed", args[2])
		c.Seed, ok = int64(min(seed, 1<<62)), ok && seedOK
	}
	if !ok {
		e.m.modes.dropouts++ // keep the default seeds of later layers
		return e.m.invalid()
	}
	return e.m.At(call.fn.pos).DropoutWith(x, c)
}

// applyBatchNorm evaluates batch_norm(x, name="", momentum=0.1, eps=1e-5,
// affine=true).
func applyBatchNorm(e *evaluator, call *callExpr, args []expr) *ir.Value {
	x := e.tensor(args[0])
	c, ok := BatchNormConfig{Momentum: 0.1, Eps: 1e-5}, true
	if args[1] != nil {
		c.Name, ok = e.stringArg("batch_norm", "name", argParamName, args[1])
	}
	if args[2] != nil {
		var momOK bool
		c.Momentum, momOK = e.floatArg("batch_norm", "momentum", argNonNegFloat, args[2])
		ok = ok && momOK
	}
	if args[3] != nil {
		var epsOK bool
		c.Eps, epsOK = e.floatArg("batch_norm", "eps", argPosFloat, args[3])
		ok = ok && epsOK
	}
	if args[4] != nil {
		affine, affineOK := e.boolArg("batch_norm", "affine", args[4])
		c.NoAffine, ok = !affine, ok && affineOK
	}
	if !ok {
		e.m.modes.batchNorms++ // keep the default names of later layers
		return e.m.invalid()
	}
	return e.m.At(call.fn.pos).BatchNormWith(x, c)
}
