package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"
	"github.com/nncc/nncc/ir"
)

// broadcastStrides returns the strides with which an operand of shape in is read at
// each dimension of out under NumPy broadcasting: 0 where in is broadcast.
func broadcastStrides(in, out ir.Shape) []int {
	st := contiguousStrides(in)
	res := make([]int, len(out))
	lead := len(out) - len(in)
	for d := lead; d < len(out); d++ {
		if in[d-lead] == 1 && out[d] != 1 {
			continue
		}
		res[d] = st[d-lead]
	}
	return res
}

// broadcastNest returns a loop nest over v's shape that reads args broadcast to it.
func (e *funcEmitter) broadcastNest(v *ir.Value, args []*ir.Value) *nest {
	ns := &nest{outWhole: true, out: access{slice: e.slice(v), strides: contiguousStrides(v.Shape)}}
	for d := range v.Shape {
		ns.dims = append(ns.dims, dimExtent(v.Shape, d))
	}
	for _, a := range args {
		ns.ins = append(ns.ins, e.operand(a, broadcastStrides(a.Shape, v.Shape)))
	}
	return ns
}

// vectorMath names the runtime's float32 functions for unary ops: Exp32 computes
// one element and Exp32Slice a whole slice with the same bits, within the error
// documented in docs/elementwise-math.md.
var vectorMath = map[ir.Op]string{
	ir.OpExp:     "Exp32",
	ir.OpLog:     "Log32",
	ir.OpTanh:    "Tanh32",
	ir.OpSigmoid: "Sigmoid32",
}

func assign(dst, expr jen.Code) *jen.Statement { return jen.Add(dst).Op("=").Add(expr) }

// elementwise returns the loop nest of an elementwise op, a select, a cast or a
// broadcast.
func (e *funcEmitter) elementwise(v *ir.Value) ([]jen.Code, error) {
	ns := e.broadcastNest(v, v.Args)
	switch c := v.Op.Class(); {
	case v.Op == ir.OpBroadcast:
		ns.isCopy = true
		ns.body = func(dst jen.Code, srcs []jen.Code) []jen.Code { return []jen.Code{assign(dst, srcs[0])} }
	case v.Op == ir.OpSelect:
		ns.body = func(dst jen.Code, srcs []jen.Code) []jen.Code {
			return []jen.Code{jen.If(srcs[0]).Block(assign(dst, srcs[1])).Else().Block(assign(dst, srcs[2]))}
		}
	case v.Op == ir.OpCast:
		from, to := v.Args[0].DType, v.DType
		ns.body = func(dst jen.Code, srcs []jen.Code) []jen.Code {
			return []jen.Code{assign(dst, e.castExpr(from, to, srcs[0]))}
		}
	case c == ir.ClassUnary:
		if _, err := e.unaryExpr(v.Op, v.DType, jen.Id("x")); err != nil {
			return nil, err
		}
		if fn, ok := vectorMath[v.Op]; ok && v.DType == ir.F32 && v.Args[0].Shape.Equal(v.Shape) {
			// The slice form gives the scalar form's bits, 8 elements at a time.
			dst := e.slice(v)()
			return []jen.Code{jen.Qual(runtimePath, fn+"Slice").Call(dst, e.slice(v.Args[0])().Index(jen.Empty(), jen.Len(e.slice(v)())))}, nil
		}
		ns.body = func(dst jen.Code, srcs []jen.Code) []jen.Code {
			x, _ := e.unaryExpr(v.Op, v.DType, srcs[0])
			return []jen.Code{assign(dst, x)}
		}
	default:
		dt := v.Args[0].DType
		if _, err := binaryExpr(e.g.helpers, v.Op, dt, jen.Id("a"), jen.Id("b")); err != nil {
			return nil, err
		}
		ns.body = func(dst jen.Code, srcs []jen.Code) []jen.Code {
			x, _ := binaryExpr(e.g.helpers, v.Op, dt, srcs[0], srcs[1])
			return []jen.Code{assign(dst, x)}
		}
	}
	return ns.emit(), nil
}

// unaryExpr returns op applied to a of dtype dt.
func (e *funcEmitter) unaryExpr(op ir.Op, dt ir.DType, a jen.Code) (*jen.Statement, error) {
	h := e.g.helpers
	if dt == ir.Bool {
		return nil, fmt.Errorf("op %s has no kernel for dtype bool", op)
	}
	switch op {
	case ir.OpNeg:
		return jen.Op("-").Add(a), nil
	case ir.OpAbs:
		if dt.IsInt() {
			return jen.Id(h.abs(dt)).Call(a), nil
		}
		return mathCall(dt, "Abs", a), nil
	case ir.OpSign:
		return jen.Id(h.sign(dt)).Call(a), nil
	}
	if !dt.IsFloat() {
		return nil, fmt.Errorf("op %s has no kernel for dtype %s", op, dt)
	}
	if dt == ir.F32 {
		if fn, ok := vectorMath[op]; ok {
			return jen.Qual(runtimePath, fn).Call(a), nil
		}
	}
	switch op {
	case ir.OpExp:
		return mathCall(dt, "Exp", a), nil
	case ir.OpLog:
		return mathCall(dt, "Log", a), nil
	case ir.OpLog1p:
		return mathCall(dt, "Log1p", a), nil
	case ir.OpSqrt:
		return mathCall(dt, "Sqrt", a), nil
	case ir.OpTanh:
		return mathCall(dt, "Tanh", a), nil
	case ir.OpSigmoid:
		return jen.Id(h.sigmoid(dt)).Call(a), nil
	case ir.OpRelu:
		return jen.Id(h.relu(dt)).Call(a), nil
	}
	return nil, fmt.Errorf("op %s is not unary", op)
}

// binaryExpr returns op applied to a and b of operand dtype dt.
func binaryExpr(h *helperSet, op ir.Op, dt ir.DType, a, b jen.Code) (*jen.Statement, error) {
	infix := map[ir.Op]string{
		ir.OpAdd: "+", ir.OpSub: "-", ir.OpMul: "*", ir.OpDiv: "/",
		ir.OpEq: "==", ir.OpNe: "!=", ir.OpLt: "<", ir.OpLe: "<=", ir.OpGt: ">", ir.OpGe: ">=",
	}
	if dt == ir.Bool && op != ir.OpEq && op != ir.OpNe {
		return nil, fmt.Errorf("op %s has no kernel for dtype bool", op)
	}
	if sym, ok := infix[op]; ok {
		return jen.Add(a).Op(sym).Add(b), nil
	}
	switch op {
	case ir.OpMax:
		// The builtin returns NaN when either operand is NaN.
		return jen.Max(a, b), nil
	case ir.OpMin:
		return jen.Min(a, b), nil
	case ir.OpPow:
		if dt.IsFloat() {
			return mathCall(dt, "Pow", a, b), nil
		}
		// NOTE: a zero base with a negative exponent gives +Inf, whose conversion to
		// an integer Go leaves implementation-defined.
		return jen.Id(goType(dt)).Parens(jen.Qual("math", "Pow").Call(jen.Float64().Parens(a), jen.Float64().Parens(b))), nil
	}
	return nil, fmt.Errorf("op %s is not binary", op)
}

// castExpr returns a of dtype from converted to dtype to: Go's conversion for
// numbers (floats truncate toward zero into integers), 0 or 1 from bool, and x != 0
// into bool.
//
// NOTE: Go leaves the conversion of NaN and of out-of-range floats to an integer
// implementation-defined; the reference interpreter saturates and maps NaN to 0.
func (e *funcEmitter) castExpr(from, to ir.DType, a jen.Code) *jen.Statement {
	switch {
	case from == to:
		return jen.Add(a)
	case from == ir.Bool:
		return jen.Id(e.g.helpers.boolTo(to)).Call(a)
	case to == ir.Bool:
		return jen.Add(a).Op("!=").Lit(0)
	}
	return jen.Id(goType(to)).Parens(a)
}
