package interp

import (
	"errors"
	"math"

	"github.com/nncc/nncc/ir"
)

// broadcastMap returns, for each row-major position of shape out, the position of
// the element of shape in that NumPy broadcasting reads there. The shapes align at
// the trailing dimension and in has extent 1 or out's extent in each dimension.
func broadcastMap(out, in []int) []int {
	m := make([]int, numElems(out))
	idx := make([]int, len(out))
	inStrides := strides(in)
	off := len(out) - len(in)
	for i := range m {
		unravel(i, out, idx)
		p := 0
		for d := range in {
			if in[d] != 1 {
				p += idx[off+d] * inStrides[d]
			}
		}
		m[i] = p
	}
	return m
}

func unary(op ir.Op, x, out *Tensor) {
	for i, a := range x.Data {
		out.Data[i] = unaryScalar(op, a)
	}
}

func unaryScalar(op ir.Op, x float64) float64 {
	switch op {
	case ir.OpNeg:
		return -x
	case ir.OpAbs:
		return math.Abs(x)
	case ir.OpSign:
		switch {
		case x > 0:
			return 1
		case x < 0:
			return -1
		}
		return x // 0 stays 0 and NaN stays NaN
	case ir.OpExp:
		return math.Exp(x)
	case ir.OpLog:
		return math.Log(x)
	case ir.OpLog1p:
		return math.Log1p(x)
	case ir.OpSqrt:
		return math.Sqrt(x)
	case ir.OpSigmoid:
		return 1 / (1 + math.Exp(-x))
	case ir.OpTanh:
		return math.Tanh(x)
	case ir.OpRelu:
		if x > 0 || math.IsNaN(x) {
			return x
		}
		return 0
	}
	panic("interp: unaryScalar: " + op.String() + " is not unary")
}

var errDivideByZero = errors.New("integer division by zero")

func binary(op ir.Op, x, y, out *Tensor) error {
	mx := broadcastMap(out.Shape, x.Shape)
	my := broadcastMap(out.Shape, y.Shape)
	isInt := x.DType.IsInt()
	for i := range out.Data {
		a, b := x.Data[mx[i]], y.Data[my[i]]
		if op == ir.OpDiv && isInt {
			if b == 0 {
				return errDivideByZero
			}
			out.Data[i] = math.Trunc(a / b)
			continue
		}
		out.Data[i] = binaryScalar(op, a, b)
	}
	return nil
}

func binaryScalar(op ir.Op, a, b float64) float64 {
	switch op {
	case ir.OpAdd:
		return a + b
	case ir.OpSub:
		return a - b
	case ir.OpMul:
		return a * b
	case ir.OpDiv:
		return a / b
	case ir.OpMax:
		return maxNaN(a, b)
	case ir.OpMin:
		return minNaN(a, b)
	case ir.OpPow:
		return math.Pow(a, b)
	case ir.OpEq:
		return boolFloat(a == b)
	case ir.OpNe:
		return boolFloat(a != b)
	case ir.OpLt:
		return boolFloat(a < b)
	case ir.OpLe:
		return boolFloat(a <= b)
	case ir.OpGt:
		return boolFloat(a > b)
	case ir.OpGe:
		return boolFloat(a >= b)
	}
	panic("interp: binaryScalar: " + op.String() + " is not binary")
}

// maxNaN returns the larger of a and b, or NaN if either is NaN. math.Max differs:
// it returns +Inf when one operand is +Inf and the other NaN.
func maxNaN(a, b float64) float64 {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.NaN()
	}
	return math.Max(a, b)
}

// minNaN returns the smaller of a and b, or NaN if either is NaN.
func minNaN(a, b float64) float64 {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.NaN()
	}
	return math.Min(a, b)
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func selectOp(cond, x, y, out *Tensor) {
	mc := broadcastMap(out.Shape, cond.Shape)
	mx := broadcastMap(out.Shape, x.Shape)
	my := broadcastMap(out.Shape, y.Shape)
	for i := range out.Data {
		if cond.Data[mc[i]] != 0 {
			out.Data[i] = x.Data[mx[i]]
		} else {
			out.Data[i] = y.Data[my[i]]
		}
	}
}
