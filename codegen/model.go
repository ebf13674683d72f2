package codegen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"
	"github.com/nncc/nncc/ir"
)

// sourceName returns the model file named in comments.
func (g *generator) sourceName() string {
	if g.opts.Source != "" {
		return g.opts.Source
	}
	if g.prog.Module.File != "" {
		return g.prog.Module.File
	}
	return "an nncc model"
}

// packageDoc returns the package comment, each line already a // comment.
func (g *generator) packageDoc() string {
	m := g.prog.Module
	lines := []string{fmt.Sprintf("Package %s is the model compiled by nncc from %s.", g.opts.Package, g.sourceName())}
	if g.prog.Train != nil {
		lines = append(lines, fmt.Sprintf("It trains with the %s loss and the %s optimizer.", m.Loss, m.Optimizer.Kind))
	}
	lines = append(lines, "",
		"New returns a model with initialized parameters. Predict runs it on a batch of n",
		"samples, n <= MaxBatch, stored one after another in one slice.")
	if g.prog.Train != nil {
		lines = append(lines,
			"TrainStep runs one optimizer step on a batch, and LastCorrect returns how many of",
			"its predictions were correct before the step. Evaluate measures the loss without",
			"changing the model.")
	}
	lines = append(lines,
		"WriteTo and ReadFrom save and load the parameters and state in the safetensors",
		"format. The methods allocate nothing after New, and a Model is not safe for",
		"concurrent use.")
	for i, l := range lines {
		lines[i] = strings.TrimRight("// "+commentText(l), " ")
	}
	return strings.Join(lines, "\n")
}

// emitModel adds the size constants, the Model type, its constructors and the
// accessors of its tensors.
func (g *generator) emitModel(f *jen.File) {
	g.emitConstants(f)
	g.emitStruct(f)
	g.emitConstructors(f)
	g.emitTensorLists(f)
	if g.prog.Train != nil {
		g.emitLastCorrect(f)
	}
	if g.lr != nil {
		t := goType(g.lr.dtype)
		lr := jen.Id("m").Dot(g.lr.field).Index(jen.Lit(0))
		f.Comment("// LearningRate returns the learning rate that the next TrainStep uses.")
		f.Func().Params(jen.Id("m").Op("*").Id("Model")).Id("LearningRate").Params().Id(t).Block(jen.Return(lr))
		f.Line()
		f.Comment("// SetLearningRate sets the learning rate of the following TrainSteps, for example\n// to follow a schedule.")
		f.Func().Params(jen.Id("m").Op("*").Id("Model")).Id("SetLearningRate").Params(jen.Id("lr").Id(t)).Block(
			assign(jen.Id("m").Dot(g.lr.field).Index(jen.Lit(0)), jen.Id("lr")),
		)
		g.emitSchedule(f)
	}
}

func (g *generator) emitConstants(f *jen.File) {
	defs := []jen.Code{
		jen.Comment("// MaxBatch is the largest batch size n that the methods accept."),
		jen.Id("MaxBatch").Op("=").Lit(g.maxBatch),
		jen.Comment("// Features is the number of elements of one sample of x."),
		jen.Id("Features").Op("=").Lit(g.x.Shape.StaticElems()),
		jen.Comment("// Outputs is the number of elements that Predict returns per sample."),
		jen.Id("Outputs").Op("=").Lit(g.prog.Predict.Graph.Output("output").Shape.StaticElems()),
	}
	if c := g.prog.Module.Classes; c > 0 && g.prog.Module.Loss == ir.LossCrossEntropy {
		defs = append(defs,
			jen.Comment("// Classes is the number of classes; labels in y are class indices below it."),
			jen.Id("Classes").Op("=").Lit(c))
	}
	if g.y != nil && g.y.DType.IsFloat() {
		defs = append(defs,
			jen.Comment("// Targets is the number of elements of one sample of the targets y."),
			jen.Id("Targets").Op("=").Lit(g.y.Shape.StaticElems()))
	}
	f.Const().Defs(defs...)
	f.Line()
}

// initText describes an initializer for the field comments.
func initText(in ir.Init) string {
	switch in.Kind {
	case ir.InitConst:
		return "const " + strconv.FormatFloat(in.Value, 'g', -1, 64)
	case ir.InitUniform:
		return fmt.Sprintf("uniform(%g, %g)", in.Lo, in.Hi)
	case ir.InitNormal:
		return fmt.Sprintf("normal(0, %g)", in.Std)
	}
	return "zeros"
}

func (g *generator) emitStruct(f *jen.File) {
	var fields []jen.Code
	for _, p := range g.persist {
		fields = append(fields,
			jen.Comment(lineComment("%s %s: %s, %s", p.op, strconv.Quote(p.name), p.dtype.String()+p.shape.String(), initText(p.init))),
			jen.Id(p.field).Index().Id(goType(p.dtype)),
		)
	}
	if len(g.arenas) > 0 {
		fields = append(fields, jen.Line(),
			jen.Comment("// The arenas hold the intermediate values of the methods, placed by the memory"),
			jen.Comment("// plan; Predict returns a view into them."))
		for _, dt := range g.arenas {
			fields = append(fields, jen.Id(arenaField(dt)).Index().Id(goType(dt)))
		}
	}
	if g.trainCounts() {
		fields = append(fields, jen.Line(),
			jen.Comment("// lastCorrect is the \"correct\" output of the last TrainStep."),
			jen.Id("lastCorrect").Int())
	}
	if g.parallelLoops {
		fields = append(fields, jen.Line(),
			jen.Comment("// batch is the batch extent n of the running method, for its loops that run on"),
			jen.Comment("// the runtime's worker pool."),
			jen.Id("batch").Int())
	}
	f.Comment("// Model holds the parameters and state of the model and the arenas its methods\n" +
		"// compute in. Create it with New or NewSeeded; the zero Model is not usable.")
	f.Type().Id("Model").Struct(fields...)
	f.Line()
}

func (g *generator) emitConstructors(f *jen.File) {
	seed := g.prog.Module.Train.Seed
	f.Comment(lineComment("New returns a model initialized by NewSeeded with seed %d, the seed of the model", seed) +
		"\n// file's training setup.")
	f.Func().Id("New").Params().Op("*").Id("Model").Block(jen.Return(jen.Id("NewSeeded").Call(jen.Id(strconv.FormatUint(seed, 10)))))
	f.Line()

	var values []jen.Code
	for _, p := range g.persist {
		values = append(values, keyValue(p.field, jen.Make(jen.Index().Id(goType(p.dtype)), jen.Lit(p.shape.StaticElems()))))
	}
	for _, dt := range g.arenas {
		values = append(values, keyValue(arenaField(dt), jen.Make(jen.Index().Id(goType(dt)), jen.Lit(g.arenaLen[dt]))))
	}
	body := []jen.Code{jen.Id("m").Op(":=").Op("&").Id("Model").Values(wrapValues(values, 1)...)}
	var fills []jen.Code
	random := false
	for _, p := range g.persist {
		field := jen.Id("m").Dot(p.field)
		switch in := p.init; in.Kind {
		case ir.InitConst:
			if p.dtype.IsFloat() {
				fills = append(fills, jen.Qual(runtimePath, "Fill").Call(field, elemLiteral(p.dtype, in.Value)))
			} else {
				fills = append(fills, jen.For(jen.Id("i").Op(":=").Range().Add(field)).Block(
					assign(jen.Id("m").Dot(p.field).Index(jen.Id("i")), elemLiteral(p.dtype, in.Value))))
			}
		case ir.InitUniform:
			random = true
			fills = append(fills, jen.Qual(runtimePath, "FillUniform").Call(jen.Id("r"), field, elemLiteral(ir.F64, in.Lo), elemLiteral(ir.F64, in.Hi)))
		case ir.InitNormal:
			random = true
			fills = append(fills, jen.Qual(runtimePath, "FillNormal").Call(jen.Id("r"), field, jen.Lit(0), elemLiteral(ir.F64, in.Std)))
		}
	}
	if random {
		body = append(body, jen.Id("r").Op(":=").Qual(runtimePath, "NewRNG").Call(jen.Id("seed")))
	}
	body = append(body, fills...)
	body = append(body, jen.Return(jen.Id("m")))
	f.Comment("// NewSeeded returns a model whose parameters and state are initialized in\n" +
		"// definition order from a random stream seeded with seed, so a seed always gives\n" +
		"// the same weights.")
	f.Func().Id("NewSeeded").Params(jen.Id("seed").Uint64()).Op("*").Id("Model").Block(body...)
	f.Line()
}

// emitTensorLists adds Params, State and the unexported tensors, which checkpoints
// use.
func (g *generator) emitTensorLists(f *jen.File) {
	list := func(op ir.Op) jen.Code {
		var elems []jen.Code
		for _, p := range g.persist {
			if p.op != op {
				continue
			}
			dims := make([]jen.Code, len(p.shape))
			for i, d := range p.shape {
				dims[i] = jen.Lit(d)
			}
			elems = append(elems, jen.Values(
				keyValue("Name", jen.Lit(p.name)),
				keyValue("Shape", jen.Index().Int().Values(dims...)),
				keyValue(tensorField(p.dtype), jen.Id("m").Dot(p.field)),
			))
		}
		if len(elems) == 0 {
			return jen.Return(jen.Nil())
		}
		return jen.Return(jen.Index().Qual(runtimePath, "Tensor").Values(wrapValues(elems, 1)...))
	}
	tensors := jen.Index().Qual(runtimePath, "Tensor")
	recv := func() *jen.Statement { return jen.Params(jen.Id("m").Op("*").Id("Model")) }

	f.Comment("// Params returns the trainable parameters of m in definition order. The data of\n" +
		"// each tensor is a view of the parameter: writing it changes m.")
	f.Func().Add(recv()).Id("Params").Params().Add(tensors).Block(list(ir.OpParam))
	f.Line()
	f.Comment("// State returns the persistent values of m that are not trained, such as optimizer\n" +
		"// moments, step counters and the learning rate, in definition order, as views like\n" +
		"// Params.")
	f.Func().Add(recv()).Id("State").Params().Add(jen.Index().Qual(runtimePath, "Tensor")).Block(list(ir.OpState))
	f.Line()
	f.Comment("// tensors returns the parameters and then the state: everything a checkpoint holds.")
	f.Func().Add(recv()).Id("tensors").Params().Add(jen.Index().Qual(runtimePath, "Tensor")).Block(
		jen.Return(jen.Append(jen.Id("m").Dot("Params").Call(), jen.Id("m").Dot("State").Call().Op("..."))),
	)
	f.Line()
}

// trainCounts reports whether the train function has the output "correct", which
// TrainStep stores for LastCorrect.
func (g *generator) trainCounts() bool {
	return g.prog.Train != nil && g.prog.Train.Graph.Output("correct") != nil
}

// emitLastCorrect adds the LastCorrect method.
func (g *generator) emitLastCorrect(f *jen.File) {
	var result jen.Code = jen.Lit(-1)
	doc := "// LastCorrect returns -1: the model has no \"correct\" output to count correct\n" +
		"// predictions."
	if g.trainCounts() {
		result = jen.Id("m").Dot("lastCorrect")
		doc = "// LastCorrect returns the number of correct predictions in the batch of the last\n" +
			"// TrainStep, counted as Evaluate counts them, from the parameters before the step\n" +
			"// changed them. It returns 0 before the first TrainStep."
	}
	f.Comment(doc)
	f.Func().Params(jen.Id("m").Op("*").Id("Model")).Id("LastCorrect").Params().Int().Block(jen.Return(result))
	f.Line()
}

// keyValue returns the element key: value of a composite literal, keeping the order
// in which the elements are listed (jen.Dict sorts them).
func keyValue(key string, value jen.Code) jen.Code { return jen.Id(key).Op(":").Add(value) }
