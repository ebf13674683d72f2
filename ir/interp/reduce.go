package interp

import (
	"math"
	"slices"

	"github.com/nncc/nncc/ir"
)

// reduce computes sum, mean, reduce_max or argmax of x over v.Attrs.Axes into out.
// Visiting x in row-major order meets the elements of each reduced group in
// increasing order along every reduced axis, so argmax's first maximum is the first
// one met.
func reduce(v *ir.Value, x, out *Tensor) {
	axes := v.Attrs.Axes
	// keep is x's shape with the reduced axes at extent 1: out's elements in the
	// same order, whether or not the result keeps those axes.
	keep := slices.Clone(x.Shape)
	count := 1
	for _, a := range axes {
		count *= keep[a]
		keep[a] = 1
	}
	keepStrides := strides(keep)

	best := make([]float64, len(out.Data)) // reduce_max and argmax: the maximum so far
	seen := make([]bool, len(out.Data))
	idx := make([]int, len(x.Shape))
	for i, e := range x.Data {
		unravel(i, x.Shape, idx)
		pos := 0 // position along the reduced axes, in row-major order of those axes
		for _, a := range axes {
			pos = pos*x.Shape[a] + idx[a]
			idx[a] = 0
		}
		o := ravel(idx, keepStrides)
		switch v.Op {
		case ir.OpSum, ir.OpMean:
			out.Data[o] += e
		case ir.OpReduceMax:
			if !seen[o] {
				best[o], seen[o] = e, true
			} else {
				best[o] = maxNaN(best[o], e)
			}
			out.Data[o] = best[o]
		case ir.OpArgMax:
			// NaN counts as greater than every number, as in PyTorch, so the
			// first NaN wins.
			if !seen[o] || (!math.IsNaN(best[o]) && (e > best[o] || math.IsNaN(e))) {
				best[o], seen[o] = e, true
				out.Data[o] = float64(pos)
			}
		}
	}
	if v.Op == ir.OpMean {
		for i := range out.Data {
			out.Data[i] /= float64(count)
		}
	}
}

// matMul computes op(a)·op(b) into out, where op transposes the last two dimensions
// when transA or transB is set, for every index of the shared leading dimensions.
func matMul(a, b *Tensor, transA, transB bool, out *Tensor) {
	r := len(a.Shape)
	m, n := out.Shape[r-2], out.Shape[r-1]
	k := a.Shape[r-1]
	if transA {
		k = a.Shape[r-2]
	}
	batches := numElems(out.Shape[:r-2])
	aRows, aCols := a.Shape[r-2], a.Shape[r-1]
	bRows, bCols := b.Shape[r-2], b.Shape[r-1]
	for l := range batches {
		aBase, bBase, oBase := l*aRows*aCols, l*bRows*bCols, l*m*n
		for i := range m {
			for j := range n {
				s := 0.0
				for p := range k {
					ai := aBase + i*aCols + p
					if transA {
						ai = aBase + p*aCols + i
					}
					bi := bBase + p*bCols + j
					if transB {
						bi = bBase + j*bCols + p
					}
					s += a.Data[ai] * b.Data[bi]
				}
				out.Data[oBase+i*n+j] = s
			}
		}
	}
}
