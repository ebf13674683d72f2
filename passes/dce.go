package passes

import "github.com/nncc/nncc/ir"

// dce is the "dce" pass: dead code elimination. It removes the constants and ops
// that no output or update needs. Inputs, params and state stay even when unused,
// so that a function's signature and its view of the model's persistent values
// do not depend on what the optimizations removed.
func dce(ctx *Context) error {
	prune(ctx.Func.Graph, func(v *ir.Value) bool {
		return v.Op.IsSource() && v.Op != ir.OpConst
	})
	return nil
}
