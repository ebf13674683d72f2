package codegen

import (
	"fmt"
	"math"
	"slices"

	"github.com/dave/jennifer/jen"
	"github.com/nncc/nncc/ir"
)

// reduce returns the statements of a sum, mean or reduce_max. They set the result
// to the identity of the reduction, fold every element of the operand into its
// result element in a loop nest, and for a mean divide by the count at the end.
func (e *funcEmitter) reduce(v *ir.Value) ([]jen.Code, error) {
	x := v.Args[0]
	if !x.DType.IsFloat() {
		return nil, fmt.Errorf("op %s has no kernel for dtype %s", v.Op, x.DType)
	}
	out := e.slice(v)
	stmts := reduceInit(v, out)
	ns := &nest{out: access{slice: out, strides: reduceStrides(v)}}
	for d := range x.Shape {
		ns.dims = append(ns.dims, dimExtent(x.Shape, d))
	}
	ns.ins = []access{e.operand(x, contiguousStrides(x.Shape))}
	ns.body = func(dst jen.Code, srcs []jen.Code) []jen.Code {
		return []jen.Code{reduceStep(v, dst, srcs[0])}
	}
	stmts = append(stmts, ns.emit()...)
	return append(stmts, reduceFinish(v, out)...), nil
}

// reduceInit returns the statements that set v's result out to the identity of
// the reduction: zeros for a sum or mean, -Inf for a max.
func reduceInit(v *ir.Value, out func() *jen.Statement) []jen.Code {
	if v.Op == ir.OpReduceMax {
		return []jen.Code{jen.For(jen.Id("i").Op(":=").Range().Add(out())).Block(
			assign(out().Index(jen.Id("i")), elemLiteral(v.DType, math.Inf(-1))),
		)}
	}
	return []jen.Code{jen.Clear(out())}
}

// reduceStrides returns the strides with which the loop over the operand of
// reduction v walks v's result: 0 along the reduced axes.
func reduceStrides(v *ir.Value) []int {
	x := v.Args[0]
	// The result has x's element order with the reduced axes at extent 1, whether
	// or not it keeps them.
	keep := x.Shape.Clone()
	for _, a := range v.Attrs.Axes {
		keep[a] = 1
	}
	keepStrides := contiguousStrides(keep)
	strides := make([]int, len(x.Shape))
	for d := range x.Shape {
		if !slices.Contains(v.Attrs.Axes, d) {
			strides[d] = keepStrides[d]
		}
	}
	return strides
}

// reduceStep returns the statement folding the operand element src into the
// result element dst.
func reduceStep(v *ir.Value, dst, src jen.Code) jen.Code {
	if v.Op == ir.OpReduceMax {
		// The builtin max returns NaN when either operand is NaN, so NaN
		// propagates.
		return assign(dst, jen.Max(dst, src))
	}
	return jen.Add(dst).Op("+=").Add(src)
}

// reduceFinish returns the division of a mean's sums by the count, or nothing.
func reduceFinish(v *ir.Value, out func() *jen.Statement) []jen.Code {
	if v.Op != ir.OpMean {
		return nil
	}
	count := extent{static: 1}
	for _, a := range v.Attrs.Axes {
		count = count.times(dimExtent(v.Args[0].Shape, a))
	}
	return []jen.Code{jen.For(jen.Id("i").Op(":=").Range().Add(out())).Block(
		jen.Add(out().Index(jen.Id("i"))).Op("/=").Id(goType(v.DType)).Parens(count.code()),
	)}
}

// argmax returns the loop over the rows of x along the reduced axis, each handed to
// the argmax helper with the row's stride.
func (e *funcEmitter) argmax(v *ir.Value) []jen.Code {
	x := v.Args[0]
	axis := v.Attrs.Axes[0]
	outer := prodExtent(x.Shape, 0, axis)
	k := dimExtent(x.Shape, axis)
	inner := prodExtent(x.Shape, axis+1, len(x.Shape)).static
	helper := e.g.helpers.argmax(x.DType)

	// Row (i0, i1) starts at i0*k*inner + i1 of x and is result element
	// i0*inner + i1.
	var in, out []jen.Code
	loops := []string{}
	if outer != (extent{static: 1}) {
		loops = append(loops, "i0")
		in = append(in, scaled("i0", k.times(extent{static: inner})))
		out = append(out, scaled("i0", extent{static: inner}))
	}
	if inner != 1 {
		loops = append(loops, "i1")
		in = append(in, jen.Id("i1"))
		out = append(out, jen.Id("i1"))
	}
	row := e.slice(x)()
	if len(in) > 0 {
		row = row.Index(sum(in), jen.Empty())
	}
	call := jen.Id(goType(v.DType)).Parens(jen.Id(helper).Call(row, k.code(), jen.Lit(inner)))
	stmt := assign(e.slice(v)().Index(sumOrZero(out)), call)
	bounds := map[string]jen.Code{"i0": outer.code(), "i1": jen.Lit(inner)}
	for i := len(loops) - 1; i >= 0; i-- {
		stmt = jen.For(jen.Id(loops[i]).Op(":=").Range().Add(bounds[loops[i]])).Block(stmt)
	}
	return []jen.Code{stmt}
}

// scaled returns index*e, or index alone when e is 1.
func scaled(index string, e extent) *jen.Statement {
	if e == (extent{static: 1}) {
		return jen.Id(index)
	}
	return jen.Id(index).Op("*").Add(e.code())
}

// sum returns the terms joined by +.
func sum(terms []jen.Code) *jen.Statement {
	s := jen.Add(terms[0])
	for _, t := range terms[1:] {
		s = s.Op("+").Add(t)
	}
	return s
}

// sumOrZero returns sum(terms), or 0 without terms.
func sumOrZero(terms []jen.Code) *jen.Statement {
	if len(terms) == 0 {
		return jen.Lit(0)
	}
	return sum(terms)
}

// size returns the statement storing the product of the extents over the axes.
func (e *funcEmitter) size(v *ir.Value) []jen.Code {
	count := extent{static: 1}
	for _, a := range v.Attrs.Axes {
		count = count.times(dimExtent(v.Args[0].Shape, a))
	}
	return []jen.Code{assign(e.slice(v)().Index(jen.Lit(0)), jen.Id(goType(v.DType)).Parens(count.code()))}
}
