package interp

import (
	"testing"

	"github.com/nncc/nncc/ir"
)

// x123 is 1..12 as f64[n,2,3] for n = 2, or its first batch row for n = 1.
func x123(n int) *Tensor {
	data := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	return f64([]int{n, 2, 3}, data[:6*n]...)
}

func reduceCase(name string, op ir.Op, n int, axes []int, keep bool, want *Tensor) opCase {
	return opCase{
		name: name,
		n:    n,
		build: func(b *ir.Builder) *ir.Value {
			return b.Reduce(op, b.Input("x", ir.F64, sh(ir.Batch, 2, 3)), axes, keep)
		},
		feeds: map[string]*Tensor{"x": x123(n)},
		want:  want,
	}
}

var reduceCases = []opCase{
	reduceCase("sum_last", ir.OpSum, 2, []int{2}, false, f64([]int{2, 2}, 6, 15, 24, 33)),
	reduceCase("sum_batch_keep", ir.OpSum, 2, []int{0}, true,
		f64([]int{1, 2, 3}, 8, 10, 12, 14, 16, 18)),
	reduceCase("sum_outer_axes", ir.OpSum, 2, []int{0, 2}, false, f64([]int{2}, 30, 48)),
	reduceCase("sum_no_axes", ir.OpSum, 1, []int{}, false, x123(1)),
	reduceCase("mean_batch_n2", ir.OpMean, 2, []int{0}, false, f64([]int{2, 3}, 4, 5, 6, 7, 8, 9)),
	reduceCase("mean_batch_n1", ir.OpMean, 1, []int{0}, false, f64([]int{2, 3}, 1, 2, 3, 4, 5, 6)),
	reduceCase("mean_all", ir.OpMean, 2, []int{0, 1, 2}, false, f64([]int{}, 6.5)),
	reduceCase("mean_middle_keep", ir.OpMean, 2, []int{1}, true,
		f64([]int{2, 1, 3}, 2.5, 3.5, 4.5, 8.5, 9.5, 10.5)),
	reduceCase("reduce_max_middle", ir.OpReduceMax, 2, []int{1}, false,
		f64([]int{2, 3}, 4, 5, 6, 10, 11, 12)),
	reduceCase("reduce_max_all", ir.OpReduceMax, 2, []int{0, 1, 2}, false, f64([]int{}, 12)),
	{
		name: "reduce_max_nan",
		n:    1,
		build: func(b *ir.Builder) *ir.Value {
			return b.Reduce(ir.OpReduceMax, b.Input("x", ir.F64, sh(2, 3)), []int{1}, false)
		},
		feeds: map[string]*Tensor{"x": f64([]int{2, 3}, 1, nan, 3, -4, -5, -6)},
		want:  f64([]int{2}, nan, -4),
	},
	{
		name: "argmax_ties_and_nan",
		n:    3,
		build: func(b *ir.Builder) *ir.Value {
			return b.Reduce(ir.OpArgMax, b.Input("x", ir.F64, sh(ir.Batch, 3)), []int{1}, false)
		},
		feeds: map[string]*Tensor{"x": f64([]int{3, 3}, 1, 3, 3, 2, nan, 5, -1, -2, -3)},
		want:  i32([]int{3}, 1, 1, 0),
	},
	{
		name: "argmax_batch_axis_keep",
		n:    3,
		build: func(b *ir.Builder) *ir.Value {
			return b.Reduce(ir.OpArgMax, b.Input("x", ir.F64, sh(ir.Batch, 2)), []int{0}, true)
		},
		feeds: map[string]*Tensor{"x": f64([]int{3, 2}, 1, 9, 7, 9, 7, 0)},
		want:  i32([]int{1, 2}, 1, 0),
	},
	{
		name: "size_batch",
		n:    3,
		build: func(b *ir.Builder) *ir.Value {
			return b.Size(b.Input("x", ir.F64, sh(ir.Batch, 2, 3)), []int{0}, ir.F32)
		},
		feeds: map[string]*Tensor{"x": Zeros(ir.F64, []int{3, 2, 3})},
		want:  NewTensor(ir.F32, []int{}, []float64{3}),
	},
	{
		name: "size_static",
		n:    3,
		build: func(b *ir.Builder) *ir.Value {
			return b.Size(b.Input("x", ir.F64, sh(ir.Batch, 2, 3)), []int{1, 2}, ir.I32)
		},
		feeds: map[string]*Tensor{"x": Zeros(ir.F64, []int{3, 2, 3})},
		want:  i32([]int{}, 6),
	},
}

func TestReduce(t *testing.T) { runCases(t, reduceCases) }

// matA is [[1,2,3],[4,5,6]] and matB is [[7,8],[9,10],[11,12]]; their product is
// [[58,64],[139,154]].
var (
	matA  = f64([]int{2, 3}, 1, 2, 3, 4, 5, 6)
	matAT = f64([]int{3, 2}, 1, 4, 2, 5, 3, 6)
	matB  = f64([]int{3, 2}, 7, 8, 9, 10, 11, 12)
	matBT = f64([]int{2, 3}, 7, 9, 11, 8, 10, 12)
	matAB = f64([]int{2, 2}, 58, 64, 139, 154)
)

func matMulCase(name string, n int, transA, transB bool, a, b *Tensor, as, bs ir.Shape, want *Tensor) opCase {
	return opCase{
		name: name,
		n:    n,
		build: func(bl *ir.Builder) *ir.Value {
			return bl.MatMul(bl.Input("a", ir.F64, as), bl.Input("b", ir.F64, bs), transA, transB)
		},
		feeds: map[string]*Tensor{"a": a, "b": b},
		want:  want,
	}
}

var matMulCases = []opCase{
	matMulCase("plain", 1, false, false, matA, matB, sh(2, 3), sh(3, 2), matAB),
	matMulCase("trans_a", 1, true, false, matAT, matB, sh(3, 2), sh(3, 2), matAB),
	matMulCase("trans_b", 1, false, true, matA, matBT, sh(2, 3), sh(2, 3), matAB),
	matMulCase("trans_both", 1, true, true, matAT, matBT, sh(3, 2), sh(2, 3), matAB),
	matMulCase("batch_rows", 3, false, false,
		f64([]int{3, 3}, 1, 2, 3, 4, 5, 6, 0, 0, 1), matB, sh(ir.Batch, 3), sh(3, 2),
		f64([]int{3, 2}, 58, 64, 139, 154, 11, 12)),
	matMulCase("batched", 2, false, false,
		f64([]int{2, 2, 3}, 1, 2, 3, 4, 5, 6, 1, 0, 0, 0, 1, 0),
		f64([]int{2, 3, 2}, 7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6),
		sh(ir.Batch, 2, 3), sh(ir.Batch, 3, 2),
		f64([]int{2, 2, 2}, 58, 64, 139, 154, 1, 2, 3, 4)),
	matMulCase("batched_trans_both", 1, true, true,
		f64([]int{1, 3, 2}, 1, 4, 2, 5, 3, 6), f64([]int{1, 2, 3}, 7, 9, 11, 8, 10, 12),
		sh(ir.Batch, 3, 2), sh(ir.Batch, 2, 3), f64([]int{1, 2, 2}, 58, 64, 139, 154)),
	matMulCase("contract_batch", 3, true, false,
		f64([]int{3, 2}, 1, 2, 3, 4, 5, 6), f64([]int{3, 1}, 1, 1, 1),
		sh(ir.Batch, 2), sh(ir.Batch, 1), f64([]int{2, 1}, 9, 12)),
}

func TestMatMul(t *testing.T) { runCases(t, matMulCases) }
