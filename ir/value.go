package ir

import (
	"fmt"
	"slices"
)

// Pos is a source position: the model-file line (or ONNX node) a value came from.
// The zero Pos means unknown.
type Pos struct {
	File string
	Line int // 1-based; 0 when unknown
	Col  int // 1-based; 0 when unknown
}

// IsKnown reports whether p names a line.
func (p Pos) IsKnown() bool { return p.Line > 0 }

// String returns file:line:col, dropping the parts that are unknown.
func (p Pos) String() string {
	switch {
	case p.File == "" && p.Line == 0:
		return "-"
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Init is the initializer of a param or state value, applied by the generated New.
type Init struct {
	Kind  InitKind
	Value float64 // InitConst: the fill value
	Lo    float64 // InitUniform: the lower bound
	Hi    float64 // InitUniform: the upper bound
	Std   float64 // InitNormal: the standard deviation (mean 0)
}

// InitKind names an initializer.
type InitKind uint8

// The initializers. InitZeros is the zero value.
const (
	InitZeros InitKind = iota
	InitConst
	InitUniform
	InitNormal
)

// Attrs holds the attributes of a value's op. Each op reads only the fields named in
// its comment in op.go; the rest stay zero.
type Attrs struct {
	Name     string    // input, param, state: the name callers and checkpoints use
	Init     Init      // param, state
	Data     []float64 // const: Shape.Elems(1) elements, row-major
	Axes     []int     // reductions and size: sorted, distinct
	KeepDims bool      // reductions
	Perm     []int     // transpose
	Starts   []int     // slice: first index per axis
	Ends     []int     // slice: one past the last index per axis
	Axis     int       // concat, gather, scatter_add
	Depth    int       // one_hot
	TransA   bool      // matmul
	TransB   bool      // matmul

	// Convolution and pooling; each list holds one entry per spatial axis (H, W).
	Kernel   []int // max_pool2d, avg_pool2d and their gradients: window extents
	Stride   []int // conv2d, the pools and their gradients: at least 1
	Padding  []int // conv2d, the pools and their gradients: zeros (or -inf) added on each side
	Dilation []int // conv2d and its gradients: spacing of the kernel taps, at least 1
	Groups   int   // conv2d and its gradients: channel groups, at least 1
}

// clone returns a copy of a that shares no slice with it.
func (a Attrs) clone() Attrs {
	a.Data = slices.Clone(a.Data)
	a.Axes = slices.Clone(a.Axes)
	a.Perm = slices.Clone(a.Perm)
	a.Starts = slices.Clone(a.Starts)
	a.Ends = slices.Clone(a.Ends)
	a.Kernel = slices.Clone(a.Kernel)
	a.Stride = slices.Clone(a.Stride)
	a.Padding = slices.Clone(a.Padding)
	a.Dilation = slices.Clone(a.Dilation)
	return a
}

// Value is an SSA value: defined once, by Op applied to Args, with a dtype and shape.
type Value struct {
	ID    int // unique within the graph; assigned by Graph.add
	Op    Op
	Args  []*Value
	Attrs Attrs
	DType DType
	Shape Shape
	Pos   Pos
	// Comment is an optional note printed in the text form and in generated code, for
	// example the layer a value belongs to.
	Comment string
}

// Ref returns the value's name in the text form: %ID.
func (v *Value) Ref() string { return fmt.Sprintf("%%%d", v.ID) }

// Type returns the value's dtype and shape in the text form, for example f32[N,10].
func (v *Value) Type() string { return v.DType.String() + v.Shape.String() }

// String returns a one-line description for error messages, for example
// "%7 = matmul f32[N,128]".
func (v *Value) String() string {
	return fmt.Sprintf("%s = %s %s", v.Ref(), v.Op, v.Type())
}

// IsScalar reports whether the value has rank 0.
func (v *Value) IsScalar() bool { return len(v.Shape) == 0 }
