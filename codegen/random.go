package codegen

import (
	"github.com/dave/jennifer/jen"
	"github.com/nncc/nncc/ir"
)

// randomUniform returns the call that fills v's view, n rows of it when v has the
// batch dimension, with the counter-based stream of its seed and counter operands.
func (e *funcEmitter) randomUniform(v *ir.Value) []jen.Code {
	fill := "FillRandomUniform32"
	if v.DType == ir.F64 {
		fill = "FillRandomUniform64"
	}
	return []jen.Code{jen.Qual(runtimePath, fill).Call(e.slice(v)(), e.scalar(v.Args[0]), e.scalar(v.Args[1]))}
}
