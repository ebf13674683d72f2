package codegen

import (
	"github.com/dave/jennifer/jen"
	"github.com/nncc/nncc/ir"
)

func copyBody(dst jen.Code, srcs []jen.Code) []jen.Code { return []jen.Code{assign(dst, srcs[0])} }

// layoutNest returns a copying loop nest over v's shape that writes v in order and
// reads its operand at base with the given strides.
func (e *funcEmitter) layoutNest(v *ir.Value, base int, strides []int) *nest {
	ns := &nest{outWhole: true, isCopy: true, body: copyBody, out: access{slice: e.slice(v), strides: contiguousStrides(v.Shape)}}
	for d := range v.Shape {
		ns.dims = append(ns.dims, dimExtent(v.Shape, d))
	}
	in := e.operand(v.Args[0], strides)
	in.base = base
	ns.ins = []access{in}
	return ns
}

// transpose returns the loop nest of a transpose: result axis i reads the operand's
// axis perm[i].
func (e *funcEmitter) transpose(v *ir.Value) []jen.Code {
	st := contiguousStrides(v.Args[0].Shape)
	strides := make([]int, len(v.Shape))
	for i, p := range v.Attrs.Perm {
		strides[i] = st[p]
	}
	return e.layoutNest(v, 0, strides).emit()
}

// sliceOp returns the loop nest of a slice: the operand's block that starts at
// Attrs.Starts, read with the operand's strides.
func (e *funcEmitter) sliceOp(v *ir.Value) []jen.Code {
	st := contiguousStrides(v.Args[0].Shape)
	base := 0
	for d, s := range v.Attrs.Starts {
		if v.Args[0].Shape[d] != ir.Batch {
			base += s * st[d]
		}
	}
	return e.layoutNest(v, base, st).emit()
}

// concat returns one copying loop nest per operand, each writing the block of the
// result that starts at the operand's offset along the axis.
func (e *funcEmitter) concat(v *ir.Value) []jen.Code {
	axis := v.Attrs.Axis
	outStrides := contiguousStrides(v.Shape)
	var stmts []jen.Code
	at := 0
	for _, a := range v.Args {
		ns := &nest{isCopy: true, body: copyBody}
		ns.out = access{slice: e.slice(v), base: at * outStrides[axis], strides: append([]int(nil), outStrides...)}
		for d := range a.Shape {
			ns.dims = append(ns.dims, dimExtent(a.Shape, d))
		}
		ns.ins = []access{e.operand(a, contiguousStrides(a.Shape))}
		stmts = append(stmts, ns.emit()...)
		at += a.Shape[axis]
	}
	return stmts
}

// matmul returns the call of runtime.MatMul, or of runtime.BatchMatMul when the
// operands have leading batch dimensions.
func (e *funcEmitter) matmul(v *ir.Value) []jen.Code {
	a, b := v.Args[0], v.Args[1]
	r := len(v.Shape)
	m, k, n := matmulDims(v)
	args := []jen.Code{e.slice(v)(), e.slice(a)(), e.slice(b)()}
	fn := "MatMul"
	if r > 2 {
		fn = "BatchMatMul"
		args = append(args, prodExtent(v.Shape, 0, r-2).code())
	}
	args = append(args, m.code(), k.code(), n.code(), jen.Lit(v.Attrs.TransA), jen.Lit(v.Attrs.TransB))
	return []jen.Code{jen.Qual(runtimePath, fn).Call(args...)}
}

// matmulDims returns the extents m, k and n of the product v, whose result has
// m×n matrices and whose operands share the dimension k.
func matmulDims(v *ir.Value) (m, k, n extent) {
	a := v.Args[0]
	r := len(v.Shape)
	m, n = dimExtent(v.Shape, r-2), dimExtent(v.Shape, r-1)
	k = dimExtent(a.Shape, r-1)
	if v.Attrs.TransA {
		k = dimExtent(a.Shape, r-2)
	}
	return m, k, n
}
