package codegen

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"
	"github.com/nncc/nncc/ir"
)

// constTable holds the package-level slices of the constants the methods read as
// tensors, one per distinct dtype and contents.
type constTable struct {
	byKey map[string]*constVar
	list  []*constVar
}

type constVar struct {
	name  string
	value *ir.Value // the first constant with these contents
}

func newConstTable() *constTable { return &constTable{byKey: make(map[string]*constVar)} }

func (t *constTable) empty() bool { return len(t.list) == 0 }

// ref returns the name of the package-level slice that holds constant v, adding it
// when no constant with v's dtype and elements is in the table yet. fn names the
// function, so the variable is called after the first value that needed it.
func (t *constTable) ref(fn string, v *ir.Value) string {
	var key strings.Builder
	key.WriteString(v.DType.String())
	for _, x := range v.Attrs.Data {
		key.WriteByte(',')
		key.WriteString(strconv.FormatUint(math.Float64bits(x), 16))
	}
	if c := t.byKey[key.String()]; c != nil {
		return c.name
	}
	c := &constVar{name: fmt.Sprintf("%sConst%d", identifier(fn), v.ID), value: v}
	t.byKey[key.String()] = c
	t.list = append(t.list, c)
	return c.name
}

// emit adds the variables to f in the order they were first used.
func (t *constTable) emit(f *jen.File) {
	for _, c := range t.list {
		v := c.value
		elems := make([]jen.Code, len(v.Attrs.Data))
		for i, x := range v.Attrs.Data {
			elems[i] = elemLiteral(v.DType, x)
		}
		f.Comment(lineComment("%s is the constant %s : %s%s. It is read, never written.", c.name, v.Ref(), v.Type(), posSuffix(v.Pos)))
		f.Var().Id(c.name).Op("=").Index().Id(goType(v.DType)).Values(wrapValues(elems, 8)...)
		f.Line()
	}
}

// wrapValues returns the elements of a composite literal laid out perLine to a line
// when they do not fit on one: jennifer puts every value on one line, and gofmt keeps
// line breaks that the source has.
func wrapValues(elems []jen.Code, perLine int) []jen.Code {
	if len(elems) <= perLine {
		return elems
	}
	out := make([]jen.Code, len(elems))
	for i, e := range elems {
		if i%perLine == 0 {
			e = jen.Id("\n").Add(e)
		}
		if i == len(elems)-1 {
			e = jen.Add(e).Id(",\n")
		}
		out[i] = e
	}
	return out
}
