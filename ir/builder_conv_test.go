package ir

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConvPoolBuilderErrors(t *testing.T) {
	cp := func(s, p, d []int, groups int) Conv2DParams {
		return Conv2DParams{Stride: s, Padding: p, Dilation: d, Groups: groups}
	}
	one, zero := []int{1, 1}, []int{0, 0}
	cases := []struct {
		name  string
		build func(b *Builder, x, w *Value) *Value
		want  string
	}{
		{"stride_zero", func(b *Builder, x, w *Value) *Value { return b.Conv2D(x, w, cp([]int{0, 1}, zero, one, 1)) },
			"stride [0 1]: want entries in [1, 1048576]"},
		{"one_stride", func(b *Builder, x, w *Value) *Value { return b.Conv2D(x, w, cp([]int{1}, zero, one, 1)) },
			"stride [1]: want two entries (H, W)"},
		{"negative_padding", func(b *Builder, x, w *Value) *Value { return b.Conv2D(x, w, cp(one, []int{-1, 0}, one, 1)) },
			"padding [-1 0]"},
		{"groups_indivisible", func(b *Builder, x, w *Value) *Value { return b.Conv2D(x, w, cp(one, zero, one, 4)) },
			"groups 4 does not divide the 6 input and 4 output channels"},
		{"channels_per_group", func(b *Builder, x, w *Value) *Value { return b.Conv2D(x, w, cp(one, zero, one, 2)) },
			"weight [4,6,3,3] has 6 input channels per group, want 3"},
		{"kernel_too_large", func(b *Builder, x, w *Value) *Value { return b.Conv2D(x, w, cp(one, zero, []int{4, 1}, 1)) },
			"the window spans 9, more than the padded extent 5"},
		{"rank", func(b *Builder, x, w *Value) *Value {
			return b.Conv2D(b.Reshape(x, Shape{Batch, 150}), w, cp(one, zero, one, 1))
		},
			"input has shape [N,150], want [N,C,H,W]"},
		{"dtype", func(b *Builder, x, w *Value) *Value { return b.Conv2D(x, b.Cast(w, F64), cp(one, zero, one, 1)) },
			"want one dtype"},
		{"input_grad_shape", func(b *Builder, x, w *Value) *Value {
			return b.Conv2DInputGrad(x, w, Shape{Batch, 6, 5, 5}, cp(one, zero, one, 1))
		}, "gradient %0 has shape [N,6,5,5], want [N,4,3,3]"},
		{"pool_padding", func(b *Builder, x, w *Value) *Value {
			return b.MaxPool2D(x, Pool2DParams{Kernel: []int{2, 2}, Stride: one, Padding: []int{2, 0}})
		}, "padding 2 is more than half the kernel 2"},
		{"gather_shape", func(b *Builder, x, w *Value) *Value {
			p := Pool2DParams{Kernel: []int{2, 2}, Stride: one, Padding: zero}
			return b.MaxPool2DGather(x, b.MaxPool2D(x, p), p)
		}, "want one shape"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := NewGraph("g", 2)
			b := NewBuilder(g)
			x := b.Input("x", F32, Shape{Batch, 6, 5, 5})
			w := b.Input("w", F32, Shape{4, 6, 3, 3})
			v := c.build(b, x, w)
			assert.Equal(t, Invalid, v.DType)
			require.Error(t, b.Err())
			assert.True(t, strings.Contains(b.Err().Error(), c.want), "error %q does not contain %q", b.Err(), c.want)
		})
	}
}

func TestConvParseRejectsBadAttributes(t *testing.T) {
	text := `graph "g" maxbatch=2 {
  %0 = input "x" : f32[N,1,4,4]
  %1 = max_pool2d %0 kernel=[2,2] stride=[2,2] padding=[0,0] groups=2 : f32[N,1,2,2]
  %2 = conv2d %0, %0 stride=[1,1] padding=[0,0] dilation=[1,1] groups=1 : f32[N,1,1,1]
}
`
	_, err := Parse("bad.ir", []byte(text))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "attribute groups is 2, but max_pool2d does not use it")
	assert.Contains(t, err.Error(), "weight has shape [N,1,4,4], want [O,C/groups,kH,kW]")
}
