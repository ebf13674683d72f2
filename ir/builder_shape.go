package ir

import (
	"slices"
)

// MatMul adds op(x)·op(y), where op transposes the last two dimensions when transX or
// transY is set. Rank-2 operands give a rank-2 product; operands of equal rank above 2
// must agree on their leading dimensions and give a batched product. The contracted
// extents must be equal, and may both be the batch dimension (as in a weight gradient).
func (b *Builder) MatMul(x, y *Value, transX, transY bool) *Value {
	if v := invalid(OpMatMul, x, y); v != nil {
		return v
	}
	if x.DType != y.DType || !x.DType.IsFloat() {
		return b.fail(OpMatMul, "operands %s and %s have dtypes %s and %s, want one float dtype", x.Ref(), y.Ref(), x.DType, y.DType)
	}
	r := x.Shape.Rank()
	if r < 2 || y.Shape.Rank() != r {
		return b.fail(OpMatMul, "operands have shapes %v and %v, want equal ranks of at least 2", x.Shape, y.Shape)
	}
	if !x.Shape[:r-2].Equal(y.Shape[:r-2]) {
		return b.fail(OpMatMul, "leading dimensions of %v and %v differ", x.Shape, y.Shape)
	}
	m, kx := x.Shape[r-2], x.Shape[r-1]
	if transX {
		m, kx = kx, m
	}
	ky, n := y.Shape[r-2], y.Shape[r-1]
	if transY {
		ky, n = n, ky
	}
	if kx != ky {
		return b.fail(OpMatMul, "contracted extents differ: %v and %v (transposed: %v, %v)", x.Shape, y.Shape, transX, transY)
	}
	out := append(x.Shape[:r-2].Clone(), m, n)
	if err := checkBatchLeading(out); err != nil {
		return b.fail(OpMatMul, "result %v: %v", out, err)
	}
	return b.add(OpMatMul, x.DType, out, Attrs{TransA: transX, TransB: transY}, x, y)
}

func checkBatchLeading(s Shape) error {
	for i, d := range s {
		if d == Batch && i != 0 {
			return errorf("the batch dimension must be the leading axis")
		}
	}
	return checkShape(s)
}

// Reduce adds a reduction (OpSum, OpMean, OpReduceMax) over axes. Negative axes count
// from the end. OpArgMax takes exactly one axis and returns dtype I32.
func (b *Builder) Reduce(op Op, x *Value, axes []int, keepDims bool) *Value {
	if v := invalid(op, x); v != nil {
		return v
	}
	if op.Class() != ClassReduce {
		panic("ir: Builder.Reduce: " + op.String() + " is not a reduction")
	}
	if !x.DType.IsFloat() {
		return b.fail(op, "operand %s has dtype %s, want f32 or f64", x.Ref(), x.DType)
	}
	norm, err := normalizeAxes(axes, x.Shape.Rank())
	if err != nil {
		return b.fail(op, "shape %v: %v", x.Shape, err)
	}
	dt := x.DType
	if op == OpArgMax {
		if len(norm) != 1 {
			return b.fail(op, "takes one axis, got %v", axes)
		}
		dt = I32
	}
	return b.add(op, dt, reducedShape(x.Shape, norm, keepDims), Attrs{Axes: norm, KeepDims: keepDims}, x)
}

// Size adds the scalar product of x's extents over axes, in dtype dt. It is the
// run-time batch extent n when an axis is the batch dimension.
func (b *Builder) Size(x *Value, axes []int, dt DType) *Value {
	if v := invalid(OpSize, x); v != nil {
		return v
	}
	if !dt.IsInt() && !dt.IsFloat() {
		return b.fail(OpSize, "result dtype %s, want a float or integer dtype", dt)
	}
	norm, err := normalizeAxes(axes, x.Shape.Rank())
	if err != nil {
		return b.fail(OpSize, "shape %v: %v", x.Shape, err)
	}
	return b.add(OpSize, dt, Shape{}, Attrs{Axes: norm}, x)
}

func normalizeAxes(axes []int, rank int) ([]int, error) {
	norm := make([]int, 0, len(axes))
	for _, a := range axes {
		if a < -rank || a >= rank {
			return nil, errorf("axis %d out of range for rank %d", a, rank)
		}
		if a < 0 {
			a += rank
		}
		if slices.Contains(norm, a) {
			return nil, errorf("axis %d repeated", a)
		}
		norm = append(norm, a)
	}
	slices.Sort(norm)
	return norm, nil
}

func reducedShape(s Shape, axes []int, keepDims bool) Shape {
	out := Shape{}
	for i, d := range s {
		if slices.Contains(axes, i) {
			if keepDims {
				out = append(out, 1)
			}
			continue
		}
		out = append(out, d)
	}
	return out
}

// Reshape adds a reshape of x to shape. The batch dimension, if any, must stay
// leading on both sides, and the number of elements per batch row must not change.
func (b *Builder) Reshape(x *Value, shape Shape) *Value {
	if v := invalid(OpReshape, x); v != nil {
		return v
	}
	if err := checkBatchLeading(shape); err != nil {
		return b.fail(OpReshape, "%v", err)
	}
	if x.Shape.HasBatch() != shape.HasBatch() || x.Shape.StaticElems() != shape.StaticElems() {
		return b.fail(OpReshape, "cannot reshape %v to %v", x.Shape, shape)
	}
	return b.add(OpReshape, x.DType, shape.Clone(), Attrs{}, x)
}

// Transpose adds a permutation of x's axes: result axis i is x's axis perm[i]. A
// batch dimension must stay leading.
func (b *Builder) Transpose(x *Value, perm []int) *Value {
	if v := invalid(OpTranspose, x); v != nil {
		return v
	}
	r := x.Shape.Rank()
	if len(perm) != r {
		return b.fail(OpTranspose, "permutation %v for rank %d", perm, r)
	}
	seen := make([]bool, r)
	out := make(Shape, r)
	for i, p := range perm {
		if p < 0 || p >= r || seen[p] {
			return b.fail(OpTranspose, "%v is not a permutation of 0..%d", perm, r-1)
		}
		seen[p] = true
		out[i] = x.Shape[p]
	}
	if err := checkBatchLeading(out); err != nil {
		return b.fail(OpTranspose, "%v", err)
	}
	return b.add(OpTranspose, x.DType, out, Attrs{Perm: slices.Clone(perm)}, x)
}

// Broadcast adds a NumPy broadcast of x to shape.
func (b *Builder) Broadcast(x *Value, shape Shape) *Value {
	if v := invalid(OpBroadcast, x); v != nil {
		return v
	}
	got, err := BroadcastShapes(x.Shape, shape)
	if err != nil || !got.Equal(shape) {
		return b.fail(OpBroadcast, "cannot broadcast %v to %v", x.Shape, shape)
	}
	return b.add(OpBroadcast, x.DType, shape.Clone(), Attrs{}, x)
}

// Slice adds x[starts[i]:ends[i]] along every axis i. The batch axis must be taken
// whole (start 0, end Batch).
func (b *Builder) Slice(x *Value, starts, ends []int) *Value {
	if v := invalid(OpSlice, x); v != nil {
		return v
	}
	r := x.Shape.Rank()
	if len(starts) != r || len(ends) != r {
		return b.fail(OpSlice, "%d starts and %d ends for rank %d", len(starts), len(ends), r)
	}
	out := make(Shape, r)
	for i, d := range x.Shape {
		if d == Batch {
			if starts[i] != 0 || ends[i] != Batch {
				return b.fail(OpSlice, "axis %d is the batch dimension and must be taken whole", i)
			}
			out[i] = Batch
			continue
		}
		if starts[i] < 0 || ends[i] > d || starts[i] >= ends[i] {
			return b.fail(OpSlice, "axis %d: range [%d:%d] is empty or outside [0:%d]", i, starts[i], ends[i], d)
		}
		out[i] = ends[i] - starts[i]
	}
	return b.add(OpSlice, x.DType, out, Attrs{Starts: slices.Clone(starts), Ends: slices.Clone(ends)}, x)
}

// Concat adds the concatenation of xs along axis; every other extent must agree.
func (b *Builder) Concat(axis int, xs ...*Value) *Value {
	if v := invalid(OpConcat, xs...); v != nil {
		return v
	}
	if len(xs) == 0 {
		return b.fail(OpConcat, "no operands")
	}
	r := xs[0].Shape.Rank()
	if axis < 0 {
		axis += r
	}
	if axis < 0 || axis >= r {
		return b.fail(OpConcat, "axis out of range for rank %d", r)
	}
	out := xs[0].Shape.Clone()
	if out[axis] == Batch {
		return b.fail(OpConcat, "cannot concatenate along the batch dimension")
	}
	for _, x := range xs[1:] {
		if x.DType != xs[0].DType || x.Shape.Rank() != r {
			return b.fail(OpConcat, "operand %s is %s, want %s with rank %d", x.Ref(), x.Type(), xs[0].DType, r)
		}
		if x.Shape[axis] == Batch {
			return b.fail(OpConcat, "cannot concatenate along the batch dimension")
		}
		for i, d := range x.Shape {
			if i != axis && d != out[i] {
				return b.fail(OpConcat, "operand %s has shape %v, want %v outside axis %d", x.Ref(), x.Shape, xs[0].Shape, axis)
			}
		}
		out[axis] += x.Shape[axis]
	}
	return b.add(OpConcat, xs[0].DType, out, Attrs{Axis: axis}, xs...)
}

// Gather adds the slices of table along axis picked by the integer indices: the
// result's shape is table's with axis replaced by the indices' shape.
func (b *Builder) Gather(table, indices *Value, axis int) *Value {
	if v := invalid(OpGather, table, indices); v != nil {
		return v
	}
	if !indices.DType.IsInt() {
		return b.fail(OpGather, "indices %s have dtype %s, want i32 or i64", indices.Ref(), indices.DType)
	}
	r := table.Shape.Rank()
	if axis < 0 {
		axis += r
	}
	if axis < 0 || axis >= r || table.Shape[axis] == Batch {
		return b.fail(OpGather, "axis out of range or the batch dimension for table %v", table.Shape)
	}
	out := append(append(table.Shape[:axis].Clone(), indices.Shape...), table.Shape[axis+1:]...)
	if err := checkBatchLeading(out); err != nil {
		return b.fail(OpGather, "result %v: %v", out, err)
	}
	return b.add(OpGather, table.DType, out, Attrs{Axis: axis}, table, indices)
}

// ScatterAdd adds the inverse of Gather for gradients: a zero tensor of shape with
// each slice of updates added at its index along axis.
func (b *Builder) ScatterAdd(indices, updates *Value, axis int, shape Shape) *Value {
	if v := invalid(OpScatterAdd, indices, updates); v != nil {
		return v
	}
	if !indices.DType.IsInt() {
		return b.fail(OpScatterAdd, "indices %s have dtype %s, want i32 or i64", indices.Ref(), indices.DType)
	}
	if axis < 0 || axis >= shape.Rank() || shape[axis] == Batch {
		return b.fail(OpScatterAdd, "axis %d out of range or the batch dimension for %v", axis, shape)
	}
	want := append(append(shape[:axis].Clone(), indices.Shape...), shape[axis+1:]...)
	if !want.Equal(updates.Shape) {
		return b.fail(OpScatterAdd, "updates have shape %v, want %v", updates.Shape, want)
	}
	return b.add(OpScatterAdd, updates.DType, shape.Clone(), Attrs{Axis: axis}, indices, updates)
}

// OneHot adds the one-hot encoding of integer indices with depth classes as a new
// last axis, in dtype dt. Indices outside [0, depth) give a row of zeros.
func (b *Builder) OneHot(indices *Value, depth int, dt DType) *Value {
	if v := invalid(OpOneHot, indices); v != nil {
		return v
	}
	if !indices.DType.IsInt() {
		return b.fail(OpOneHot, "indices %s have dtype %s, want i32 or i64", indices.Ref(), indices.DType)
	}
	if depth < 1 {
		return b.fail(OpOneHot, "depth %d, want at least 1", depth)
	}
	if !dt.valid() {
		return b.fail(OpOneHot, "invalid result dtype %s", dt)
	}
	return b.add(OpOneHot, dt, append(indices.Shape.Clone(), depth), Attrs{Depth: depth}, indices)
}
