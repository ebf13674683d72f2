package frontend

import (
	"maps"
	"slices"

	"github.com/nncc/nncc/ir"
)

// valueFunc is a built-in function usable in expressions.
type valueFunc struct {
	params []param
	apply  func(e *evaluator, call *callExpr, args []expr) *ir.Value
}

// unaryFuncs are the elementwise functions of one value.
var unaryFuncs = map[string]func(m *Model, x *ir.Value) *ir.Value{
	"relu": (*Model).ReLU, "sigmoid": (*Model).Sigmoid, "tanh": (*Model).Tanh,
	"exp": (*Model).Exp, "log": (*Model).Log, "abs": (*Model).Abs,
	"neg": (*Model).Neg, "sqrt": (*Model).Sqrt, "flatten": (*Model).Flatten,
}

// valueFuncs are the functions usable in expressions, set by init because their
// apply functions refer back to the table.
var valueFuncs map[string]valueFunc

var axisParams = []param{{"x", argTensor, true}, {"axis", argInt, false}}

func init() {
	valueFuncs = map[string]valueFunc{
		"dense": {
			params: []param{{"x", argTensor, true}, {"units", argPosInt, true}, {"name", argParamName, false}, {"bias", argBool, false}},
			apply:  applyDense,
		},
		"softmax":     {params: axisParams, apply: applySoftmax},
		"log_softmax": {params: axisParams, apply: applySoftmax},
	}
	addLayerFuncs(valueFuncs)
	for name := range unaryFuncs {
		valueFuncs[name] = valueFunc{params: []param{{"x", argTensor, true}}, apply: applyUnary}
	}
	maps.Copy(valueFuncs, gradFuncs)
	maps.Copy(valueFuncs, modeFuncs)
	maps.Copy(valueFuncs, convFuncs)
}

// elsewhere names the functions that are valid only in one statement.
var elsewhere = map[string]string{
	"mse": "a loss; use it in the loss statement", "cross_entropy": "a loss; use it in the loss statement",
	"bce_with_logits": "a loss; use it in the loss statement",
	"sgd":             "an optimizer; use it in the optimizer statement",
	"adam":            "an optimizer; use it in the optimizer statement",
	"adamw":           "an optimizer; use it in the optimizer statement",
	"rmsprop":         "an optimizer; use it in the optimizer statement",
	"adagrad":         "an optimizer; use it in the optimizer statement",
	"csv":             "a dataset; use it in the train block", "idx": "a dataset; use it in the train block",
	"classes": "a labels type; use it in the labels statement",
}

// tensor evaluates x to a value. A mistake is recorded and gives an invalid value.
func (e *evaluator) tensor(x expr) *ir.Value {
	switch x := x.(type) {
	case *numberLit:
		return e.m.At(x.tok.pos).Const(x.value)
	case *stringLit:
		e.errorAt(x.tok.pos, "a string is not a value: %s", e.text(x))
	case *identExpr:
		return e.lookup(x.tok)
	case *parenExpr:
		return e.tensor(x.x)
	case *unaryExpr:
		if n, ok := x.x.(*numberLit); ok {
			return e.m.At(x.op.pos).Const(-n.value)
		}
		v := e.tensor(x.x)
		return e.m.At(x.op.pos).Neg(v)
	case *binaryExpr:
		a, b := e.tensor(x.x), e.tensor(x.y)
		e.m.At(x.op.pos)
		switch x.op.kind {
		case tPlus:
			return e.m.Add(a, b)
		case tMinus:
			return e.m.Sub(a, b)
		case tStar:
			return e.m.Mul(a, b)
		default:
			return e.m.Div(a, b)
		}
	case *callExpr:
		return e.call(x)
	case *listExpr:
		e.errorAt(x.lbrack.pos, "a list is not a value: %s", e.text(x))
	}
	return e.m.invalid()
}

// lookup returns the value bound to name.
func (e *evaluator) lookup(name token) *ir.Value {
	if v, ok := e.env[name.text]; ok {
		return v
	}
	_, isFunc := valueFuncs[name.text]
	_, isOther := elsewhere[name.text]
	switch {
	case isFunc || isOther:
		e.errorAt(name.pos, "%s is a function; call it: %s(...)", name.text, name.text)
	case e.declared[name.text].IsKnown():
		e.errorAt(name.pos, "%s is used before its definition at %s", name.text, e.declared[name.text])
	default:
		e.errorAt(name.pos, "unknown name %q%s", name.text, e.nameHint(name.text))
		e.unknown[name.text] = true
	}
	// Bind the name so that later uses are not reported again.
	v := e.m.invalid()
	e.env[name.text] = v
	return v
}

// maxNameHints bounds the did-you-mean searches for unknown names. Each search
// costs time in the number of names bound, so without a bound a file with
// thousands of names and thousands of typos would take minutes to report.
const maxNameHints = 100

// nameHint returns a did-you-mean hint for the unknown name: the closest bound name
// that is not itself unknown, or "" once maxNameHints hints have been searched.
func (e *evaluator) nameHint(name string) string {
	if e.hints >= maxNameHints {
		return ""
	}
	e.hints++
	names := make([]string, 0, len(e.env))
	for n := range e.env {
		if !e.unknown[n] {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return didYouMean(name, names)
}

func (e *evaluator) call(call *callExpr) *ir.Value {
	fn := call.fn.text
	if v, ok := e.lossCall(call); ok {
		return v
	}
	f, ok := valueFuncs[fn]
	if !ok {
		if where, ok := elsewhere[fn]; ok {
			e.errorAt(call.fn.pos, "%s is %s", fn, where)
		} else {
			names := slices.Sorted(maps.Keys(valueFuncs))
			e.errorAt(call.fn.pos, "unknown function %q%s", fn, didYouMean(fn, names))
		}
		return e.m.invalid()
	}
	args, ok := e.bind(call, f.params)
	if !ok {
		e.checkTensorArgs(f.params, args)
		return e.m.invalid()
	}
	return f.apply(e, call, args)
}

func applyUnary(e *evaluator, call *callExpr, args []expr) *ir.Value {
	x := e.tensor(args[0])
	return unaryFuncs[call.fn.text](e.m.At(call.fn.pos), x)
}

func applySoftmax(e *evaluator, call *callExpr, args []expr) *ir.Value {
	x := e.tensor(args[0])
	axis, ok := -1, true
	if args[1] != nil {
		axis, ok = e.intArg(call.fn.text, "axis", argInt, args[1])
	}
	if !ok {
		return e.m.invalid()
	}
	e.m.At(call.fn.pos)
	if call.fn.text == "softmax" {
		return e.m.Softmax(x, axis)
	}
	return e.m.LogSoftmax(x, axis)
}

func applyDense(e *evaluator, call *callExpr, args []expr) *ir.Value {
	x := e.tensor(args[0])
	c := DenseConfig{}
	units, ok := e.intArg("dense", "units", argPosInt, args[1])
	c.Units = units
	if args[2] != nil {
		var nameOK bool
		c.Name, nameOK = e.stringArg("dense", "name", argParamName, args[2])
		ok = ok && nameOK
	}
	if args[3] != nil {
		bias, biasOK := e.boolArg("dense", "bias", args[3])
		c.NoBias = !bias
		ok = ok && biasOK
	}
	if !ok {
		// Count the layer anyway, so that default names do not shift.
		e.m.denseLayers++
		return e.m.invalid()
	}
	return e.m.At(call.fn.pos).DenseWith(x, c)
}
