package frontend

import "github.com/nncc/nncc/ir"

// convFuncs are the convolution and pooling functions of the model language. Sizes
// are single integers that apply to both spatial axes.
var convFuncs = map[string]valueFunc{
	"conv2d": {
		params: []param{{"x", argTensor, true}, {"out_channels", argPosInt, true}, {"kernel", argPosInt, true},
			{"stride", argPosInt, false}, {"padding", argNonNegInt, false}, {"dilation", argPosInt, false},
			{"groups", argPosInt, false}, {"bias", argBool, false}, {"name", argParamName, false}},
		apply: applyConv2D,
	},
	"max_pool2d": {params: poolParams, apply: applyPool},
	"avg_pool2d": {params: poolParams, apply: applyPool},
	"global_avg_pool": {
		params: []param{{"x", argTensor, true}},
		apply: func(e *evaluator, call *callExpr, args []expr) *ir.Value {
			x := e.tensor(args[0])
			return e.m.At(call.fn.pos).GlobalAvgPool(x)
		},
	},
}

var poolParams = []param{{"x", argTensor, true}, {"kernel", argPosInt, true},
	{"stride", argPosInt, false}, {"padding", argNonNegInt, false}}

// sizeArg reads the optional size argument x of fn as a pair, or returns def.
func (e *evaluator) sizeArg(fn, name string, k argKind, x expr, def int, ok *bool) [2]int {
	if x == nil {
		return [2]int{def, def}
	}
	if k == argNonNegInt {
		u, good := e.uintArg(fn, name, x)
		if !good || u > 1<<20 {
			if good {
				e.badArg(fn, name, k, x)
			}
			*ok = false
			return [2]int{}
		}
		return [2]int{int(u), int(u)}
	}
	n, good := e.intArg(fn, name, k, x)
	*ok = *ok && good
	return [2]int{n, n}
}

func applyConv2D(e *evaluator, call *callExpr, args []expr) *ir.Value {
	x := e.tensor(args[0])
	ok := true
	out, good := e.intArg("conv2d", "out_channels", argPosInt, args[1])
	ok = ok && good
	c := Conv2DConfig{OutChannels: out}
	c.Kernel = e.sizeArg("conv2d", "kernel", argPosInt, args[2], 0, &ok)
	c.Stride = e.sizeArg("conv2d", "stride", argPosInt, args[3], 1, &ok)
	c.Padding = e.sizeArg("conv2d", "padding", argNonNegInt, args[4], 0, &ok)
	c.Dilation = e.sizeArg("conv2d", "dilation", argPosInt, args[5], 1, &ok)
	groups := e.sizeArg("conv2d", "groups", argPosInt, args[6], 1, &ok)
	c.Groups = groups[0]
	if args[7] != nil {
		bias, good := e.boolArg("conv2d", "bias", args[7])
		c.NoBias = !bias
		ok = ok && good
	}
	if args[8] != nil {
		var good bool
		c.Name, good = e.stringArg("conv2d", "name", argParamName, args[8])
		ok = ok && good
	}
	if !ok {
		return e.m.invalid()
	}
	return e.m.At(call.fn.pos).Conv2D(x, c)
}

func applyPool(e *evaluator, call *callExpr, args []expr) *ir.Value {
	fn := call.fn.text
	x := e.tensor(args[0])
	ok := true
	var c Pool2DConfig
	c.Kernel = e.sizeArg(fn, "kernel", argPosInt, args[1], 0, &ok)
	c.Stride = e.sizeArg(fn, "stride", argPosInt, args[2], 0, &ok)
	c.Padding = e.sizeArg(fn, "padding", argNonNegInt, args[3], 0, &ok)
	if !ok {
		return e.m.invalid()
	}
	if fn == "max_pool2d" {
		return e.m.At(call.fn.pos).MaxPool2D(x, c)
	}
	return e.m.At(call.fn.pos).AvgPool2D(x, c)
}
