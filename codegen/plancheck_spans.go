package codegen

import "github.com/nncc/nncc/ir"

// spanSet is a set of disjoint ranges of one arena, each holding a value. A treap
// keeps them ordered by offset, so inserting, removing and finding the ranges that
// meet a given range take logarithmic time.
type spanSet struct {
	root *spanNode
	seed uint64
}

type spanNode struct {
	off, end    int // the range [off, end)
	v           *ir.Value
	prio        uint64
	left, right *spanNode
}

// insert adds the range [off, end) holding v. It must not meet a range of the set.
func (s *spanSet) insert(off, end int, v *ir.Value) {
	s.seed += 0x9e3779b97f4a7c15
	n := &spanNode{off: off, end: end, v: v, prio: mix64(s.seed)}
	l, r := splitSpans(s.root, off)
	s.root = mergeSpans(mergeSpans(l, n), r)
}

// remove deletes the range that starts at off if it holds v.
func (s *spanSet) remove(off int, v *ir.Value) {
	l, r := splitSpans(s.root, off)
	m, r := splitSpans(r, off+1)
	if m != nil && m.v != v {
		l = mergeSpans(l, m)
	}
	s.root = mergeSpans(l, r)
}

// meeting returns the ranges of the set that meet [off, end), by offset.
func (s *spanSet) meeting(off, end int) []*spanNode {
	var found []*spanNode
	var walk func(n *spanNode)
	walk = func(n *spanNode) {
		if n == nil {
			return
		}
		// The ranges are disjoint, so those left of n end by n.off.
		if n.off > off {
			walk(n.left)
		}
		if n.off < end && n.end > off {
			found = append(found, n)
		}
		if n.off < end {
			walk(n.right)
		}
	}
	walk(s.root)
	return found
}

// splitSpans splits the treap n into the ranges that start before off and the
// others.
func splitSpans(n *spanNode, off int) (*spanNode, *spanNode) {
	if n == nil {
		return nil, nil
	}
	if n.off < off {
		l, r := splitSpans(n.right, off)
		n.right = l
		return n, r
	}
	l, r := splitSpans(n.left, off)
	n.left = r
	return l, n
}

// mergeSpans joins treaps a and b, where every range of a starts before every
// range of b.
func mergeSpans(a, b *spanNode) *spanNode {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	case a.prio > b.prio:
		a.right = mergeSpans(a.right, b)
		return a
	}
	b.left = mergeSpans(a, b.left)
	return b
}

// mix64 scrambles x (the SplitMix64 finalizer), giving treap priorities that
// are deterministic but spread.
func mix64(x uint64) uint64 {
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
