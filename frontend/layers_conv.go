package frontend

import (
	"math"

	"github.com/nncc/nncc/ir"
)

// Conv2DConfig configures a 2-D convolution layer. Each pair holds the H and W
// entries, and a zero pair takes the default.
type Conv2DConfig struct {
	OutChannels int    // at least 1
	Kernel      [2]int // at least 1 each
	Stride      [2]int // default 1
	Padding     [2]int // default 0
	Dilation    [2]int // default 1
	Groups      int    // default 1; divides the input and output channels
	Name        string // layer name; "" picks conv2d1, conv2d2, ... in order of the layers
	NoBias      bool   // leave out the bias (PyTorch's bias=False)
}

// Conv2D adds a 2-D convolution layer like PyTorch's nn.Conv2d: conv2d(x, W) + b for
// x of shape [N,C,H,W], with parameters "<name>.weight" [O,C/groups,kH,kW] and
// "<name>.bias" [O], both initialized uniformly in ±1/sqrt(fan_in) with fan_in =
// C/groups*kH*kW, which is what nn.Conv2d's kaiming_uniform(a=sqrt(5)) gives. It
// records an error for an invalid configuration, an input that is not [N,C,H,W] of
// the model's dtype, or a layer name that is invalid or already used.
func (m *Model) Conv2D(x *ir.Value, c Conv2DConfig) *ir.Value {
	m.enter()
	return m.conv2d(x, c)
}

func pairOr(p [2]int, def int) []int {
	if p == [2]int{} {
		return []int{def, def}
	}
	return []int{p[0], p[1]}
}

func (m *Model) conv2d(x *ir.Value, c Conv2DConfig) *ir.Value {
	name, ok := m.layerName("conv2d", c.Name)
	if !ok {
		return m.invalid()
	}
	if c.OutChannels < 1 || c.Kernel[0] < 1 || c.Kernel[1] < 1 {
		return m.fail("conv2d: out_channels %d and kernel %v must be positive", c.OutChannels, c.Kernel)
	}
	if !m.floatOperand("conv2d", "input", x) {
		return m.invalid()
	}
	if x.Shape.Rank() != 4 {
		return m.fail("conv2d: input has shape %v, want [N,C,H,W]", x.Shape)
	}
	groups := max(c.Groups, 1)
	p := ir.Conv2DParams{Stride: pairOr(c.Stride, 1), Padding: pairOr(c.Padding, 0),
		Dilation: pairOr(c.Dilation, 1), Groups: groups}
	if groups > x.Shape[1] || x.Shape[1]%groups != 0 {
		return m.fail("conv2d: groups %d does not divide the %d input channels", groups, x.Shape[1])
	}
	fanIn := x.Shape[1] / groups * c.Kernel[0] * c.Kernel[1]
	if fanIn > maxElems || c.OutChannels > maxElems/fanIn {
		return m.fail("conv2d: weight has more than %d elements", maxElems)
	}

	start := len(m.g.Values)
	bound := 1 / math.Sqrt(float64(fanIn))
	init := ir.Init{Kind: ir.InitUniform, Lo: -bound, Hi: bound}
	w := m.b.Param(name+".weight", m.dtype, ir.Shape{c.OutChannels, x.Shape[1] / groups, c.Kernel[0], c.Kernel[1]}, init)
	h := m.b.Conv2D(x, w, p)
	if !c.NoBias {
		bias := m.b.Param(name+".bias", m.dtype, ir.Shape{c.OutChannels}, init)
		// The bias broadcasts over H and W as a [O,1,1] value.
		h = m.b.Add(h, m.b.Reshape(bias, ir.Shape{c.OutChannels, 1, 1}))
	}
	m.comment(start, name)
	return h
}

// Pool2DConfig configures a pooling layer. Each pair holds the H and W entries.
type Pool2DConfig struct {
	Kernel  [2]int // at least 1 each
	Stride  [2]int // default: the kernel
	Padding [2]int // default 0; at most half the kernel
}

func (c Pool2DConfig) params() ir.Pool2DParams {
	stride := c.Stride
	if stride == [2]int{} {
		stride = c.Kernel
	}
	return ir.Pool2DParams{Kernel: []int{c.Kernel[0], c.Kernel[1]}, Stride: []int{stride[0], stride[1]},
		Padding: []int{c.Padding[0], c.Padding[1]}}
}

// MaxPool2D adds max pooling over the windows of x [N,C,H,W], like PyTorch's
// F.max_pool2d: padding counts as -inf, and the gradient of a window goes to its
// first maximum. It records an error for an invalid configuration or input.
func (m *Model) MaxPool2D(x *ir.Value, c Pool2DConfig) *ir.Value {
	m.enter()
	if !m.floatOperand("max_pool2d", "input", x) {
		return m.invalid()
	}
	return m.b.MaxPool2D(x, c.params())
}

// AvgPool2D adds average pooling over the windows of x [N,C,H,W], like PyTorch's
// F.avg_pool2d with count_include_pad=True: padding counts as zeros in the mean. It
// records an error for an invalid configuration or input.
func (m *Model) AvgPool2D(x *ir.Value, c Pool2DConfig) *ir.Value {
	m.enter()
	if !m.floatOperand("avg_pool2d", "input", x) {
		return m.invalid()
	}
	return m.b.AvgPool2D(x, c.params())
}

// GlobalAvgPool adds the mean of x [N,C,H,W] over H and W, giving [N,C], like
// PyTorch's nn.AdaptiveAvgPool2d(1) followed by flatten. It records an error for an
// input that is not [N,C,H,W] of the model's dtype.
func (m *Model) GlobalAvgPool(x *ir.Value) *ir.Value {
	m.enter()
	if !m.floatOperand("global_avg_pool", "input", x) {
		return m.invalid()
	}
	if x.Shape.Rank() != 4 {
		return m.fail("global_avg_pool: input has shape %v, want [N,C,H,W]", x.Shape)
	}
	return m.b.Mean(x, []int{2, 3}, false)
}
