package passes

import (
	"slices"

	"github.com/nncc/nncc/ir"
)

// planMemory is the "plan-memory" pass: it places every value that needs memory
// in the arena of its dtype.
//
// The plan works on the function's steps (Function.StepsOf), and every value of a
// step runs at the step's position. A value is live from the step that defines it
// through the last step that uses it. Outputs and update values stay live to the
// end. Values that are not placed (Step.Placed) get no offset, and the operands of
// every value of a step, placed or not, are used at that step.
//
// A result shares no memory with anything live at its step except in place: it
// takes the exact range of one operand of its dtype that is placed, computed at an
// earlier step, not a root, and last used at this step, when
//   - the step is aligned (Step.Aligned) and the operand, which may be an operand
//     of the result or of a value before it in the step but of none after it, has
//     the result's shape, or
//   - the step computes only a reshape and the operand, the reshape's, has as many
//     elements (the generated copy tolerates any overlap).
//
// Each operand goes to at most one result.
//
// A value and the values that take its memory in place, one after another, form a
// block, which the planner places as one range. Each dtype's blocks are placed by
// several strategies (see placeBlocks), and the smallest arena wins.
func planMemory(ctx *Context) error {
	f := ctx.Func
	f.Plan = planSteps(f.Graph, f.StepsOf())
	return nil
}

// liveness records the step, placement and last use of each value of a
// function's steps.
type liveness struct {
	steps  []*Step
	stepOf map[*ir.Value]int  // the step of every value of the steps
	placed map[*ir.Value]bool // the values that need memory
	root   map[*ir.Value]bool // outputs and update values
	// last is the last step that uses a value, its own step if none does, and
	// len(steps) for a root.
	last map[*ir.Value]int
}

func newLiveness(g *ir.Graph, steps []*Step) *liveness {
	l := &liveness{
		steps:  steps,
		stepOf: make(map[*ir.Value]int),
		placed: make(map[*ir.Value]bool),
		root:   make(map[*ir.Value]bool),
		last:   make(map[*ir.Value]int),
	}
	for s, st := range steps {
		for _, v := range st.Values {
			l.stepOf[v] = s
			l.last[v] = s
			if st.Placed(v) {
				l.placed[v] = true
			}
		}
	}
	for s, st := range steps {
		for _, v := range st.Values {
			for _, a := range v.Args {
				if _, ok := l.stepOf[a]; ok {
					l.last[a] = max(l.last[a], s)
				}
			}
		}
	}
	for _, r := range g.Roots() {
		if _, ok := l.stepOf[r]; ok {
			l.root[r] = true
			l.last[r] = len(steps)
		}
	}
	return l
}

// inPlaceOperand returns the operand of step s whose memory v, a placed value of
// the step, may take in place, or nil. taken reports operands already taken at
// this step. In an aligned step the operand may belong to v or to a value before
// v, but to no value after it, because the code generator may store v's elements
// before it computes the step's later values.
func (l *liveness) inPlaceOperand(v *ir.Value, s int, taken map[*ir.Value]bool) *ir.Value {
	st := l.steps[s]
	reshape := v.Op == ir.OpReshape && len(st.Values) == 1
	if !st.Aligned && !reshape {
		return nil
	}
	// v's own operands come first, then those of the step's earlier values.
	at := slices.Index(st.Values, v)
	operands := v.Args
	if st.Aligned {
		for _, w := range st.Values[:at] {
			operands = append(slices.Clip(operands), w.Args...)
		}
	}
	for _, a := range operands {
		if !l.placed[a] || taken[a] || l.stepOf[a] >= s || l.root[a] || l.last[a] != s || a.DType != v.DType {
			continue
		}
		if readAfter(st.Values[at+1:], a) {
			continue
		}
		if reshape && sameElems(a.Shape, v.Shape) || !reshape && a.Shape.Equal(v.Shape) {
			return a
		}
	}
	return nil
}

// readAfter reports whether any value of later has a as an operand.
func readAfter(later []*ir.Value, a *ir.Value) bool {
	for _, w := range later {
		if slices.Contains(w.Args, a) {
			return true
		}
	}
	return false
}

// sameElems reports whether shapes a and b have the same number of elements at
// every batch extent.
func sameElems(a, b ir.Shape) bool {
	return a.Elems(1) == b.Elems(1) && a.Elems(2) == b.Elems(2)
}

// block is a range of an arena that one value, and then each value that takes its
// memory in place in turn, occupies over the steps start through end.
type block struct {
	dtype      ir.DType
	elems      int
	start, end int // steps, inclusive; end is len(steps) for a root
	values     []*ir.Value
}

// blocks returns the blocks of l's placed values, in the order of their first
// steps.
func (l *liveness) blocks(maxBatch int) []*block {
	var blocks []*block
	blockOf := make(map[*ir.Value]*block)
	for s, st := range l.steps {
		taken := make(map[*ir.Value]bool)
		for _, v := range st.Values {
			if !l.placed[v] {
				continue
			}
			if a := l.inPlaceOperand(v, s, taken); a != nil {
				taken[a] = true
				b := blockOf[a]
				b.values = append(b.values, v)
				b.end = l.last[v]
				blockOf[v] = b
				continue
			}
			b := &block{dtype: v.DType, elems: elems(v, maxBatch), start: s, end: l.last[v], values: []*ir.Value{v}}
			blocks = append(blocks, b)
			blockOf[v] = b
		}
	}
	return blocks
}

// planSteps plans the memory of the values of steps, which belong to g.
func planSteps(g *ir.Graph, steps []*Step) *MemoryPlan {
	l := newLiveness(g, steps)
	blocks := l.blocks(g.MaxBatch)
	p := &MemoryPlan{Offsets: make(map[*ir.Value]int), ArenaElems: make(map[ir.DType]int)}

	byType := make(map[ir.DType][]*block)
	for _, b := range blocks {
		byType[b.dtype] = append(byType[b.dtype], b)
	}
	for dt, bs := range byType {
		offs, size := placeBlocks(bs, len(steps), peakElems(bs, len(steps)))
		for i, b := range bs {
			for _, v := range b.values {
				p.Offsets[v] = offs[i]
			}
		}
		p.ArenaElems[dt] = size
		p.ArenaBytes += size * dt.Size()
	}

	// A block counts once at every step it spans: a value and the result that
	// takes its memory in place count once at the step where one ends and the
	// other begins.
	liveBytes := make([]int, len(steps)+1)
	for _, b := range blocks {
		bytes := b.elems * b.dtype.Size()
		p.NaiveBytes += bytes * len(b.values)
		liveBytes[b.start] += bytes
		liveBytes[min(b.end, len(steps)-1)+1] -= bytes
	}
	running := 0
	for _, b := range liveBytes {
		running += b
		p.LowerBoundBytes = max(p.LowerBoundBytes, running)
	}
	return p
}

// peakElems returns the most elements of blocks live at one of nsteps steps.
func peakElems(blocks []*block, nsteps int) int {
	live := make([]int, nsteps+1)
	for _, b := range blocks {
		live[b.start] += b.elems
		live[min(b.end, nsteps-1)+1] -= b.elems
	}
	peak, running := 0, 0
	for _, n := range live {
		running += n
		peak = max(peak, running)
	}
	return peak
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
