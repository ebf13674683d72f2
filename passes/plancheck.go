package passes

import (
	"errors"
	"fmt"
	"slices"

	"github.com/nncc/nncc/ir"
)

// CheckPlan checks f's schedule, steps and memory plan independently of the code
// that made them, and returns an error describing up to ten problems (one for a
// broken schedule or broken steps), or nil.
//
// The schedule must contain every non-source value of f.Graph exactly once, after
// the values it uses, and f.Steps, when set, must split it in order. An internal
// value must be no root and be used only inside its step; a value written into a
// param or state must be that target's update value, and no later step may read
// the target. Every placed value (Step.Placed) needs an offset that keeps it inside
// its dtype's arena, and no other value may have one.
//
// A value is live from its step through the last step that uses it, and outputs
// and update values are live to the end. Two placed values live at a common step
// must not overlap in one arena, except that a result may occupy exactly the range
// of an operand whose last use is the result's step, when the step is aligned and
// the operand has the result's shape and was computed at an earlier step, or when
// the step computes only a reshape of an operand with as many elements. The byte
// counts must match: an operand and the result in its range count once at that
// step toward the lower bound.
func CheckPlan(f *Function) error {
	if f.Plan == nil {
		return fmt.Errorf("%s: no memory plan", f.Name)
	}
	if err := checkSchedule(f); err != nil {
		return err
	}
	steps := f.StepsOf()
	if err := checkSteps(f, steps); err != nil {
		return err
	}
	c := newPlanChecker(f, steps)
	c.checkOffsets()
	c.checkOverlaps()
	c.checkBytes()
	return errors.Join(c.errs...)
}

// planChecker holds what CheckPlan derives from a function's steps.
type planChecker struct {
	f      *Function
	steps  []*Step
	vals   []*ir.Value // the placed values, in schedule order
	at     map[*ir.Value]int
	placed map[*ir.Value]bool
	// dies is the step after which a value is no longer needed: the last step
	// that reads it, its own step if none does, and len(steps) for a root.
	dies map[*ir.Value]int
	// shared lists, for each step, the bytes of operands whose range a result of
	// the step occupies in place.
	shared []int
	errs   []error
}

func newPlanChecker(f *Function, steps []*Step) *planChecker {
	c := &planChecker{f: f, steps: steps, at: map[*ir.Value]int{}, placed: map[*ir.Value]bool{},
		dies: map[*ir.Value]int{}, shared: make([]int, len(steps))}
	for s, st := range steps {
		for _, v := range st.Values {
			c.at[v] = s
			if st.Placed(v) {
				c.placed[v] = true
				c.vals = append(c.vals, v)
			}
		}
	}
	// Walk the steps backward: the first reader seen is the last one.
	for s := len(steps) - 1; s >= 0; s-- {
		for _, v := range steps[s].Values {
			for _, a := range v.Args {
				if _, seen := c.dies[a]; !seen && !a.Op.IsSource() {
					c.dies[a] = s
				}
			}
		}
	}
	for v, s := range c.at {
		if _, ok := c.dies[v]; !ok {
			c.dies[v] = s
		}
	}
	for _, r := range f.Graph.Roots() {
		if !r.Op.IsSource() {
			c.dies[r] = len(steps)
		}
	}
	return c
}

func (c *planChecker) report(format string, args ...any) {
	if len(c.errs) < 10 {
		c.errs = append(c.errs, fmt.Errorf("%s: "+format, append([]any{c.f.Name}, args...)...))
	}
}

func (c *planChecker) elems(v *ir.Value) int { return v.Shape.Elems(c.f.Graph.MaxBatch) }

// checkOffsets reports placed values without an offset or outside their arena,
// and offsets of values that are not placed.
func (c *planChecker) checkOffsets() {
	p := c.f.Plan
	for _, v := range c.f.Schedule {
		off, ok := p.Offsets[v]
		n := c.elems(v)
		switch {
		case !c.placed[v] && ok:
			c.report("%s needs no memory but has offset %d", v, off)
		case !c.placed[v]:
		case !ok:
			c.report("%s has no offset", v)
		case off < 0 || off+n > p.ArenaElems[v.DType]:
			c.report("%s at [%d, %d) lies outside its %d-element %s arena", v, off, off+n, p.ArenaElems[v.DType], v.DType)
		}
	}
	for v := range p.Offsets {
		if _, ok := c.at[v]; !ok {
			c.report("%s has an offset but is not scheduled", v)
		}
	}
}

// checkOverlaps reports two placed values of one dtype that are live at a common
// step over intersecting ranges, unless the later one is in place over the
// earlier one, and records the bytes of in-place pairs in c.shared.
func (c *planChecker) checkOverlaps() {
	p := c.f.Plan
	for i, v := range c.vals {
		off, ok := p.Offsets[v]
		if !ok {
			continue
		}
		for _, u := range c.vals[:i] {
			uoff, ok := p.Offsets[u]
			if !ok || u.DType != v.DType || c.dies[u] < c.at[v] {
				continue
			}
			if off >= uoff+c.elems(u) || uoff >= off+c.elems(v) {
				continue
			}
			if off == uoff && c.elems(u) == c.elems(v) && c.inPlace(v, u) {
				c.shared[c.at[v]] += c.elems(u) * u.DType.Size()
				continue
			}
			c.report("%s at offset %d overlaps %s at offset %d while both are live", v, off, u, uoff)
		}
	}
}

// inPlace reports whether v, whose range is u's, may be computed in place over u:
// an operand of v's step that dies there and that no value after v in the step
// reads.
func (c *planChecker) inPlace(v, u *ir.Value) bool {
	s := c.at[v]
	if c.at[u] >= s || c.dies[u] != s {
		return false
	}
	st := c.steps[s]
	switch {
	case st.Aligned:
		// v and values before it may read u, values after it may not.
		at := slices.Index(st.Values, v)
		read := false
		for k, w := range st.Values {
			if slices.Contains(w.Args, u) {
				if k > at {
					return false
				}
				read = true
			}
		}
		return read && u.Shape.Equal(v.Shape)
	case v.Op == ir.OpReshape && len(st.Values) == 1:
		return v.Args[0] == u && u.Shape.Elems(1) == v.Shape.Elems(1) && c.elems(u) == c.elems(v)
	}
	return false
}

// checkBytes compares the plan's byte counts with those recomputed from the
// steps, the live ranges and the in-place pairs found by checkOverlaps.
func (c *planChecker) checkBytes() {
	p := c.f.Plan
	naive, arena, lower := 0, 0, 0
	for dt, n := range p.ArenaElems {
		arena += n * dt.Size()
	}
	for _, v := range c.vals {
		naive += c.elems(v) * v.DType.Size()
	}
	for s := range c.steps {
		bytes := -c.shared[s]
		for _, v := range c.vals {
			if c.at[v] <= s && s <= c.dies[v] {
				bytes += c.elems(v) * v.DType.Size()
			}
		}
		lower = max(lower, bytes)
	}
	if p.NaiveBytes != naive {
		c.report("NaiveBytes %d, want %d", p.NaiveBytes, naive)
	}
	if p.ArenaBytes != arena {
		c.report("ArenaBytes %d, want %d", p.ArenaBytes, arena)
	}
	if p.LowerBoundBytes != lower {
		c.report("LowerBoundBytes %d, want %d", p.LowerBoundBytes, lower)
	}
}
