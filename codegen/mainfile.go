package codegen

import (
	"errors"
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"
	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/passes"
)

// GenerateMain returns the main.go of a standalone binary that imports the model
// package generated for p at import path modelImport and runs it through
// runtime/cli.Main, with the data and training setup of p's module as defaults. An
// unexported adapter implements cli.Model over the generated Model, converting
// batches between float32 and the model's dtypes where they differ. Its TrainBatch
// returns TrainStep's loss and LastCorrect, and its Info marks a model trained with
// BCE with logits as Binary.
//
// GenerateMain returns an error if modelImport is not a valid import path, or if p
// has no train function or no input y, which the command line needs to train.
func GenerateMain(p *passes.Program, modelImport string) ([]byte, error) {
	if !validImportPath(modelImport) {
		return nil, fmt.Errorf("codegen: GenerateMain: %q is not a valid import path", modelImport)
	}
	if p == nil || p.Module == nil || p.Predict == nil || p.Train == nil || p.Eval == nil {
		return nil, errors.New("codegen: GenerateMain: the program has no train function; a standalone binary needs a model with a loss")
	}
	g, err := newGenerator(p, Options{Package: "model"})
	if err != nil {
		return nil, err
	}
	if g.y == nil {
		return nil, errors.New("codegen: GenerateMain: the train function has no input y")
	}
	a := &adapterEmitter{g: g, pkg: modelImport}
	f := jen.NewFile("main")
	f.HeaderComment(header)
	f.PackageComment(lineComment("Command %s trains, evaluates and runs the model compiled by nncc from", g.prog.Module.Name) +
		"\n" + lineComment("%s. Run it with the argument help for its commands and flags.", g.sourceName()))
	f.ImportAlias(modelImport, "model")
	f.ImportName(cliPath, "cli")
	a.emit(f)
	return renderFile("main.go", f)
}

// validImportPath reports whether path is a plausible Go import path: non-empty
// elements of letters, digits and the punctuation Go allows, separated by slashes.
func validImportPath(path string) bool {
	if path == "" || strings.HasPrefix(path, "/") || strings.HasSuffix(path, "/") {
		return false
	}
	for _, elem := range strings.Split(path, "/") {
		if elem == "" || elem == "." || elem == ".." {
			return false
		}
		for _, r := range elem {
			ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~+", r)
			if !ok {
				return false
			}
		}
	}
	return true
}

// adapterEmitter writes the main function and the cli.Model adapter.
type adapterEmitter struct {
	g   *generator
	pkg string
}

func (a *adapterEmitter) model(name string) *jen.Statement { return jen.Qual(a.pkg, name) }

func (a *adapterEmitter) classifier() bool { return a.g.y.DType.IsInt() }

func (a *adapterEmitter) emit(f *jen.File) {
	a.emitConfig(f)
	f.Func().Id("main").Params().Block(
		jen.Qual("os", "Exit").Call(jen.Qual(cliPath, "Main").Call(
			jen.Qual("os", "Args").Index(jen.Lit(1), jen.Empty()),
			jen.Id("newAdapter").Call(a.model("New").Call()),
			jen.Id("config"), jen.Qual("os", "Stdout"), jen.Qual("os", "Stderr"),
		)),
	)
	f.Line()
	a.emitAdapterType(f)
	a.emitInfo(f)
	a.emitBatches(f)
	a.emitRest(f)
}

// emitConfig adds the defaults from the module's training setup.
func (a *adapterEmitter) emitConfig(f *jen.File) {
	tc := a.g.prog.Module.Train
	strs := func(xs []string) jen.Code {
		if len(xs) == 0 {
			return jen.Nil()
		}
		items := make([]jen.Code, len(xs))
		for i, x := range xs {
			items[i] = jen.Lit(x)
		}
		return jen.Index().String().Values(items...)
	}
	dataset, format := "", tc.Dataset
	sampleLength := 0
	switch tc.Dataset {
	case "mnist":
		dataset, format = "mnist", ""
	case "text":
		// A character-level language model prints generated text after training.
		dataset, format, sampleLength = "text", "", textSampleLength
	}
	f.Comment("// config holds the data and training defaults of the model file; flags override them.")
	f.Var().Id("config").Op("=").Qual(cliPath, "Config").Values(wrapValues(append([]jen.Code{
		keyValue("Dataset", jen.Lit(dataset)),
		keyValue("TrainFiles", strs(tc.TrainFiles)),
		keyValue("TestFiles", strs(tc.TestFiles)),
		keyValue("Format", jen.Lit(format)),
		keyValue("LabelColumn", jen.Lit(tc.LabelColumn)),
		keyValue("BatchSize", jen.Lit(tc.BatchSize)),
		keyValue("Epochs", jen.Lit(tc.Epochs)),
		keyValue("Seed", jen.Id(fmt.Sprint(tc.Seed))),
		keyValue("Shuffle", jen.Lit(tc.Shuffle)),
	}, append(scheduleConfig(tc.Schedule), sampleConfig(sampleLength)...)...), 1)...)
	f.Line()
}

// buffer is a conversion buffer of the adapter, for an argument or result whose
// dtype differs from what cli.Model passes.
type buffer struct {
	name, elem string
	size       jen.Code
}

func (a *adapterEmitter) buffers() []buffer {
	var bufs []buffer
	batch := func(per jen.Code) jen.Code { return a.model("MaxBatch").Op("*").Add(per) }
	if a.g.x.DType != ir.F32 {
		bufs = append(bufs, buffer{"x", goType(a.g.x.DType), batch(a.model("Features"))})
	}
	if a.g.y.DType != a.yArgType() {
		bufs = append(bufs, buffer{"y", goType(a.g.y.DType), batch(a.yPerSample())})
	}
	if a.g.prog.Predict.Graph.Output("output").DType != ir.F32 {
		bufs = append(bufs, buffer{"out", "float32", batch(a.model("Outputs"))})
	}
	return bufs
}

// yArgType returns the dtype of the cli.Model argument that carries y: labels
// for a classifier, values otherwise.
func (a *adapterEmitter) yArgType() ir.DType {
	if a.classifier() {
		return ir.I32
	}
	return ir.F32
}

func (a *adapterEmitter) yPerSample() jen.Code {
	if a.classifier() {
		return jen.Lit(a.g.y.Shape.StaticElems())
	}
	return a.model("Targets")
}

func (a *adapterEmitter) emitAdapterType(f *jen.File) {
	fields := []jen.Code{jen.Id("m").Op("*").Add(a.model("Model"))}
	values := []jen.Code{keyValue("m", jen.Id("m"))}
	for _, b := range a.buffers() {
		fields = append(fields, jen.Id(b.name).Index().Id(b.elem))
		values = append(values, keyValue(b.name, jen.Make(jen.Index().Id(b.elem), b.size)))
	}
	f.Comment("// adapter implements cli.Model over the generated model. Its slices, if any, hold\n" +
		"// batches converted between float32 and the model's dtypes.")
	f.Type().Id("adapter").Struct(fields...)
	f.Line()

	f.Func().Id("newAdapter").Params(jen.Id("m").Op("*").Add(a.model("Model"))).Op("*").Id("adapter").Block(
		jen.Return(jen.Op("&").Id("adapter").Values(wrapValues(values, 1)...)),
	)
	f.Line()
	if len(a.buffers()) == 0 {
		return
	}

	f.Comment("// convert returns src converted to the element type of dst, in dst's first len(src)\n// elements.")
	f.Func().Id("convert").Types(jen.List(jen.Id("D"), jen.Id("S")).Id("number")).
		Params(jen.Id("dst").Index().Id("D"), jen.Id("src").Index().Id("S")).Index().Id("D").Block(
		jen.Id("dst").Op("=").Id("dst").Index(jen.Empty(), jen.Len(jen.Id("src"))),
		jen.For(jen.List(jen.Id("i"), jen.Id("v")).Op(":=").Range().Id("src")).Block(
			jen.Id("dst").Index(jen.Id("i")).Op("=").Id("D").Parens(jen.Id("v")),
		),
		jen.Return(jen.Id("dst")),
	)
	f.Line()
	f.Comment("// number is the element types convert handles.")
	f.Type().Id("number").Interface(jen.Union(jen.Float32(), jen.Float64(), jen.Int32(), jen.Int64()))
	f.Line()
}

// binary reports whether the model's targets are 0/1 labels with one output logit
// each: a model trained with BCE with logits.
func (a *adapterEmitter) binary() bool {
	return a.g.prog.Module.Loss == ir.LossBCEWithLogits && !a.classifier() &&
		a.g.y.Shape.StaticElems() == a.g.prog.Predict.Graph.Output("output").Shape.StaticElems()
}

func (a *adapterEmitter) emitInfo(f *jen.File) {
	classes, targets := jen.Lit(0), jen.Lit(0)
	switch {
	case !a.classifier():
		targets = a.model("Targets")
	case a.g.prog.Module.Classes > 0 && a.g.prog.Module.Loss == ir.LossCrossEntropy:
		classes = a.model("Classes")
	default:
		classes = a.model("Outputs")
	}
	f.Func().Params(jen.Id("a").Op("*").Id("adapter")).Id("Info").Params().Qual(cliPath, "Info").Block(
		jen.Return(jen.Qual(cliPath, "Info").Values(wrapValues([]jen.Code{
			keyValue("Name", jen.Lit(a.g.prog.Module.Name)),
			keyValue("MaxBatch", a.model("MaxBatch")),
			keyValue("Features", a.model("Features")),
			keyValue("Outputs", a.model("Outputs")),
			keyValue("Classes", classes),
			keyValue("Targets", targets),
			keyValue("Binary", jen.Lit(a.binary())),
			keyValue("MinTrainBatch", jen.Lit(max(a.g.prog.Module.MinTrainBatch, 1))),
		}, 1)...)),
	)
	f.Line()
}

// arg returns the expression passing cli.Model's argument name as the model's input
// in, converted through buffer buf when the dtypes differ.
func (a *adapterEmitter) arg(name, buf string, in *ir.Value, want ir.DType) jen.Code {
	if in.DType == want {
		return jen.Id(name)
	}
	return jen.Id("convert").Call(jen.Id("a").Dot(buf), jen.Id(name))
}

// toFloat32 returns expr, of dtype dt, as a float32.
func toFloat32(dt ir.DType, expr jen.Code) jen.Code {
	if dt == ir.F32 {
		return expr
	}
	return jen.Float32().Parens(expr)
}

func (a *adapterEmitter) emitBatches(f *jen.File) {
	recv := func() *jen.Statement { return jen.Params(jen.Id("a").Op("*").Id("adapter")) }
	x := a.arg("x", "x", a.g.x, ir.F32)
	yName := "values"
	if a.classifier() {
		yName = "labels"
	}
	y := a.arg(yName, "y", a.g.y, a.yArgType())
	batchParams := func() []jen.Code {
		return []jen.Code{jen.Id("x").Index().Float32(), jen.Id("labels").Index().Int32(), jen.Id("values").Index().Float32(), jen.Id("n").Int()}
	}
	lossType := a.g.prog.Train.Graph.Output("loss").DType

	f.Func().Add(recv()).Id("TrainBatch").Params(batchParams()...).Params(jen.Float32(), jen.Int()).Block(
		jen.Id("loss").Op(":=").Id("a").Dot("m").Dot("TrainStep").Call(x, y, jen.Id("n")),
		jen.Return(toFloat32(lossType, jen.Id("loss")), jen.Id("a").Dot("m").Dot("LastCorrect").Call()),
	)
	f.Line()

	// Evaluate's correct count is -1 when the model has none. A classifier without
	// one gets the adapter's count of the samples whose highest output is the label.
	// NOTE: TrainBatch passes on LastCorrect, which is -1 for such a classifier, so
	// its training accuracy is not reported. Counting it would take another forward
	// pass per step.
	evalLoss := jen.Id("a").Dot("m").Dot("Evaluate").Call(x, y, jen.Id("n"))
	evalBody := []jen.Code{
		jen.List(jen.Id("loss"), jen.Id("correct")).Op(":=").Add(evalLoss),
		jen.Return(toFloat32(lossType, jen.Id("loss")), jen.Id("correct")),
	}
	if a.classifier() && a.g.prog.Eval.Graph.Output("correct") == nil {
		evalBody = []jen.Code{
			jen.List(jen.Id("loss"), jen.Id("_")).Op(":=").Add(evalLoss),
			jen.Return(toFloat32(lossType, jen.Id("loss")), jen.Id("a").Dot("countCorrect").Call(jen.Id("x"), jen.Id("labels"), jen.Id("n"))),
		}
	}
	f.Func().Add(recv()).Id("EvalBatch").Params(batchParams()...).Params(jen.Float32(), jen.Int()).Block(evalBody...)
	f.Line()

	out := a.g.prog.Predict.Graph.Output("output")
	predict := jen.Id("a").Dot("m").Dot("Predict").Call(a.arg("x", "x", a.g.x, ir.F32), jen.Id("n"))
	var result jen.Code = predict
	if out.DType != ir.F32 {
		result = jen.Id("convert").Call(jen.Id("a").Dot("out"), predict)
	}
	f.Func().Add(recv()).Id("PredictBatch").Params(jen.Id("x").Index().Float32(), jen.Id("n").Int()).Index().Float32().Block(
		jen.Return(result),
	)
	f.Line()
	if a.classifier() && a.g.prog.Eval.Graph.Output("correct") == nil {
		a.emitCountCorrect(f)
	}
}

// emitCountCorrect adds the method counting the samples whose first highest output
// is the label, for models without a "correct" output.
func (a *adapterEmitter) emitCountCorrect(f *jen.File) {
	f.Comment("// countCorrect returns the number of samples whose first highest output is the\n// label, for a model that does not count them itself.")
	f.Func().Params(jen.Id("a").Op("*").Id("adapter")).Id("countCorrect").
		Params(jen.Id("x").Index().Float32(), jen.Id("labels").Index().Int32(), jen.Id("n").Int()).Int().Block(
		jen.Id("out").Op(":=").Id("a").Dot("PredictBatch").Call(jen.Id("x"), jen.Id("n")),
		jen.Id("correct").Op(":=").Lit(0),
		jen.For(jen.List(jen.Id("i"), jen.Id("label")).Op(":=").Range().Id("labels").Index(jen.Empty(), jen.Id("n"))).Block(
			jen.Id("row").Op(":=").Id("out").Index(jen.Id("i").Op("*").Add(a.model("Outputs")), jen.Empty()).Index(jen.Empty(), a.model("Outputs")),
			jen.Id("best").Op(":=").Lit(0),
			jen.For(jen.List(jen.Id("j"), jen.Id("v")).Op(":=").Range().Id("row")).Block(
				jen.If(jen.Id("v").Op(">").Id("row").Index(jen.Id("best"))).Block(jen.Id("best").Op("=").Id("j")),
			),
			jen.If(jen.Int32().Parens(jen.Id("best")).Op("==").Id("label")).Block(jen.Id("correct").Op("++")),
		),
		jen.Return(jen.Id("correct")),
	)
	f.Line()
}

// emitRest adds the learning-rate accessors and checkpoint I/O.
func (a *adapterEmitter) emitRest(f *jen.File) {
	recv := func() *jen.Statement { return jen.Params(jen.Id("a").Op("*").Id("adapter")) }
	if lr := a.g.lr; lr != nil {
		f.Func().Add(recv()).Id("LearningRate").Params().Float32().Block(
			jen.Return(toFloat32(lr.dtype, jen.Id("a").Dot("m").Dot("LearningRate").Call())),
		)
		f.Line()
		arg := jen.Id("lr")
		if lr.dtype != ir.F32 {
			arg = jen.Id(goType(lr.dtype)).Parens(jen.Id("lr"))
		}
		f.Func().Add(recv()).Id("SetLearningRate").Params(jen.Id("lr").Float32()).Block(
			jen.Id("a").Dot("m").Dot("SetLearningRate").Call(arg),
		)
	} else {
		f.Comment("// LearningRate returns 0: the model has no learning-rate state.")
		f.Func().Add(recv()).Id("LearningRate").Params().Float32().Block(jen.Return(jen.Lit(0)))
		f.Line()
		f.Comment("// SetLearningRate does nothing: the model has no learning-rate state.")
		f.Func().Add(recv()).Id("SetLearningRate").Params(jen.Id("lr").Float32()).Block()
	}
	f.Line()
	f.Func().Add(recv()).Id("WriteTo").Params(jen.Id("w").Qual("io", "Writer")).Params(jen.Int64(), jen.Error()).Block(
		jen.Return(jen.Id("a").Dot("m").Dot("WriteTo").Call(jen.Id("w"))),
	)
	f.Line()
	f.Func().Add(recv()).Id("ReadFrom").Params(jen.Id("r").Qual("io", "Reader")).Params(jen.Int64(), jen.Error()).Block(
		jen.Return(jen.Id("a").Dot("m").Dot("ReadFrom").Call(jen.Id("r"))),
	)
}

// textSampleLength is the number of characters a binary trained on text generates
// after training.
const textSampleLength = 300

// sampleConfig returns the SampleLength entry of cli.Config, or nothing for 0, so
// binaries of models without text data read as before.
func sampleConfig(n int) []jen.Code {
	if n == 0 {
		return nil
	}
	return []jen.Code{keyValue("SampleLength", jen.Lit(n))}
}
