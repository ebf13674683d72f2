package interp

import (
	"fmt"
	"slices"

	"github.com/nncc/nncc/ir"
)

// EvalOp computes the value v from its evaluated operands args with batch extent n
// and returns a new tensor. Results of dtype f32 are rounded to float32. v may be a
// constant (args empty); other sources (inputs, params, state) have no op to
// evaluate.
//
// EvalOp returns an error if n < 1, v is an input, param or state, args do not match
// v.Args in number, dtype or shape (with the batch dimension at n), an index of
// gather or scatter_add is outside its axis, or an integer division divides by zero.
func EvalOp(v *ir.Value, args []*Tensor, n int) (*Tensor, error) {
	if n < 1 {
		return nil, fmt.Errorf("interp: %s: batch extent %d, want at least 1", v, n)
	}
	if err := checkArgs(v, args, n); err != nil {
		return nil, err
	}
	out := Zeros(v.DType, resolve(v.Shape, n))
	if err := evalInto(v, args, n, out); err != nil {
		return nil, fmt.Errorf("interp: %s: %w", v, err)
	}
	for i, x := range out.Data {
		out.Data[i] = roundTo(v.DType, x)
	}
	return out, nil
}

func checkArgs(v *ir.Value, args []*Tensor, n int) error {
	if len(args) != len(v.Args) {
		return fmt.Errorf("interp: %s: %d operands, want %d", v, len(args), len(v.Args))
	}
	for i, a := range v.Args {
		want := resolve(a.Shape, n)
		if args[i] == nil || args[i].DType != a.DType || !slices.Equal(args[i].Shape, want) {
			return fmt.Errorf("interp: %s: operand %d is %v, want %s%v", v, i, describe(args[i]), a.DType, ir.Shape(want))
		}
	}
	return nil
}

func describe(t *Tensor) string {
	if t == nil {
		return "missing"
	}
	return t.DType.String() + ir.Shape(t.Shape).String()
}

// evalInto computes v into out, a zero tensor of v's dtype and resolved shape. The
// caller rounds the result to v's dtype.
func evalInto(v *ir.Value, args []*Tensor, n int, out *Tensor) error {
	switch c := v.Op.Class(); {
	case v.Op == ir.OpConst:
		copy(out.Data, v.Attrs.Data)
	case v.Op.IsSource():
		return fmt.Errorf("a %s has no op to evaluate; supply it as a feed", v.Op)
	case c == ir.ClassUnary:
		unary(v.Op, args[0], out)
	case c == ir.ClassBinary || c == ir.ClassCompare:
		return binary(v.Op, args[0], args[1], out)
	case c == ir.ClassReduce:
		reduce(v, args[0], out)
	case c == ir.ClassLayout:
		layout(v, args, n, out)
	default:
		return evalOther(v, args, n, out)
	}
	return nil
}

func evalOther(v *ir.Value, args []*Tensor, n int, out *Tensor) error {
	switch v.Op {
	case ir.OpSelect:
		selectOp(args[0], args[1], args[2], out)
	case ir.OpCast:
		copy(out.Data, args[0].Data)
	case ir.OpMatMul:
		matMul(args[0], args[1], v.Attrs.TransA, v.Attrs.TransB, out)
	case ir.OpSize:
		size := 1
		for _, a := range v.Attrs.Axes {
			size *= args[0].Shape[a]
		}
		out.Data[0] = float64(size)
	case ir.OpGather:
		return gather(args[0], args[1], v.Attrs.Axis, out)
	case ir.OpScatterAdd:
		return scatterAdd(args[0], args[1], v.Attrs.Axis, out)
	case ir.OpOneHot:
		oneHot(args[0], v.Attrs.Depth, out)
	case ir.OpConv2D, ir.OpConv2DInputGrad, ir.OpConv2DFilterGrad,
		ir.OpMaxPool2D, ir.OpMaxPool2DGrad, ir.OpMaxPool2DGather, ir.OpAvgPool2D, ir.OpAvgPool2DGrad:
		convPool(v, args, out)
	case ir.OpRandomUniform:
		randomUniform(args[0], args[1], out)
	case ir.OpLogSoftmax:
		logSoftmax(args[0], v.Attrs.Axis, out)
	default:
		return fmt.Errorf("no evaluation rule for op %s", v.Op)
	}
	return nil
}
