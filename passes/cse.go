package passes

import (
	"math"
	"strconv"
	"strings"

	"github.com/nncc/nncc/ir"
)

// cse is the "cse" pass: common subexpression elimination. A value with the same
// op, operands, attributes, dtype and shape as an earlier value is replaced by
// the earlier one. Constants match by value, bit for bit, so 0 and -0 stay
// distinct. Inputs, params and state are never merged.
func cse(ctx *Context) error {
	g := ctx.Func.Graph
	seen := make(map[string]*ir.Value)
	r := make(replacer)
	for _, v := range g.Values {
		r.rewriteArgs(v)
		if v.Op.IsSource() && v.Op != ir.OpConst {
			continue
		}
		key := valueKey(v)
		if w, ok := seen[key]; ok {
			r[v] = w
			continue
		}
		seen[key] = v
	}
	r.finish(g)
	return nil
}

// valueKey returns a string that two values share exactly when they compute the
// same thing from the same operands.
func valueKey(v *ir.Value) string {
	var b strings.Builder
	b.WriteString(v.Op.String())
	b.WriteByte(' ')
	b.WriteString(v.Type())
	for _, a := range v.Args {
		b.WriteString(" %")
		b.WriteString(strconv.Itoa(a.ID))
	}
	at := &v.Attrs
	writeInts(&b, "axes", at.Axes)
	writeInts(&b, "perm", at.Perm)
	writeInts(&b, "starts", at.Starts)
	writeInts(&b, "ends", at.Ends)
	b.WriteString(" keep=" + strconv.FormatBool(at.KeepDims))
	b.WriteString(" axis=" + strconv.Itoa(at.Axis))
	b.WriteString(" depth=" + strconv.Itoa(at.Depth))
	b.WriteString(" ta=" + strconv.FormatBool(at.TransA))
	b.WriteString(" tb=" + strconv.FormatBool(at.TransB))
	if v.Op == ir.OpConst {
		b.WriteString(" data=")
		for _, x := range at.Data {
			b.WriteString(strconv.FormatUint(math.Float64bits(x), 16))
			b.WriteByte(',')
		}
	}
	return b.String()
}

func writeInts(b *strings.Builder, name string, xs []int) {
	b.WriteString(" " + name + "=")
	for _, x := range xs {
		b.WriteString(strconv.Itoa(x))
		b.WriteByte(',')
	}
}
