package interp

import (
	"math"
	"testing"

	"github.com/nncc/nncc/ir"
)

var nan = math.NaN()

func unaryCase(op ir.Op, dt ir.DType, in, want []float64) opCase {
	shape := []int{len(in)}
	return opCase{
		name: op.String() + "_" + dt.String(),
		n:    1,
		build: func(b *ir.Builder) *ir.Value {
			return b.Unary(op, b.Input("x", dt, sh(len(in))))
		},
		feeds: map[string]*Tensor{"x": NewTensor(dt, shape, in)},
		want:  NewTensor(dt, shape, want),
	}
}

var unaryCases = []opCase{
	unaryCase(ir.OpNeg, ir.F64, []float64{-2, -0.5, 0, 1.5}, []float64{2, 0.5, 0, -1.5}),
	unaryCase(ir.OpNeg, ir.I32, []float64{-3, 0, 4}, []float64{3, 0, -4}),
	unaryCase(ir.OpAbs, ir.F64, []float64{-2, -0.5, 0, 1.5, nan}, []float64{2, 0.5, 0, 1.5, nan}),
	unaryCase(ir.OpAbs, ir.I32, []float64{-3, 0, 4}, []float64{3, 0, 4}),
	unaryCase(ir.OpSign, ir.F64, []float64{-2, -0.5, 0, 1.5, nan}, []float64{-1, -1, 0, 1, nan}),
	unaryCase(ir.OpSign, ir.I64, []float64{-3, 0, 4}, []float64{-1, 0, 1}),
	unaryCase(ir.OpExp, ir.F64, []float64{0, 1, -1}, []float64{1, math.E, 1 / math.E}),
	unaryCase(ir.OpExp, ir.F32, []float64{0, 1}, []float64{1, float64(float32(math.E))}),
	unaryCase(ir.OpLog, ir.F64, []float64{1, math.E, 0.5, 0, -1},
		[]float64{0, 1, -math.Ln2, math.Inf(-1), nan}),
	unaryCase(ir.OpLog1p, ir.F64, []float64{0, math.E - 1, -1}, []float64{0, 1, math.Inf(-1)}),
	unaryCase(ir.OpSqrt, ir.F64, []float64{4, 2.25, 0, -1}, []float64{2, 1.5, 0, nan}),
	unaryCase(ir.OpSigmoid, ir.F64, []float64{0, math.Log(3), -800}, []float64{0.5, 0.75, 0}),
	unaryCase(ir.OpTanh, ir.F64, []float64{0, math.Ln2, -math.Ln2}, []float64{0, 0.6, -0.6}),
	unaryCase(ir.OpRelu, ir.F64, []float64{-2, -0.5, 0, 1.5, nan}, []float64{0, 0, 0, 1.5, nan}),
}

func TestUnary(t *testing.T) { runCases(t, unaryCases) }

// binaryCase builds op(x, y) from inputs of the given shapes.
func binaryCase(name string, op ir.Op, n int, xs, ys ir.Shape, x, y, want *Tensor) opCase {
	return opCase{
		name: name,
		n:    n,
		build: func(b *ir.Builder) *ir.Value {
			return b.Binary(op, b.Input("x", x.DType, xs), b.Input("y", y.DType, ys))
		},
		feeds: map[string]*Tensor{"x": x, "y": y},
		want:  want,
	}
}

var binaryCases = []opCase{
	binaryCase("add_right_broadcast", ir.OpAdd, 2, sh(ir.Batch, 3), sh(3),
		f64([]int{2, 3}, 1, 2, 3, 4, 5, 6), f64([]int{3}, 10, 20, 30),
		f64([]int{2, 3}, 11, 22, 33, 14, 25, 36)),
	binaryCase("add_n1", ir.OpAdd, 1, sh(ir.Batch, 3), sh(3),
		f64([]int{1, 3}, 1, 2, 3), f64([]int{3}, 10, 20, 30),
		f64([]int{1, 3}, 11, 22, 33)),
	binaryCase("sub_left_broadcast", ir.OpSub, 2, sh(3), sh(ir.Batch, 3),
		f64([]int{3}, 10, 20, 30), f64([]int{2, 3}, 1, 2, 3, 4, 5, 6),
		f64([]int{2, 3}, 9, 18, 27, 6, 15, 24)),
	binaryCase("mul_both_broadcast", ir.OpMul, 2, sh(ir.Batch, 1), sh(1, 3),
		f64([]int{2, 1}, 2, 3), f64([]int{1, 3}, 1, 2, 3),
		f64([]int{2, 3}, 2, 4, 6, 3, 6, 9)),
	binaryCase("div_scalar_left", ir.OpDiv, 3, sh(), sh(ir.Batch, 2),
		f64([]int{}, 12), f64([]int{3, 2}, 1, 2, 3, 4, 6, 12),
		f64([]int{3, 2}, 12, 6, 4, 3, 2, 1)),
	binaryCase("div_i32_truncates", ir.OpDiv, 1, sh(4), sh(4),
		i32([]int{4}, 7, -7, 7, -7), i32([]int{4}, 2, 2, -2, -2),
		i32([]int{4}, 3, -3, -3, 3)),
	binaryCase("add_i32_wraps", ir.OpAdd, 1, sh(1), sh(1),
		i32([]int{1}, math.MaxInt32), i32([]int{1}, 1), i32([]int{1}, math.MinInt32)),
	binaryCase("max_nan", ir.OpMax, 1, sh(5), sh(5),
		f64([]int{5}, 1, nan, 3, -1, math.Inf(1)), f64([]int{5}, 2, 0, nan, -1, nan),
		f64([]int{5}, 2, nan, nan, -1, nan)),
	binaryCase("min_nan", ir.OpMin, 1, sh(5), sh(5),
		f64([]int{5}, 1, nan, 3, -1, math.Inf(-1)), f64([]int{5}, 2, 0, nan, -1, nan),
		f64([]int{5}, 1, nan, nan, -1, nan)),
	binaryCase("max_batch_scalar", ir.OpMax, 3, sh(ir.Batch), sh(),
		f64([]int{3}, -1, 0.5, 2), f64([]int{}, 0), f64([]int{3}, 0, 0.5, 2)),
	binaryCase("pow", ir.OpPow, 1, sh(4), sh(4),
		f64([]int{4}, 2, 4, 9, 0), f64([]int{4}, 3, 0.5, 0.5, 0), f64([]int{4}, 8, 2, 3, 1)),
	binaryCase("pow_right_broadcast", ir.OpPow, 2, sh(ir.Batch, 2), sh(),
		f64([]int{2, 2}, 1, 2, 3, 4), f64([]int{}, 2), f64([]int{2, 2}, 1, 4, 9, 16)),
}

func TestBinary(t *testing.T) { runCases(t, binaryCases) }

func compareCase(op ir.Op, want ...float64) opCase {
	return binaryCase(op.String(), op, 3, sh(ir.Batch, 2), sh(2),
		f64([]int{3, 2}, 1, 2, 3, nan, 5, 6), f64([]int{2}, 3, 2), bools([]int{3, 2}, want...))
}

var compareCases = []opCase{
	compareCase(ir.OpEq, 0, 1, 1, 0, 0, 0),
	compareCase(ir.OpNe, 1, 0, 0, 1, 1, 1),
	compareCase(ir.OpLt, 1, 0, 0, 0, 0, 0),
	compareCase(ir.OpLe, 1, 1, 1, 0, 0, 0),
	compareCase(ir.OpGt, 0, 0, 0, 0, 1, 1),
	compareCase(ir.OpGe, 0, 1, 1, 0, 1, 1),
}

func TestCompare(t *testing.T) { runCases(t, compareCases) }

func castCase(name string, from, to ir.DType, in, want []float64) opCase {
	shape := []int{len(in)}
	return opCase{
		name: name,
		n:    1,
		build: func(b *ir.Builder) *ir.Value {
			return b.Cast(b.Input("x", from, sh(len(in))), to)
		},
		feeds: map[string]*Tensor{"x": NewTensor(from, shape, in)},
		want:  NewTensor(to, shape, want),
	}
}

var otherElementwiseCases = []opCase{
	{
		name: "select_broadcast",
		n:    2,
		build: func(b *ir.Builder) *ir.Value {
			return b.Select(b.Input("c", ir.Bool, sh(ir.Batch, 1)),
				b.Input("a", ir.F64, sh(3)), b.Scalar(ir.F64, 9))
		},
		feeds: map[string]*Tensor{"c": bools([]int{2, 1}, 1, 0), "a": f64([]int{3}, 1, 2, 3)},
		want:  f64([]int{2, 3}, 1, 2, 3, 9, 9, 9),
	},
	castCase("cast_f64_i32", ir.F64, ir.I32, []float64{1.7, -1.7, 2.5, -0.2}, []float64{1, -1, 2, 0}),
	castCase("cast_i32_f32", ir.I32, ir.F32, []float64{-3, 16777217}, []float64{-3, 16777216}),
	castCase("cast_f64_bool", ir.F64, ir.Bool, []float64{0, 2, -0.5}, []float64{0, 1, 1}),
	castCase("cast_bool_f64", ir.Bool, ir.F64, []float64{1, 0}, []float64{1, 0}),
	castCase("cast_f64_f32", ir.F64, ir.F32, []float64{0.1}, []float64{float64(float32(0.1))}),
	castCase("cast_i64_i32", ir.I64, ir.I32, []float64{1<<32 + 5, -(1<<31 + 1)}, []float64{5, 1<<31 - 1}),
}

func TestSelectCast(t *testing.T) { runCases(t, otherElementwiseCases) }

func TestIntegerDivideByZero(t *testing.T) {
	c := binaryCase("div0", ir.OpDiv, 1, sh(1), sh(1), i32([]int{1}, 1), i32([]int{1}, 0), nil)
	g, _ := buildCase(t, c)
	if _, _, err := Run(g, 1, c.feeds); err == nil {
		t.Fatal("Run: integer division by zero gave no error")
	}
}
