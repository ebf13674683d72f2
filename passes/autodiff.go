package passes

import "fmt"

// autodiff is the "autodiff" pass of the train function: it appends the gradient
// of the "loss" output with respect to every param to the graph and records the
// params and gradients in ctx for lower-optimizer. The loss is already a batch
// mean, so its gradient is used as is.
func autodiff(ctx *Context) error {
	g := ctx.Func.Graph
	loss := g.Output("loss")
	if loss == nil {
		panic(fmt.Sprintf("passes: autodiff: the %s graph has no output \"loss\"", g.Name))
	}
	params := g.Params()
	grads, err := Grad(g, loss, params)
	if err != nil {
		return asErrorList(err, loss.Pos)
	}
	if len(grads) != len(params) {
		panic(fmt.Sprintf("passes: autodiff: Grad returned %d gradients for %d params", len(grads), len(params)))
	}
	for i, gr := range grads {
		if gr == nil || gr.DType != params[i].DType || !gr.Shape.Equal(params[i].Shape) {
			panic(fmt.Sprintf("passes: autodiff: the gradient of param %q is %v, want %s", params[i].Attrs.Name, gr, params[i].Type()))
		}
	}
	ctx.Params, ctx.Grads = params, grads
	return nil
}
