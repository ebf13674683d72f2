package passes

import (
	"fmt"

	"github.com/nncc/nncc/ir"
)

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

// checkSteps returns an error unless steps, concatenated, are f.Schedule, and each
// step's internal values and values written into a param or state obey the rules
// of Step.
func checkSteps(f *Function, steps []*Step) error {
	at := make(map[*ir.Value]int, len(f.Schedule))
	i := 0
	for s, st := range steps {
		if len(st.Values) == 0 {
			return fmt.Errorf("%s: step %d is empty", f.Name, s)
		}
		for _, v := range st.Values {
			if i >= len(f.Schedule) || f.Schedule[i] != v {
				return fmt.Errorf("%s: step %d contains %s, which is not schedule entry %d", f.Name, s, v, i)
			}
			at[v] = s
			i++
		}
	}
	if i != len(f.Schedule) {
		return fmt.Errorf("%s: the steps contain %d values, the schedule %d", f.Name, i, len(f.Schedule))
	}

	root := make(map[*ir.Value]bool)
	for _, r := range f.Graph.Roots() {
		root[r] = true
	}
	readers := make(map[*ir.Value][]*ir.Value)
	for _, w := range f.Schedule {
		for _, a := range w.Args {
			readers[a] = append(readers[a], w)
		}
	}
	for s, st := range steps {
		for v, internal := range st.Internal {
			if !internal {
				continue
			}
			if got, ok := at[v]; !ok || got != s {
				return fmt.Errorf("%s: step %d marks %s internal but does not compute it", f.Name, s, v)
			}
			if root[v] {
				return fmt.Errorf("%s: %s is internal to step %d but is an output or update value", f.Name, v, s)
			}
			for _, w := range readers[v] {
				if at[w] != s {
					return fmt.Errorf("%s: %s is internal to step %d but %s uses it at step %d", f.Name, v, s, w, at[w])
				}
			}
		}
		for v, t := range st.Into {
			if err := checkInto(f, steps, at, readers, s, v, t); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkInto returns an error unless step s computes v, v is the update value of
// the param or state t, and no later step reads t.
func checkInto(f *Function, steps []*Step, at map[*ir.Value]int, readers map[*ir.Value][]*ir.Value, s int, v, t *ir.Value) error {
	if got, ok := at[v]; !ok || got != s {
		return fmt.Errorf("%s: step %d writes %s into a target but does not compute it", f.Name, s, v)
	}
	if steps[s].Internal[v] {
		return fmt.Errorf("%s: %s is both internal to step %d and written into %s", f.Name, v, s, t)
	}
	updates := false
	for _, u := range f.Graph.Updates {
		updates = updates || u.Target == t && u.Value == v
	}
	if !updates {
		return fmt.Errorf("%s: step %d writes %s into %s, which it does not update", f.Name, s, v, t)
	}
	for _, w := range readers[t] {
		if at[w] > s {
			return fmt.Errorf("%s: step %d writes %s into %s, which %s reads later", f.Name, s, v, t, w)
		}
	}
	return nil
}
