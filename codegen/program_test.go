package codegen

import (
	"testing"

	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/passes"
)

// Programs for the tests, scheduled and planned here rather than by passes.Build,
// so a test controls exactly which ops reach the generator.

// planKind selects how testFunction places values.
type planKind int

const (
	// planSeparate gives every value its own range.
	planSeparate planKind = iota
	// planReuse reuses the range of a value once it is dead, and computes an
	// elementwise op in place over an operand of its shape that dies there.
	planReuse
)

// testFunction schedules g's values in definition order, dropping those no output
// or update needs, and plans them as kind selects.
func testFunction(name string, g *ir.Graph, kind planKind) *passes.Function {
	need := make(map[*ir.Value]bool)
	stack := g.Roots()
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !need[v] {
			need[v] = true
			stack = append(stack, v.Args...)
		}
	}
	var sched []*ir.Value
	for _, v := range g.Values {
		if need[v] && !v.Op.IsSource() {
			sched = append(sched, v)
		}
	}
	plan := &passes.MemoryPlan{Offsets: make(map[*ir.Value]int), ArenaElems: make(map[ir.DType]int)}
	if kind == planSeparate {
		for _, v := range sched {
			plan.Offsets[v] = plan.ArenaElems[v.DType]
			plan.ArenaElems[v.DType] += v.Shape.Elems(g.MaxBatch)
		}
	} else {
		planReusing(g, sched, plan)
	}
	return &passes.Function{Name: name, Graph: g, Schedule: sched, Plan: plan}
}

// planReusing places values first fit among the ranges of dead values, in place
// over a same-shaped dying operand for elementwise ops.
func planReusing(g *ir.Graph, sched []*ir.Value, plan *passes.MemoryPlan) {
	last := make(map[*ir.Value]int)
	for t, v := range sched {
		for _, a := range v.Args {
			last[a] = t
		}
	}
	for _, r := range g.Roots() {
		last[r] = len(sched)
	}
	type block struct {
		v        *ir.Value
		off, end int
	}
	var live []block
	for t, v := range sched {
		size := v.Shape.Elems(g.MaxBatch)
		off := -1
		if c := v.Op.Class(); c == ir.ClassUnary || c == ir.ClassBinary || c == ir.ClassCompare {
			for _, a := range v.Args {
				if a.DType == v.DType && a.Shape.Equal(v.Shape) && last[a] == t && !a.Op.IsSource() {
					off = plan.Offsets[a]
				}
			}
		}
		// Drop the values whose last use is before t. Those used at t stay,
		// because an op that is not in place must not overwrite its operands.
		kept := live[:0]
		for _, b := range live {
			if last[b.v] >= t {
				kept = append(kept, b)
			}
		}
		live = kept
		for cand := 0; off < 0; {
			fits := true
			for _, b := range live {
				if b.v.DType == v.DType && cand < b.end && b.off < cand+size {
					fits, cand = false, b.end
					break
				}
			}
			if fits {
				off = cand
			}
		}
		plan.Offsets[v] = off
		plan.ArenaElems[v.DType] = max(plan.ArenaElems[v.DType], off+size)
		live = append(live, block{v, off, off + size})
	}
}

// predictProgram returns a program whose only function is predict over g, which
// must have input x and output "output".
func predictProgram(g *ir.Graph, kind planKind) *passes.Program {
	return &passes.Program{
		Module:  &ir.Module{Name: g.Name, File: g.Name + ".nnc", Train: ir.TrainConfig{Seed: 1}},
		Predict: testFunction("predict", g, kind),
	}
}

// buildGraph returns a graph with MaxBatch maxBatch built by build, failing the
// test on a builder error.
func buildGraph(t *testing.T, name string, maxBatch int, build func(b *ir.Builder)) *ir.Graph {
	t.Helper()
	b := ir.NewBuilder(ir.NewGraph(name, maxBatch))
	b.At(ir.Pos{File: name + ".nnc", Line: 1, Col: 1})
	build(b)
	if err := b.Err(); err != nil {
		t.Fatalf("building %s: %v", name, err)
	}
	return b.G
}
