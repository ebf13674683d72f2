package passes

import "github.com/nncc/nncc/ir"

// The differentiation rules of convolution and pooling. Every op of the family is
// linear in the operand that carries a gradient, so each rule is another op of the
// family and gradients of any order stay in the IR:
//
//	conv2d(x, w)              dx = conv2d_input_grad(g, w)    dw = conv2d_filter_grad(x, g)
//	conv2d_input_grad(dy, w)  ddy = conv2d(g, w)              dw = conv2d_filter_grad(g, dy)
//	conv2d_filter_grad(x, dy) dx = conv2d_input_grad(dy, g)   ddy = conv2d(x, g)
//	max_pool2d(x)             dx = max_pool2d_grad(x, g)
//	max_pool2d_grad(x, dy)    ddy = max_pool2d_gather(x, g)
//	max_pool2d_gather(x, h)   dh = max_pool2d_grad(x, g)
//	avg_pool2d(x)             dx = avg_pool2d_grad(g)
//	avg_pool2d_grad(dy)       ddy = avg_pool2d(g)
//
// The max-pooling ops pass no gradient to x in the gradient ops: which element is
// the first maximum is piecewise constant in x.
func init() {
	gradRules[ir.OpConv2D] = gradConv2D
	gradRules[ir.OpConv2DInputGrad] = gradConv2DInputGrad
	gradRules[ir.OpConv2DFilterGrad] = gradConv2DFilterGrad
	gradRules[ir.OpMaxPool2D] = gradMaxPool2D
	gradRules[ir.OpMaxPool2DGrad] = gradMaxPool2DGrad
	gradRules[ir.OpMaxPool2DGather] = gradMaxPool2DGather
	gradRules[ir.OpAvgPool2D] = gradAvgPool2D
	gradRules[ir.OpAvgPool2DGrad] = gradAvgPool2DGrad
}

func gradConv2D(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	p := ir.Conv2DParamsOf(&v.Attrs)
	return []*ir.Value{
		b.Conv2DInputGrad(g, x[1], x[0].Shape, p),
		b.Conv2DFilterGrad(x[0], g, x[1].Shape, p),
	}
}

func gradConv2DInputGrad(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	p := ir.Conv2DParamsOf(&v.Attrs)
	return []*ir.Value{b.Conv2D(g, x[1], p), b.Conv2DFilterGrad(g, x[0], x[1].Shape, p)}
}

func gradConv2DFilterGrad(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	p := ir.Conv2DParamsOf(&v.Attrs)
	return []*ir.Value{b.Conv2DInputGrad(x[1], g, x[0].Shape, p), b.Conv2D(x[0], g, p)}
}

func gradMaxPool2D(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	return oneGrad(b.MaxPool2DGrad(x[0], g, ir.Pool2DParamsOf(&v.Attrs)))
}

func gradMaxPool2DGrad(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	return []*ir.Value{nil, b.MaxPool2DGather(x[0], g, ir.Pool2DParamsOf(&v.Attrs))}
}

func gradMaxPool2DGather(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	return []*ir.Value{nil, b.MaxPool2DGrad(x[0], g, ir.Pool2DParamsOf(&v.Attrs))}
}

func gradAvgPool2D(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	return oneGrad(b.AvgPool2DGrad(g, x[0].Shape, ir.Pool2DParamsOf(&v.Attrs)))
}

func gradAvgPool2DGrad(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	return oneGrad(b.AvgPool2D(g, ir.Pool2DParamsOf(&v.Attrs)))
}
