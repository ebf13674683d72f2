package codegen

import (
	"errors"

	"github.com/dave/jennifer/jen"
	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/passes"
)

// saliencyMethod is the method generated for the program's saliency function.
const saliencyMethod = "InputGradient"

// saliencyDoc returns the doc comment lines of InputGradient, without the argument
// checks that doc appends.
func (e *funcEmitter) saliencyDoc() []string {
	var lines []string
	if e.g.prog.Module.Saliency == ir.SaliencyOutput {
		lines = []string{
			"InputGradient returns the gradient with respect to x of each sample's score of",
			"the class in y: row i holds d output[i, y[i]] / d x[i]. Samples do not interact,",
			"so each row is that sample's own saliency map.",
		}
	} else {
		lines = []string{
			"InputGradient returns the gradient with respect to x of the mean loss over the n",
			"samples in x with " + e.targetsText() + " y. Row i carries the factor 1/n of the mean,",
			"as the input gradient of a mean-reduced loss does in PyTorch.",
		}
	}
	return append(lines,
		"The result has Features values per sample and is a view into m's arena: it stays",
		"valid until the next call of a method of m. It leaves the parameters and state of",
		"m unchanged.")
}

// saliencyResults returns InputGradient's result list and its return statement.
func (e *funcEmitter) saliencyResults() (jen.Code, []jen.Code) {
	out := e.fn.Graph.Output(passes.SaliencyOutputName)
	return jen.Index().Id(goType(out.DType)), []jen.Code{jen.Return(e.slice(out)())}
}

// checkSaliency checks that the saliency function's output has the dtype and shape
// of x, as InputGradient's result promises.
func (g *generator) checkSaliency() error {
	f := g.prog.Saliency
	if f == nil {
		return nil
	}
	out := f.Graph.Output(passes.SaliencyOutputName)
	if out == nil || g.x == nil || out.DType != g.x.DType || !out.Shape.Equal(g.x.Shape) {
		return errors.New("codegen: function saliency needs an output \"input_grad\" of x's dtype and shape")
	}
	return nil
}
