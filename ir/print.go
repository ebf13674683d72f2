package ir

import (
	"bufio"
	"errors"
	"io"
	"math/bits"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Print writes the text form of g to w: a header line, one line per value in
// definition order, then the outputs and the updates. docs/ir.md gives the grammar.
//
// A graph that passes Verify prints in a form that Parse reads back to an equal
// graph. A graph that fails Verify still prints, so that a broken pass can be
// inspected: a nil operand prints as %? and an invalid dtype or op by its Go
// String form, and such text does not parse. Init fields that the init kind does not
// use are not printed. Print returns the first error from w, or an error if g is nil.
func Print(w io.Writer, g *Graph) error {
	if g == nil {
		return errors.New("ir: Print: nil graph")
	}
	bw := bufio.NewWriter(w)
	var line []byte
	emit := func() {
		line = append(line, '\n')
		bw.Write(line) // a write error is kept by bw and returned by Flush
		line = line[:0]
	}

	line = append(line, "graph "...)
	line = appendWord(line, g.Name)
	line = append(line, " maxbatch="...)
	line = strconv.AppendInt(line, int64(g.MaxBatch), 10)
	line = append(line, " {"...)
	emit()
	for _, v := range g.Values {
		line = appendValue(append(line, "  "...), v)
		emit()
	}
	for _, o := range g.Outputs {
		line = append(line, "  output "...)
		line = strconv.AppendQuote(line, o.Name)
		line = append(line, " = "...)
		line = appendRef(line, o.Value)
		emit()
	}
	for _, u := range g.Updates {
		line = append(line, "  update "...)
		line = appendRef(line, u.Target)
		line = append(line, " = "...)
		line = appendRef(line, u.Value)
		emit()
	}
	line = append(line, '}')
	emit()
	return bw.Flush()
}

// String returns the text form of g, as Print writes it.
func (g *Graph) String() string {
	var b strings.Builder
	if err := Print(&b, g); err != nil {
		return "<" + err.Error() + ">"
	}
	return b.String()
}

// appendValue appends one value line without indent or newline:
// %ID = op operands attributes : type  @pos  # comment
func appendValue(b []byte, v *Value) []byte {
	if v == nil {
		return append(b, "%? = <nil value>"...)
	}
	b = appendRef(b, v)
	b = append(b, " = "...)
	b = append(b, v.Op.String()...)
	for i, a := range v.Args {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendRef(append(b, ' '), a)
	}
	b = appendAttrs(b, v.Op, &v.Attrs)
	b = append(b, " : "...)
	b = append(b, v.DType.String()...)
	b = append(b, v.Shape.String()...)
	if v.Pos != (Pos{}) {
		b = appendPos(append(b, "  @"...), v.Pos)
	}
	if v.Comment != "" {
		b = appendComment(append(b, "  # "...), v.Comment)
	}
	return b
}

func appendRef(b []byte, v *Value) []byte {
	if v == nil {
		return append(b, "%?"...)
	}
	return strconv.AppendInt(append(b, '%'), int64(v.ID), 10)
}

// attrSet is a set of Attrs fields, named by the keyword each has in the text form.
type attrSet uint32

const (
	attrName attrSet = 1 << iota
	attrInit
	attrData
	attrAxes
	attrKeepDims
	attrPerm
	attrStarts
	attrEnds
	attrAxis
	attrDepth
	attrTransA
	attrTransB
	attrKernel
	attrStride
	attrPadding
	attrDilation
	attrGroups
)

// attrFlags are the boolean attributes: the keyword alone means true.
const attrFlags = attrKeepDims | attrTransA | attrTransB

// attrKeywords lists the keyword of each attrSet bit, in bit order.
var attrKeywords = []string{
	"name", "init", "data", "axes", "keepdims", "perm", "starts", "ends", "axis", "depth", "transA", "transB",
	"kernel", "stride", "padding", "dilation", "groups",
}

// keyword returns the text-form keyword of the single field in s.
func (s attrSet) keyword() string { return attrKeywords[bits.TrailingZeros32(uint32(s))] }

// opAttrs returns the attributes op o reads. Every other field of its Attrs is zero
// in a valid graph.
func opAttrs(o Op) attrSet {
	switch o {
	case OpInput:
		return attrName
	case OpParam, OpState:
		return attrName | attrInit
	case OpConst:
		return attrData
	case OpSum, OpMean, OpReduceMax, OpArgMax:
		return attrAxes | attrKeepDims
	case OpSize:
		return attrAxes
	case OpTranspose:
		return attrPerm
	case OpSlice:
		return attrStarts | attrEnds
	case OpConcat, OpGather, OpScatterAdd, OpLogSoftmax:
		return attrAxis
	case OpOneHot:
		return attrDepth
	case OpMatMul:
		return attrTransA | attrTransB
	case OpConv2D, OpConv2DInputGrad, OpConv2DFilterGrad:
		return attrStride | attrPadding | attrDilation | attrGroups
	case OpMaxPool2D, OpMaxPool2DGrad, OpMaxPool2DGather, OpAvgPool2D, OpAvgPool2DGrad:
		return attrKernel | attrStride | attrPadding
	}
	return 0
}

// setAttrs returns the fields of a that are not zero.
func setAttrs(a *Attrs) attrSet {
	var s attrSet
	add := func(bit attrSet, set bool) {
		if set {
			s |= bit
		}
	}
	add(attrName, a.Name != "")
	add(attrInit, a.Init != Init{})
	add(attrData, len(a.Data) > 0)
	add(attrAxes, len(a.Axes) > 0)
	add(attrKeepDims, a.KeepDims)
	add(attrPerm, len(a.Perm) > 0)
	add(attrStarts, len(a.Starts) > 0)
	add(attrEnds, len(a.Ends) > 0)
	add(attrAxis, a.Axis != 0)
	add(attrDepth, a.Depth != 0)
	add(attrTransA, a.TransA)
	add(attrTransB, a.TransB)
	add(attrKernel, len(a.Kernel) > 0)
	add(attrStride, len(a.Stride) > 0)
	add(attrPadding, len(a.Padding) > 0)
	add(attrDilation, len(a.Dilation) > 0)
	add(attrGroups, a.Groups != 0)
	return s
}

// appendAttrs appends the attributes op o reads, and any other field of a that is
// not zero, each preceded by a space. Name, Init and Data print positionally for the
// sources that read them and as keyword=value otherwise; flags print only when set.
func appendAttrs(b []byte, o Op, a *Attrs) []byte {
	used := opAttrs(o)
	show := used&^attrFlags | setAttrs(a)
	for i, kw := range attrKeywords {
		bit := attrSet(1) << i
		if show&bit == 0 {
			continue
		}
		b = append(b, ' ')
		if used&bit == 0 || bit&(attrName|attrInit|attrData) == 0 {
			b = append(b, kw...)
			if bit&attrFlags != 0 {
				continue // a flag: present means true
			}
			b = append(b, '=')
		}
		b = appendAttrValue(b, bit, a)
	}
	return b
}

// appendAttrValue appends the value of one attribute in its text form.
func appendAttrValue(b []byte, bit attrSet, a *Attrs) []byte {
	switch bit {
	case attrName:
		return strconv.AppendQuote(b, a.Name)
	case attrInit:
		return appendInit(b, a.Init)
	case attrData:
		return appendFloats(b, a.Data)
	case attrAxes:
		return appendInts(b, a.Axes, false)
	case attrPerm:
		return appendInts(b, a.Perm, false)
	case attrStarts:
		return appendInts(b, a.Starts, false)
	case attrEnds:
		return appendInts(b, a.Ends, true)
	case attrAxis:
		return strconv.AppendInt(b, int64(a.Axis), 10)
	case attrDepth:
		return strconv.AppendInt(b, int64(a.Depth), 10)
	case attrKernel:
		return appendInts(b, a.Kernel, false)
	case attrStride:
		return appendInts(b, a.Stride, false)
	case attrPadding:
		return appendInts(b, a.Padding, false)
	case attrDilation:
		return appendInts(b, a.Dilation, false)
	case attrGroups:
		return strconv.AppendInt(b, int64(a.Groups), 10)
	}
	return b
}

var initNames = [...]string{
	InitZeros: "zeros", InitConst: "const", InitUniform: "uniform", InitNormal: "normal",
}

// appendInit appends zeros, const(value), uniform(lo,hi) or normal(std).
func appendInit(b []byte, in Init) []byte {
	if int(in.Kind) >= len(initNames) {
		return strconv.AppendInt(append(b, "init?"...), int64(in.Kind), 10)
	}
	b = append(b, initNames[in.Kind]...)
	switch in.Kind {
	case InitConst:
		b = appendFloat(append(b, '('), in.Value)
	case InitUniform:
		b = appendFloat(append(b, '('), in.Lo)
		b = appendFloat(append(b, ','), in.Hi)
	case InitNormal:
		b = appendFloat(append(b, '('), in.Std)
	default:
		return b
	}
	return append(b, ')')
}

// formatInit returns the text form of in, for error messages.
func formatInit(in Init) string { return string(appendInit(nil, in)) }

// appendFloat appends x in the shortest form that parses back to the same float64.
func appendFloat(b []byte, x float64) []byte { return strconv.AppendFloat(b, x, 'g', -1, 64) }

// appendFloats appends xs as [x0, x1, ...].
func appendFloats(b []byte, xs []float64) []byte {
	b = append(b, '[')
	for i, x := range xs {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendFloat(b, x)
	}
	return append(b, ']')
}

// appendInts appends xs as [x0,x1,...]. With batchN set, Batch prints as N.
func appendInts(b []byte, xs []int, batchN bool) []byte {
	b = append(b, '[')
	for i, x := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		if batchN && x == Batch {
			b = append(b, 'N')
		} else {
			b = strconv.AppendInt(b, int64(x), 10)
		}
	}
	return append(b, ']')
}

// appendPos appends file:line:col, leaving out a zero column, then a zero line.
func appendPos(b []byte, p Pos) []byte {
	if p.File != "" {
		b = appendWord(b, p.File)
	}
	if p.Line != 0 || p.Col != 0 {
		b = strconv.AppendInt(append(b, ':'), int64(p.Line), 10)
	}
	if p.Col != 0 {
		b = strconv.AppendInt(append(b, ':'), int64(p.Col), 10)
	}
	return b
}

// appendWord appends s bare if it is a non-empty run of letters, digits and
// _ . / - + ~ (ASCII only), and as a quoted Go string otherwise.
func appendWord(b []byte, s string) []byte {
	if !isBareWord(s) {
		return strconv.AppendQuote(b, s)
	}
	return append(b, s...)
}

func isBareWord(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("_./-+~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// appendComment appends c as it is when it reads back unchanged: valid UTF-8 of
// printable characters, no leading or trailing space and no leading quote. Any other
// comment is appended as a quoted Go string.
func appendComment(b []byte, c string) []byte {
	if isRawComment(c) {
		return append(b, c...)
	}
	return strconv.AppendQuote(b, c)
}

func isRawComment(c string) bool {
	if c == "" || c != strings.TrimSpace(c) || c[0] == '"' || !utf8.ValidString(c) {
		return false
	}
	for _, r := range c {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}
