package passes

import (
	"math"
	"slices"

	"github.com/nncc/nncc/ir"
)

// simplify is the "simplify" pass: it replaces a value by one of its operands
// where an algebraic identity makes them equal for every input in IEEE
// arithmetic, NaN, infinities and signed zeros included. No rewrite reassociates
// or assumes finite values, so x*0 and x-x stay.
func simplify(ctx *Context) error {
	g := ctx.Func.Graph
	r := make(replacer)
	for _, v := range g.Values {
		r.rewriteArgs(v)
		if x := identityOperand(v); x != nil {
			r[v] = x
		}
	}
	r.finish(g)
	return nil
}

// identityOperand returns the operand that v equals, or nil. The operand must
// have v's dtype and shape, so a rewrite never drops a broadcast.
func identityOperand(v *ir.Value) *ir.Value {
	x := identityCandidate(v)
	if x == nil || x.DType != v.DType || !x.Shape.Equal(v.Shape) {
		return nil
	}
	return x
}

func identityCandidate(v *ir.Value) *ir.Value {
	switch v.Op {
	case ir.OpAdd:
		// x + (-0) = x for every x, but x + (+0) turns -0 into +0.
		if isConstAll(v.Args[1], negZero) {
			return v.Args[0]
		}
		if isConstAll(v.Args[0], negZero) {
			return v.Args[1]
		}
	case ir.OpSub:
		// x - (+0) = x for every x, but x - (-0) turns -0 into +0.
		if isConstAll(v.Args[1], posZero) {
			return v.Args[0]
		}
	case ir.OpMul:
		if isConstAll(v.Args[1], one) {
			return v.Args[0]
		}
		if isConstAll(v.Args[0], one) {
			return v.Args[1]
		}
	case ir.OpDiv:
		if isConstAll(v.Args[1], one) {
			return v.Args[0]
		}
	case ir.OpNeg:
		if x := v.Args[0]; x.Op == ir.OpNeg {
			return x.Args[0]
		}
	case ir.OpSelect:
		if v.Args[1] == v.Args[2] {
			return v.Args[1]
		}
	case ir.OpCast, ir.OpReshape, ir.OpBroadcast:
		// Identity when the dtype and shape do not change, which
		// identityOperand checks.
		return v.Args[0]
	case ir.OpSum, ir.OpMean, ir.OpReduceMax:
		if len(v.Attrs.Axes) == 0 {
			return v.Args[0]
		}
	case ir.OpTranspose:
		if slices.Equal(v.Attrs.Perm, ir.AllAxes(len(v.Attrs.Perm))) {
			return v.Args[0]
		}
	case ir.OpSlice, ir.OpConcat:
		if len(v.Args) == 1 {
			return v.Args[0]
		}
	}
	return nil
}

// The constant values the identities need. For integer dtypes both zeros are
// plain 0.
type constKind uint8

const (
	posZero constKind = iota
	negZero
	one
)

// isConstAll reports whether v is a constant of a numeric dtype whose elements all
// are the value kind names.
func isConstAll(v *ir.Value, kind constKind) bool {
	if v.Op != ir.OpConst || v.DType == ir.Bool || len(v.Attrs.Data) == 0 {
		return false
	}
	for _, x := range v.Attrs.Data {
		switch {
		case kind == one && x != 1:
			return false
		case kind != one && x != 0:
			return false
		case kind != one && v.DType.IsFloat() && math.Signbit(x) != (kind == negZero):
			return false
		}
	}
	return true
}
