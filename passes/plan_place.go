package passes

import (
	"cmp"
	"math/rand/v2"
	"slices"
)

// placeBlocks returns an offset for each of blocks, which share one arena, and the
// arena's size in elements. Two blocks whose step ranges intersect get disjoint
// ranges of the arena. peak is the most elements of blocks live at one step, which
// no placement can go below.
//
// It tries an online strategy, which takes the blocks in step order as a running
// program would allocate them, then offline ones, which know every block's steps
// in advance (see placeOffline). Each order of placementOrders, with best fit and
// with first fit, runs on the blocks and on their mirror image in time (the last
// step first), and searchOffline improves each. The search ends at the first
// arena within 1/256 of peak; otherwise the smallest arena wins. Every choice is
// deterministic.
func placeBlocks(blocks []*block, nsteps, peak int) ([]int, int) {
	goal := peak + peak/256
	// Each placement compares up to n² pairs of blocks: bound the rounds so that
	// the 16 searches together stay near searchWork comparisons.
	n := max(1, len(blocks))
	rounds := min(maxSearchRounds, max(minSearchRounds, searchWork/(16*n*n)))
	offs, size := placeOnline(blocks, nsteps)
	// Blocks that share a step in the mirror image share one in the original.
	mirror := make([]*block, len(blocks))
	for i, b := range blocks {
		mirror[i] = &block{elems: b.elems, start: nsteps - b.end, end: nsteps - b.start}
	}
	for _, bs := range [][]*block{blocks, mirror} {
		for _, order := range placementOrders {
			for _, firstFit := range []bool{false, true} {
				if size <= goal {
					return offs, size
				}
				idx := make([]int, len(bs))
				for i := range idx {
					idx[i] = i
				}
				slices.SortStableFunc(idx, func(i, j int) int { return order(bs[i], bs[j]) })
				if o, s := searchOffline(bs, idx, firstFit, goal, size, rounds); s < size {
					offs, size = o, s
				}
			}
		}
	}
	return offs, size
}

// The rounds of each searchOffline lie between minSearchRounds and
// maxSearchRounds; within those, placeBlocks spends about searchWork comparisons
// of two blocks on all its searches together.
const (
	minSearchRounds = 8
	maxSearchRounds = 40
	searchWork      = 1 << 25
)

// searchOffline places blocks in the order idx (see placeOffline). Then, for up to
// rounds rounds or until the arena is at most goal elements, it moves each
// block that ends above goal a pseudo-random distance earlier in the order and
// places the blocks again: a squeaky-wheel search. It returns the best placement
// found if its arena is below bound, or else nil and bound.
func searchOffline(blocks []*block, idx []int, firstFit bool, goal, bound, rounds int) ([]int, int) {
	var best []int
	rng := rand.New(rand.NewPCG(uint64(len(blocks)), uint64(goal)))
	offs, size := placeOffline(blocks, idx, firstFit)
	for round := 0; ; round++ {
		if size < bound {
			best, bound = offs, size
		}
		if bound <= goal || round == rounds {
			return best, bound
		}
		for k, i := range idx {
			if offs[i]+blocks[i].elems > goal && k > 0 {
				to := max(0, k-1-rng.IntN(max(1, len(idx)/4)))
				copy(idx[to+1:k+1], idx[to:k])
				idx[to] = i
			}
		}
		offs, size = placeOffline(blocks, idx, firstFit)
	}
}

// placementOrders are the orders in which placeOffline may place blocks. The
// first two sort by size, largest first, with ties by first step or by the number
// of steps spanned. The others sort by size times that number of steps, and by
// that number of steps.
var placementOrders = []func(a, b *block) int{
	func(a, b *block) int {
		return cmp.Or(cmp.Compare(b.elems, a.elems), cmp.Compare(a.start, b.start))
	},
	func(a, b *block) int {
		return cmp.Or(cmp.Compare(b.elems, a.elems), cmp.Compare(b.span(), a.span()), cmp.Compare(a.start, b.start))
	},
	func(a, b *block) int {
		return cmp.Or(cmp.Compare(b.elems*b.span(), a.elems*a.span()), cmp.Compare(b.elems, a.elems), cmp.Compare(a.start, b.start))
	},
	func(a, b *block) int {
		return cmp.Or(cmp.Compare(b.span(), a.span()), cmp.Compare(b.elems, a.elems), cmp.Compare(a.start, b.start))
	},
}

// span returns the number of steps over which b is live.
func (b *block) span() int { return b.end - b.start + 1 }

// overlaps reports whether b and c are live at a common step.
func (b *block) overlaps(c *block) bool { return b.start <= c.end && c.start <= b.end }

// placeOnline places blocks in the order of their first steps, each in the
// smallest free range that fits (see arena.alloc). A range becomes free after the
// last step of its block.
func placeOnline(blocks []*block, nsteps int) ([]int, int) {
	endsAt := make([][]int, nsteps)
	for i, b := range blocks {
		if b.end < nsteps {
			endsAt[b.end] = append(endsAt[b.end], i)
		}
	}
	offs := make([]int, len(blocks))
	var a arena
	next := 0
	for s := range nsteps {
		for ; next < len(blocks) && blocks[next].start == s; next++ {
			offs[next] = a.alloc(blocks[next].elems)
		}
		for _, i := range endsAt[s] {
			a.release(offs[i], blocks[i].elems)
		}
	}
	return offs, a.size
}

// placeOffline places blocks in the order idx. Each goes at the start of the
// smallest gap (or with firstFit, the lowest gap) that fits between the already
// placed blocks live at a common step, or else above all of them.
func placeOffline(blocks []*block, idx []int, firstFit bool) ([]int, int) {
	offs := make([]int, len(blocks))
	var done []int // placed blocks, by offset
	size := 0
	for _, i := range idx {
		b := blocks[i]
		best, bestLen := -1, 0
		top := 0
		for _, j := range done {
			if !b.overlaps(blocks[j]) {
				continue
			}
			if gap := offs[j] - top; gap >= b.elems && (best < 0 || !firstFit && gap < bestLen) {
				best, bestLen = top, gap
			}
			top = max(top, offs[j]+blocks[j].elems)
		}
		if best < 0 {
			best = top
		}
		offs[i] = best
		size = max(size, best+b.elems)
		k, _ := slices.BinarySearchFunc(done, best, func(j, off int) int { return cmp.Compare(offs[j], off) })
		done = slices.Insert(done, k, i)
	}
	return offs, size
}

// arena allocates ranges of elements with best fit.
type arena struct {
	free []span // sorted by offset, never adjacent
	size int    // the high-water mark
}

type span struct{ off, n int }

// alloc returns the offset of a range of n elements.
func (a *arena) alloc(n int) int {
	best := -1
	for i, s := range a.free {
		if s.n >= n && (best < 0 || s.n < a.free[best].n) {
			best = i
		}
	}
	if best >= 0 {
		s := a.free[best]
		if s.n == n {
			a.free = slices.Delete(a.free, best, best+1)
		} else {
			a.free[best] = span{s.off + n, s.n - n}
		}
		return s.off
	}

	// Nothing fits: grow the arena, starting inside a free range at its end.
	off := a.size
	if k := len(a.free) - 1; k >= 0 && a.free[k].off+a.free[k].n == a.size {
		off = a.free[k].off
		a.free = a.free[:k]
	}
	a.size = off + n
	return off
}

// release returns the range [off, off+n) to the free list, merging it with its
// neighbors.
func (a *arena) release(off, n int) {
	i, _ := slices.BinarySearchFunc(a.free, off, func(s span, off int) int { return s.off - off })
	a.free = slices.Insert(a.free, i, span{off, n})
	if i+1 < len(a.free) && a.free[i].off+a.free[i].n == a.free[i+1].off {
		a.free[i].n += a.free[i+1].n
		a.free = slices.Delete(a.free, i+1, i+2)
	}
	if i > 0 && a.free[i-1].off+a.free[i-1].n == a.free[i].off {
		a.free[i-1].n += a.free[i].n
		a.free = slices.Delete(a.free, i, i+1)
	}
}
