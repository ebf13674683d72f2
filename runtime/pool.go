package runtime

import "fmt"

// PoolGeom describes one 2-D pooling over row-major NCHW tensors with PyTorch's
// semantics: input x is [N,C,H,W] and output y is [N,C,OH,OW] with
// OH = (H+2*PadH-KH)/StrideH+1 and OW alike. Padding is at most half the kernel, so
// every window holds at least one input element.
type PoolGeom struct {
	N, C, H, W       int
	OH, OW           int
	KH, KW           int
	StrideH, StrideW int
	PadH, PadW       int
}

// check panics unless g is consistent and the slices hold their tensors.
func (g PoolGeom) check(fn string, lenX, lenY int) {
	if g.N < 0 || g.C < 1 || g.H < 1 || g.W < 1 || g.KH < 1 || g.KW < 1 || g.StrideH < 1 || g.StrideW < 1 ||
		g.PadH < 0 || g.PadW < 0 || 2*g.PadH > g.KH || 2*g.PadW > g.KW ||
		g.OH != (g.H+2*g.PadH-g.KH)/g.StrideH+1 || g.OW != (g.W+2*g.PadW-g.KW)/g.StrideW+1 || g.OH < 1 || g.OW < 1 {
		panic(fmt.Sprintf("nncc: %s: invalid geometry %+v", fn, g))
	}
	if lenX < g.N*g.C*g.H*g.W || lenY < g.N*g.C*g.OH*g.OW {
		panic(fmt.Sprintf("nncc: %s: slice too short for %+v: len(x)=%d len(y)=%d", fn, g, lenX, lenY))
	}
}

// window returns the rows [y0, y1) and columns [x0, x1) of the input that the window
// at output position (oy, ox) covers, clipped to the input.
func (g PoolGeom) window(oy, ox int) (y0, y1, x0, x1 int) {
	y0, x0 = oy*g.StrideH-g.PadH, ox*g.StrideW-g.PadW
	y1, x1 = min(y0+g.KH, g.H), min(x0+g.KW, g.W)
	return max(y0, 0), y1, max(x0, 0), x1
}

// firstMax returns the index in plane of the first maximum of the window at (oy, ox),
// scanning it row by row, or of its first NaN: PyTorch's choice.
func firstMax[T Float](plane []T, g PoolGeom, oy, ox int) int {
	y0, y1, x0, x1 := g.window(oy, ox)
	best := y0*g.W + x0
	bv := plane[best]
	if bv != bv {
		return best
	}
	for iy := y0; iy < y1; iy++ {
		row := plane[iy*g.W+x0 : iy*g.W+x1]
		for j, v := range row {
			if v > bv {
				bv, best = v, iy*g.W+x0+j
			} else if v != v {
				return iy*g.W + x0 + j
			}
		}
	}
	return best
}

// MaxPool2D computes y, the maximum of each window of x, padding with -inf; NaN
// propagates. It does not allocate.
//
// MaxPool2D panics if g is inconsistent or a slice is too short.
func MaxPool2D[T Float](y, x []T, g PoolGeom) {
	g.check("MaxPool2D", len(x), len(y))
	if g.is2x2() {
		maxPool2x2(y, x, g)
		return
	}
	maxPoolWindows(y, x, g)
}

// maxPoolWindows is MaxPool2D for any geometry.
func maxPoolWindows[T Float](y, x []T, g PoolGeom) {
	for p := range g.N * g.C {
		plane, out := x[p*g.H*g.W:(p+1)*g.H*g.W], y[p*g.OH*g.OW:(p+1)*g.OH*g.OW]
		for oy := range g.OH {
			for ox := range g.OW {
				out[oy*g.OW+ox] = plane[firstMax(plane, g, oy, ox)]
			}
		}
	}
}

// MaxPool2DGrad computes dx, the gradient of MaxPool2D: each element of dy is added
// at the first maximum of its window of x. dx is overwritten. It does not allocate.
//
// MaxPool2DGrad panics if g is inconsistent or a slice is too short.
func MaxPool2DGrad[T Float](dx, x, dy []T, g PoolGeom) {
	g.check("MaxPool2DGrad", len(x), len(dy))
	g.check("MaxPool2DGrad", len(dx), len(dy))
	if g.is2x2() {
		maxPool2x2Grad(dx, x, dy, g)
		return
	}
	maxPoolGradWindows(dx, x, dy, g)
}

// maxPoolGradWindows is MaxPool2DGrad for any geometry.
func maxPoolGradWindows[T Float](dx, x, dy []T, g PoolGeom) {
	clear(dx[:g.N*g.C*g.H*g.W])
	for p := range g.N * g.C {
		plane, grad := x[p*g.H*g.W:(p+1)*g.H*g.W], dx[p*g.H*g.W:(p+1)*g.H*g.W]
		up := dy[p*g.OH*g.OW : (p+1)*g.OH*g.OW]
		for oy := range g.OH {
			for ox := range g.OW {
				grad[firstMax(plane, g, oy, ox)] += up[oy*g.OW+ox]
			}
		}
	}
}

// MaxPool2DGather computes y, for each window of x, the element of h (shaped like x)
// at the window's first maximum. It does not allocate.
//
// MaxPool2DGather panics if g is inconsistent or a slice is too short.
func MaxPool2DGather[T Float](y, x, h []T, g PoolGeom) {
	g.check("MaxPool2DGather", len(x), len(y))
	g.check("MaxPool2DGather", len(h), len(y))
	for p := range g.N * g.C {
		plane, src := x[p*g.H*g.W:(p+1)*g.H*g.W], h[p*g.H*g.W:(p+1)*g.H*g.W]
		out := y[p*g.OH*g.OW : (p+1)*g.OH*g.OW]
		for oy := range g.OH {
			for ox := range g.OW {
				out[oy*g.OW+ox] = src[firstMax(plane, g, oy, ox)]
			}
		}
	}
}

// AvgPool2D computes y, the mean of each window of x with the padding counted as
// zeros in the divisor KH*KW (PyTorch's count_include_pad=True). It does not allocate.
//
// AvgPool2D panics if g is inconsistent or a slice is too short.
func AvgPool2D[T Float](y, x []T, g PoolGeom) {
	g.check("AvgPool2D", len(x), len(y))
	inv := 1 / T(g.KH*g.KW)
	for p := range g.N * g.C {
		plane, out := x[p*g.H*g.W:(p+1)*g.H*g.W], y[p*g.OH*g.OW:(p+1)*g.OH*g.OW]
		for oy := range g.OH {
			for ox := range g.OW {
				y0, y1, x0, x1 := g.window(oy, ox)
				var s T
				for iy := y0; iy < y1; iy++ {
					for _, v := range plane[iy*g.W+x0 : iy*g.W+x1] {
						s += v
					}
				}
				out[oy*g.OW+ox] = s * inv
			}
		}
	}
}

// AvgPool2DGrad computes dx, the gradient of AvgPool2D: each element of dy divided by
// KH*KW and added over its window. dx is overwritten. It does not allocate.
//
// AvgPool2DGrad panics if g is inconsistent or a slice is too short.
func AvgPool2DGrad[T Float](dx, dy []T, g PoolGeom) {
	g.check("AvgPool2DGrad", len(dx), len(dy))
	inv := 1 / T(g.KH*g.KW)
	clear(dx[:g.N*g.C*g.H*g.W])
	for p := range g.N * g.C {
		grad, up := dx[p*g.H*g.W:(p+1)*g.H*g.W], dy[p*g.OH*g.OW:(p+1)*g.OH*g.OW]
		for oy := range g.OH {
			for ox := range g.OW {
				y0, y1, x0, x1 := g.window(oy, ox)
				d := up[oy*g.OW+ox] * inv
				for iy := y0; iy < y1; iy++ {
					row := grad[iy*g.W+x0 : iy*g.W+x1]
					for i := range row {
						row[i] += d
					}
				}
			}
		}
	}
}
