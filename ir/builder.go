package ir

import (
	"fmt"
	"math"
	"slices"
)

// Builder appends values to a graph, inferring each result's dtype and shape.
//
// An invalid operand (a shape that does not broadcast, a wrong dtype, an axis out of
// range) is a mistake in the user's model: the builder records a positioned error in
// Errs and returns a value of dtype Invalid. Ops given an Invalid operand return an
// Invalid value without a further error, so one mistake is reported once.
type Builder struct {
	G    *Graph
	Pos  Pos // position given to new values and errors
	Errs ErrorList
}

// NewBuilder returns a builder that appends to g.
func NewBuilder(g *Graph) *Builder { return &Builder{G: g} }

// At sets the position of the values and errors that follow and returns b.
func (b *Builder) At(pos Pos) *Builder {
	b.Pos = pos
	return b
}

// Err returns the recorded errors, or nil.
func (b *Builder) Err() error { return b.Errs.Err() }

func (b *Builder) fail(op Op, format string, args ...any) *Value {
	b.Errs.Add(b.Pos, "%s: %s", op, fmt.Sprintf(format, args...))
	return &Value{Op: op, DType: Invalid, Pos: b.Pos}
}

func invalid(op Op, args ...*Value) *Value {
	for _, a := range args {
		if a == nil || a.DType == Invalid {
			return &Value{Op: op, DType: Invalid}
		}
	}
	return nil
}

// add appends the value after checking its result shape. The check catches zero or
// negative extents in a requested shape (broadcast, scatter_add) and element counts
// that overflow.
func (b *Builder) add(op Op, dt DType, shape Shape, attrs Attrs, args ...*Value) *Value {
	if err := checkBatchLeading(shape); err != nil {
		return b.fail(op, "result %v: %v", shape, err)
	}
	if err := checkElems(shape, b.G.MaxBatch); err != nil {
		return b.fail(op, "%v", err)
	}
	return b.G.Add(&Value{Op: op, Args: args, Attrs: attrs, DType: dt, Shape: shape, Pos: b.Pos})
}

// Input adds a caller-supplied tensor.
func (b *Builder) Input(name string, dt DType, shape Shape) *Value {
	return b.source(OpInput, name, dt, shape, Init{})
}

// Param adds a trainable parameter initialized by init. Params have a float dtype and
// no batch dimension.
func (b *Builder) Param(name string, dt DType, shape Shape, init Init) *Value {
	return b.source(OpParam, name, dt, shape, init)
}

// State adds a persistent non-trainable value initialized by init.
func (b *Builder) State(name string, dt DType, shape Shape, init Init) *Value {
	return b.source(OpState, name, dt, shape, init)
}

func (b *Builder) source(op Op, name string, dt DType, shape Shape, init Init) *Value {
	if name == "" {
		return b.fail(op, "empty name")
	}
	if !dt.valid() {
		return b.fail(op, "%s: invalid dtype %s", name, dt)
	}
	if op == OpParam && !dt.IsFloat() {
		return b.fail(op, "%s: a param has dtype %s, want f32 or f64", name, dt)
	}
	if err := checkShape(shape); err != nil {
		return b.fail(op, "%s: %v", name, err)
	}
	if op != OpInput && shape.HasBatch() {
		return b.fail(op, "%s: a %s cannot have a batch dimension", name, op)
	}
	if err := checkInit(init); err != nil {
		return b.fail(op, "%s: %v", name, err)
	}
	if init.Kind == InitConst && !representable(dt, init.Value) {
		return b.fail(op, "%s: init %s does not fit dtype %s", name, formatInit(init), dt)
	}
	if (init.Kind == InitUniform || init.Kind == InitNormal) && !dt.IsFloat() {
		return b.fail(op, "%s: init %s needs a float dtype, not %s", name, formatInit(init), dt)
	}
	if b.G.Named(name) != nil {
		return b.fail(op, "%q is already defined", name)
	}
	return b.add(op, dt, shape.Clone(), Attrs{Name: name, Init: init})
}

// checkInit returns an error unless init has a known kind, sets only the fields of
// that kind, and has finite bounds with lo <= hi and std >= 0.
func checkInit(init Init) error {
	finite := func(xs ...float64) bool {
		for _, x := range xs {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return false
			}
		}
		return true
	}
	ok := true
	switch init.Kind {
	case InitZeros:
		ok = init == Init{}
	case InitConst:
		ok = init.Lo == 0 && init.Hi == 0 && init.Std == 0 && finite(init.Value)
	case InitUniform:
		ok = init.Value == 0 && init.Std == 0 && finite(init.Lo, init.Hi) && init.Lo <= init.Hi
	case InitNormal:
		ok = init.Value == 0 && init.Lo == 0 && init.Hi == 0 && finite(init.Std) && init.Std >= 0
	default:
		return errorf("unknown init kind %d", init.Kind)
	}
	if !ok {
		return errorf("invalid init %s %+v: want finite values, lo <= hi, std >= 0 "+
			"and only the fields of its kind", formatInit(init), init)
	}
	return nil
}

// Const adds a constant of the given shape; data holds its elements row-major. The
// elements of an integer dtype must be integers in its range, and those of bool 0 or 1.
func (b *Builder) Const(dt DType, shape Shape, data []float64) *Value {
	if !dt.valid() {
		return b.fail(OpConst, "invalid dtype %s", dt)
	}
	if err := checkShape(shape); err != nil {
		return b.fail(OpConst, "%v", err)
	}
	if shape.HasBatch() {
		return b.fail(OpConst, "a constant cannot have a batch dimension")
	}
	if len(data) != shape.Elems(1) {
		return b.fail(OpConst, "%d elements for shape %v, want %d", len(data), shape, shape.Elems(1))
	}
	for i, x := range data {
		if !representable(dt, x) {
			return b.fail(OpConst, "element %d is %v, which dtype %s cannot hold", i, x, dt)
		}
	}
	return b.add(OpConst, dt, shape.Clone(), Attrs{Data: slices.Clone(data)})
}

// representable reports whether dtype dt holds x exactly: any float64 for the float
// dtypes (f32 rounds), an integer in range for i32 and i64, and 0 or 1 for bool.
func representable(dt DType, x float64) bool {
	switch dt {
	case I32:
		return x == math.Trunc(x) && x >= math.MinInt32 && x <= math.MaxInt32
	case I64:
		return x == math.Trunc(x) && x >= -(1<<63) && x < 1<<63
	case Bool:
		return x == 0 || x == 1
	}
	return true
}

// Scalar adds a rank-0 constant.
func (b *Builder) Scalar(dt DType, x float64) *Value {
	return b.Const(dt, Shape{}, []float64{x})
}

// Unary adds an elementwise unary op (OpNeg through OpRelu) on a float operand. Neg,
// abs and sign also take integer operands.
func (b *Builder) Unary(op Op, x *Value) *Value {
	if v := invalid(op, x); v != nil {
		return v
	}
	if op.Class() != ClassUnary {
		panic(fmt.Sprintf("ir: Builder.Unary: %s is not unary", op))
	}
	if op == OpNeg || op == OpAbs || op == OpSign {
		if !x.DType.IsFloat() && !x.DType.IsInt() {
			return b.fail(op, "operand %s has dtype %s, want a float or integer dtype", x.Ref(), x.DType)
		}
	} else if !x.DType.IsFloat() {
		return b.fail(op, "operand %s has dtype %s, want f32 or f64", x.Ref(), x.DType)
	}
	return b.add(op, x.DType, x.Shape.Clone(), Attrs{}, x)
}

// Binary adds an elementwise binary op (OpAdd through OpPow) or a compare (OpEq
// through OpGe) with NumPy broadcasting.
func (b *Builder) Binary(op Op, x, y *Value) *Value {
	if v := invalid(op, x, y); v != nil {
		return v
	}
	if c := op.Class(); c != ClassBinary && c != ClassCompare {
		panic(fmt.Sprintf("ir: Builder.Binary: %s is not binary", op))
	}
	if x.DType != y.DType {
		return b.fail(op, "operands %s and %s have dtypes %s and %s, want one dtype", x.Ref(), y.Ref(), x.DType, y.DType)
	}
	shape, err := BroadcastShapes(x.Shape, y.Shape)
	if err != nil {
		return b.fail(op, "%v", err)
	}
	dt := x.DType
	if op.Class() == ClassCompare {
		dt = Bool
	}
	return b.add(op, dt, shape, Attrs{}, x, y)
}

// Select adds select(cond, x, y): x where cond, else y, with broadcasting.
func (b *Builder) Select(cond, x, y *Value) *Value {
	if v := invalid(OpSelect, cond, x, y); v != nil {
		return v
	}
	if cond.DType != Bool {
		return b.fail(OpSelect, "condition %s has dtype %s, want bool", cond.Ref(), cond.DType)
	}
	if x.DType != y.DType {
		return b.fail(OpSelect, "operands %s and %s have dtypes %s and %s, want one dtype", x.Ref(), y.Ref(), x.DType, y.DType)
	}
	s, err := BroadcastShapes(x.Shape, y.Shape)
	if err == nil {
		s, err = BroadcastShapes(cond.Shape, s)
	}
	if err != nil {
		return b.fail(OpSelect, "%v", err)
	}
	return b.add(OpSelect, x.DType, s, Attrs{}, cond, x, y)
}

// Cast adds a conversion of x to dtype dt.
func (b *Builder) Cast(x *Value, dt DType) *Value {
	if v := invalid(OpCast, x); v != nil {
		return v
	}
	if !dt.valid() {
		return b.fail(OpCast, "invalid target dtype %s", dt)
	}
	return b.add(OpCast, dt, x.Shape.Clone(), Attrs{}, x)
}
