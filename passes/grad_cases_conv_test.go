package passes

import (
	"math/rand/v2"
	"testing"

	"github.com/nncc/nncc/ir"
)

func convParams(stride, pad, dil []int, groups int) ir.Conv2DParams {
	return ir.Conv2DParams{Stride: stride, Padding: pad, Dilation: dil, Groups: groups}
}

func poolParams(kernel, stride, pad []int) ir.Pool2DParams {
	return ir.Pool2DParams{Kernel: kernel, Stride: stride, Padding: pad}
}

// convMixed has unequal strides, paddings and dilations per axis: an input of
// [N,2,6,5] and a weight of [2,2,2,3] give [N,2,3,7].
var convMixed = convParams([]int{2, 1}, []int{1, 2}, []int{2, 1}, 1)

func convGradCases() []gradCase {
	conv := func(name string, xs, ws ir.Shape, p ir.Conv2DParams) gradCase {
		return gradCase{
			name: name, op: ir.OpConv2D,
			in: []gradInput{fdInput("x", xs), fdInput("k", ws)},
			build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
				return b.Conv2D(in[0], in[1], p)
			},
		}
	}
	pool := func(name string, op ir.Op, xs ir.Shape, p ir.Pool2DParams) gradCase {
		return gradCase{
			name: name, op: op,
			in: []gradInput{fdInput("x", xs)},
			build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
				if op == ir.OpMaxPool2D {
					return b.MaxPool2D(in[0], p)
				}
				return b.AvgPool2D(in[0], p)
			},
		}
	}
	pool3 := poolParams([]int{3, 3}, []int{2, 2}, []int{1, 1})
	return []gradCase{
		conv("conv2d_plain", gradShape(dimN, 2, 5, 5), gradShape(3, 2, 3, 3), convParams([]int{1, 1}, []int{0, 0}, []int{1, 1}, 1)),
		conv("conv2d_stride_padding_dilation", gradShape(dimN, 2, 6, 5), gradShape(2, 2, 2, 3), convMixed),
		conv("conv2d_groups", gradShape(dimN, 4, 4, 4), gradShape(6, 2, 2, 2), convParams([]int{2, 2}, []int{1, 1}, []int{1, 1}, 2)),
		conv("conv2d_depthwise", gradShape(dimN, 3, 4, 4), gradShape(3, 1, 3, 3), convParams([]int{1, 1}, []int{1, 1}, []int{1, 1}, 3)),
		conv("conv2d_static_batch", gradShape(2, 1, 3, 3), gradShape(1, 1, 2, 2), convParams([]int{1, 1}, []int{1, 1}, []int{1, 1}, 1)),
		{
			name: "conv2d_input_grad", op: ir.OpConv2DInputGrad,
			in: []gradInput{fdInput("dy", gradShape(dimN, 2, 3, 7)), fdInput("k", gradShape(2, 2, 2, 3))},
			build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
				return b.Conv2DInputGrad(in[0], in[1], gradShape(dimN, 2, 6, 5), convMixed)
			},
		},
		{
			name: "conv2d_filter_grad", op: ir.OpConv2DFilterGrad,
			in: []gradInput{fdInput("x", gradShape(dimN, 2, 6, 5)), fdInput("dy", gradShape(dimN, 2, 3, 7))},
			build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
				return b.Conv2DFilterGrad(in[0], in[1], gradShape(2, 2, 2, 3), convMixed)
			},
		},
		pool("max_pool2d_padding", ir.OpMaxPool2D, gradShape(dimN, 2, 5, 5), pool3),
		pool("max_pool2d_overlapping", ir.OpMaxPool2D, gradShape(dimN, 1, 3, 4), poolParams([]int{2, 2}, []int{1, 1}, []int{0, 0})),
		{
			name: "max_pool2d_grad", op: ir.OpMaxPool2DGrad,
			in: []gradInput{fdInput("x", gradShape(dimN, 2, 5, 5)), fdInput("dy", gradShape(dimN, 2, 3, 3))},
			build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
				return b.MaxPool2DGrad(in[0], in[1], pool3)
			},
		},
		{
			name: "max_pool2d_gather", op: ir.OpMaxPool2DGather,
			in: []gradInput{fdInput("x", gradShape(dimN, 2, 5, 5)), fdInput("h", gradShape(dimN, 2, 5, 5))},
			build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
				return b.MaxPool2DGather(in[0], in[1], pool3)
			},
		},
		pool("avg_pool2d", ir.OpAvgPool2D, gradShape(dimN, 2, 5, 4), poolParams([]int{3, 2}, []int{2, 2}, []int{1, 1})),
		{
			name: "avg_pool2d_grad", op: ir.OpAvgPool2DGrad,
			in: []gradInput{fdInput("dy", gradShape(dimN, 2, 3, 3))},
			build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
				return b.AvgPool2DGrad(in[0], gradShape(dimN, 2, 5, 4), poolParams([]int{3, 2}, []int{2, 2}, []int{1, 1}))
			},
		},
	}
}

// TestGradPenaltyThroughConvPool differentiates loss + 0.3*||d loss / d w||^2 for a
// loss through conv2d, tanh, max_pool2d and avg_pool2d: the outer gradient runs the
// rules of the gradient ops (conv2d_input_grad, conv2d_filter_grad, max_pool2d_grad,
// avg_pool2d_grad) and is checked against central differences.
func TestGradPenaltyThroughConvPool(t *testing.T) {
	g := ir.NewGraph("convpenalty", 4)
	b := ir.NewBuilder(g)
	x := b.Input("x", ir.F64, gradShape(dimN, 2, 6, 6))
	w := b.Input("k", ir.F64, gradShape(3, 2, 3, 3))
	h := b.Unary(ir.OpTanh, b.Conv2D(x, w, convParams([]int{1, 1}, []int{1, 1}, []int{1, 1}, 1)))
	h = b.MaxPool2D(h, poolParams([]int{2, 2}, []int{2, 2}, []int{0, 0}))
	h = b.AvgPool2D(h, poolParams([]int{3, 3}, []int{1, 1}, []int{1, 1}))
	loss := b.Sum(b.Mul(h, h), ir.AllAxes(4), false)
	grads, err := Grad(g, loss, []*ir.Value{w})
	if err != nil {
		t.Fatal(err)
	}
	sq := b.Sum(b.Mul(grads[0], grads[0]), ir.AllAxes(4), false)
	total := b.Add(loss, b.Mul(b.ScalarLike(sq, 0.3), sq))
	g.SetOutput("y", total)
	outer, err := Grad(g, total, []*ir.Value{x, w})
	if err != nil {
		t.Fatal(err)
	}
	g.SetOutput("d_x", outer[0])
	g.SetOutput("d_k", outer[1])
	if err := ir.Verify(g); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	r := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{1, 2} {
		checkFiniteDifferences(t, g, n, fdRandomFeeds(g, nil, n, r))
	}
}
