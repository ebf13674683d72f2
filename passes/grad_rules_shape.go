package passes

import (
	"slices"

	"github.com/nncc/nncc/ir"
)

// unbroadcast sums g, a gradient of a broadcast result, back to the shape to of the
// operand that was broadcast: over the leading axes that broadcasting added and over
// the axes where to has extent 1 and g does not.
func unbroadcast(b *ir.Builder, g *ir.Value, to ir.Shape) *ir.Value {
	if g.Shape.Equal(to) {
		return g
	}
	lead := g.Shape.Rank() - to.Rank()
	var axes []int
	for i, d := range g.Shape {
		if i < lead || (to[i-lead] == 1 && d != 1) {
			axes = append(axes, i)
		}
	}
	if lead == 0 {
		return b.Sum(g, axes, true)
	}
	s := b.Sum(g, axes, false)
	if s.Shape.Equal(to) {
		return s
	}
	return b.Reshape(s, to)
}

// gradMatMul emits the two products of the upstream gradient G for C = op(A)·op(B),
// with the transposes folded into the matmul flags:
//
//	plain:    dA = G·Bᵀ      dB = Aᵀ·G
//	TransA:   dA = B·Gᵀ      dB = A·G
//	TransB:   dA = G·B       dB = Gᵀ·A
//	both:     dA = Bᵀ·Gᵀ     dB = Gᵀ·Aᵀ
func gradMatMul(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	a, m := x[0], x[1]
	switch ta, tb := v.Attrs.TransA, v.Attrs.TransB; {
	case !ta && !tb:
		return []*ir.Value{b.MatMul(g, m, false, true), b.MatMul(a, g, true, false)}
	case ta && !tb:
		return []*ir.Value{b.MatMul(m, g, false, true), b.MatMul(a, g, false, false)}
	case !ta && tb:
		return []*ir.Value{b.MatMul(g, m, false, false), b.MatMul(g, a, true, false)}
	default:
		return []*ir.Value{b.MatMul(m, g, true, true), b.MatMul(g, a, true, true)}
	}
}

// expandReduced broadcasts the gradient g of a reduction v of x back to x's shape.
func expandReduced(b *ir.Builder, v, x, g *ir.Value) *ir.Value {
	return b.Broadcast(keepReduced(b, v, x, g), x.Shape)
}

// keepReduced returns r, a value of the reduction v's shape, reshaped so that the
// reduced axes of x are kept with extent 1.
func keepReduced(b *ir.Builder, v, x, r *ir.Value) *ir.Value {
	if v.Attrs.KeepDims {
		return r
	}
	keep := x.Shape.Clone()
	for _, a := range v.Attrs.Axes {
		keep[a] = 1
	}
	if keep.Equal(r.Shape) {
		return r
	}
	return b.Reshape(r, keep)
}

func gradSum(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	return oneGrad(expandReduced(b, v, x[0], g))
}

// gradMean divides by the number of elements reduced, taken with size so that a
// reduction over the batch axis divides by the run-time extent n.
func gradMean(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	count := b.Size(x[0], v.Attrs.Axes, g.DType)
	return oneGrad(b.Div(expandReduced(b, v, x[0], g), count))
}

// gradReduceMax splits g evenly among the elements equal to the maximum, like
// PyTorch's amax: g / count * mask, where mask marks those elements. A NaN maximum
// gives an empty mask and so NaN gradients for its whole group, as in PyTorch.
// torch.max with a dim routes the gradient to the returned index instead; nncc's
// reduce_max follows amax.
func gradReduceMax(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	in := x[0]
	mask := b.Cast(b.Binary(ir.OpEq, in, keepReduced(b, v, in, v)), g.DType)
	count := b.Sum(mask, v.Attrs.Axes, true)
	return oneGrad(b.Mul(b.Div(keepReduced(b, v, in, g), count), mask))
}

func gradReshape(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	return oneGrad(b.Reshape(g, x[0].Shape))
}

// gradTranspose applies the inverse permutation.
func gradTranspose(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	inv := make([]int, len(v.Attrs.Perm))
	for i, p := range v.Attrs.Perm {
		inv[p] = i
	}
	return oneGrad(b.Transpose(g, inv))
}

func gradBroadcast(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	return oneGrad(unbroadcast(b, g, x[0].Shape))
}

// gradSlice pads g with zeros back to x's shape, one concat per sliced axis.
func gradSlice(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	in := x[0]
	zero := b.ScalarLike(g, 0)
	for axis, d := range in.Shape {
		start, end := v.Attrs.Starts[axis], v.Attrs.Ends[axis]
		if d == ir.Batch || (start == 0 && end == d) {
			continue
		}
		var parts []*ir.Value
		if start > 0 {
			parts = append(parts, b.Broadcast(zero, withExtent(g.Shape, axis, start)))
		}
		parts = append(parts, g)
		if end < d {
			parts = append(parts, b.Broadcast(zero, withExtent(g.Shape, axis, d-end)))
		}
		g = b.Concat(axis, parts...)
	}
	return oneGrad(g)
}

func withExtent(s ir.Shape, axis, extent int) ir.Shape {
	s = s.Clone()
	s[axis] = extent
	return s
}

// gradConcat slices each operand's part out of g.
func gradConcat(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	axis := v.Attrs.Axis
	grads := make([]*ir.Value, len(x))
	offset := 0
	for i, xi := range x {
		starts := make([]int, v.Shape.Rank())
		ends := slices.Clone(v.Shape)
		starts[axis] = offset
		ends[axis] = offset + xi.Shape[axis]
		grads[i] = b.Slice(g, starts, ends)
		offset = ends[axis]
	}
	return grads
}

// gradGather adds each gathered slice's gradient back at its index; repeated
// indices accumulate.
func gradGather(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	return []*ir.Value{b.ScatterAdd(x[1], g, v.Attrs.Axis, x[0].Shape), nil}
}

// gradScatterAdd gathers the gradient of each update from the index it was added
// at. Neither op may index along the batch axis, so the gather always builds.
func gradScatterAdd(b *ir.Builder, v *ir.Value, x []*ir.Value, g *ir.Value) []*ir.Value {
	return []*ir.Value{nil, b.Gather(g, x[0], v.Attrs.Axis)}
}
