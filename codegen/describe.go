package codegen

import (
	"strconv"
	"strings"

	"github.com/nncc/nncc/ir"
)

// describe returns the one-line IR form of v for the comment above its block, for
// example "%12 = matmul %3, %5 transB : f32[N,128]  (mnist.nnc:7:3)". The text still
// has to go through commentText.
func describe(v *ir.Value) string {
	var b strings.Builder
	b.WriteString(v.Ref())
	b.WriteString(" = ")
	b.WriteString(v.Op.String())
	for i, a := range v.Args {
		if i == 0 {
			b.WriteByte(' ')
		} else {
			b.WriteString(", ")
		}
		b.WriteString(a.Ref())
	}
	if attrs := describeAttrs(v); attrs != "" {
		b.WriteByte(' ')
		b.WriteString(attrs)
	}
	b.WriteString(" : ")
	b.WriteString(v.Type())
	b.WriteString(posSuffix(v.Pos))
	if v.Comment != "" {
		b.WriteString("  ")
		b.WriteString(v.Comment)
	}
	return b.String()
}

// posSuffix returns "  (file:line:col)" for a known position, else "".
func posSuffix(p ir.Pos) string {
	if !p.IsKnown() {
		return ""
	}
	return "  (" + p.String() + ")"
}

func describeAttrs(v *ir.Value) string {
	a := v.Attrs
	var parts []string
	switch v.Op {
	case ir.OpInput, ir.OpParam, ir.OpState:
		parts = append(parts, strconv.Quote(a.Name))
	case ir.OpSum, ir.OpMean, ir.OpReduceMax, ir.OpArgMax, ir.OpSize:
		parts = append(parts, "axes="+intList(a.Axes, false))
		if a.KeepDims {
			parts = append(parts, "keepdims")
		}
	case ir.OpTranspose:
		parts = append(parts, "perm="+intList(a.Perm, false))
	case ir.OpSlice:
		parts = append(parts, "starts="+intList(a.Starts, false), "ends="+intList(a.Ends, true))
	case ir.OpConcat, ir.OpGather, ir.OpScatterAdd, ir.OpLogSoftmax:
		parts = append(parts, "axis="+strconv.Itoa(a.Axis))
	case ir.OpOneHot:
		parts = append(parts, "depth="+strconv.Itoa(a.Depth))
	case ir.OpMatMul:
		if a.TransA {
			parts = append(parts, "transA")
		}
		if a.TransB {
			parts = append(parts, "transB")
		}
	}
	return strings.Join(parts, " ")
}

// intList returns xs as [a,b,c]; with batch set, ir.Batch prints as N.
func intList(xs []int, batch bool) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		if batch && x == ir.Batch {
			s[i] = "N"
		} else {
			s[i] = strconv.Itoa(x)
		}
	}
	return "[" + strings.Join(s, ",") + "]"
}
