package passes

import (
	"github.com/nncc/nncc/ir"
)

func layoutGradCases() []gradCase {
	return []gradCase{
		{
			name: "reshape_batch", op: ir.OpReshape,
			in: []gradInput{fdInput("x", gradShape(dimN, 2, 3))},
			build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
				return b.Reshape(in[0], gradShape(dimN, 6))
			},
		},
		{
			name: "transpose_batch", op: ir.OpTranspose,
			in: []gradInput{fdInput("x", gradShape(dimN, 2, 3))},
			build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
				return b.Transpose(in[0], []int{0, 2, 1})
			},
		},
		{
			name: "transpose_cycle", op: ir.OpTranspose,
			in: []gradInput{fdInput("x", gradShape(2, 3, 4))},
			build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
				return b.Transpose(in[0], []int{2, 0, 1})
			},
		},
		{
			name: "broadcast_add_leading", op: ir.OpBroadcast,
			in: []gradInput{fdInput("x", gradShape(3))},
			build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
				return b.Broadcast(in[0], gradShape(dimN, 2, 3))
			},
		},
		{
			name: "broadcast_batch_column", op: ir.OpBroadcast,
			in: []gradInput{fdInput("x", gradShape(dimN, 1))},
			build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
				return b.Broadcast(in[0], gradShape(dimN, 4))
			},
		},
		{
			name: "broadcast_inner_one", op: ir.OpBroadcast,
			in: []gradInput{fdInput("x", gradShape(2, 1))},
			build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
				return b.Broadcast(in[0], gradShape(dimN, 2, 3))
			},
		},
		{
			name: "slice_middle", op: ir.OpSlice,
			in: []gradInput{fdInput("x", gradShape(dimN, 5))},
			build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
				return b.Slice(in[0], []int{0, 1}, []int{dimN, 4})
			},
		},
		{
			name: "slice_two_axes_batch", op: ir.OpSlice,
			in: []gradInput{fdInput("x", gradShape(dimN, 4, 3))},
			build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
				return b.Slice(in[0], []int{0, 0, 1}, []int{dimN, 2, 3})
			},
		},
		{
			name: "slice_static", op: ir.OpSlice,
			in: []gradInput{fdInput("x", gradShape(4, 5))},
			build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
				return b.Slice(in[0], []int{1, 0}, []int{4, 3})
			},
		},
		{
			name: "concat_three", op: ir.OpConcat,
			in: []gradInput{fdInput("a", gradShape(dimN, 1)), fdInput("b", gradShape(dimN, 2)), fdInput("c", gradShape(dimN, 3))},
			build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
				return b.Concat(1, in[0], in[1], in[2])
			},
		},
		{
			name: "concat_same_twice", op: ir.OpConcat,
			in: []gradInput{fdInput("a", gradShape(2, 3))},
			build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
				return b.Concat(0, in[0], in[0])
			},
		},
	}
}

func indexGradCases() []gradCase {
	return []gradCase{
		{
			name: "gather_rows_repeated", op: ir.OpGather,
			in: []gradInput{fdInput("t", gradShape(5, 3)), fdIndexInput("i", gradShape(dimN, 2), 3)},
			build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
				return b.Gather(in[0], in[1], 0)
			},
		},
		{
			name: "gather_axis1_batch_table", op: ir.OpGather,
			in: []gradInput{fdInput("t", gradShape(dimN, 4)), fdIndexInput("i", gradShape(3), 4)},
			build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
				return b.Gather(in[0], in[1], 1)
			},
		},
		{
			name: "scatter_add_rows", op: ir.OpScatterAdd,
			in: []gradInput{fdIndexInput("i", gradShape(dimN), 4), fdInput("u", gradShape(dimN, 3))},
			build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
				return b.ScatterAdd(in[0], in[1], 0, gradShape(4, 3))
			},
		},
		{
			name: "scatter_add_axis1", op: ir.OpScatterAdd,
			in: []gradInput{fdIndexInput("i", gradShape(2), 3), fdInput("u", gradShape(dimN, 2))},
			build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
				return b.ScatterAdd(in[0], in[1], 1, gradShape(dimN, 3))
			},
		},
	}
}
