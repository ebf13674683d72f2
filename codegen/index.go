package codegen

import (
	"github.com/dave/jennifer/jen"
	"github.com/nncc/nncc/ir"
)

// term is coef*expr in an index expression.
type term struct {
	coef int
	expr func() *jen.Statement
}

// linear returns the sum of the terms, leaving out zero coefficients, or 0.
func linear(terms ...term) *jen.Statement {
	var parts []jen.Code
	for _, t := range terms {
		switch t.coef {
		case 0:
		case 1:
			parts = append(parts, t.expr())
		default:
			parts = append(parts, t.expr().Op("*").Lit(t.coef))
		}
	}
	return sumOrZero(parts)
}

func ident(name string) func() *jen.Statement {
	return func() *jen.Statement { return jen.Id(name) }
}

// asInt is int(k), the current index as an int.
func asInt() *jen.Statement { return jen.Int().Parens(jen.Id("k")) }

// indexLayout describes the loops of gather and scatter_add over a table of shape
// outer x axis x inner, with count indices picking slices along the axis.
type indexLayout struct {
	outer extent
	axis  int // the table's extent along the axis
	inner int
	count extent
}

func newIndexLayout(table ir.Shape, axis int, indices ir.Shape) indexLayout {
	return indexLayout{
		outer: prodExtent(table, 0, axis),
		axis:  table[axis],
		inner: prodExtent(table, axis+1, len(table)).static,
		count: elemsOf(indices),
	}
}

// loops wraps body in `for j, k := range indices` and, when the table has leading
// dimensions, a loop over them with index i0. The builder keeps the batch dimension
// leading, so count is static whenever the outer loop exists.
func (l indexLayout) loops(indices func() *jen.Statement, body ...jen.Code) *jen.Statement {
	loop := jen.For(jen.List(jen.Id("j"), jen.Id("k")).Op(":=").Range().Add(indices())).Block(body...)
	if l.outer == (extent{static: 1}) {
		return loop
	}
	return jen.For(jen.Id("i0").Op(":=").Range().Add(l.outer.code())).Block(loop)
}

// tableStart and indexedStart return the first element of the slice of the table at
// index k and of the indexed tensor (the gather result or the scatter updates) at
// index j.
func (l indexLayout) tableStart() *jen.Statement {
	return linear(term{l.outerCoef(l.axis * l.inner), ident("i0")}, term{l.inner, asInt})
}

func (l indexLayout) indexedStart() *jen.Statement {
	return linear(term{l.outerCoef(l.count.static * l.inner), ident("i0")}, term{l.inner, ident("j")})
}

// outerCoef returns coef, or 0 when there is no outer loop.
func (l indexLayout) outerCoef(coef int) int {
	if l.outer == (extent{static: 1}) {
		return 0
	}
	return coef
}

// rangeCheck returns the statement that panics when k is outside the axis.
func (e *funcEmitter) rangeCheck(op ir.Op, extent int) jen.Code {
	return jen.If(jen.Id("k").Op("<").Lit(0).Op("||").Id("k").Op(">=").Lit(extent)).Block(
		jen.Id(e.g.helpers.panicIndex()).Call(jen.Lit(op.String()), jen.Int64().Parens(jen.Id("k")), jen.Lit(extent)),
	)
}

// gather returns the loops copying the table slice picked by each index.
func (e *funcEmitter) gather(v *ir.Value) []jen.Code {
	table, indices := v.Args[0], v.Args[1]
	l := newIndexLayout(table.Shape, v.Attrs.Axis, indices.Shape)
	out, src := e.slice(v), e.slice(table)
	var move jen.Code
	if l.inner == 1 {
		move = assign(out().Index(l.indexedStart()), src().Index(l.tableStart()))
	} else {
		move = jen.Copy(
			out().Index(l.indexedStart(), jen.Empty()).Index(jen.Empty(), jen.Lit(l.inner)),
			src().Index(l.tableStart(), jen.Empty()).Index(jen.Empty(), jen.Lit(l.inner)),
		)
	}
	return []jen.Code{l.loops(e.slice(indices), e.rangeCheck(v.Op, l.axis), move)}
}

// scatterAdd returns the loops adding each slice of the updates into the result at
// its index, after zeroing the result.
func (e *funcEmitter) scatterAdd(v *ir.Value) []jen.Code {
	indices, updates := v.Args[0], v.Args[1]
	l := newIndexLayout(v.Shape, v.Attrs.Axis, indices.Shape)
	out, src := e.slice(v), e.slice(updates)
	var add []jen.Code
	if l.inner == 1 {
		add = []jen.Code{jen.Add(out().Index(l.tableStart())).Op("+=").Add(src().Index(l.indexedStart()))}
	} else {
		add = []jen.Code{
			jen.Id("dst").Op(":=").Add(out().Index(l.tableStart(), jen.Empty()).Index(jen.Empty(), jen.Lit(l.inner))),
			jen.Id("src").Op(":=").Add(src().Index(l.indexedStart(), jen.Empty()).Index(jen.Empty(), jen.Lit(l.inner))),
			jen.For(jen.Id("i").Op(":=").Range().Id("dst")).Block(
				jen.Id("dst").Index(jen.Id("i")).Op("+=").Id("src").Index(jen.Id("i")),
			),
		}
	}
	body := append([]jen.Code{e.rangeCheck(v.Op, l.axis)}, add...)
	return []jen.Code{jen.Clear(out()), l.loops(e.slice(indices), body...)}
}

// oneHot returns the loop setting element k of each row to 1 after zeroing the
// result. An index outside [0, depth) leaves its row zero.
func (e *funcEmitter) oneHot(v *ir.Value) []jen.Code {
	depth := v.Attrs.Depth
	out := e.slice(v)
	set := assign(out().Index(linear(term{depth, ident("j")}, term{1, asInt})), elemLiteral(v.DType, 1))
	return []jen.Code{
		jen.Clear(out()),
		jen.For(jen.List(jen.Id("j"), jen.Id("k")).Op(":=").Range().Add(e.slice(v.Args[0])())).Block(
			jen.If(jen.Id("k").Op(">=").Lit(0).Op("&&").Id("k").Op("<").Lit(depth)).Block(set),
		),
	}
}
