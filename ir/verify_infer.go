package ir

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// infer rebuilds v with the checker's scratch Builder from v's op, operands and
// attributes, and returns the rebuilt value or the Builder's error. Ops whose result
// type is an attribute of the value (cast, reshape, broadcast, scatter_add, one_hot,
// size and the sources) take it from v. The operands must be non-nil and match the
// op's arity.
func (c *checker) infer(v *Value) (*Value, error) {
	b := c.scratch
	b.G.Values = b.G.Values[:0]
	b.Errs = nil
	a, x := &v.Attrs, v.Args

	var r *Value
	switch class := v.Op.Class(); {
	case v.Op == OpInput:
		r = b.Input(a.Name, v.DType, v.Shape)
	case v.Op == OpParam:
		r = b.Param(a.Name, v.DType, v.Shape, a.Init)
	case v.Op == OpState:
		r = b.State(a.Name, v.DType, v.Shape, a.Init)
	case v.Op == OpConst:
		r = b.Const(v.DType, v.Shape, a.Data)
	case class == ClassUnary:
		r = b.Unary(v.Op, x[0])
	case class == ClassBinary, class == ClassCompare:
		r = b.Binary(v.Op, x[0], x[1])
	case class == ClassReduce:
		r = b.Reduce(v.Op, x[0], a.Axes, a.KeepDims)
	default:
		r = c.inferOther(v)
	}

	if len(b.Errs) > 0 {
		msgs := make([]string, len(b.Errs))
		for i, e := range b.Errs {
			// The Builder prefixes its messages with the op, which the caller names.
			msgs[i] = strings.TrimPrefix(e.Msg, v.Op.String()+": ")
		}
		return nil, errors.New(strings.Join(msgs, "; "))
	}
	return r, nil
}

func (c *checker) inferOther(v *Value) *Value {
	b := c.scratch
	a, x := &v.Attrs, v.Args
	switch v.Op {
	case OpSelect:
		return b.Select(x[0], x[1], x[2])
	case OpCast:
		return b.Cast(x[0], v.DType)
	case OpMatMul:
		return b.MatMul(x[0], x[1], a.TransA, a.TransB)
	case OpSize:
		return b.Size(x[0], a.Axes, v.DType)
	case OpReshape:
		return b.Reshape(x[0], v.Shape)
	case OpTranspose:
		return b.Transpose(x[0], a.Perm)
	case OpBroadcast:
		return b.Broadcast(x[0], v.Shape)
	case OpSlice:
		return b.Slice(x[0], a.Starts, a.Ends)
	case OpConcat:
		return b.Concat(a.Axis, x...)
	case OpGather:
		return b.Gather(x[0], x[1], a.Axis)
	case OpScatterAdd:
		return b.ScatterAdd(x[0], x[1], a.Axis, v.Shape)
	case OpOneHot:
		return b.OneHot(x[0], a.Depth, v.DType)
	case OpConv2D, OpConv2DInputGrad, OpConv2DFilterGrad,
		OpMaxPool2D, OpMaxPool2DGrad, OpMaxPool2DGather, OpAvgPool2D, OpAvgPool2DGrad:
		return inferConvPool(b, v)
	case OpRandomUniform:
		return b.RandomUniform(x[0], x[1], x[2])
	case OpLogSoftmax:
		return b.LogSoftmax(x[0], a.Axis)
	}
	panic(fmt.Sprintf("ir: verify: no inference for op %s", v.Op))
}

// attrDiffs compares the attributes got of a value of op o with the attributes want
// that the Builder gives it, and returns one message per differing field. Floats
// compare by bits, so a NaN in const data equals itself.
func attrDiffs(o Op, got, want *Attrs) []string {
	used := opAttrs(o)
	var msgs []string
	for i, kw := range attrKeywords {
		bit := attrSet(1) << i
		if attrEqual(bit, got, want) {
			continue
		}
		if used&bit == 0 {
			msgs = append(msgs, fmt.Sprintf("attribute %s is %s, but %s does not use it", kw, formatAttr(bit, got), o))
			continue
		}
		msgs = append(msgs, fmt.Sprintf("attribute %s is %s, want %s",
			kw, formatAttr(bit, got), formatAttr(bit, want)))
	}
	return msgs
}

// formatAttr returns one attribute of a in its text form, or true or false for a flag.
func formatAttr(bit attrSet, a *Attrs) string {
	switch bit {
	case attrKeepDims:
		return strconv.FormatBool(a.KeepDims)
	case attrTransA:
		return strconv.FormatBool(a.TransA)
	case attrTransB:
		return strconv.FormatBool(a.TransB)
	}
	return string(appendAttrValue(nil, bit, a))
}

func attrEqual(bit attrSet, x, y *Attrs) bool {
	switch bit {
	case attrName:
		return x.Name == y.Name
	case attrInit:
		return floatBitsEqual([]float64{x.Init.Value, x.Init.Lo, x.Init.Hi, x.Init.Std},
			[]float64{y.Init.Value, y.Init.Lo, y.Init.Hi, y.Init.Std}) && x.Init.Kind == y.Init.Kind
	case attrData:
		return floatBitsEqual(x.Data, y.Data)
	case attrAxes:
		return slices.Equal(x.Axes, y.Axes)
	case attrKeepDims:
		return x.KeepDims == y.KeepDims
	case attrPerm:
		return slices.Equal(x.Perm, y.Perm)
	case attrStarts:
		return slices.Equal(x.Starts, y.Starts)
	case attrEnds:
		return slices.Equal(x.Ends, y.Ends)
	case attrAxis:
		return x.Axis == y.Axis
	case attrDepth:
		return x.Depth == y.Depth
	case attrTransA:
		return x.TransA == y.TransA
	case attrTransB:
		return x.TransB == y.TransB
	case attrKernel:
		return slices.Equal(x.Kernel, y.Kernel)
	case attrStride:
		return slices.Equal(x.Stride, y.Stride)
	case attrPadding:
		return slices.Equal(x.Padding, y.Padding)
	case attrDilation:
		return slices.Equal(x.Dilation, y.Dilation)
	case attrGroups:
		return x.Groups == y.Groups
	}
	return true
}

func floatBitsEqual(x, y []float64) bool {
	return slices.EqualFunc(x, y, func(a, b float64) bool {
		return math.Float64bits(a) == math.Float64bits(b)
	})
}
