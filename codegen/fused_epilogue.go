package codegen

import (
	"github.com/dave/jennifer/jen"

	"github.com/nncc/nncc/passes"
)

// emitEpilogue adds the call that computes an epilogue step (passes.Step.Epilogue):
// a float32 matrix product, its bias add and possibly a ReLU, in one
// runtime.MatMulBias32 call. The kernel adds the bias and applies the ReLU to each
// tile of the product once the tile is complete, rounding as the separate ops do.
// The sum is stored only when it is not internal to the step.
func (e *funcEmitter) emitEpilogue(s *passes.Step) {
	mm, add := s.Values[0], s.Values[1]
	e.add(jen.Line(), jen.Comment("// one matrix product with its epilogue computes:"))
	for _, v := range s.Values {
		where := ""
		switch {
		case v == mm:
			where = ", not stored"
		case s.Internal[v]:
			where = ", in the epilogue"
		}
		e.add(jen.Comment(lineComment("%s%s", describe(v), where)))
	}

	out := add
	act := "ActNone"
	if len(s.Values) == 3 {
		out = s.Values[2]
		act = "ActReLU"
	}
	pre := jen.Nil()
	if out != add && !s.Internal[add] {
		e.declareView(add)
		pre = e.slice(add)()
	}
	e.declareView(out)

	bias := add.Args[1]
	if bias == mm {
		bias = add.Args[0]
	}
	a, b := mm.Args[0], mm.Args[1]
	m, k, n := matmulDims(mm)
	e.add(jen.Qual(runtimePath, "MatMulBias32").Call(
		e.slice(out)(), pre, e.slice(a)(), e.slice(b)(), e.slice(bias)(),
		m.code(), k.code(), n.code(), jen.Lit(mm.Attrs.TransA), jen.Lit(mm.Attrs.TransB),
		jen.Qual(runtimePath, act)))
}
