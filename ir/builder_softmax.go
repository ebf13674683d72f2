package ir

// LogSoftmax adds log_softmax(x) over axis: per slice of x along the axis,
// s = x - max(x) and s - log(sum(exp(s))), of x's dtype and shape. A negative axis
// counts from the end, and the axis may be the batch dimension. The Builder records
// an error unless x has a float dtype and a rank of at least 1 and the axis is in
// range.
func (b *Builder) LogSoftmax(x *Value, axis int) *Value {
	if v := invalid(OpLogSoftmax, x); v != nil {
		return v
	}
	if !x.DType.IsFloat() {
		return b.fail(OpLogSoftmax, "operand %s has dtype %s, want f32 or f64", x.Ref(), x.DType)
	}
	r := x.Shape.Rank()
	if r == 0 {
		return b.fail(OpLogSoftmax, "operand %s is a scalar, want a rank of at least 1", x.Ref())
	}
	if axis < -r || axis >= r {
		return b.fail(OpLogSoftmax, "axis %d out of range for shape %v", axis, x.Shape)
	}
	if axis < 0 {
		axis += r
	}
	return b.add(OpLogSoftmax, x.DType, x.Shape.Clone(), Attrs{Axis: axis}, x)
}
