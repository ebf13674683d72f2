package codegen

import (
	"fmt"
	"math"
	"strconv"

	"github.com/dave/jennifer/jen"
	"github.com/nncc/nncc/ir"
)

const (
	runtimePath = "github.com/nncc/nncc/runtime"
	cliPath     = "github.com/nncc/nncc/runtime/cli"
)

// goType returns the Go element type of dt. It panics on an invalid dtype, which the
// generator rejects before it emits code.
func goType(dt ir.DType) string {
	switch dt {
	case ir.F32:
		return "float32"
	case ir.F64:
		return "float64"
	case ir.I32:
		return "int32"
	case ir.I64:
		return "int64"
	case ir.Bool:
		return "bool"
	}
	panic(fmt.Sprintf("codegen: no Go type for dtype %s", dt))
}

// dtypeSuffix returns the suffix of names specialized to dt: F32, F64, I32, I64 or Bool.
func dtypeSuffix(dt ir.DType) string {
	switch dt {
	case ir.Bool:
		return "Bool"
	default:
		s := dt.String()
		return string(s[0]-'a'+'A') + s[1:]
	}
}

// tensorField returns the field of runtime.Tensor that holds data of dtype dt, or ""
// for a dtype a checkpoint cannot store.
func tensorField(dt ir.DType) string {
	switch dt {
	case ir.F32, ir.F64, ir.I32, ir.I64:
		return dtypeSuffix(dt)
	}
	return ""
}

// elemLiteral returns x as an element of a composite literal of dtype dt. It rounds
// x as the reference interpreter does: f32 to the nearest float32, integers toward
// zero and wrapped to their width, NaN to 0 in an integer dtype. NaN, infinities
// and negative zero, which Go constants cannot express, become calls into package
// math.
func elemLiteral(dt ir.DType, x float64) *jen.Statement {
	switch dt {
	case ir.Bool:
		return jen.Lit(x != 0)
	case ir.I32, ir.I64:
		return jen.Id(strconv.FormatInt(roundInt(dt, x), 10))
	}
	var special *jen.Statement
	switch {
	case math.IsNaN(x):
		special = jen.Qual("math", "NaN").Call()
	case math.IsInf(x, 0) || dt == ir.F32 && math.IsInf(float64(float32(x)), 0):
		sign := 1
		if x < 0 {
			sign = -1
		}
		special = jen.Qual("math", "Inf").Call(jen.Lit(sign))
	case x == 0 && math.Signbit(x):
		special = jen.Qual("math", "Copysign").Call(jen.Lit(0), jen.Lit(-1))
	}
	if special != nil {
		if dt == ir.F32 {
			return jen.Float32().Parens(special)
		}
		return special
	}
	if dt == ir.F32 {
		return jen.Id(strconv.FormatFloat(float64(float32(x)), 'g', -1, 32))
	}
	return jen.Id(strconv.FormatFloat(x, 'g', -1, 64))
}

// typedLiteral returns x as a Go expression of dt's Go type, for example float32(0.5).
func typedLiteral(dt ir.DType, x float64) *jen.Statement {
	lit := elemLiteral(dt, x)
	if dt == ir.Bool {
		return lit
	}
	return jen.Id(goType(dt)).Parens(lit)
}

// roundInt converts x to integer dtype dt: truncated toward zero, saturated at the
// int64 range, NaN as 0, then wrapped to 32 bits for i32.
func roundInt(dt ir.DType, x float64) int64 {
	var i int64
	switch {
	case math.IsNaN(x):
		i = 0
	case x >= 0x1p63:
		i = math.MaxInt64
	case x <= -0x1p63:
		i = math.MinInt64
	default:
		i = int64(math.Trunc(x))
	}
	if dt == ir.I32 {
		return int64(int32(i))
	}
	return i
}

// extent is a loop or dimension extent: static, times the batch extent n when batch
// is set.
type extent struct {
	static int
	batch  bool
}

// elemsOf returns the number of elements of shape s as an extent.
func elemsOf(s ir.Shape) extent {
	return extent{static: s.StaticElems(), batch: s.HasBatch()}
}

// code returns e as a Go expression over the batch extent n.
func (e extent) code() *jen.Statement {
	switch {
	case !e.batch:
		return jen.Lit(e.static)
	case e.static == 1:
		return jen.Id("n")
	}
	return jen.Id("n").Op("*").Lit(e.static)
}

// String returns e as text, for example 128 or n*128.
func (e extent) String() string {
	switch {
	case !e.batch:
		return strconv.Itoa(e.static)
	case e.static == 1:
		return "n"
	}
	return "n*" + strconv.Itoa(e.static)
}

// atMax returns the value of e at the batch extent maxBatch.
func (e extent) atMax(maxBatch int) int {
	if e.batch {
		return e.static * maxBatch
	}
	return e.static
}

// times returns e*f. At most one of them may have the batch extent.
func (e extent) times(f extent) extent {
	return extent{static: e.static * f.static, batch: e.batch || f.batch}
}

// dimExtent returns dimension d of s as an extent.
func dimExtent(s ir.Shape, d int) extent {
	if s[d] == ir.Batch {
		return extent{static: 1, batch: true}
	}
	return extent{static: s[d]}
}

// prodExtent returns the product of the dimensions s[from:to].
func prodExtent(s ir.Shape, from, to int) extent {
	e := extent{static: 1}
	for d := from; d < to; d++ {
		e = e.times(dimExtent(s, d))
	}
	return e
}

// contiguousStrides returns the row-major strides of s. The batch dimension is always
// leading, so every stride is static.
func contiguousStrides(s ir.Shape) []int {
	st := make([]int, len(s))
	k := 1
	for d := len(s) - 1; d >= 0; d-- {
		st[d] = k
		if s[d] != ir.Batch {
			k *= s[d]
		}
	}
	return st
}
