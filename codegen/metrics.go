package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"
	"github.com/nncc/nncc/ir"
)

// The evaluation metrics that a module requests (ir.Module.Metrics) become methods
// computed from Predict's output in plain loops: CorrectTopK and Confusion. Both
// need class labels and an output of one score per class.

// checkMetrics returns an error if the module requests metrics but the program
// has no class labels y or no output of shape [N, Classes].
func (g *generator) checkMetrics() error {
	m := g.prog.Module
	if m.Metrics == 0 {
		return nil
	}
	out := g.prog.Predict.Graph.Output("output")
	switch {
	case m.Classes < 1 || g.y == nil || g.y.DType != ir.I32 || !g.y.Shape.Equal(ir.Shape{ir.Batch}):
		return fmt.Errorf("codegen: metrics %s need class labels y of shape [N]", metricList(m.Metrics))
	case !out.Shape.Equal(ir.Shape{ir.Batch, m.Classes}) || !out.DType.IsFloat():
		return fmt.Errorf("codegen: metrics %s need a float output of shape [N, %d], got %s", metricList(m.Metrics), m.Classes, out.Type())
	}
	return nil
}

// metricList names the metrics in set, comma-separated.
func metricList(set ir.MetricSet) string {
	s := ""
	for _, n := range ir.MetricNames() {
		if set&ir.MetricNamed(n) != 0 {
			if s != "" {
				s += ", "
			}
			s += n
		}
	}
	return s
}

// emitMetrics renders metrics.go with the methods of the module's metrics, if any.
func (g *generator) emitMetrics(out map[string][]byte) error {
	set := g.prog.Module.Metrics
	if set == 0 {
		return nil
	}
	f := g.newFile()
	if set&ir.MetricTopK != 0 {
		g.emitTopK(f)
	}
	if set&ir.MetricConfusion != 0 {
		g.emitConfusion(f)
	}
	return render(out, "metrics.go", f)
}

// metricChecks returns the argument checks of a metrics method: n, x and y, whose
// labels must be classes, as Evaluate checks them.
func metricChecks(method string) []jen.Code {
	return []jen.Code{
		jen.Qual(runtimePath, "CheckBatch").Call(jen.Lit(method), jen.Id("n"), jen.Id("MaxBatch")),
		jen.Qual(runtimePath, "CheckLen").Call(jen.Lit(method), jen.Lit("x"), jen.Len(jen.Id("x")), jen.Id("Features"), jen.Id("n")),
		jen.Qual(runtimePath, "CheckLen").Call(jen.Lit(method), jen.Lit("y"), jen.Len(jen.Id("y")), jen.Lit(1), jen.Id("n")),
		jen.Qual(runtimePath, "CheckLabels").Call(jen.Lit(method), jen.Id("y"), jen.Id("Classes")),
	}
}

// rowLoop returns the loop over the n rows of Predict's output that runs body with
// row (the scores) and label set.
func rowLoop(body ...jen.Code) jen.Code {
	head := []jen.Code{
		jen.Id("row").Op(":=").Id("out").Index(jen.Id("i").Op("*").Id("Classes"), jen.Parens(jen.Id("i").Op("+").Lit(1)).Op("*").Id("Classes")),
		jen.Id("label").Op(":=").Int().Parens(jen.Id("y").Index(jen.Id("i"))),
	}
	return jen.For(jen.Id("i").Op(":=").Range().Id("n")).Block(append(head, body...)...)
}

func (g *generator) emitTopK(f *jen.File) {
	dt := g.prog.Predict.Graph.Output("output").DType
	rank := g.rankHelper(dt)
	f.Comment(`// CorrectTopK returns how many of the n samples in x have their class label in y
// among the k highest of the Classes scores that Predict computes: top-k accuracy
// is CorrectTopK/n, as torch.topk(out, k).indices contains the label. The label's
// rank counts the classes with a higher score and the earlier classes with an
// equal score, so CorrectTopK with k = 1 counts as Evaluate does. A NaN score
// ranks above every number.
//
// CorrectTopK panics unless 1 <= n <= MaxBatch, len(x) == Features*n,
// len(y) == n, every label is in [0, Classes) and 1 <= k <= Classes. It does not
// allocate; like Predict it overwrites the arena.`)
	body := metricChecks("CorrectTopK")
	body = append(body,
		jen.If(jen.Id("k").Op("<").Lit(1).Op("||").Id("k").Op(">").Id("Classes")).Block(
			jen.Panic(jen.Lit(fmt.Sprintf("nncc: CorrectTopK: k must be in [1, %d]", g.prog.Module.Classes)))),
		jen.Id("out").Op(":=").Id("m").Dot("Predict").Call(jen.Id("x"), jen.Id("n")),
		jen.Id("correct").Op(":=").Lit(0),
		rowLoop(jen.If(jen.Id(rank).Call(jen.Id("row"), jen.Id("label")).Op("<").Id("k")).Block(jen.Id("correct").Op("++"))),
		jen.Return(jen.Id("correct")),
	)
	f.Func().Params(jen.Id("m").Op("*").Id("Model")).Id("CorrectTopK").Params(
		jen.Id("x").Index().Id(goType(g.x.DType)), jen.Id("y").Index().Int32(), jen.List(jen.Id("n"), jen.Id("k")).Int(),
	).Int().Block(body...)
	f.Line()
}

func (g *generator) emitConfusion(f *jen.File) {
	dt := g.prog.Predict.Graph.Output("output").DType
	argmax := g.helpers.argmax(dt)
	f.Comment(`// Confusion adds the n samples in x to the confusion matrix counts, Classes rows
// of Classes columns, row-major: the sample with label c in y and prediction p
// (the first highest score, as Evaluate counts) adds 1 to counts[c*Classes+p].
// The caller zeroes counts before the first batch, so that a loop over batches
// fills the matrix of a whole data set.
//
// Confusion panics unless 1 <= n <= MaxBatch, len(x) == Features*n, len(y) == n,
// every label is in [0, Classes) and len(counts) == Classes*Classes. It does not
// allocate; like Predict it overwrites the arena.`)
	body := metricChecks("Confusion")
	body = append(body,
		jen.Qual(runtimePath, "CheckLen").Call(jen.Lit("Confusion"), jen.Lit("counts"), jen.Len(jen.Id("counts")), jen.Id("Classes"), jen.Id("Classes")),
		jen.Id("out").Op(":=").Id("m").Dot("Predict").Call(jen.Id("x"), jen.Id("n")),
		rowLoop(jen.Id("counts").Index(jen.Id("label").Op("*").Id("Classes").Op("+").Id(argmax).Call(jen.Id("row"), jen.Id("Classes"), jen.Lit(1))).Op("++")),
	)
	f.Func().Params(jen.Id("m").Op("*").Id("Model")).Id("Confusion").Params(
		jen.Id("x").Index().Id(goType(g.x.DType)), jen.Id("y").Index().Int32(), jen.Id("n").Int(), jen.Id("counts").Index().Int(),
	).Block(body...)
	f.Line()
}

// rankHelper returns the helper that ranks class c among the scores of one row.
func (g *generator) rankHelper(dt ir.DType) string {
	return g.helpers.use("rank"+dtypeSuffix(dt), func(name string) jen.Code {
		id := jen.Id
		return jen.Comment(lineComment("%s returns how many classes rank above class c by the scores x: those with a", name)).Line().
			Comment("// higher score and the earlier ones with an equal score. A NaN counts as higher").Line().
			Comment("// than every number and equal to another NaN, as argmax treats it.").Line().
			Func().Id(name).Params(id("x").Index().Id(goType(dt)), id("c").Int()).Int().Block(
			jen.List(id("s"), id("rank")).Op(":=").List(id("x").Index(id("c")), jen.Lit(0)),
			jen.For(jen.List(id("j"), id("e")).Op(":=").Range().Id("x")).Block(
				id("above").Op(":=").Id("e").Op(">").Id("s").Op("||").Id("e").Op("!=").Id("e").Op("&&").Id("s").Op("==").Id("s"),
				id("tie").Op(":=").Id("e").Op("==").Id("s").Op("||").Id("e").Op("!=").Id("e").Op("&&").Id("s").Op("!=").Id("s"),
				jen.If(id("above").Op("||").Id("tie").Op("&&").Id("j").Op("<").Id("c")).Block(id("rank").Op("++")),
			),
			jen.Return(id("rank")),
		)
	})
}
