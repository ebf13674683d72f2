package passes

import (
	"slices"

	"github.com/nncc/nncc/ir"
)

// planMemory is the "plan-memory" pass: it places every scheduled value in the
// arena of its dtype.
//
// A value is live from the op that defines it through the last op that uses it.
// Outputs and update values stay live to the end of the schedule. An op's result
// never shares memory with its operands, so a range becomes free only after the
// op that last uses it. Values are placed in schedule order, each into the
// smallest free range that fits (the lowest offset on ties), or else at the end
// of the arena.
func planMemory(ctx *Context) error {
	f := ctx.Func
	f.Plan = planSchedule(f.Graph, f.Schedule)
	return nil
}

// interval is the range of schedule indices over which a value is live,
// inclusive at both ends. An end of len(schedule) means live to the end.
type interval struct{ start, end int }

// liveRanges returns the live interval of each value of sched, indexed like sched.
func liveRanges(g *ir.Graph, sched []*ir.Value) []interval {
	index := make(map[*ir.Value]int, len(sched))
	live := make([]interval, len(sched))
	for i, v := range sched {
		index[v] = i
		live[i] = interval{i, i}
	}
	for i, v := range sched {
		for _, a := range v.Args {
			if j, ok := index[a]; ok {
				live[j].end = i
			}
		}
	}
	for _, r := range g.Roots() {
		if j, ok := index[r]; ok {
			live[j].end = len(sched)
		}
	}
	return live
}

func planSchedule(g *ir.Graph, sched []*ir.Value) *MemoryPlan {
	live := liveRanges(g, sched)
	endsAt := make([][]int, len(sched))
	for j, iv := range live {
		if iv.end < len(sched) {
			endsAt[iv.end] = append(endsAt[iv.end], j)
		}
	}

	p := &MemoryPlan{Offsets: make(map[*ir.Value]int, len(sched)), ArenaElems: make(map[ir.DType]int)}
	arenas := make(map[ir.DType]*arena)
	for i, v := range sched {
		a := arenas[v.DType]
		if a == nil {
			a = &arena{}
			arenas[v.DType] = a
		}
		p.Offsets[v] = a.alloc(elems(v, g.MaxBatch))
		for _, j := range endsAt[i] {
			w := sched[j]
			arenas[w.DType].release(p.Offsets[w], elems(w, g.MaxBatch))
		}
	}

	liveBytes := make([]int, len(sched)+1)
	for j, v := range sched {
		bytes := elems(v, g.MaxBatch) * v.DType.Size()
		p.NaiveBytes += bytes
		liveBytes[live[j].start] += bytes
		liveBytes[min(live[j].end, len(sched)-1)+1] -= bytes
	}
	running := 0
	for _, b := range liveBytes {
		running += b
		p.LowerBoundBytes = max(p.LowerBoundBytes, running)
	}
	for dt, a := range arenas {
		p.ArenaElems[dt] = a.size
		p.ArenaBytes += a.size * dt.Size()
	}
	return p
}

// DTypes returns the dtypes that have an arena, in ascending order, so code that
// walks the arenas does not depend on map order.
func (p *MemoryPlan) DTypes() []ir.DType {
	var dts []ir.DType
	for dt := range p.ArenaElems {
		dts = append(dts, dt)
	}
	slices.Sort(dts)
	return dts
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
