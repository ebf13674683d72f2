package ir

import (
	"fmt"
	"slices"
)

// Conv2DParams are the attributes of conv2d and its two gradient ops, with PyTorch's
// meaning: Stride, Padding and Dilation hold one entry per spatial axis (H, W).
type Conv2DParams struct {
	Stride   []int // at least 1
	Padding  []int // zeros added on both sides; at least 0
	Dilation []int // spacing between kernel taps; at least 1
	Groups   int   // input and output channels split into Groups independent groups
}

// Pool2DParams are the attributes of max_pool2d, avg_pool2d and their gradient ops.
// Each list holds one entry per spatial axis (H, W).
type Pool2DParams struct {
	Kernel  []int // window extents; at least 1
	Stride  []int // at least 1
	Padding []int // added on both sides; at least 0 and at most half the kernel
}

// Conv2DParamsOf returns the convolution attributes stored in a.
func Conv2DParamsOf(a *Attrs) Conv2DParams {
	return Conv2DParams{Stride: a.Stride, Padding: a.Padding, Dilation: a.Dilation, Groups: a.Groups}
}

// Pool2DParamsOf returns the pooling attributes stored in a.
func Pool2DParamsOf(a *Attrs) Pool2DParams {
	return Pool2DParams{Kernel: a.Kernel, Stride: a.Stride, Padding: a.Padding}
}

func (p Conv2DParams) attrs() Attrs {
	return Attrs{Stride: slices.Clone(p.Stride), Padding: slices.Clone(p.Padding),
		Dilation: slices.Clone(p.Dilation), Groups: p.Groups}
}

func (p Pool2DParams) attrs() Attrs {
	return Attrs{Kernel: slices.Clone(p.Kernel), Stride: slices.Clone(p.Stride), Padding: slices.Clone(p.Padding)}
}

// maxWindowAttr bounds every kernel, stride, padding, dilation and group count, so
// that the extent arithmetic cannot overflow.
const maxWindowAttr = 1 << 20

// checkPair returns an error unless xs holds two integers in [lo, maxWindowAttr].
func checkPair(what string, xs []int, lo int) error {
	if len(xs) != 2 {
		return errorf("%s %v: want two entries (H, W)", what, xs)
	}
	for _, x := range xs {
		if x < lo || x > maxWindowAttr {
			return errorf("%s %v: want entries in [%d, %d]", what, xs, lo, maxWindowAttr)
		}
	}
	return nil
}

func (p Conv2DParams) check() error {
	if err := checkPair("stride", p.Stride, 1); err != nil {
		return err
	}
	if err := checkPair("padding", p.Padding, 0); err != nil {
		return err
	}
	if err := checkPair("dilation", p.Dilation, 1); err != nil {
		return err
	}
	if p.Groups < 1 || p.Groups > maxWindowAttr {
		return errorf("groups %d: want 1 to %d", p.Groups, maxWindowAttr)
	}
	return nil
}

func (p Pool2DParams) check() error {
	if err := checkPair("kernel", p.Kernel, 1); err != nil {
		return err
	}
	if err := checkPair("stride", p.Stride, 1); err != nil {
		return err
	}
	if err := checkPair("padding", p.Padding, 0); err != nil {
		return err
	}
	for i := range 2 {
		if 2*p.Padding[i] > p.Kernel[i] {
			return errorf("padding %d is more than half the kernel %d", p.Padding[i], p.Kernel[i])
		}
	}
	return nil
}

// windowExtent returns the number of window positions along an axis of extent in,
// or an error when the window does not fit once.
func windowExtent(in, kernel, stride, pad, dil int) (int, error) {
	span := dil*(kernel-1) + 1
	if in+2*pad < span {
		return 0, errorf("the window spans %d, more than the padded extent %d", span, in+2*pad)
	}
	return (in+2*pad-span)/stride + 1, nil
}

// nchw returns an error unless s is rank 4 with static C, H and W.
func nchw(what string, s Shape) error {
	if s.Rank() != 4 {
		return errorf("%s has shape %v, want [N,C,H,W]", what, s)
	}
	if slices.Contains(s[1:], Batch) {
		return errorf("%s has shape %v: only the leading axis may be the batch", what, s)
	}
	return nil
}

// Conv2DShape returns the result shape of conv2d for an input of shape xs and a
// weight of shape ws, or an error naming the first mismatch.
func Conv2DShape(xs, ws Shape, p Conv2DParams) (Shape, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if err := nchw("input", xs); err != nil {
		return nil, err
	}
	if ws.Rank() != 4 || ws.HasBatch() {
		return nil, errorf("weight has shape %v, want [O,C/groups,kH,kW]", ws)
	}
	c, o := xs[1], ws[0]
	if c%p.Groups != 0 || o%p.Groups != 0 {
		return nil, errorf("groups %d does not divide the %d input and %d output channels", p.Groups, c, o)
	}
	if ws[1] != c/p.Groups {
		return nil, errorf("weight %v has %d input channels per group, want %d (input %v, groups %d)", ws, ws[1], c/p.Groups, xs, p.Groups)
	}
	out := Shape{xs[0], o, 0, 0}
	for i := range 2 {
		e, err := windowExtent(xs[2+i], ws[2+i], p.Stride[i], p.Padding[i], p.Dilation[i])
		if err != nil {
			return nil, errorf("input %v, weight %v: %v", xs, ws, err)
		}
		out[2+i] = e
	}
	return out, nil
}

// Pool2DShape returns the result shape of a pooling op on an input of shape xs.
func Pool2DShape(xs Shape, p Pool2DParams) (Shape, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if err := nchw("input", xs); err != nil {
		return nil, err
	}
	out := Shape{xs[0], xs[1], 0, 0}
	for i := range 2 {
		e, err := windowExtent(xs[2+i], p.Kernel[i], p.Stride[i], p.Padding[i], 1)
		if err != nil {
			return nil, errorf("input %v: %v", xs, err)
		}
		out[2+i] = e
	}
	return out, nil
}

// floatPair checks that x and y (y may be nil) have one float dtype.
func (b *Builder) floatPair(op Op, x, y *Value) bool {
	if !x.DType.IsFloat() {
		b.fail(op, "operand %s has dtype %s, want f32 or f64", x.Ref(), x.DType)
		return false
	}
	if y != nil && y.DType != x.DType {
		b.fail(op, "operands %s and %s have dtypes %s and %s, want one dtype", x.Ref(), y.Ref(), x.DType, y.DType)
		return false
	}
	return true
}

// Conv2D adds the 2-D cross-correlation of x [N,C,H,W] with w [O,C/groups,kH,kW], as
// PyTorch's F.conv2d without bias. The result is [N,O,Ho,Wo].
func (b *Builder) Conv2D(x, w *Value, p Conv2DParams) *Value {
	if v := invalid(OpConv2D, x, w); v != nil {
		return v
	}
	if !b.floatPair(OpConv2D, x, w) {
		return &Value{Op: OpConv2D, DType: Invalid}
	}
	out, err := Conv2DShape(x.Shape, w.Shape, p)
	if err != nil {
		return b.fail(OpConv2D, "%v", err)
	}
	return b.add(OpConv2D, x.DType, out, p.attrs(), x, w)
}

// Conv2DInputGrad adds the gradient of conv2d with respect to its input of shape xs,
// given the upstream gradient dy and the weight w: a transposed convolution. dy must
// have the shape conv2d gives for xs and w.
func (b *Builder) Conv2DInputGrad(dy, w *Value, xs Shape, p Conv2DParams) *Value {
	if v := invalid(OpConv2DInputGrad, dy, w); v != nil {
		return v
	}
	return b.convGrad(OpConv2DInputGrad, dy, w, xs, w.Shape, xs, p)
}

// Conv2DFilterGrad adds the gradient of conv2d with respect to its weight of shape
// ws, given the input x and the upstream gradient dy, summed over the batch. dy must
// have the shape conv2d gives for x and ws.
func (b *Builder) Conv2DFilterGrad(x, dy *Value, ws Shape, p Conv2DParams) *Value {
	if v := invalid(OpConv2DFilterGrad, x, dy); v != nil {
		return v
	}
	return b.convGrad(OpConv2DFilterGrad, x, dy, x.Shape, ws, ws, p)
}

// convGrad checks that conv2d of shapes xs and ws gives the shape of dy (operand 0 of
// the input gradient, operand 1 of the filter gradient) and adds op with result shape.
func (b *Builder) convGrad(op Op, a0, a1 *Value, xs, ws, result Shape, p Conv2DParams) *Value {
	if v := invalid(op, a0, a1); v != nil {
		return v
	}
	if !b.floatPair(op, a0, a1) {
		return &Value{Op: op, DType: Invalid}
	}
	dy := a0
	if op == OpConv2DFilterGrad {
		dy = a1
	}
	want, err := Conv2DShape(xs, ws, p)
	if err != nil {
		return b.fail(op, "%v", err)
	}
	if !want.Equal(dy.Shape) {
		return b.fail(op, "gradient %s has shape %v, want %v for input %v and weight %v", dy.Ref(), dy.Shape, want, xs, ws)
	}
	return b.add(op, a0.DType, result.Clone(), p.attrs(), a0, a1)
}

// MaxPool2D adds the maxima of the windows of x [N,C,H,W], padded with -inf, as
// PyTorch's F.max_pool2d. NaN propagates.
func (b *Builder) MaxPool2D(x *Value, p Pool2DParams) *Value {
	return b.pool(OpMaxPool2D, x, p)
}

// AvgPool2D adds the means of the windows of x [N,C,H,W], padded with zeros that
// count in the divisor, as PyTorch's F.avg_pool2d with count_include_pad=True.
func (b *Builder) AvgPool2D(x *Value, p Pool2DParams) *Value {
	return b.pool(OpAvgPool2D, x, p)
}

func (b *Builder) pool(op Op, x *Value, p Pool2DParams) *Value {
	if v := invalid(op, x); v != nil {
		return v
	}
	if !b.floatPair(op, x, nil) {
		return &Value{Op: op, DType: Invalid}
	}
	out, err := Pool2DShape(x.Shape, p)
	if err != nil {
		return b.fail(op, "%v", err)
	}
	return b.add(op, x.DType, out, p.attrs(), x)
}

// MaxPool2DGrad adds the gradient of max_pool2d with respect to x: each element of dy
// added at the first maximum of its window of x.
func (b *Builder) MaxPool2DGrad(x, dy *Value, p Pool2DParams) *Value {
	if v := invalid(OpMaxPool2DGrad, x, dy); v != nil {
		return v
	}
	return b.poolGrad(OpMaxPool2DGrad, dy, x, x.Shape, p)
}

// MaxPool2DGather adds, for each window of x, the element of g at the window's first
// maximum. g has x's shape; the result has max_pool2d's. It is the adjoint of
// max_pool2d_grad in dy, and the directional derivative of max_pool2d along g.
func (b *Builder) MaxPool2DGather(x, g *Value, p Pool2DParams) *Value {
	if v := invalid(OpMaxPool2DGather, x, g); v != nil {
		return v
	}
	if !b.floatPair(OpMaxPool2DGather, x, g) {
		return &Value{Op: OpMaxPool2DGather, DType: Invalid}
	}
	if !g.Shape.Equal(x.Shape) {
		return b.fail(OpMaxPool2DGather, "operands %s and %s have shapes %v and %v, want one shape", x.Ref(), g.Ref(), x.Shape, g.Shape)
	}
	out, err := Pool2DShape(x.Shape, p)
	if err != nil {
		return b.fail(OpMaxPool2DGather, "%v", err)
	}
	return b.add(OpMaxPool2DGather, x.DType, out, p.attrs(), x, g)
}

// AvgPool2DGrad adds the gradient of avg_pool2d with respect to its input of shape
// xs: each element of dy spread evenly over its window.
func (b *Builder) AvgPool2DGrad(dy *Value, xs Shape, p Pool2DParams) *Value {
	return b.poolGrad(OpAvgPool2DGrad, dy, nil, xs, p)
}

// poolGrad adds op; x is nil for avg_pool2d_grad, whose only operand is dy.
func (b *Builder) poolGrad(op Op, dy, x *Value, xs Shape, p Pool2DParams) *Value {
	if v := invalid(op, dy); v != nil {
		return v
	}
	args := []*Value{dy}
	if x != nil {
		if v := invalid(op, x); v != nil {
			return v
		}
		args = []*Value{x, dy}
	}
	if !b.floatPair(op, dy, x) {
		return &Value{Op: op, DType: Invalid}
	}
	want, err := Pool2DShape(xs, p)
	if err != nil {
		return b.fail(op, "%v", err)
	}
	if !want.Equal(dy.Shape) {
		return b.fail(op, "gradient %s has shape %v, want %v for input %v", dy.Ref(), dy.Shape, want, xs)
	}
	return b.add(op, dy.DType, xs.Clone(), p.attrs(), args...)
}

// inferConvPool rebuilds a convolution or pooling value v for the verifier. The
// gradient ops whose result shape is not implied by their operands take it from v.
func inferConvPool(b *Builder, v *Value) *Value {
	x, cp, pp := v.Args, Conv2DParamsOf(&v.Attrs), Pool2DParamsOf(&v.Attrs)
	switch v.Op {
	case OpConv2D:
		return b.Conv2D(x[0], x[1], cp)
	case OpConv2DInputGrad:
		return b.Conv2DInputGrad(x[0], x[1], v.Shape, cp)
	case OpConv2DFilterGrad:
		return b.Conv2DFilterGrad(x[0], x[1], v.Shape, cp)
	case OpMaxPool2D:
		return b.MaxPool2D(x[0], pp)
	case OpMaxPool2DGrad:
		return b.MaxPool2DGrad(x[0], x[1], pp)
	case OpMaxPool2DGather:
		return b.MaxPool2DGather(x[0], x[1], pp)
	case OpAvgPool2D:
		return b.AvgPool2D(x[0], pp)
	case OpAvgPool2DGrad:
		return b.AvgPool2DGrad(x[0], v.Shape, pp)
	}
	panic(fmt.Sprintf("ir: inferConvPool: %s is not a convolution or pooling op", v.Op))
}
