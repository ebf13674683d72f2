package ir

// Shorthands for the most used ops, so frontends and differentiation rules read as
// arithmetic.

// Add adds x + y.
func (b *Builder) Add(x, y *Value) *Value { return b.Binary(OpAdd, x, y) }

// Sub adds x - y.
func (b *Builder) Sub(x, y *Value) *Value { return b.Binary(OpSub, x, y) }

// Mul adds x * y.
func (b *Builder) Mul(x, y *Value) *Value { return b.Binary(OpMul, x, y) }

// Div adds x / y.
func (b *Builder) Div(x, y *Value) *Value { return b.Binary(OpDiv, x, y) }

// Neg adds -x.
func (b *Builder) Neg(x *Value) *Value { return b.Unary(OpNeg, x) }

// Exp adds exp(x).
func (b *Builder) Exp(x *Value) *Value { return b.Unary(OpExp, x) }

// Log adds log(x).
func (b *Builder) Log(x *Value) *Value { return b.Unary(OpLog, x) }

// Sum adds the sum of x over axes.
func (b *Builder) Sum(x *Value, axes []int, keepDims bool) *Value {
	return b.Reduce(OpSum, x, axes, keepDims)
}

// Mean adds the mean of x over axes.
func (b *Builder) Mean(x *Value, axes []int, keepDims bool) *Value {
	return b.Reduce(OpMean, x, axes, keepDims)
}

// ScalarLike adds a rank-0 constant with x's dtype.
func (b *Builder) ScalarLike(x *Value, c float64) *Value { return b.Scalar(x.DType, c) }

// AllAxes returns 0..rank-1.
func AllAxes(rank int) []int {
	axes := make([]int, rank)
	for i := range axes {
		axes[i] = i
	}
	return axes
}
