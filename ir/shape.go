package ir

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Batch marks the batch dimension in a Shape. It may appear only as the leading
// dimension, and its extent n is known only at run time, with 1 <= n <= MaxBatch.
const Batch = -1

// Shape lists the extents of a value's dimensions, outermost first. A scalar has an
// empty shape. Shape[0] may be Batch.
type Shape []int

// Rank returns the number of dimensions.
func (s Shape) Rank() int { return len(s) }

// HasBatch reports whether the leading dimension is the batch dimension.
func (s Shape) HasBatch() bool { return len(s) > 0 && s[0] == Batch }

// Equal reports whether s and t have the same dimensions.
func (s Shape) Equal(t Shape) bool {
	if len(s) != len(t) {
		return false
	}
	for i := range s {
		if s[i] != t[i] {
			return false
		}
	}
	return true
}

// Clone returns a copy of s that shares no memory with it.
func (s Shape) Clone() Shape {
	if s == nil {
		return nil
	}
	return append(Shape{}, s...)
}

// Elems returns the number of elements with the batch dimension at extent n.
func (s Shape) Elems(n int) int {
	e := 1
	for _, d := range s {
		if d == Batch {
			d = n
		}
		e *= d
	}
	return e
}

// StaticElems returns the number of elements per batch row: the product of every
// dimension but the batch dimension. For a shape without a batch dimension it is
// the total number of elements.
func (s Shape) StaticElems() int { return s.Elems(1) }

// String returns the text form of s, for example [N,784] or [] for a scalar.
func (s Shape) String() string {
	var b strings.Builder
	b.WriteByte('[')
	for i, d := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		if d == Batch {
			b.WriteByte('N')
		} else {
			b.WriteString(strconv.Itoa(d))
		}
	}
	b.WriteByte(']')
	return b.String()
}

// BroadcastShapes returns the NumPy broadcast of a and b: shapes are aligned at the
// trailing dimension, and each pair of dimensions must be equal or contain a 1. The
// batch dimension broadcasts like any other extent greater than 1 and stays leading.
func BroadcastShapes(a, b Shape) (Shape, error) {
	r := max(len(a), len(b))
	out := make(Shape, r)
	for i := 1; i <= r; i++ {
		da, db := 1, 1
		if i <= len(a) {
			da = a[len(a)-i]
		}
		if i <= len(b) {
			db = b[len(b)-i]
		}
		switch {
		case da == db:
			out[r-i] = da
		case da == 1:
			out[r-i] = db
		case db == 1:
			out[r-i] = da
		default:
			return nil, fmt.Errorf("shapes %v and %v do not broadcast", a, b)
		}
	}
	for i, d := range out {
		if d == Batch && i != 0 {
			return nil, fmt.Errorf("shapes %v and %v broadcast the batch dimension away from the leading axis", a, b)
		}
	}
	return out, nil
}

// checkShape returns an error unless every dimension is positive or, for the leading
// one only, Batch.
func checkShape(s Shape) error {
	for i, d := range s {
		if d == Batch && i == 0 {
			continue
		}
		if d <= 0 {
			return fmt.Errorf("shape %v: dimension %d is %d, want a positive extent", s, i, d)
		}
	}
	return nil
}

// checkElems returns an error if the element count of the valid shape s at batch
// extent maxBatch does not fit in an int. Without it, extents whose product wraps
// around could pass the element-count checks of reshape.
func checkElems(s Shape, maxBatch int) error {
	e := 1
	for _, d := range s {
		if d == Batch {
			d = max(maxBatch, 1)
		}
		if d > 0 && e > math.MaxInt/d {
			return fmt.Errorf("shape %v has too many elements at batch extent %d", s, max(maxBatch, 1))
		}
		e *= d
	}
	return nil
}
