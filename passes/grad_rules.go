package passes

import (
	"github.com/nncc/nncc/ir"
)

// gradRule is the differentiation rule of one op. It returns the gradient of each
// operand x[i] of v given v's upstream gradient g, or nil for an operand that takes
// no gradient (integer indices, bool conditions). Each gradient has its operand's dtype and shape. Rules append their
// ops with b, whose Pos is v's.
type gradRule func(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value

// gradRules maps every non-source op to its rule. A nil rule marks an op whose
// result is piecewise constant or not float: sign, the compares, argmax, size and
// one_hot pass no gradient to their operands.
var gradRules = map[ir.Op]gradRule{
	ir.OpNeg:     gradNeg,
	ir.OpAbs:     gradAbs,
	ir.OpSign:    nil,
	ir.OpExp:     gradExp,
	ir.OpLog:     gradLog,
	ir.OpLog1p:   gradLog1p,
	ir.OpSqrt:    gradSqrt,
	ir.OpSigmoid: gradSigmoid,
	ir.OpTanh:    gradTanh,
	ir.OpRelu:    gradRelu,

	ir.OpAdd: gradAdd,
	ir.OpSub: gradSub,
	ir.OpMul: gradMul,
	ir.OpDiv: gradDiv,
	ir.OpMax: gradMax,
	ir.OpMin: gradMin,
	ir.OpPow: gradPow,

	ir.OpEq: nil,
	ir.OpNe: nil,
	ir.OpLt: nil,
	ir.OpLe: nil,
	ir.OpGt: nil,
	ir.OpGe: nil,

	ir.OpSelect: gradSelect,
	ir.OpCast:   gradCast,
	ir.OpMatMul: gradMatMul,

	ir.OpSum:       gradSum,
	ir.OpMean:      gradMean,
	ir.OpReduceMax: gradReduceMax,
	ir.OpArgMax:    nil,
	ir.OpSize:      nil,

	ir.OpReshape:   gradReshape,
	ir.OpTranspose: gradTranspose,
	ir.OpBroadcast: gradBroadcast,
	ir.OpSlice:     gradSlice,
	ir.OpConcat:    gradConcat,

	ir.OpGather:     gradGather,
	ir.OpScatterAdd: gradScatterAdd,
	ir.OpOneHot:     nil,
}

func oneGrad(g *ir.Value) []*ir.Value { return []*ir.Value{g} }

func gradNeg(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	return oneGrad(b.Neg(g))
}

// gradAbs uses sign(x), so abs'(0) = 0 as in PyTorch.
func gradAbs(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	return oneGrad(b.Mul(g, b.Unary(ir.OpSign, x[0])))
}

func gradExp(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	return oneGrad(b.Mul(g, v))
}

func gradLog(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	return oneGrad(b.Div(g, x[0]))
}

func gradLog1p(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	return oneGrad(b.Div(g, b.Add(x[0], b.ScalarLike(g, 1))))
}

// gradSqrt divides by 2*sqrt(x), the forward result.
func gradSqrt(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	return oneGrad(b.Div(g, b.Mul(v, b.ScalarLike(g, 2))))
}

// gradSigmoid uses the forward result s: sigmoid' = s*(1-s).
func gradSigmoid(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	return oneGrad(b.Mul(g, b.Mul(v, b.Sub(b.ScalarLike(g, 1), v))))
}

// gradTanh uses the forward result t: tanh' = 1 - t^2.
func gradTanh(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	return oneGrad(b.Mul(g, b.Sub(b.ScalarLike(g, 1), b.Mul(v, v))))
}

// gradRelu passes g where x > 0, so relu'(0) = 0 as in PyTorch.
func gradRelu(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	zero := b.ScalarLike(g, 0)
	return oneGrad(b.Select(b.Binary(ir.OpGt, x[0], zero), g, zero))
}

func gradAdd(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	return []*ir.Value{unbroadcast(b, g, x[0].Shape), unbroadcast(b, g, x[1].Shape)}
}

func gradSub(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	return []*ir.Value{unbroadcast(b, g, x[0].Shape), unbroadcast(b, b.Neg(g), x[1].Shape)}
}

func gradMul(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	return []*ir.Value{
		unbroadcast(b, b.Mul(g, x[1]), x[0].Shape),
		unbroadcast(b, b.Mul(g, x[0]), x[1].Shape),
	}
}

// gradDiv computes the divisor's gradient as -g * (v / y), with v = x / y the
// forward result, as PyTorch does.
func gradDiv(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	return []*ir.Value{
		unbroadcast(b, b.Div(g, x[1]), x[0].Shape),
		unbroadcast(b, b.Mul(b.Neg(g), b.Div(v, x[1])), x[1].Shape),
	}
}

// gradMax gives g to the larger operand, as torch.maximum does: each operand gets
// g/2 where they are equal, and both get all of g where either is NaN.
func gradMax(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	return tieSplit(b, x, g, ir.OpLt, ir.OpGt)
}

// gradMin gives g to the smaller operand, with ties and NaN as in gradMax.
func gradMin(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	return tieSplit(b, x, g, ir.OpGt, ir.OpLt)
}

// tieSplit returns the gradient of each operand of a max or min: g, halved where
// the operands are equal, and zero where the operand lost. x0 loses where the
// compare lose0(x0, x1) holds and x1 where lose1(x0, x1) holds.
func tieSplit(b *ir.Builder, x []*ir.Value, g *ir.Value, lose0, lose1 ir.Op) []*ir.Value {
	zero := b.ScalarLike(g, 0)
	shared := b.Select(b.Binary(ir.OpEq, x[0], x[1]), b.Div(g, b.ScalarLike(g, 2)), g)
	g0 := b.Select(b.Binary(lose0, x[0], x[1]), zero, shared)
	g1 := b.Select(b.Binary(lose1, x[0], x[1]), zero, shared)
	return []*ir.Value{unbroadcast(b, g0, x[0].Shape), unbroadcast(b, g1, x[1].Shape)}
}

// gradPow differentiates v = x^y in both operands with PyTorch's guards: the base's
// gradient y*x^(y-1) is 0 where y == 0, and the exponent's gradient v*log(x) is 0
// where x == 0 and y >= 0, instead of the NaN or -Inf of the plain formulas.
func gradPow(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	base, exp := x[0], x[1]
	zero := b.ScalarLike(g, 0)
	slope := b.Mul(exp, b.Binary(ir.OpPow, base, b.Sub(exp, b.ScalarLike(g, 1))))
	gBase := b.Select(b.Binary(ir.OpEq, exp, zero), zero, b.Mul(g, slope))

	gLog := b.Mul(g, b.Mul(v, b.Log(base)))
	atZero := b.Select(b.Binary(ir.OpGe, exp, zero), zero, gLog)
	gExp := b.Select(b.Binary(ir.OpEq, base, zero), atZero, gLog)
	return []*ir.Value{unbroadcast(b, gBase, base.Shape), unbroadcast(b, gExp, exp.Shape)}
}

// gradSelect routes g to a where the condition holds and to b elsewhere.
func gradSelect(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	cond := x[0]
	zero := b.ScalarLike(g, 0)
	return []*ir.Value{
		nil,
		unbroadcast(b, b.Select(cond, g, zero), x[1].Shape),
		unbroadcast(b, b.Select(cond, zero, g), x[2].Shape),
	}
}

// gradCast passes g back through a float-to-float cast in the operand's dtype.
// Casts from integers or bool take no gradient.
func gradCast(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	switch {
	case !x[0].DType.IsFloat():
		return []*ir.Value{nil}
	case x[0].DType == g.DType:
		return oneGrad(g)
	}
	return oneGrad(b.Cast(g, x[0].DType))
}
