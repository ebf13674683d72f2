package interp

import (
	"testing"

	"github.com/nncc/nncc/ir"
)

func convP(stride, pad, dil []int, groups int) ir.Conv2DParams {
	return ir.Conv2DParams{Stride: stride, Padding: pad, Dilation: dil, Groups: groups}
}

func poolP(kernel, stride, pad []int) ir.Pool2DParams {
	return ir.Pool2DParams{Kernel: kernel, Stride: stride, Padding: pad}
}

var one2, zero2 = []int{1, 1}, []int{0, 0}

var x33 = f64([]int{1, 1, 3, 3}, 1, 2, 3, 4, 5, 6, 7, 8, 9)
var diag22 = f64([]int{1, 1, 2, 2}, 1, 0, 0, -1)

// convCases are worked by hand from the definitions in docs/convolution.md.
var convCases = []opCase{
	{
		name: "conv2d_plain",
		n:    1,
		build: func(b *ir.Builder) *ir.Value {
			return b.Conv2D(b.Input("x", ir.F64, sh(ir.Batch, 1, 3, 3)), b.Input("w", ir.F64, sh(1, 1, 2, 2)),
				convP(one2, zero2, one2, 1))
		},
		feeds: map[string]*Tensor{"x": x33, "w": diag22},
		want:  f64([]int{1, 1, 2, 2}, -4, -4, -4, -4),
	},
	{
		name: "conv2d_stride_padding_groups",
		n:    1,
		build: func(b *ir.Builder) *ir.Value {
			return b.Conv2D(b.Input("x", ir.F64, sh(ir.Batch, 2, 2, 2)), b.Input("w", ir.F64, sh(2, 1, 1, 1)),
				convP([]int{2, 2}, one2, one2, 2))
		},
		feeds: map[string]*Tensor{"x": f64([]int{1, 2, 2, 2}, 1, 2, 3, 4, 5, 6, 7, 8), "w": f64([]int{2, 1, 1, 1}, 2, 3)},
		want:  f64([]int{1, 2, 2, 2}, 0, 0, 0, 8, 0, 0, 0, 24),
	},
	{
		name: "conv2d_dilation",
		n:    1,
		build: func(b *ir.Builder) *ir.Value {
			return b.Conv2D(b.Input("x", ir.F64, sh(1, 1, 1, 5)), b.Input("w", ir.F64, sh(1, 1, 1, 2)),
				convP(one2, zero2, []int{1, 2}, 1))
		},
		feeds: map[string]*Tensor{"x": f64([]int{1, 1, 1, 5}, 1, 2, 3, 4, 5), "w": f64([]int{1, 1, 1, 2}, 1, 1)},
		want:  f64([]int{1, 1, 1, 3}, 4, 6, 8),
	},
	{
		name: "conv2d_input_grad",
		n:    1,
		build: func(b *ir.Builder) *ir.Value {
			return b.Conv2DInputGrad(b.Input("dy", ir.F64, sh(ir.Batch, 1, 2, 2)), b.Input("w", ir.F64, sh(1, 1, 2, 2)),
				sh(ir.Batch, 1, 3, 3), convP(one2, zero2, one2, 1))
		},
		feeds: map[string]*Tensor{"dy": f64([]int{1, 1, 2, 2}, 1, 2, 3, 4), "w": diag22},
		want:  f64([]int{1, 1, 3, 3}, 1, 2, 0, 3, 3, -2, 0, -3, -4),
	},
	{
		name: "conv2d_filter_grad",
		n:    1,
		build: func(b *ir.Builder) *ir.Value {
			return b.Conv2DFilterGrad(b.Input("x", ir.F64, sh(ir.Batch, 1, 3, 3)), b.Input("dy", ir.F64, sh(ir.Batch, 1, 2, 2)),
				sh(1, 1, 2, 2), convP(one2, zero2, one2, 1))
		},
		feeds: map[string]*Tensor{"x": x33, "dy": f64([]int{1, 1, 2, 2}, 1, 2, 3, 4)},
		want:  f64([]int{1, 1, 2, 2}, 37, 47, 67, 77),
	},
	{
		name: "max_pool2d_ties",
		n:    1,
		build: func(b *ir.Builder) *ir.Value {
			return b.MaxPool2D(b.Input("x", ir.F64, sh(ir.Batch, 1, 2, 3)), poolP([]int{2, 2}, one2, zero2))
		},
		feeds: map[string]*Tensor{"x": f64([]int{1, 1, 2, 3}, 1, 3, 3, 2, 0, 1)},
		want:  f64([]int{1, 1, 1, 2}, 3, 3),
	},
	{
		name: "max_pool2d_pads_with_minus_inf",
		n:    1,
		build: func(b *ir.Builder) *ir.Value {
			return b.MaxPool2D(b.Input("x", ir.F64, sh(ir.Batch, 1, 2, 2)), poolP([]int{2, 2}, []int{2, 2}, one2))
		},
		feeds: map[string]*Tensor{"x": f64([]int{1, 1, 2, 2}, -1, -2, -3, -4)},
		want:  f64([]int{1, 1, 2, 2}, -1, -2, -3, -4),
	},
	{
		// Both windows have their maximum 3 at the element (0,1) first, so the tie at
		// (0,2) takes no gradient, as in PyTorch.
		name: "max_pool2d_grad_first_maximum",
		n:    1,
		build: func(b *ir.Builder) *ir.Value {
			return b.MaxPool2DGrad(b.Input("x", ir.F64, sh(ir.Batch, 1, 2, 3)), b.Input("dy", ir.F64, sh(ir.Batch, 1, 1, 2)),
				poolP([]int{2, 2}, one2, zero2))
		},
		feeds: map[string]*Tensor{"x": f64([]int{1, 1, 2, 3}, 1, 3, 3, 2, 0, 1), "dy": f64([]int{1, 1, 1, 2}, 10, 20)},
		want:  f64([]int{1, 1, 2, 3}, 0, 30, 0, 0, 0, 0),
	},
	{
		name: "max_pool2d_gather_first_maximum",
		n:    1,
		build: func(b *ir.Builder) *ir.Value {
			return b.MaxPool2DGather(b.Input("x", ir.F64, sh(ir.Batch, 1, 2, 3)), b.Input("g", ir.F64, sh(ir.Batch, 1, 2, 3)),
				poolP([]int{2, 2}, one2, zero2))
		},
		feeds: map[string]*Tensor{"x": f64([]int{1, 1, 2, 3}, 1, 3, 3, 2, 0, 1), "g": f64([]int{1, 1, 2, 3}, 1, 2, 3, 4, 5, 6)},
		want:  f64([]int{1, 1, 1, 2}, 2, 2),
	},
	{
		name: "avg_pool2d_counts_padding",
		n:    1,
		build: func(b *ir.Builder) *ir.Value {
			return b.AvgPool2D(b.Input("x", ir.F64, sh(ir.Batch, 1, 2, 2)), poolP([]int{2, 2}, []int{2, 2}, one2))
		},
		feeds: map[string]*Tensor{"x": f64([]int{1, 1, 2, 2}, 1, 2, 3, 4)},
		want:  f64([]int{1, 1, 2, 2}, 0.25, 0.5, 0.75, 1),
	},
	{
		name: "avg_pool2d_grad",
		n:    1,
		build: func(b *ir.Builder) *ir.Value {
			return b.AvgPool2DGrad(b.Input("dy", ir.F64, sh(ir.Batch, 1, 2, 2)), sh(ir.Batch, 1, 2, 2),
				poolP([]int{2, 2}, []int{2, 2}, one2))
		},
		feeds: map[string]*Tensor{"dy": f64([]int{1, 1, 2, 2}, 4, 8, 12, 16)},
		want:  f64([]int{1, 1, 2, 2}, 1, 2, 3, 4),
	},
}

func TestConvPoolOps(t *testing.T) { runCases(t, convCases) }
