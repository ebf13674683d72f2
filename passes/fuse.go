package passes

import (
	"slices"

	"github.com/nncc/nncc/ir"
)

// fuse is the "fuse" pass: it groups the schedule into steps that the code
// generator emits as one loop each.
//
// An elementwise chain becomes one step: values of aligned ops (elementwise ops,
// compares, selects, casts) and broadcasts that have one shape and use each
// other's results. The step runs at the place of its last value, so a value joins
// the step of an operand only while no op outside the step has used a value of
// that step yet. A value whose every use is inside its step is internal: it
// lives in a local variable of the loop and gets no memory. An update value that
// its step can write straight into its param or state (see intoTarget) gets no
// memory either.
//
// A float32 matrix product followed by a bias add, and possibly a ReLU, becomes
// an epilogue step (see epilogues) instead: the add and the ReLU join no chain.
//
// Fusion changes where values are stored, never how they are computed: each
// value keeps its op and its operands, and the code generator rounds every
// intermediate to its dtype, so fused code gives the bits of unfused code.
func fuse(ctx *Context) error {
	f := ctx.Func
	uses := usesOf(f.Graph)
	eps := epilogues(f.Schedule, uses)
	groups := chainGroups(f.Schedule, eps)
	f.Steps = stepsOf(f, groups, eps, uses)
	f.Schedule = f.Schedule[:0]
	for _, s := range f.Steps {
		f.Schedule = append(f.Schedule, s.Values...)
	}
	f.Plan = nil
	return nil
}

// fusible reports whether v can be a value of an elementwise step.
//
// Float32 exp, log, tanh and sigmoid stay out of steps. A fused loop would compute
// them one element at a time, while a loop of their own runs the runtime's vector
// kernels, which give the same bits several times faster. docs/elementwise-math.md
// measured 0.7 to 1.6 against 5 to 10 ns per element, which outweighs the pass over memory
// that fusing them would save.
func fusible(v *ir.Value) bool {
	switch v.Op {
	case ir.OpExp, ir.OpLog, ir.OpTanh, ir.OpSigmoid:
		if v.DType == ir.F32 {
			return false
		}
	}
	return IsAligned(v) || v.Op == ir.OpBroadcast
}

// chainGroup is a set of values computed in one loop, with the schedule index of
// its last value, where the loop runs.
type chainGroup struct {
	values []*ir.Value
	shape  ir.Shape // the shape of the loop: that of every value but reductions
	at     int
	closed bool // an op outside the group used one of its values
	merged *chainGroup
}

// find returns the group g was merged into, or g.
func (g *chainGroup) find() *chainGroup {
	for g.merged != nil {
		g = g.merged
	}
	return g
}

// isReduction reports whether v is a float sum, mean or max over axes, which a
// step can compute from its loop's values as the loop runs.
func isReduction(v *ir.Value) bool {
	switch v.Op {
	case ir.OpSum, ir.OpMean, ir.OpReduceMax:
		return v.DType.IsFloat()
	}
	return false
}

// chainGroups returns the elementwise groups of sched, keyed by value. A value
// that is in no group of several values is absent, and so is every value of eps,
// which joins no group.
//
// A reduction joins the group of its operand when the operand has the loop's
// shape, so the loop folds each element into the result as it computes it. Its
// result is complete only after the loop, so no value that uses it can join.
func chainGroups(sched []*ir.Value, eps map[*ir.Value]*epilogue) map[*ir.Value]*chainGroup {
	groupOf := make(map[*ir.Value]*chainGroup, len(sched))
	reduced := make(map[*ir.Value]bool)
	index := make(map[*ir.Value]int, len(sched))
	for i, v := range sched {
		index[v] = i
	}
	for i, v := range sched {
		// v cannot join a group whose reduction it uses: the reduction is
		// complete only after the group's loop.
		var blocked []*chainGroup
		for _, a := range v.Args {
			if reduced[a] {
				blocked = append(blocked, groupOf[a].find())
			}
		}
		var join []*chainGroup
		free := eps[v] == nil
		if free && (fusible(v) || isReduction(v)) {
			for _, a := range v.Args {
				g := groupOf[a]
				if g == nil {
					continue
				}
				g = g.find()
				if slices.Contains(blocked, g) {
					continue
				}
				shapeOK := a.Shape.Equal(v.Shape)
				if isReduction(v) {
					shapeOK = len(g.shape) > 0 && a.Shape.Equal(g.shape)
				}
				if !g.closed && shapeOK && !slices.Contains(join, g) {
					join = append(join, g)
				}
			}
			join = slices.DeleteFunc(join, func(g *chainGroup) bool { return !readyBefore(v, g, join, groupOf, index) })
		}
		// Every other group that v reads from can no longer grow: its loop must
		// run before v.
		for _, a := range v.Args {
			if g := groupOf[a]; g != nil && !slices.Contains(join, g.find()) {
				g.find().closed = true
			}
		}
		switch {
		case !free:
		case isReduction(v) && len(join) == 1:
			j := join[0]
			j.values = append(j.values, v)
			j.at = i
			groupOf[v] = j
			reduced[v] = true
		case fusible(v):
			g := &chainGroup{values: []*ir.Value{v}, shape: v.Shape, at: i}
			for _, j := range join {
				g.values = append(j.values, g.values...)
				j.merged = g
			}
			groupOf[v] = g
		}
	}
	for v, g := range groupOf {
		groupOf[v] = g.find()
	}
	return groupOf
}

// readyBefore reports whether every operand of v from outside the groups in join
// was computed before g's last value, scalars aside. Joining g moves g's loop to
// v, so an array computed in between would keep the operands of g's values alive
// until v. A chain of adds that sums products computed one by one between the
// adds is the case this prevents.
func readyBefore(v *ir.Value, g *chainGroup, join []*chainGroup, groupOf map[*ir.Value]*chainGroup, index map[*ir.Value]int) bool {
	for _, a := range v.Args {
		if ag := groupOf[a]; ag != nil && slices.Contains(join, ag.find()) {
			continue
		}
		if i, ok := index[a]; ok && i > g.at && (a.Shape.HasBatch() || a.Shape.StaticElems() > 1) {
			return false
		}
	}
	return true
}

// stepsOf returns f's steps for the given groups and epilogues. A group of
// several values, or an epilogue, becomes one step, in schedule order, at the
// place of its last value. Every other value is a step of its own.
func stepsOf(f *Function, groups map[*ir.Value]*chainGroup, eps map[*ir.Value]*epilogue, uses valueUses) []*Step {
	index := make(map[*ir.Value]int, len(f.Schedule))
	for i, v := range f.Schedule {
		index[v] = i
	}
	var steps []*Step
	for i, v := range f.Schedule {
		if ep := eps[v]; ep != nil {
			if vals := ep.values(); v == vals[len(vals)-1] {
				steps = append(steps, epilogueStep(ep, uses))
			}
			continue
		}
		g := groups[v]
		if g == nil || len(g.values) == 1 {
			steps = append(steps, &Step{Values: []*ir.Value{v}, Aligned: IsAligned(v)})
			continue
		}
		if g.at != i {
			continue
		}
		vals := slices.Clone(g.values)
		slices.SortFunc(vals, func(a, b *ir.Value) int { return index[a] - index[b] })
		// Without reductions the step is aligned: an operand of the step's shape
		// is read at the index of the element being computed, even by a
		// broadcast, which then copies it. A reduction's result is set to its
		// identity before the loop, which would overwrite an operand sharing
		// its memory.
		s := &Step{Values: vals, Aligned: !slices.ContainsFunc(vals, isReduction), Internal: map[*ir.Value]bool{}, Into: map[*ir.Value]*ir.Value{}}
		members := make(map[*ir.Value]bool, len(vals))
		for _, w := range vals {
			members[w] = true
		}
		for _, w := range vals {
			if !uses.root[w] && len(uses.users[w]) > 0 && allIn(uses.users[w], members) {
				s.Internal[w] = true
			} else if t := intoTarget(f, w, members, uses, index, i); t != nil {
				s.Into[w] = t
			}
		}
		steps = append(steps, s)
	}
	return steps
}

// valueUses records, for each value of a graph, the values that use it and
// whether it is an output or update value, with the updates it is the value of.
type valueUses struct {
	users   map[*ir.Value][]*ir.Value
	root    map[*ir.Value]bool
	updates map[*ir.Value][]ir.Update
	outputs map[*ir.Value]bool
}

func usesOf(g *ir.Graph) valueUses {
	u := valueUses{
		users:   make(map[*ir.Value][]*ir.Value),
		root:    make(map[*ir.Value]bool),
		updates: make(map[*ir.Value][]ir.Update),
		outputs: make(map[*ir.Value]bool),
	}
	for _, v := range g.Values {
		for _, a := range v.Args {
			if !slices.Contains(u.users[a], v) {
				u.users[a] = append(u.users[a], v)
			}
		}
	}
	for _, r := range g.Roots() {
		u.root[r] = true
	}
	for _, o := range g.Outputs {
		u.outputs[o.Value] = true
	}
	for _, up := range g.Updates {
		u.updates[up.Value] = append(u.updates[up.Value], up)
	}
	return u
}

func allIn(vals []*ir.Value, set map[*ir.Value]bool) bool {
	for _, v := range vals {
		if !set[v] {
			return false
		}
	}
	return true
}

// intoTarget returns the param or state that the step at schedule index at, whose
// values are members, can write w into directly, or nil. That needs w to be the
// value of exactly one update and of no output, with every other use inside the
// step. The target must have w's shape and dtype and be the target of no other
// update. No value scheduled after the step may read it, because the updates take
// effect after every value is computed and a later reader expects the old
// contents. Inside the step, the target is read only at the index being
// computed, and the code generator writes an element (or a chunk) of the target
// only after every value of the step has read it.
func intoTarget(f *Function, w *ir.Value, members map[*ir.Value]bool, uses valueUses, index map[*ir.Value]int, at int) *ir.Value {
	ups := uses.updates[w]
	if len(ups) != 1 || uses.outputs[w] || !allIn(uses.users[w], members) {
		return nil
	}
	t := ups[0].Target
	if t == w || !t.Shape.Equal(w.Shape) || t.DType != w.DType {
		return nil
	}
	for _, up := range f.Graph.Updates {
		if up.Target == t && up.Value != w || up.Value == t {
			return nil
		}
	}
	for _, r := range uses.users[t] {
		if index[r] > at && !members[r] {
			return nil
		}
	}
	return t
}
