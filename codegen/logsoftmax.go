package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"
	"github.com/nncc/nncc/ir"
)

// logSoftmax returns the call of the runtime's log_softmax kernel for v: the
// operand seen as [outer, axis, inner] around the attribute axis, with the batch
// extent n in whichever of outer and axis holds the batch dimension.
func (e *funcEmitter) logSoftmax(v *ir.Value) ([]jen.Code, error) {
	kernels := map[ir.DType]string{ir.F32: "LogSoftmax32", ir.F64: "LogSoftmax64"}
	fn, ok := kernels[v.DType]
	if !ok {
		return nil, fmt.Errorf("op %s has no kernel for dtype %s", v.Op, v.DType)
	}
	x, axis := v.Args[0], v.Attrs.Axis
	outer := prodExtent(x.Shape, 0, axis)
	k := dimExtent(x.Shape, axis)
	inner := prodExtent(x.Shape, axis+1, len(x.Shape))
	call := jen.Qual(runtimePath, fn).Call(e.slice(v)(), e.slice(x)(), outer.code(), k.code(), inner.code())
	return []jen.Code{call}, nil
}
