package interp

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/nncc/nncc/ir"
)

// Tensor is a concrete value: a dtype, a shape with the batch dimension resolved to
// its extent n, and the elements in row-major order stored as float64.
type Tensor struct {
	DType ir.DType
	Shape []int
	Data  []float64
}

// NewTensor returns a tensor of dtype dt and the given shape over data, which it
// keeps without copying. It panics if len(data) is not the product of shape or a
// dimension is negative.
func NewTensor(dt ir.DType, shape []int, data []float64) *Tensor {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("interp: NewTensor: negative dimension in shape %v", shape))
		}
		n *= d
	}
	if len(data) != n {
		panic(fmt.Sprintf("interp: NewTensor: %d elements for shape %v, want %d", len(data), shape, n))
	}
	return &Tensor{DType: dt, Shape: slices.Clone(shape), Data: data}
}

// Zeros returns a tensor of zeros of dtype dt and the given shape. It panics if a
// dimension is negative.
func Zeros(dt ir.DType, shape []int) *Tensor {
	return NewTensor(dt, shape, make([]float64, numElems(shape)))
}

// Scalar returns a rank-0 tensor holding x rounded to dtype dt.
func Scalar(dt ir.DType, x float64) *Tensor {
	return &Tensor{DType: dt, Shape: []int{}, Data: []float64{roundTo(dt, x)}}
}

// Clone returns a deep copy of t.
func (t *Tensor) Clone() *Tensor {
	return &Tensor{DType: t.DType, Shape: slices.Clone(t.Shape), Data: slices.Clone(t.Data)}
}

// String returns the dtype, shape and elements, for example "f64[2,2]{1 2 3 4}".
func (t *Tensor) String() string {
	var b strings.Builder
	b.WriteString(t.DType.String())
	b.WriteString(ir.Shape(t.Shape).String())
	b.WriteByte('{')
	for i, x := range t.Data {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprint(&b, x)
	}
	b.WriteByte('}')
	return b.String()
}

// resolve returns s with the batch dimension replaced by n.
func resolve(s ir.Shape, n int) []int {
	out := make([]int, len(s))
	for i, d := range s {
		if d == ir.Batch {
			d = n
		}
		out[i] = d
	}
	return out
}

func numElems(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// strides returns the row-major strides of shape.
func strides(shape []int) []int {
	st := make([]int, len(shape))
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = s
		s *= shape[i]
	}
	return st
}

// unravel writes the multi-index of flat row-major position i in shape into idx.
func unravel(i int, shape, idx []int) {
	for d := len(shape) - 1; d >= 0; d-- {
		idx[d] = i % shape[d]
		i /= shape[d]
	}
}

// ravel returns the flat position of idx given strides.
func ravel(idx, st []int) int {
	p := 0
	for d, i := range idx {
		p += i * st[d]
	}
	return p
}

// roundTo returns x as dtype dt stores it: f32 rounded to float32, integers truncated
// toward zero and wrapped to their width, bool as 0 or 1.
//
// NOTE: NaN becomes 0 in an integer dtype and infinities saturate at the int64 range.
// Generated Go code converts with Go's rules, which leave those cases
// implementation-defined.
func roundTo(dt ir.DType, x float64) float64 {
	switch dt {
	case ir.F32:
		return float64(float32(x))
	case ir.I32, ir.I64:
		var i int64
		switch {
		case math.IsNaN(x):
			return 0
		case x >= 0x1p63:
			i = math.MaxInt64
		case x <= -0x1p63:
			i = math.MinInt64
		default:
			i = int64(math.Trunc(x))
		}
		if dt == ir.I32 {
			return float64(int32(i))
		}
		return float64(i)
	case ir.Bool:
		if x != 0 {
			return 1
		}
		return 0
	}
	return x
}
