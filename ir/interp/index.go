package interp

import (
	"fmt"
)

// indexedPositions calls fn for every element of a tensor of shape
// table[:axis] + indices + table[axis+1:], the shape of a gather result or of
// scatter_add's updates, with that element's position and the position in table
// it reads or writes. It returns an error for an index outside [0, table[axis]).
func indexedPositions(table []int, indices *Tensor, axis int, fn func(pos, tablePos int)) error {
	shape := append(append(append([]int{}, table[:axis]...), indices.Shape...), table[axis+1:]...)
	tableStrides := strides(table)
	indexStrides := strides(indices.Shape)
	r := len(indices.Shape)
	idx := make([]int, len(shape))
	at := make([]int, len(table))
	for i := range numElems(shape) {
		unravel(i, shape, idx)
		k := indices.Data[ravel(idx[axis:axis+r], indexStrides)]
		if k < 0 || k >= float64(table[axis]) {
			return fmt.Errorf("index %v out of range [0, %d) along axis %d", k, table[axis], axis)
		}
		copy(at, idx[:axis])
		at[axis] = int(k)
		copy(at[axis+1:], idx[axis+r:])
		fn(i, ravel(at, tableStrides))
	}
	return nil
}

func gather(table, indices *Tensor, axis int, out *Tensor) error {
	return indexedPositions(table.Shape, indices, axis, func(pos, tablePos int) {
		out.Data[pos] = table.Data[tablePos]
	})
}

func scatterAdd(indices, updates *Tensor, axis int, out *Tensor) error {
	return indexedPositions(out.Shape, indices, axis, func(pos, tablePos int) {
		out.Data[tablePos] += updates.Data[pos]
	})
}

// oneHot sets out[..., k] to 1 where indices[...] is k; an index outside [0, depth)
// leaves its row zero.
func oneHot(indices *Tensor, depth int, out *Tensor) {
	for i, k := range indices.Data {
		if k >= 0 && k < float64(depth) {
			out.Data[i*depth+int(k)] = 1
		}
	}
}
