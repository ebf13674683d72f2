package frontend

import (
	"fmt"

	"github.com/nncc/nncc/ir"
)

// addLayerFuncs adds the layers built from primitives to the functions usable in
// expressions.
func addLayerFuncs(funcs map[string]valueFunc) {
	rnnParams := []param{{"x", argTensor, true}, {"hidden", argPosInt, true},
		{"name", argParamName, false}, {"return_sequences", argBool, false}}
	funcs["layer_norm"] = valueFunc{
		params: []param{{"x", argTensor, true}, {"name", argParamName, false},
			{"eps", argPosFloat, false}, {"affine", argBool, false}},
		apply: applyLayerNorm,
	}
	funcs["embedding"] = valueFunc{
		params: []param{{"ids", argTensor, true}, {"vocab", argPosInt, true},
			{"dim", argPosInt, true}, {"name", argParamName, false}},
		apply: applyEmbedding,
	}
	funcs["reshape"] = valueFunc{
		params: []param{{"x", argTensor, true}, {"shape", argInt, true}},
		apply:  applyReshape,
	}
	funcs["concat"] = valueFunc{
		params: []param{{"a", argTensor, true}, {"b", argTensor, true}, {"axis", argInt, false}},
		apply:  applyConcat,
	}
	funcs["attention"] = valueFunc{
		params: []param{{"x", argTensor, true}, {"heads", argPosInt, true},
			{"name", argParamName, false}, {"causal", argBool, false}},
		apply: applyAttention,
	}
	funcs["lstm"] = valueFunc{params: rnnParams, apply: applyRNN}
	funcs["gru"] = valueFunc{params: rnnParams, apply: applyRNN}
}

// optName returns the optional name argument x of fn, "" when it is nil.
func (e *evaluator) optName(fn string, x expr) (string, bool) {
	if x == nil {
		return "", true
	}
	return e.stringArg(fn, "name", argParamName, x)
}

// optBool returns the optional bool argument x of fn, def when it is nil.
func (e *evaluator) optBool(fn, name string, x expr, def bool) (bool, bool) {
	if x == nil {
		return def, true
	}
	return e.boolArg(fn, name, x)
}

// countFailed counts a layer with invalid arguments and returns an invalid value.
// Counting it keeps the default names of later layers from shifting.
func (e *evaluator) countFailed(fn string) *ir.Value {
	if e.m.layerCounts == nil {
		e.m.layerCounts = map[string]int{}
	}
	e.m.layerCounts[fn]++
	return e.m.invalid()
}

func applyLayerNorm(e *evaluator, call *callExpr, args []expr) *ir.Value {
	x := e.tensor(args[0])
	var c LayerNormConfig
	name, ok := e.optName("layer_norm", args[1])
	c.Name = name
	if args[2] != nil {
		eps, epsOK := e.floatArg("layer_norm", "eps", argPosFloat, args[2])
		c.Eps, ok = eps, ok && epsOK
	}
	affine, affineOK := e.optBool("layer_norm", "affine", args[3], true)
	c.NoAffine = !affine
	if !ok || !affineOK {
		return e.countFailed("layer_norm")
	}
	return e.m.At(call.fn.pos).LayerNormWith(x, c)
}

func applyEmbedding(e *evaluator, call *callExpr, args []expr) *ir.Value {
	ids := e.tensor(args[0])
	vocab, okV := e.intArg("embedding", "vocab", argPosInt, args[1])
	dim, okD := e.intArg("embedding", "dim", argPosInt, args[2])
	name, okN := e.optName("embedding", args[3])
	if !okV || !okD || !okN {
		return e.countFailed("embedding")
	}
	return e.m.At(call.fn.pos).Embedding(ids, vocab, dim, name)
}

func applyReshape(e *evaluator, call *callExpr, args []expr) *ir.Value {
	x := e.tensor(args[0])
	list, isList := args[1].(*listExpr)
	if !isList || len(list.elems) == 0 {
		e.errorAt(args[1].first().pos, "reshape: shape must be a list of dimensions such as [4, 8], got %q", e.text(args[1]))
		return e.m.invalid()
	}
	dims := make([]int, len(list.elems))
	ok := true
	for i, d := range list.elems {
		n, dimOK := e.intArg("reshape", fmt.Sprintf("dimension %d", i), argInt, d)
		dims[i], ok = n, ok && dimOK
	}
	if !ok {
		return e.m.invalid()
	}
	return e.m.At(call.fn.pos).Reshape(x, dims...)
}

func applyConcat(e *evaluator, call *callExpr, args []expr) *ir.Value {
	a, b := e.tensor(args[0]), e.tensor(args[1])
	axis, ok := -1, true
	if args[2] != nil {
		axis, ok = e.intArg("concat", "axis", argInt, args[2])
	}
	if !ok {
		return e.m.invalid()
	}
	return e.m.At(call.fn.pos).Concat(a, b, axis)
}

func applyRNN(e *evaluator, call *callExpr, args []expr) *ir.Value {
	fn := call.fn.text
	x := e.tensor(args[0])
	hidden, okH := e.intArg(fn, "hidden", argPosInt, args[1])
	name, okN := e.optName(fn, args[2])
	seq, okS := e.optBool(fn, "return_sequences", args[3], false)
	if !okH || !okN || !okS {
		return e.countFailed(fn)
	}
	c := RNNConfig{Hidden: hidden, Name: name, ReturnSequences: seq}
	if fn == "lstm" {
		return e.m.At(call.fn.pos).LSTM(x, c)
	}
	return e.m.At(call.fn.pos).GRU(x, c)
}

func applyAttention(e *evaluator, call *callExpr, args []expr) *ir.Value {
	x := e.tensor(args[0])
	heads, okH := e.intArg("attention", "heads", argPosInt, args[1])
	name, okN := e.optName("attention", args[2])
	causal, okC := e.optBool("attention", "causal", args[3], false)
	if !okH || !okN || !okC {
		return e.countFailed("attention")
	}
	return e.m.At(call.fn.pos).Attention(x, AttentionConfig{Heads: heads, Name: name, Causal: causal})
}

// intInput evaluates the type i32[DIMS] of an input statement: integer token ids.
func (e *evaluator) intInput(t *typeExpr) *ir.Value {
	dims := make([]int, len(t.dims))
	ok := true
	for i, d := range t.dims {
		n, dimOK := e.intArg("input", fmt.Sprintf("dimension %d", i), argPosInt, d)
		dims[i], ok = n, ok && dimOK
	}
	if !ok {
		return nil
	}
	return e.m.At(t.pos).IntInput(dims...)
}
