package passes

import (
	"errors"
	"fmt"

	"github.com/nncc/nncc/ir"
)

// CheckPlan checks f's schedule and memory plan independently of the code that
// made them. The schedule must contain every non-source value of f.Graph exactly
// once, after the values it uses. Every scheduled value needs an offset that
// keeps it inside its dtype's arena. Two values live at the same point of the
// schedule must not overlap in one arena. A value is live from its definition
// through its last use, and outputs and update values are live to the end. The
// byte counts must match the schedule. CheckPlan returns an error describing up
// to ten problems (one for a broken schedule), or nil.
func CheckPlan(f *Function) error {
	if f.Plan == nil {
		return fmt.Errorf("%s: no memory plan", f.Name)
	}
	if err := checkSchedule(f); err != nil {
		return err
	}
	g, p, sched := f.Graph, f.Plan, f.Schedule

	// Live ranges, found by scanning forward for uses rather than as the planner
	// does.
	starts := make([]int, len(sched))
	ends := make([]int, len(sched))
	roots := make(map[*ir.Value]bool)
	for _, r := range g.Roots() {
		roots[r] = true
	}
	for i, v := range sched {
		starts[i], ends[i] = i, i
		if roots[v] {
			ends[i] = len(sched)
			continue
		}
		for j := i + 1; j < len(sched); j++ {
			for _, a := range sched[j].Args {
				if a == v {
					ends[i] = j
				}
			}
		}
	}

	var errs []error
	report := func(format string, args ...any) {
		if len(errs) < 10 {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	naive := 0
	for i, v := range sched {
		n := v.Shape.Elems(g.MaxBatch)
		naive += n * v.DType.Size()
		off, ok := p.Offsets[v]
		switch {
		case !ok:
			report("%s: %s has no offset", f.Name, v)
			continue
		case off < 0 || off+n > p.ArenaElems[v.DType]:
			report("%s: %s at [%d, %d) lies outside its %d-element %s arena", f.Name, v, off, off+n, p.ArenaElems[v.DType], v.DType)
		}
		for j := range i {
			w := sched[j]
			woff, ok := p.Offsets[w]
			if !ok || w.DType != v.DType || ends[j] < starts[i] {
				continue
			}
			if off < woff+w.Shape.Elems(g.MaxBatch) && woff < off+n {
				report("%s: %s at offset %d overlaps %s at offset %d while both are live", f.Name, v, off, w, woff)
			}
		}
	}
	if len(p.Offsets) != len(sched) {
		report("%s: %d offsets for %d scheduled values", f.Name, len(p.Offsets), len(sched))
	}
	errs = append(errs, checkPlanBytes(f, naive, starts, ends)...)
	return errors.Join(errs[:min(len(errs), 10)]...)
}

// checkPlanBytes compares the plan's byte counts with those recomputed from the
// schedule and the given live ranges.
func checkPlanBytes(f *Function, naive int, starts, ends []int) []error {
	g, p, sched := f.Graph, f.Plan, f.Schedule
	var errs []error
	arena := 0
	for dt, n := range p.ArenaElems {
		arena += n * dt.Size()
	}
	lower := 0
	for t := range sched {
		bytes := 0
		for i, v := range sched {
			if starts[i] <= t && t <= ends[i] {
				bytes += v.Shape.Elems(g.MaxBatch) * v.DType.Size()
			}
		}
		lower = max(lower, bytes)
	}
	if p.NaiveBytes != naive {
		errs = append(errs, fmt.Errorf("%s: NaiveBytes %d, want %d", f.Name, p.NaiveBytes, naive))
	}
	if p.ArenaBytes != arena {
		errs = append(errs, fmt.Errorf("%s: ArenaBytes %d, want %d", f.Name, p.ArenaBytes, arena))
	}
	if p.LowerBoundBytes != lower {
		errs = append(errs, fmt.Errorf("%s: LowerBoundBytes %d, want %d", f.Name, p.LowerBoundBytes, lower))
	}
	return errs
}

// checkSchedule returns an error unless f.Schedule contains every non-source value
// of f.Graph exactly once, each after the non-source values it uses.
func checkSchedule(f *Function) error {
	inGraph := make(map[*ir.Value]bool, len(f.Graph.Values))
	computed := 0
	for _, v := range f.Graph.Values {
		inGraph[v] = true
		if !v.Op.IsSource() {
			computed++
		}
	}
	done := make(map[*ir.Value]bool, len(f.Schedule))
	for i, v := range f.Schedule {
		switch {
		case !inGraph[v]:
			return fmt.Errorf("%s: schedule entry %d, %s, is not in the graph", f.Name, i, v)
		case v.Op.IsSource():
			return fmt.Errorf("%s: schedule entry %d, %s, is a source", f.Name, i, v)
		case done[v]:
			return fmt.Errorf("%s: %s is scheduled twice", f.Name, v)
		}
		for _, a := range v.Args {
			if !a.Op.IsSource() && !done[a] {
				return fmt.Errorf("%s: %s is scheduled before its operand %s", f.Name, v, a)
			}
		}
		done[v] = true
	}
	if len(done) != computed {
		return fmt.Errorf("%s: the schedule has %d values, the graph computes %d", f.Name, len(done), computed)
	}
	return nil
}
