package interp

import (
	"math"

	"github.com/nncc/nncc/ir"
)

// The convolution and pooling ops as plain loops over NCHW tensors, written from the
// definitions so that the runtime's im2col kernels have an independent reference.

// convGeom holds the extents of one convolution: input [n,c,h,w], weight
// [o,c/groups,kh,kw], output [n,o,oh,ow].
type convGeom struct {
	n, c, h, w, o, kh, kw, oh, ow int
	p                             ir.Conv2DParams
}

func newConvGeom(x, wt, y []int, p ir.Conv2DParams) convGeom {
	return convGeom{n: x[0], c: x[1], h: x[2], w: x[3], o: wt[0], kh: wt[2], kw: wt[3],
		oh: y[2], ow: y[3], p: p}
}

// each calls f for every output element and every kernel tap that lands inside the
// input, with the flat indices of the input, weight and output elements.
func (g convGeom) each(f func(xi, wi, yi int)) {
	cg, og := g.c/g.p.Groups, g.o/g.p.Groups
	for b := range g.n {
		for o := range g.o {
			grp := o / og
			for oy := range g.oh {
				for ox := range g.ow {
					yi := ((b*g.o+o)*g.oh+oy)*g.ow + ox
					for ci := range cg {
						c := grp*cg + ci
						for ky := range g.kh {
							iy := oy*g.p.Stride[0] - g.p.Padding[0] + ky*g.p.Dilation[0]
							if iy < 0 || iy >= g.h {
								continue
							}
							for kx := range g.kw {
								ix := ox*g.p.Stride[1] - g.p.Padding[1] + kx*g.p.Dilation[1]
								if ix < 0 || ix >= g.w {
									continue
								}
								f(((b*g.c+c)*g.h+iy)*g.w+ix, ((o*cg+ci)*g.kh+ky)*g.kw+kx, yi)
							}
						}
					}
				}
			}
		}
	}
}

// convPool evaluates a convolution or pooling op into out.
func convPool(v *ir.Value, args []*Tensor, out *Tensor) {
	cp, pp := ir.Conv2DParamsOf(&v.Attrs), ir.Pool2DParamsOf(&v.Attrs)
	switch v.Op {
	case ir.OpConv2D:
		x, w := args[0], args[1]
		newConvGeom(x.Shape, w.Shape, out.Shape, cp).each(func(xi, wi, yi int) {
			out.Data[yi] += x.Data[xi] * w.Data[wi]
		})
	case ir.OpConv2DInputGrad:
		dy, w := args[0], args[1]
		newConvGeom(out.Shape, w.Shape, dy.Shape, cp).each(func(xi, wi, yi int) {
			out.Data[xi] += dy.Data[yi] * w.Data[wi]
		})
	case ir.OpConv2DFilterGrad:
		x, dy := args[0], args[1]
		newConvGeom(x.Shape, out.Shape, dy.Shape, cp).each(func(xi, wi, yi int) {
			out.Data[wi] += x.Data[xi] * dy.Data[yi]
		})
	case ir.OpMaxPool2D:
		x := args[0]
		eachWindow(x.Shape, out.Shape, pp, func(yi int, win []int, _ int) {
			out.Data[yi] = x.Data[firstMax(x.Data, win)]
		})
	case ir.OpMaxPool2DGrad:
		x, dy := args[0], args[1]
		eachWindow(x.Shape, dy.Shape, pp, func(yi int, win []int, _ int) {
			out.Data[firstMax(x.Data, win)] += dy.Data[yi]
		})
	case ir.OpMaxPool2DGather:
		x, g := args[0], args[1]
		eachWindow(x.Shape, out.Shape, pp, func(yi int, win []int, _ int) {
			out.Data[yi] = g.Data[firstMax(x.Data, win)]
		})
	case ir.OpAvgPool2D:
		x := args[0]
		eachWindow(x.Shape, out.Shape, pp, func(yi int, win []int, size int) {
			s := 0.0
			for _, i := range win {
				s += x.Data[i]
			}
			out.Data[yi] = s / float64(size)
		})
	case ir.OpAvgPool2DGrad:
		dy := args[0]
		eachWindow(out.Shape, dy.Shape, pp, func(yi int, win []int, size int) {
			for _, i := range win {
				out.Data[i] += dy.Data[yi] / float64(size)
			}
		})
	}
}

// eachWindow calls f for every pooling output element with its flat index, the flat
// input indices of the window taps inside the input in row-major order, and the
// full window size kernel[0]*kernel[1], padding included.
func eachWindow(x, y []int, p ir.Pool2DParams, f func(yi int, win []int, size int)) {
	var win []int
	size := p.Kernel[0] * p.Kernel[1]
	for bc := range x[0] * x[1] {
		for oy := range y[2] {
			for ox := range y[3] {
				win = win[:0]
				for ky := range p.Kernel[0] {
					iy := oy*p.Stride[0] - p.Padding[0] + ky
					for kx := range p.Kernel[1] {
						ix := ox*p.Stride[1] - p.Padding[1] + kx
						if iy >= 0 && iy < x[2] && ix >= 0 && ix < x[3] {
							win = append(win, (bc*x[2]+iy)*x[3]+ix)
						}
					}
				}
				f((bc*y[2]+oy)*y[3]+ox, win, size)
			}
		}
	}
}

// firstMax returns the index in win of the first maximum of data, or of the first NaN,
// as PyTorch's max pooling picks it. Padding (-inf) never wins: the padding is at
// most half the kernel, so every window holds an input element.
func firstMax(data []float64, win []int) int {
	best := win[0]
	for _, i := range win[1:] {
		if math.IsNaN(data[best]) {
			break
		}
		if data[i] > data[best] || math.IsNaN(data[i]) {
			best = i
		}
	}
	return best
}
