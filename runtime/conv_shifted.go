package runtime

import "math"

// Shifted-window convolution for stride 1, float32 only.
//
// The channels of one sample are copied into a zero-padded buffer of hp×wp planes. For
// stride 1, output position (oy, ox) maps to the virtual column j = oy*wp + ox, and tap
// (c, ky, kx) of that window is at c*hp*wp + ky*DilH*wp + kx*DilW + j of the buffer. So
// row t of the im2col matrix over the virtual columns is the buffer itself, starting at
// the offset of tap t. The micro-kernels read the windows in place through a table of
// offsets, and no im2col matrix is built. The columns with ox >= OW are computed and
// dropped, which costs (wp-OW)/wp of the work.
//
//   - Forward: convGemm multiplies the packed weights by the virtual columns into a
//     virtual output, whose valid columns are then copied into y.
//   - Input gradient: the forward form of dy padded by Dil*(K-1)-Pad, with the
//     weights flipped in space and their two channel axes swapped.
//   - Filter gradient: each element of dw is the dot product of a row of dy, laid out
//     on the virtual columns with zeros at the dropped ones, and the buffer row of its
//     tap. convDot computes 6×2 of these dot products at a time.

// shiftedSlack is the length of the zero tail after the padded buffer, which the last
// tile of kernelNR virtual columns reads past the last valid column.
const shiftedSlack = kernelNR

// shiftedKC is the largest number of taps one convGemm call sums. It is the length of
// the offset table on the stack.
const shiftedKC = 512

// shiftedForm is a stride-1 convolution with the extents of its shifted-window form.
// Its padding may be negative (in the input gradient's form), which crops the input.
type shiftedForm struct {
	g         ConvGeom
	cg, og, k int  // channels per group in and out, taps per output channel
	hp, wp    int  // padded input plane
	plane     int  // hp*wp
	jv        int  // virtual columns: (OH-1)*wp + OW
	mr        int  // rows of a panel of packed weights: kernelMR, or 8 (newForwardForm)
	rows      int  // og rounded up to mr
	jt        int  // jv rounded up to kernelNR
	jd        int  // jv rounded up to convDotLanes
	bufLen    int  // C*plane + shiftedSlack
	skipRows  bool // forwardGroup skips kernel rows that read only padding
}

// roundUp returns x rounded up to a multiple of m.
func roundUp(x, m int) int { return (x + m - 1) / m * m }

// newShiftedForm returns the shifted-window form of g, which must have stride 1.
func newShiftedForm(g ConvGeom) shiftedForm {
	f := shiftedForm{g: g, cg: g.C / g.Groups, og: g.O / g.Groups}
	f.k = f.cg * g.KH * g.KW
	f.hp, f.wp = g.H+2*g.PadH, g.W+2*g.PadW
	f.plane = f.hp * f.wp
	f.jv = (g.OH-1)*f.wp + g.OW
	f.mr = kernelMR
	f.rows = roundUp(f.og, kernelMR)
	f.jt = roundUp(f.jv, kernelNR)
	f.jd = roundUp(f.jv, convDotLanes)
	f.bufLen = g.C*f.plane + shiftedSlack
	f.skipRows = f.skipsRows()
	return f
}

// newForwardForm returns the form of g, which must have stride 1, that the forward
// kernels run (shiftedConv2D and shiftedInputGrad). Where g pads its columns by p > 0,
// consecutive rows of the buffer share their padding: a row holds the W input values
// and p zeros, wp = W+p instead of W+2p (or OW, if that is more), so that fewer virtual
// columns are dropped. A tap that reaches past the end of a row reads the zeros at the
// start of the next one, so every output sums the values of newShiftedForm's layout in
// the same order and gets the same bits. The filter gradient keeps newShiftedForm's
// layout, whose lanes fix the order of its sums. Where the AVX-512 kernels run, the
// weights are packed in panels of 8 rows if those cover no more rows than panels of
// kernelMR, with the same bits. The buffers are no longer than newShiftedForm's.
func newForwardForm(g ConvGeom) shiftedForm {
	f := newShiftedForm(g)
	p := g.PadW
	if wp := max(g.W+p, g.OW); p > 0 && wp < f.wp {
		f.wp = wp
		f.plane = f.hp * f.wp
		f.jv = (g.OH-1)*f.wp + g.OW
		f.jt = roundUp(f.jv, kernelNR)
		f.jd = roundUp(f.jv, convDotLanes)
		// A tap of the last row of the last channel reaches up to p values past the
		// planes.
		f.bufLen = g.C*f.plane + p + shiftedSlack
	}
	if f.dotRows() == 8 {
		// Panels of 8 rows for the AVX-512 kernels where they cover no more rows.
		f.mr, f.rows = 8, roundUp(f.og, 8)
	}
	return f
}

// shiftedFits reports whether g can run in the shifted-window form: stride 1 and
// offsets that fit the int32 table.
func shiftedFits(g ConvGeom) bool {
	if g.StrideH != 1 || g.StrideW != 1 {
		return false
	}
	f := newShiftedForm(g)
	return f.bufLen+f.jt < math.MaxInt32 && g.O*f.jd < math.MaxInt32
}

// inputGradForm returns the forward convolution whose output is the input gradient
// of g: dy padded by Dil*(K-1)-Pad, convolved with the flipped, channel-swapped weights.
func inputGradForm(g ConvGeom) ConvGeom {
	return ConvGeom{
		N: g.N, C: g.O, H: g.OH, W: g.OW, O: g.C, KH: g.KH, KW: g.KW, OH: g.H, OW: g.W,
		StrideH: 1, StrideW: 1, DilH: g.DilH, DilW: g.DilW, Groups: g.Groups,
		PadH: g.DilH*(g.KH-1) - g.PadH, PadW: g.DilW*(g.KW-1) - g.PadW,
	}
}

// packedLen is the length of the weights packed by packWeights.
func (f shiftedForm) packedLen() int { return f.g.Groups * f.rows * f.k }

// forwardSlot is the length of one slot of shiftedForward: the padded buffer and the
// virtual output.
func (f shiftedForm) forwardSlot() int { return f.bufLen + f.rows*f.jt }

// forwardScratch is the scratch of shiftedForward with its packed weights.
func (f shiftedForm) forwardScratch() int { return f.packedLen() + convSlots*f.forwardSlot() }

// accLen is the length of the partial sums of shiftedFilterGrad in one slot.
func (f shiftedForm) accLen() int {
	return f.g.Groups * f.rows * roundUp(f.k, 2) * convDotLanes
}

// filterGradSlot is the length of one slot of shiftedFilterGrad: the padded buffer,
// the rows of dy on the virtual columns, the partial sums in lanes and the part's sum
// of dw.
func (f shiftedForm) filterGradSlot() int {
	return f.bufLen + f.g.O*f.jd + f.accLen() + f.g.O*f.k
}

// filterGradScratch is the scratch of shiftedFilterGrad.
func (f shiftedForm) filterGradScratch() int { return f.filterSlots() * f.filterGradSlot() }

// filterSlots is the number of slots of shiftedFilterGrad: convSlots, or fewer where
// the slots would exceed filterScratchBudget elements, but at least one.
func (f shiftedForm) filterSlots() int {
	return min(max(filterScratchBudget/f.filterGradSlot(), 1), convSlots)
}

// filterScratchBudget bounds the scratch elements of shiftedFilterGrad beyond its first
// slot. A slot holds 8 partial sums per weight, so the slots of large layers take more
// memory than their weights.
// NOTE: the bound is a judgment of acceptable memory (16 MiB of float32), not measured.
const filterScratchBudget = 1 << 22

// padPlanes copies the c planes of h×w at src into the planes of hp×wp at dst, shifted
// down by ph rows and right by pw columns. Elements that fall outside dst are dropped.
// The elements of dst that no source element reaches keep their values.
func padPlanes(dst, src []float32, c, h, w, hp, wp, ph, pw int) {
	x0, x1 := max(0, -pw), min(w, wp-pw)
	y0, y1 := max(0, -ph), min(h, hp-ph)
	for ch := range c {
		in, out := src[ch*h*w:(ch+1)*h*w], dst[ch*hp*wp:(ch+1)*hp*wp]
		copyRows(out[(y0+ph)*wp+x0+pw:], in[y0*w+x0:], y1-y0, x1-x0, wp, w)
	}
}

// tap returns the input channel and kernel position of tap t of the forward form. The
// taps run over ky, then c, then kx, so that the taps of a range of kernel rows, which
// forwardGroup skips where they read only padding rows, are contiguous.
func (f shiftedForm) tap(t int) (c, ky, kx int) {
	r := t / f.g.KW
	return r % f.cg, r / f.cg, t % f.g.KW
}

// tapOffsets writes the buffer offset of taps k0.. of one group into off and returns
// the largest.
func (f shiftedForm) tapOffsets(off []int32, k0 int) int {
	hi := 0
	for p := range off {
		c, ky, kx := f.tap(k0 + p)
		o := c*f.plane + ky*f.g.DilH*f.wp + kx*f.g.DilW
		off[p] = int32(o)
		hi = max(hi, o)
	}
	return hi
}

// kernelRows returns the range [lo, hi) of kernel rows that read a buffer row holding
// input, not padding, for some output row from oy0 to oy1.
func (f shiftedForm) kernelRows(oy0, oy1 int) (lo, hi int) {
	g := f.g
	r0, r1 := max(0, g.PadH), min(f.hp, g.PadH+g.H) // rows with input
	if g.DilH == 1 {                                // no division: this runs once per tile on small planes
		lo, hi = max(0, r0-oy1), min(g.KH, r1-oy0)
		return lo, max(lo, hi)
	}
	lo = (max(0, r0-oy1) + g.DilH - 1) / g.DilH
	hi = min(g.KH, (r1-1-oy0)/g.DilH+1)
	return lo, max(lo, hi)
}

// packWeights packs the weights of every group for convGemm. Panel r of group grp
// contains, tap by tap in the order of tap, the weights of the group's output channels
// r to r+f.mr-1, zero past og. With flip set, w is the weight of the original
// convolution and f the input gradient's form: the weight of output channel o and tap
// (c, ky, kx) of f is the original weight of output channel c, input channel o and tap
// (KH-1-ky, KW-1-kx).
func (f shiftedForm) packWeights(dst, w []float32, flip bool) {
	kh, kw := f.g.KH, f.g.KW
	for grp := range f.g.Groups {
		for r := 0; r < f.rows; r += f.mr {
			panel := dst[(grp*f.rows+r)*f.k : (grp*f.rows+r+f.mr)*f.k]
			for t := range f.k {
				c, ky, kx := f.tap(t)
				col := panel[t*f.mr : (t+1)*f.mr]
				for i := range col {
					o := r + i
					switch {
					case o >= f.og:
						col[i] = 0
					case flip:
						// f.cg and f.og are the original og and cg.
						col[i] = w[(((grp*f.cg+c)*f.og+o)*kh+kh-1-ky)*kw+kw-1-kx]
					default:
						col[i] = w[(((grp*f.og+o)*f.cg+c)*kh+ky)*kw+kx]
					}
				}
			}
		}
	}
}
