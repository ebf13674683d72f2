package frontend

import (
	"strconv"
	"strings"

	"github.com/nncc/nncc/ir"
)

// Reshape reshapes x of shape [N, ...] to [N, dims...], keeping the row-major order
// of the elements, like PyTorch's x.reshape(N, *dims). One dimension may be -1: it
// is inferred from the others. It records an error for a value without a leading
// batch dimension, a dimension below -1 or 0, more than one -1, or dims whose
// product differs from the elements of one sample of x.
func (m *Model) Reshape(x *ir.Value, dims ...int) *ir.Value {
	m.enter()
	if !m.operand("reshape", "operand", x) {
		return m.invalid()
	}
	if !x.Shape.HasBatch() {
		return m.fail("reshape: operand has shape %v, want a leading batch dimension N", x.Shape)
	}
	elems := x.Shape.StaticElems()
	known, infer := 1, -1
	for i, d := range dims {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d < 1:
			return m.fail("reshape: dimension %d is %d, want a positive extent or one -1", i, d)
		case known > elems/d:
			return m.fail("reshape: cannot reshape %v (%d elements per sample) to %s", x.Shape, elems, batchDims(dims))
		default:
			known *= d
		}
	}
	shape := append(ir.Shape{ir.Batch}, dims...)
	if infer >= 0 && elems%known == 0 {
		shape[infer+1] = elems / known
	}
	if len(dims) == 0 || infer >= 0 && elems%known != 0 || shape.StaticElems() != elems {
		return m.fail("reshape: cannot reshape %v (%d elements per sample) to %s", x.Shape, elems, batchDims(dims))
	}
	return m.b.Reshape(x, shape)
}

// batchDims writes the shape [N, dims...] as the IR prints shapes, "[N,3,-1]".
func batchDims(dims []int) string {
	var sb strings.Builder
	sb.WriteString("[N")
	for _, d := range dims {
		sb.WriteString("," + strconv.Itoa(d))
	}
	return sb.String() + "]"
}

// Concat concatenates a and b along axis (negative counts from the end), like
// torch.cat([a, b], dim=axis). Both must have the model's dtype and equal extents
// on every other axis. It records an error for the batch axis or an axis out of
// range.
func (m *Model) Concat(a, b *ir.Value, axis int) *ir.Value {
	m.enter()
	okA := m.floatOperand("concat", "first operand", a)
	okB := m.floatOperand("concat", "second operand", b)
	if !okA || !okB {
		return m.invalid()
	}
	r := a.Shape.Rank()
	if axis < -r || axis >= r {
		return m.fail("concat: axis %d out of range for shape %v", axis, a.Shape)
	}
	if axis < 0 {
		axis += r
	}
	if a.Shape[axis] == ir.Batch {
		return m.fail("concat: axis %d is the batch dimension", axis)
	}
	return m.b.Concat(axis, a, b)
}
