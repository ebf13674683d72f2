package codegen

import (
	"fmt"
	"strconv"

	"github.com/dave/jennifer/jen"
	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/passes"
)

// funcEmitter writes the method of one function: argument checks, one block per
// scheduled value, the updates and the return.
type funcEmitter struct {
	g      *generator
	fn     *passes.Function
	method string
	body   []jen.Code
	// decls are the declarations that the method needs besides itself: the
	// types and methods of its parallel loops.
	decls []jen.Code
	loops int // parallel loops declared so far
}

// arenaField returns the name of the Model field that holds the arena of dtype dt.
func arenaField(dt ir.DType) string { return "arena" + dtypeSuffix(dt) }

// emitFunction returns the doc comment and declaration of the method for fn.
func (g *generator) emitFunction(fn *passes.Function, method string) ([]jen.Code, error) {
	e := &funcEmitter{g: g, fn: fn, method: method}
	e.emitChecks()
	for _, s := range fn.StepsOf() {
		if err := e.emitStep(s); err != nil {
			return nil, fmt.Errorf("codegen: function %s: %s: %w", fn.Name, s.Values[len(s.Values)-1], err)
		}
	}
	if err := e.emitUpdates(); err != nil {
		return nil, err
	}
	results, ret := e.results()
	e.body = append(e.body, jen.Line())
	e.body = append(e.body, ret...)

	params := []jen.Code{jen.Id("x").Index().Id(goType(g.x.DType))}
	if method != "Predict" && g.y != nil {
		params = append(params, jen.Id("y").Index().Id(goType(g.y.DType)))
	}
	params = append(params, jen.Id("n").Int())
	decl := jen.Func().Params(jen.Id("m").Op("*").Id("Model")).Id(method).Params(params...).Add(results).Block(e.body...)
	return append([]jen.Code{jen.Comment(e.doc()), decl}, e.decls...), nil
}

// doc returns the method's doc comment.
func (e *funcEmitter) doc() string {
	var lines []string
	switch e.method {
	case "Predict":
		lines = []string{
			"Predict computes the model's output for the n samples in x, stored one after",
			"another with Features values each, and returns Outputs values per sample. The",
			"result is a view into m's arena: it stays valid until the next call of a method",
			"of m.",
		}
	case "Evaluate":
		lines = []string{
			"Evaluate returns the mean loss over the n samples in x with " + e.targetsText() + " y,",
		}
		if e.fn.Graph.Output("correct") != nil {
			lines = append(lines, "and the number of samples among them that the model predicts correctly.")
		} else {
			lines = append(lines, "and -1 for correct: the model has no \"correct\" output to count them.")
		}
		lines = append(lines, "It leaves the parameters and state of m unchanged.")
	case saliencyMethod:
		lines = e.saliencyDoc()
	case "TrainStep":
		lines = []string{
			"TrainStep runs one optimizer step on the n samples in x with " + e.targetsText() + " y",
			"and returns the mean loss computed before the step changed the parameters.",
		}
		if e.fn.Graph.Output("correct") != nil {
			lines = append(lines, "It also counts the correct predictions of that forward pass for LastCorrect.")
		}
	}
	check := "1 <= n <= MaxBatch and len(x) == Features*n"
	if e.method != "Predict" && e.g.y != nil {
		yLen := e.perSampleText(e.g.y) + "*n"
		if yLen == "1*n" {
			yLen = "n"
		}
		check = "1 <= n <= MaxBatch, len(x) == Features*n and len(y) == " + yLen
	}
	lines = append(lines, "", e.method+" panics unless "+check+".")
	if min := e.g.prog.Module.MinTrainBatch; e.method == "TrainStep" && min > 1 {
		lines = append(lines, fmt.Sprintf("It also panics for n < %d: batch norm needs more than 1 value per channel.", min))
	}
	lines = append(lines, "It does not allocate.")
	text := ""
	for i, l := range lines {
		if i > 0 {
			text += "\n"
		}
		text += "// " + l
	}
	return text
}

// targetsText names what y holds: class labels or targets.
func (e *funcEmitter) targetsText() string {
	if e.g.y != nil && e.g.y.DType.IsInt() {
		return "class labels"
	}
	return "targets"
}

// perSampleText returns the name or value of in's elements per sample.
func (e *funcEmitter) perSampleText(in *ir.Value) string {
	if in == e.g.x {
		return "Features"
	}
	if in.DType.IsFloat() {
		return "Targets"
	}
	return strconv.Itoa(in.Shape.StaticElems())
}

// emitChecks adds the batch and length checks of the arguments.
func (e *funcEmitter) emitChecks() {
	fn := jen.Lit(e.method)
	e.add(jen.Qual(runtimePath, "CheckBatch").Call(fn, jen.Id("n"), jen.Id("MaxBatch")))
	if min := e.g.prog.Module.MinTrainBatch; e.method == "TrainStep" && min > 1 {
		e.add(jen.Qual(runtimePath, "CheckTrainBatch").Call(fn, jen.Id("n"), jen.Lit(min)))
	}
	inputs := []*ir.Value{e.g.x}
	if e.method != "Predict" && e.g.y != nil {
		inputs = append(inputs, e.g.y)
	}
	for _, in := range inputs {
		name := in.Attrs.Name
		per := jen.Id(e.perSampleText(in))
		if _, err := strconv.Atoi(e.perSampleText(in)); err == nil {
			per = jen.Lit(in.Shape.StaticElems())
		}
		count := jen.Id("n")
		if !in.Shape.HasBatch() {
			count = jen.Lit(1)
		}
		e.add(jen.Qual(runtimePath, "CheckLen").Call(jen.Lit(e.method), jen.Lit(name), jen.Len(jen.Id(name)), per, count))
	}
	// Class labels out of range would silently select no class (one_hot gives a zero
	// row), so they panic as PyTorch raises for a target out of bounds.
	if y := e.g.y; e.method != "Predict" && y != nil && y.DType.IsInt() && e.g.prog.Module.Classes > 0 {
		e.add(jen.Qual(runtimePath, "CheckLabels").Call(fn, jen.Id(y.Attrs.Name), jen.Lit(e.g.prog.Module.Classes)))
	}
}

func (e *funcEmitter) add(code ...jen.Code) { e.body = append(e.body, code...) }

// slice returns a function building the Go expression of v's elements: the argument
// for an input, the field for a param or state, the package-level slice for a
// constant and the local arena view for a scheduled value.
func (e *funcEmitter) slice(v *ir.Value) func() *jen.Statement {
	var name string
	switch v.Op {
	case ir.OpInput:
		name = v.Attrs.Name
	case ir.OpParam, ir.OpState:
		field := e.g.byName[v.Attrs.Name].field
		return func() *jen.Statement { return jen.Id("m").Dot(field) }
	case ir.OpConst:
		name = e.g.consts.ref(e.fn.Name, v)
	default:
		name = "v" + strconv.Itoa(v.ID)
	}
	return func() *jen.Statement { return jen.Id(name) }
}

// scalar returns the Go expression of scalar v's element.
func (e *funcEmitter) scalar(v *ir.Value) *jen.Statement {
	if v.Op == ir.OpConst {
		return typedLiteral(v.DType, v.Attrs.Data[0])
	}
	return e.slice(v)().Index(jen.Lit(0))
}

// operand returns the access of a in a loop nest with the given strides; a constant
// of one element becomes a scalar.
func (e *funcEmitter) operand(a *ir.Value, strides []int) access {
	if a.Op == ir.OpConst && len(a.Attrs.Data) == 1 {
		return access{scalar: func() *jen.Statement { return typedLiteral(a.DType, a.Attrs.Data[0]) }}
	}
	return access{slice: e.slice(a), strides: strides}
}

// emitValue adds the block computing v: its comment, its arena view and its kernel.
func (e *funcEmitter) emitValue(v *ir.Value) error {
	e.add(jen.Line(), jen.Comment(lineComment("%s", describe(v))))
	e.declareView(v)
	stmts, err := e.kernel(v)
	if err != nil {
		return err
	}
	e.add(stmts...)
	return nil
}

// kernel returns the statements that compute v into its arena view.
func (e *funcEmitter) kernel(v *ir.Value) ([]jen.Code, error) {
	switch c := v.Op.Class(); {
	case c == ir.ClassUnary || c == ir.ClassBinary || c == ir.ClassCompare ||
		v.Op == ir.OpSelect || v.Op == ir.OpCast || v.Op == ir.OpBroadcast:
		return e.elementwise(v)
	case c == ir.ClassReduce && v.Op != ir.OpArgMax:
		return e.reduce(v)
	}
	switch v.Op {
	case ir.OpArgMax:
		return e.argmax(v), nil
	case ir.OpSize:
		return e.size(v), nil
	case ir.OpReshape:
		return []jen.Code{jen.Copy(e.slice(v)(), e.slice(v.Args[0])())}, nil
	case ir.OpTranspose:
		return e.transpose(v), nil
	case ir.OpSlice:
		return e.sliceOp(v), nil
	case ir.OpConcat:
		return e.concat(v), nil
	case ir.OpMatMul:
		return e.matmul(v), nil
	case ir.OpGather:
		return e.gather(v), nil
	case ir.OpScatterAdd:
		return e.scatterAdd(v), nil
	case ir.OpOneHot:
		return e.oneHot(v), nil
	case ir.OpConv2D, ir.OpConv2DInputGrad, ir.OpConv2DFilterGrad,
		ir.OpMaxPool2D, ir.OpMaxPool2DGrad, ir.OpMaxPool2DGather, ir.OpAvgPool2D, ir.OpAvgPool2DGrad:
		return e.convPool(v), nil
	case ir.OpRandomUniform:
		return e.randomUniform(v), nil
	case ir.OpLogSoftmax:
		return e.logSoftmax(v)
	}
	return nil, fmt.Errorf("no kernel for op %s", v.Op)
}

// emitUpdates adds the copies of the update values into their params and state.
func (e *funcEmitter) emitUpdates() error {
	ups := e.fn.Graph.Updates
	if len(ups) == 0 {
		return nil
	}
	targets := make(map[*ir.Value]bool, len(ups))
	for _, u := range ups {
		targets[u.Target] = true
	}
	// A step that wrote an update value straight into its target has done
	// that update.
	written := make(map[*ir.Value]bool)
	for _, s := range e.fn.StepsOf() {
		for _, t := range s.Into {
			written[t] = true
		}
	}
	e.add(jen.Line(), jen.Comment("// The updates take effect together, after every value above is computed."))
	for _, u := range ups {
		if u.Value == u.Target || written[u.Target] {
			continue
		}
		if targets[u.Value] {
			// NOTE: an update whose value is another updated param or state would
			// need a copy of the old contents; no pass emits one.
			return fmt.Errorf("codegen: function %s: the update of %q reads %q, which is itself updated", e.fn.Name, u.Target.Attrs.Name, u.Value.Attrs.Name)
		}
		if !u.Value.Shape.Equal(u.Target.Shape) || u.Value.DType != u.Target.DType {
			return fmt.Errorf("codegen: function %s: the update of %q is %s, want %s", e.fn.Name, u.Target.Attrs.Name, u.Value.Type(), u.Target.Type())
		}
		e.add(jen.Copy(e.slice(u.Target)(), e.slice(u.Value)()))
	}
	return nil
}

// results returns the method's result list and its closing statements: the return,
// preceded in TrainStep by the store of the correct count.
func (e *funcEmitter) results() (jen.Code, []jen.Code) {
	gr := e.fn.Graph
	switch e.method {
	case "Predict":
		out := gr.Output("output")
		return jen.Index().Id(goType(out.DType)), []jen.Code{jen.Return(e.slice(out)())}
	case "Evaluate":
		loss := gr.Output("loss")
		correct := jen.Lit(-1)
		if c := gr.Output("correct"); c != nil {
			correct = jen.Int().Parens(e.scalar(c))
		}
		results := jen.Params(jen.Id("loss").Id(goType(loss.DType)), jen.Id("correct").Int())
		return results, []jen.Code{jen.Return(e.scalar(loss), correct)}
	}
	if e.method == saliencyMethod {
		return e.saliencyResults()
	}
	loss := gr.Output("loss")
	results := jen.Params(jen.Id("loss").Id(goType(loss.DType)))
	if c := gr.Output("correct"); c != nil {
		return results, []jen.Code{
			jen.Id("m").Dot("lastCorrect").Op("=").Int().Parens(e.scalar(c)),
			jen.Return(e.scalar(loss)),
		}
	}
	return results, []jen.Code{jen.Return(e.scalar(loss))}
}
