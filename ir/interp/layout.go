package interp

import (
	"github.com/nncc/nncc/ir"
)

func layout(v *ir.Value, args []*Tensor, n int, out *Tensor) {
	x := args[0]
	switch v.Op {
	case ir.OpReshape:
		copy(out.Data, x.Data)
	case ir.OpTranspose:
		transpose(x, v.Attrs.Perm, out)
	case ir.OpBroadcast:
		m := broadcastMap(out.Shape, x.Shape)
		for i := range out.Data {
			out.Data[i] = x.Data[m[i]]
		}
	case ir.OpSlice:
		slice(x, v.Attrs.Starts, out)
	case ir.OpConcat:
		concat(args, v.Attrs.Axis, out)
	}
}

// transpose writes x with its axes permuted into out: out's axis i is x's axis
// perm[i].
func transpose(x *Tensor, perm []int, out *Tensor) {
	xStrides := strides(x.Shape)
	idx := make([]int, len(out.Shape))
	for i := range out.Data {
		unravel(i, out.Shape, idx)
		p := 0
		for d, a := range perm {
			p += idx[d] * xStrides[a]
		}
		out.Data[i] = x.Data[p]
	}
}

// slice copies the block of x that starts at starts and has out's shape. The ends
// are implied by out's shape, which already has the batch end resolved to n.
func slice(x *Tensor, starts []int, out *Tensor) {
	xStrides := strides(x.Shape)
	idx := make([]int, len(out.Shape))
	for i := range out.Data {
		unravel(i, out.Shape, idx)
		for d := range idx {
			idx[d] += starts[d]
		}
		out.Data[i] = x.Data[ravel(idx, xStrides)]
	}
}

// concat writes the operands one after another along axis into out.
func concat(xs []*Tensor, axis int, out *Tensor) {
	outStrides := strides(out.Shape)
	offset := 0
	for _, x := range xs {
		idx := make([]int, len(x.Shape))
		for i, e := range x.Data {
			unravel(i, x.Shape, idx)
			idx[axis] += offset
			out.Data[ravel(idx, outStrides)] = e
		}
		offset += x.Shape[axis]
	}
}
