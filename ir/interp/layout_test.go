package interp

import (
	"testing"

	"github.com/nncc/nncc/ir"
)

var layoutCases = []opCase{
	{
		name: "reshape_batch",
		n:    2,
		build: func(b *ir.Builder) *ir.Value {
			return b.Reshape(b.Input("x", ir.F64, sh(ir.Batch, 6)), sh(ir.Batch, 3, 2))
		},
		feeds: map[string]*Tensor{"x": f64([]int{2, 6}, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)},
		want:  f64([]int{2, 3, 2}, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
	},
	{
		name: "transpose_batch",
		n:    2,
		build: func(b *ir.Builder) *ir.Value {
			return b.Transpose(b.Input("x", ir.F64, sh(ir.Batch, 2, 3)), []int{0, 2, 1})
		},
		feeds: map[string]*Tensor{"x": x123(2)},
		want:  f64([]int{2, 3, 2}, 1, 4, 2, 5, 3, 6, 7, 10, 8, 11, 9, 12),
	},
	{
		name: "transpose_rank3_cycle",
		n:    1,
		build: func(b *ir.Builder) *ir.Value {
			return b.Transpose(b.Input("x", ir.F64, sh(2, 1, 3)), []int{2, 0, 1})
		},
		feeds: map[string]*Tensor{"x": f64([]int{2, 1, 3}, 1, 2, 3, 4, 5, 6)},
		want:  f64([]int{3, 2, 1}, 1, 4, 2, 5, 3, 6),
	},
	{
		name: "broadcast_to_batch",
		n:    2,
		build: func(b *ir.Builder) *ir.Value {
			return b.Broadcast(b.Input("x", ir.F64, sh(2, 1)), sh(ir.Batch, 2, 3))
		},
		feeds: map[string]*Tensor{"x": f64([]int{2, 1}, 1, 2)},
		want:  f64([]int{2, 2, 3}, 1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2),
	},
	{
		name: "broadcast_batch_column",
		n:    3,
		build: func(b *ir.Builder) *ir.Value {
			return b.Broadcast(b.Input("x", ir.F64, sh(ir.Batch, 1)), sh(ir.Batch, 2))
		},
		feeds: map[string]*Tensor{"x": f64([]int{3, 1}, 1, 2, 3)},
		want:  f64([]int{3, 2}, 1, 1, 2, 2, 3, 3),
	},
	{
		name: "slice_batch",
		n:    2,
		build: func(b *ir.Builder) *ir.Value {
			return b.Slice(b.Input("x", ir.F64, sh(ir.Batch, 4)), []int{0, 1}, []int{ir.Batch, 3})
		},
		feeds: map[string]*Tensor{"x": f64([]int{2, 4}, 1, 2, 3, 4, 5, 6, 7, 8)},
		want:  f64([]int{2, 2}, 2, 3, 6, 7),
	},
	{
		name: "slice_two_axes",
		n:    1,
		build: func(b *ir.Builder) *ir.Value {
			return b.Slice(b.Input("x", ir.F64, sh(3, 4)), []int{1, 2}, []int{3, 4})
		},
		feeds: map[string]*Tensor{"x": f64([]int{3, 4}, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)},
		want:  f64([]int{2, 2}, 7, 8, 11, 12),
	},
	{
		name: "concat_batch_rows",
		n:    2,
		build: func(b *ir.Builder) *ir.Value {
			return b.Concat(1, b.Input("x", ir.F64, sh(ir.Batch, 1)), b.Input("y", ir.F64, sh(ir.Batch, 2)))
		},
		feeds: map[string]*Tensor{"x": f64([]int{2, 1}, 1, 2), "y": f64([]int{2, 2}, 3, 4, 5, 6)},
		want:  f64([]int{2, 3}, 1, 3, 4, 2, 5, 6),
	},
	{
		name: "concat_three_axis0",
		n:    1,
		build: func(b *ir.Builder) *ir.Value {
			x := b.Input("x", ir.F64, sh(1, 2))
			return b.Concat(0, x, b.Input("y", ir.F64, sh(2, 2)), x)
		},
		feeds: map[string]*Tensor{"x": f64([]int{1, 2}, 1, 2), "y": f64([]int{2, 2}, 3, 4, 5, 6)},
		want:  f64([]int{4, 2}, 1, 2, 3, 4, 5, 6, 1, 2),
	},
}

func TestLayout(t *testing.T) { runCases(t, layoutCases) }
