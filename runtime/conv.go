package runtime

import "fmt"

// ConvGeom describes one 2-D convolution over row-major NCHW tensors with PyTorch's
// F.conv2d semantics: input x is [N,C,H,W], weight w is [O,C/Groups,KH,KW] and the
// output y is [N,O,OH,OW], with OH = (H+2*PadH-DilH*(KH-1)-1)/StrideH+1 and OW alike.
type ConvGeom struct {
	N, C, H, W       int
	O, KH, KW        int
	OH, OW           int
	StrideH, StrideW int
	PadH, PadW       int
	DilH, DilW       int
	Groups           int
}

// ScratchLen returns the number of scratch elements the convolution kernels need for
// g, whichever algorithm runs each of them (see convAlgoFor). That is the larger of one
// im2col matrix of (C/Groups)*KH*KW rows by OH*OW columns and the buffers of each
// kernel that may run in the shifted-window form. It depends neither on the batch size
// N nor on the CPU.
func (g ConvGeom) ScratchLen() int {
	n := g.C / g.Groups * g.KH * g.KW * g.OH * g.OW
	if shiftedApplies(convForward, g) {
		n = max(n, newShiftedForm(g).forwardScratch())
	}
	if shiftedApplies(convInputGrad, g) {
		n = max(n, newShiftedForm(inputGradForm(g)).forwardScratch())
	}
	if shiftedApplies(convFilterGrad, g) {
		n = max(n, newShiftedForm(g).filterGradScratch())
	}
	return n
}

// check panics unless g is consistent and the slices hold their tensors.
func (g ConvGeom) check(fn string, lenX, lenW, lenY, lenCol int) {
	dims := []int{g.C, g.H, g.W, g.O, g.KH, g.KW, g.OH, g.OW, g.StrideH, g.StrideW, g.DilH, g.DilW, g.Groups}
	for _, d := range dims {
		if d < 1 {
			panic(fmt.Sprintf("nncc: %s: invalid geometry %+v", fn, g))
		}
	}
	if g.N < 0 || g.PadH < 0 || g.PadW < 0 || g.C%g.Groups != 0 || g.O%g.Groups != 0 ||
		g.OH != (g.H+2*g.PadH-g.DilH*(g.KH-1)-1)/g.StrideH+1 ||
		g.OW != (g.W+2*g.PadW-g.DilW*(g.KW-1)-1)/g.StrideW+1 {
		panic(fmt.Sprintf("nncc: %s: invalid geometry %+v", fn, g))
	}
	if lenX < g.N*g.C*g.H*g.W || lenW < g.O*g.C/g.Groups*g.KH*g.KW ||
		lenY < g.N*g.O*g.OH*g.OW || lenCol < g.ScratchLen() {
		panic(fmt.Sprintf("nncc: %s: slice too short for %+v: len(x)=%d len(w)=%d len(y)=%d len(scratch)=%d",
			fn, g, lenX, lenW, lenY, lenCol))
	}
}

// Conv2D computes y = conv2d(x, w) as above, overwriting y. Float32 convolutions with
// stride 1 run the shifted-window kernels on CPUs with AVX2 and FMA, split across the
// worker pool when large, and the others im2col and MatMul (convAlgoFor has the rule).
// col is scratch of at least g.ScratchLen() elements and must not overlap the other
// slices. Conv2D does not allocate, apart from the first use of the worker pool.
//
// Conv2D panics if g is inconsistent or a slice is too short.
func Conv2D[T Float](y, x, w, col []T, g ConvGeom) {
	g.check("Conv2D", len(x), len(w), len(y), len(col))
	if convAlgoFor(convForward, g, isFloat32[T]()) == convShifted {
		shiftedConv2D(asF32(y), asF32(x), asF32(w), asF32(col), g)
		return
	}
	conv2DIm2col(y, x, w, col, g)
}

// conv2DIm2col is Conv2D by im2col: for each sample and group it unrolls the input
// windows into col and multiplies the group's weights by it with MatMul.
func conv2DIm2col[T Float](y, x, w, col []T, g ConvGeom) {
	cg, og, k, hw := g.C/g.Groups, g.O/g.Groups, g.C/g.Groups*g.KH*g.KW, g.OH*g.OW
	for n := range g.N {
		for grp := range g.Groups {
			xs := x[(n*g.C+grp*cg)*g.H*g.W:]
			im2col(col, xs, cg, g)
			ys := y[(n*g.O+grp*og)*hw:]
			MatMul(ys, w[grp*og*k:], col, og, k, hw, false, false)
		}
	}
}

// Conv2DInputGrad computes dx, the gradient of conv2d with respect to x given the
// upstream gradient dy [N,O,OH,OW], overwriting dx, with the algorithms of Conv2D.
// col is scratch as for Conv2D. It does not allocate, apart from the first use of the
// worker pool.
//
// Conv2DInputGrad panics if g is inconsistent or a slice is too short.
func Conv2DInputGrad[T Float](dx, dy, w, col []T, g ConvGeom) {
	g.check("Conv2DInputGrad", len(dx), len(w), len(dy), len(col))
	if convAlgoFor(convInputGrad, g, isFloat32[T]()) == convShifted {
		shiftedInputGrad(asF32(dx), asF32(dy), asF32(w), asF32(col), g)
		return
	}
	conv2DInputGradIm2col(dx, dy, w, col, g)
}

// conv2DInputGradIm2col is Conv2DInputGrad by im2col: for each sample and group
// col = Wᵀ·dy, then col2im adds the columns back at their window positions.
func conv2DInputGradIm2col[T Float](dx, dy, w, col []T, g ConvGeom) {
	cg, og, k, hw := g.C/g.Groups, g.O/g.Groups, g.C/g.Groups*g.KH*g.KW, g.OH*g.OW
	clear(dx[:g.N*g.C*g.H*g.W])
	for n := range g.N {
		for grp := range g.Groups {
			MatMul(col, w[grp*og*k:], dy[(n*g.O+grp*og)*hw:], k, og, hw, true, false)
			col2imAdd(dx[(n*g.C+grp*cg)*g.H*g.W:], col, cg, g)
		}
	}
}

// Conv2DFilterGrad computes dw, the gradient of conv2d with respect to w given the
// input x and the upstream gradient dy, summed over the samples, overwriting dw, with
// the algorithms of Conv2D. col is scratch as for Conv2D. It does not allocate, apart
// from the first use of the worker pool.
//
// Conv2DFilterGrad panics if g is inconsistent or a slice is too short.
func Conv2DFilterGrad[T Float](dw, x, dy, col []T, g ConvGeom) {
	g.check("Conv2DFilterGrad", len(x), len(dw), len(dy), len(col))
	if convAlgoFor(convFilterGrad, g, isFloat32[T]()) == convShifted {
		shiftedFilterGrad(asF32(dw), asF32(x), asF32(dy), asF32(col), g)
		return
	}
	conv2DFilterGradIm2col(dw, x, dy, col, g)
}

// conv2DFilterGradIm2col is Conv2DFilterGrad by im2col: for each sample and group
// dw += dy·colᵀ with col the im2col matrix of x.
func conv2DFilterGradIm2col[T Float](dw, x, dy, col []T, g ConvGeom) {
	cg, og, k, hw := g.C/g.Groups, g.O/g.Groups, g.C/g.Groups*g.KH*g.KW, g.OH*g.OW
	clear(dw[:g.O*k])
	for n := range g.N {
		for grp := range g.Groups {
			im2col(col, x[(n*g.C+grp*cg)*g.H*g.W:], cg, g)
			MatMulAcc(dw[grp*og*k:], dy[(n*g.O+grp*og)*hw:], col, og, hw, k, false, true)
		}
	}
}

// im2col writes the windows of the cg channels of one sample x into col, a row-major
// matrix with one row per (channel, ky, kx) tap and one column per output position;
// taps in the padding are zero.
func im2col[T Float](col, x []T, cg int, g ConvGeom) {
	hw := g.OH * g.OW
	row := 0
	for c := range cg {
		plane := x[c*g.H*g.W : (c+1)*g.H*g.W]
		for ky := range g.KH {
			for kx := range g.KW {
				dst := col[row*hw : (row+1)*hw]
				row++
				off := kx*g.DilW - g.PadW
				lo, hi := g.inside(off, g.StrideW, g.W, g.OW)
				for oy := range g.OH {
					iy := oy*g.StrideH - g.PadH + ky*g.DilH
					out := dst[oy*g.OW : (oy+1)*g.OW]
					if iy < 0 || iy >= g.H {
						clear(out)
						continue
					}
					src := plane[iy*g.W : (iy+1)*g.W]
					clear(out[:lo])
					clear(out[hi:])
					if g.StrideW == 1 && lo < hi {
						copy(out[lo:hi], src[lo+off:hi+off])
						continue
					}
					for ox := lo; ox < hi; ox++ {
						out[ox] = src[ox*g.StrideW+off]
					}
				}
			}
		}
	}
}

// inside returns the range [lo, hi) of output columns ox whose input column
// ox*stride+off lies in [0, w), clipped to [0, ow).
func (g ConvGeom) inside(off, stride, w, ow int) (lo, hi int) {
	if off < 0 {
		lo = (-off + stride - 1) / stride
	}
	hi = 0
	if w-off > 0 {
		hi = (w - off + stride - 1) / stride
	}
	lo, hi = min(lo, ow), min(hi, ow)
	return lo, max(lo, hi)
}

// col2imAdd is the adjoint of im2col: it adds each element of col to the input
// position its tap reads, skipping taps in the padding.
func col2imAdd[T Float](x, col []T, cg int, g ConvGeom) {
	hw := g.OH * g.OW
	row := 0
	for c := range cg {
		plane := x[c*g.H*g.W : (c+1)*g.H*g.W]
		for ky := range g.KH {
			for kx := range g.KW {
				srcRow := col[row*hw : (row+1)*hw]
				row++
				off := kx*g.DilW - g.PadW
				lo, hi := g.inside(off, g.StrideW, g.W, g.OW)
				for oy := range g.OH {
					iy := oy*g.StrideH - g.PadH + ky*g.DilH
					if iy < 0 || iy >= g.H {
						continue
					}
					dst := plane[iy*g.W : (iy+1)*g.W]
					src := srcRow[oy*g.OW : (oy+1)*g.OW]
					for ox := lo; ox < hi; ox++ {
						dst[ox*g.StrideW+off] += src[ox]
					}
				}
			}
		}
	}
}
