package codegen

import (
	"slices"

	"github.com/dave/jennifer/jen"

	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/passes"
)

// foldedProduct returns the product that value i of chunked step s computes with
// it in one runtime.MulAddVS32 or runtime.SubMulVS32 call, or nil. The value must
// be add(p, y), add(y, p) or sub(y, p) with y an array, and the product p = x*c
// the value just before it in the step: internal, used by no other value, with x
// an array and c a scalar. The kernels round x*c before the add or subtract, so
// the call gives the bits of the two kernels it replaces.
func foldedProduct(s *passes.Step, i int) *ir.Value {
	if i == 0 {
		return nil
	}
	v, p := s.Values[i], s.Values[i-1]
	if p.Op != ir.OpMul || !s.Internal[p] || productScalar(s, p) < 0 {
		return nil
	}
	for _, w := range s.Values[i+1:] {
		if slices.Contains(w.Args, p) {
			return nil
		}
	}
	y := v.Args[0]
	switch {
	case v.Op == ir.OpAdd && v.Args[0] == p:
		y = v.Args[1]
	case v.Op == ir.OpAdd && v.Args[1] == p, v.Op == ir.OpSub && v.Args[1] == p:
	default:
		return nil
	}
	if y == p || isStepScalar(s, y) {
		return nil
	}
	return p
}

// productScalar returns the index of the scalar operand of product p, a value of
// step s, when its other operand is an array, or -1.
func productScalar(s *passes.Step, p *ir.Value) int {
	a, b := isStepScalar(s, p.Args[0]), isStepScalar(s, p.Args[1])
	switch {
	case b && !a:
		return 1
	case a && !b:
		return 0
	}
	return -1
}

// isStepScalar reports whether a is an operand that a chunked loop of step s reads
// as one element.
func isStepScalar(s *passes.Step, a *ir.Value) bool {
	return !slices.Contains(s.Values, a) && isScalarOperand(a)
}

// foldedKernel returns the call that computes value v of a chunked step into the
// slice name together with its folded product p.
func foldedKernel(s *passes.Step, v, p *ir.Value, name string, local map[*ir.Value]*jen.Statement) jen.Code {
	c := productScalar(s, p)
	x, scalar := local[p.Args[1-c]], local[p.Args[c]]
	y := v.Args[0]
	if y == p {
		y = v.Args[1]
	}
	if v.Op == ir.OpSub {
		return jen.Qual(runtimePath, "SubMulVS32").Call(jen.Id(name), local[y], x, scalar)
	}
	return jen.Qual(runtimePath, "MulAddVS32").Call(jen.Id(name), x, scalar, local[y])
}
