package codegen

import (
	"fmt"
	"slices"

	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/passes"
)

// checkPlan returns an error unless f's schedule, steps and memory plan can be
// emitted as they are. Every scheduled value must be a non-source op scheduled
// after its operands, and the steps must contain the schedule in order. A value
// that needs memory (passes.Step.Placed) must have an offset inside its arena.
// A value internal to its step must have none and be used only in its step. A
// value written into a param or state must have none and match the target's dtype
// and shape. Every output and update value must be computed or a source, and no
// value may be written over memory that another value still needs (see
// checkOverlaps).
func checkPlan(f *passes.Function) error {
	plan := f.Plan
	steps := f.StepsOf()
	at := make(map[*ir.Value]int, len(f.Schedule))
	t := 0
	for s, st := range steps {
		for _, v := range st.Values {
			if t >= len(f.Schedule) || f.Schedule[t] != v {
				return fmt.Errorf("codegen: function %s: step %d contains %s out of schedule order", f.Name, s, v)
			}
			t++
			if err := checkScheduled(f, at, v); err != nil {
				return err
			}
			at[v] = s
			off, ok := plan.Offsets[v]
			switch {
			case !st.Placed(v) && ok:
				return fmt.Errorf("codegen: function %s: %s has an offset but needs no memory", f.Name, v)
			case st.Into[v] != nil:
				if tg := st.Into[v]; tg.DType != v.DType || !tg.Shape.Equal(v.Shape) {
					return fmt.Errorf("codegen: function %s: %s is written into %s of another dtype or shape", f.Name, v, tg)
				}
			case st.Internal[v]:
			case !ok:
				return fmt.Errorf("codegen: function %s: %s has no offset in the memory plan", f.Name, v)
			default:
				end := off + elemsOf(v.Shape).atMax(f.Graph.MaxBatch)
				if off < 0 || end > plan.ArenaElems[v.DType] {
					return fmt.Errorf("codegen: function %s: %s occupies [%d, %d) of the %s arena of %d elements", f.Name, v, off, end, v.DType, plan.ArenaElems[v.DType])
				}
			}
		}
	}
	if t != len(f.Schedule) {
		return fmt.Errorf("codegen: function %s: the steps contain %d of %d scheduled values", f.Name, t, len(f.Schedule))
	}
	for _, r := range f.Graph.Roots() {
		if _, ok := at[r]; !ok && !r.Op.IsSource() {
			return fmt.Errorf("codegen: function %s: output or update value %s is not scheduled", f.Name, r)
		}
	}
	last := lastUses(f, steps)
	for s, st := range steps {
		for v, internal := range st.Internal {
			if internal && last[v] > s {
				return fmt.Errorf("codegen: function %s: %s is internal to its step but needed after it", f.Name, v)
			}
		}
	}
	return checkOverlaps(f, steps, at, last)
}

// checkScheduled returns an error if v, the next scheduled value, is a source, is
// scheduled twice or uses a value not yet computed. The keys of at are the values
// scheduled before v.
func checkScheduled(f *passes.Function, at map[*ir.Value]int, v *ir.Value) error {
	if v.Op.IsSource() {
		return fmt.Errorf("codegen: function %s: schedule contains the source %s", f.Name, v)
	}
	if _, dup := at[v]; dup {
		return fmt.Errorf("codegen: function %s: %s is scheduled twice", f.Name, v)
	}
	for _, a := range v.Args {
		if _, ok := at[a]; !ok && !a.Op.IsSource() {
			return fmt.Errorf("codegen: function %s: %s uses %s before it is computed", f.Name, v, a.Ref())
		}
	}
	return nil
}

// lastUses returns the last step that reads each scheduled value, or its own
// step when none does. Outputs and update values get len(steps): they are needed
// after the last step.
func lastUses(f *passes.Function, steps []*passes.Step) map[*ir.Value]int {
	last := make(map[*ir.Value]int, len(f.Schedule))
	for s, st := range steps {
		for _, v := range st.Values {
			last[v] = s
			for _, a := range v.Args {
				if !a.Op.IsSource() {
					last[a] = s
				}
			}
		}
	}
	for _, r := range f.Graph.Roots() {
		last[r] = len(steps)
	}
	return last
}

// checkOverlaps returns an error if a value is written over memory of a value
// that is still needed. It sweeps the steps in order, keeping the ranges of the
// values still needed in one ordered set per arena, so it takes O(n log n) time
// for n values.
//
// Two values may share memory only when the first is dead once the second is
// written, or when the second is computed in place over the first, which dies at
// the second's step (see inPlace).
func checkOverlaps(f *passes.Function, steps []*passes.Step, at, last map[*ir.Value]int) error {
	live := make(map[ir.DType]*spanSet)
	dying := make([][]*ir.Value, len(steps)+1)
	for s, st := range steps {
		for _, v := range dying[s] {
			live[v.DType].remove(f.Plan.Offsets[v], v)
		}
		for _, v := range st.Values {
			if !st.Placed(v) {
				continue
			}
			set := live[v.DType]
			if set == nil {
				set = &spanSet{}
				live[v.DType] = set
			}
			off := f.Plan.Offsets[v]
			end := off + elemsOf(v.Shape).atMax(f.Graph.MaxBatch)
			for _, n := range set.meeting(off, end) {
				u := n.v
				if n.off != off || n.end != end || at[u] >= s || last[u] != s || !inPlace(st, v, u) {
					return fmt.Errorf("codegen: function %s: %s is written over %s, which is still needed", f.Name, v, u)
				}
				set.remove(off, u)
			}
			if end > off {
				set.insert(off, end, v)
			}
			// A value is removed before the step after its last use; one that is
			// needed to the end stays.
			if l := last[v]; l < len(steps) {
				dying[l+1] = append(dying[l+1], v)
			}
		}
	}
	return nil
}

// inPlace reports whether v, a value of step st, may be written over the exact
// range of u, an operand that dies at st. An aligned step computes its values in
// order over chunks of elements and may store v's chunk before it computes the
// next value. So u qualifies when it has v's shape and v or a value before v
// reads it, but no value after v. A step of one reshape copies its operand with
// the copy builtin, which tolerates overlap.
func inPlace(st *passes.Step, v, u *ir.Value) bool {
	if len(st.Values) == 1 && v.Op == ir.OpReshape {
		return v.Args[0] == u
	}
	if !st.Aligned || !u.Shape.Equal(v.Shape) {
		return false
	}
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
	return read
}
