package codegen

import (
	"fmt"

	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/passes"
)

// checkPlan returns an error unless f's schedule and memory plan can be emitted as
// they are. Every scheduled value must be a non-source op, placed inside its arena
// and scheduled after its operands. Every output and update value must be computed
// or a source, and no value may be written over memory that another value still
// needs.
//
// Two values may share memory only when the first is dead once the second is
// written, or when the second is computed in place from the first. In-place ops are
// elementwise ops whose operand has the result's shape and offset, and reshapes,
// whose copy tolerates any overlap.
func checkPlan(f *passes.Function) error {
	plan := f.Plan
	step := make(map[*ir.Value]int, len(f.Schedule))
	for t, v := range f.Schedule {
		if v.Op.IsSource() {
			return fmt.Errorf("codegen: function %s: schedule contains the source %s", f.Name, v)
		}
		if _, dup := step[v]; dup {
			return fmt.Errorf("codegen: function %s: %s is scheduled twice", f.Name, v)
		}
		for _, a := range v.Args {
			if _, ok := step[a]; !ok && !a.Op.IsSource() {
				return fmt.Errorf("codegen: function %s: %s uses %s before it is computed", f.Name, v, a.Ref())
			}
		}
		off, ok := plan.Offsets[v]
		if !ok {
			return fmt.Errorf("codegen: function %s: %s has no offset in the memory plan", f.Name, v)
		}
		end := off + elemsOf(v.Shape).atMax(f.Graph.MaxBatch)
		if off < 0 || end > plan.ArenaElems[v.DType] {
			return fmt.Errorf("codegen: function %s: %s occupies [%d, %d) of the %s arena of %d elements", f.Name, v, off, end, v.DType, plan.ArenaElems[v.DType])
		}
		step[v] = t
	}
	for _, r := range f.Graph.Roots() {
		if _, ok := step[r]; !ok && !r.Op.IsSource() {
			return fmt.Errorf("codegen: function %s: output or update value %s is not scheduled", f.Name, r)
		}
	}
	return checkOverlaps(f, step)
}

// checkOverlaps returns an error if a scheduled value is written over memory of an
// earlier value that is still used after it, or that it reads in a way that is not
// in place.
func checkOverlaps(f *passes.Function, step map[*ir.Value]int) error {
	last := make(map[*ir.Value]int, len(f.Schedule))
	for t, v := range f.Schedule {
		for _, a := range v.Args {
			last[a] = t
		}
	}
	for _, r := range f.Graph.Roots() {
		last[r] = len(f.Schedule)
	}
	span := func(v *ir.Value) (int, int) {
		off := f.Plan.Offsets[v]
		return off, off + elemsOf(v.Shape).atMax(f.Graph.MaxBatch)
	}
	for t, v := range f.Schedule {
		vb, ve := span(v)
		for _, u := range f.Schedule[:t] {
			if u.DType != v.DType {
				continue
			}
			ub, ue := span(u)
			if ue <= vb || ve <= ub || last[u] < t {
				continue
			}
			if last[u] == t && inPlace(v, u, ub == vb) {
				continue
			}
			return fmt.Errorf("codegen: function %s: %s is written over %s, which is still needed", f.Name, v, u)
		}
	}
	return nil
}

// inPlace reports whether v may overwrite the memory of u, whose last use is v.
func inPlace(v, u *ir.Value, sameOffset bool) bool {
	if v.Op == ir.OpReshape {
		return true
	}
	switch v.Op.Class() {
	case ir.ClassUnary, ir.ClassBinary, ir.ClassCompare:
	default:
		if v.Op != ir.OpSelect && v.Op != ir.OpCast {
			return false
		}
	}
	if !sameOffset {
		return false
	}
	// Every operand that shares the memory must be read element by element in
	// the result's order.
	for _, a := range v.Args {
		if a == u && !a.Shape.Equal(v.Shape) {
			return false
		}
	}
	return true
}
