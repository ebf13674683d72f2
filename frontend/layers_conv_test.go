package frontend

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nncc/nncc/ir"
)

const convModel = `model c
input x: f32[3, 12, 10]
labels y: classes(5)
h = conv2d(x, 6, 3, stride=2, padding=1, dilation=1, groups=3)
h = conv2d(h, 4, 2, bias=false, name="second")
h = max_pool2d(h, 2, padding=1)
h = avg_pool2d(h, 2, stride=1)
logits = dense(flatten(h), 5)
g = global_avg_pool(h)
output logits
loss cross_entropy(logits, y)
optimizer adam(lr=0.001)
`

func TestConvLayersShapesAndInit(t *testing.T) {
	mod := mustParse(t, convModel)
	g := mod.Forward

	w := g.Named("conv2d1.weight")
	require.NotNil(t, w, "default name of the first conv2d layer")
	assert.Equal(t, "f32[6,1,3,3]", w.Type())
	// PyTorch's nn.Conv2d bound: 1/sqrt(fan_in), fan_in = C/groups*kH*kW = 1*3*3.
	bound := 1 / math.Sqrt(9)
	assert.Equal(t, ir.Init{Kind: ir.InitUniform, Lo: -bound, Hi: bound}, w.Attrs.Init)
	bias := g.Named("conv2d1.bias")
	require.NotNil(t, bias)
	assert.Equal(t, "f32[6]", bias.Type())
	assert.Equal(t, w.Attrs.Init, bias.Attrs.Init)

	assert.Equal(t, "f32[4,6,2,2]", g.Named("second.weight").Type())
	assert.Nil(t, g.Named("second.bias"), "bias=false leaves out the bias")

	var types []string
	for _, v := range g.Values {
		switch v.Op {
		case ir.OpConv2D, ir.OpMaxPool2D, ir.OpAvgPool2D:
			types = append(types, v.Op.String()+" "+v.Type())
		case ir.OpMean:
			if v.Shape.Rank() == 2 && v.Shape[1] == 4 {
				types = append(types, "global_avg_pool "+v.Type())
			}
		}
	}
	// 12x10 -> stride 2, pad 1: 6x5; kernel 2: 5x4; pool 2 pad 1: 3x3; pool 2 stride 1: 2x2.
	assert.Equal(t, []string{
		"conv2d f32[N,6,6,5]", "conv2d f32[N,4,5,4]", "max_pool2d f32[N,4,3,3]",
		"avg_pool2d f32[N,4,2,2]", "global_avg_pool f32[N,4]",
	}, types)
}

func TestConvLayerErrors(t *testing.T) {
	cases := map[string]string{
		"h = conv2d(x, 6, 3, groups=2)":     "groups 2 does not divide the 3 input channels",
		"h = conv2d(x, 6, 13)":              "the window spans 13, more than the padded extent 12",
		"h = conv2d(flatten(x), 6, 3)":      "conv2d: input has shape [N,360], want [N,C,H,W]",
		"h = max_pool2d(x, 2, padding=2)":   "padding 2 is more than half the kernel 2",
		"h = avg_pool2d(x, 0)":              "kernel",
		"h = conv2d(x, 6, 3, padding=-1)":   "padding",
		"h = global_avg_pool(flatten(x))":   "global_avg_pool: input has shape [N,360], want [N,C,H,W]",
		`h = conv2d(x, 6, 3, name="a b")`:   "name must be a string of identifiers",
		"h = conv2d(x, 6, 3, strides=2)":    "unknown argument \"strides\"",
		"h = conv2d(x, 6, 3, bias=1)":       "bias",
		"h = max_pool2d(x, 2, stride=0)":    "stride",
		"h = conv2d(x, 6, 3, dilation=100)": "more than the padded extent",
	}
	for stmt, want := range cases {
		src := "model c\ninput x: f32[3, 12, 10]\nlabels y: classes(5)\n" + stmt +
			"\nlogits = dense(flatten(h), 5)\noutput logits\nloss cross_entropy(logits, y)\noptimizer sgd(lr=0.1)\n"
		_, err := Parse("m.nnc", []byte(src))
		require.Error(t, err, stmt)
		assert.True(t, strings.Contains(err.Error(), want), "%s: error %q does not contain %q", stmt, err, want)
		assert.True(t, strings.HasPrefix(err.Error(), "m.nnc:4:"), "%s: error %q is not positioned on its line", stmt, err)
	}
}
