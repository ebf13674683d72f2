package codegen

import (
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nncc/nncc/frontend"
	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/passes"
)

// TestSpanSet compares the treap with a plain list under random inserts and
// removals of disjoint ranges.
func TestSpanSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var set spanSet
	var list []*spanNode // the reference, in any order
	meets := func(n *spanNode, off, end int) bool { return n.off < end && off < n.end }
	for i := range 5000 {
		off, end := rng.IntN(1000), 0
		end = off + 1 + rng.IntN(20)
		want := slices.DeleteFunc(slices.Clone(list), func(n *spanNode) bool { return !meets(n, off, end) })
		slices.SortFunc(want, func(a, b *spanNode) int { return a.off - b.off })
		got := set.meeting(off, end)
		if !slices.Equal(got, want) {
			t.Fatalf("op %d: meeting(%d, %d) = %v, want %v", i, off, end, spans(got), spans(want))
		}
		switch {
		case len(want) == 0:
			v := &ir.Value{ID: i}
			set.insert(off, end, v)
			list = append(list, set.meeting(off, off+1)[0])
		case rng.IntN(2) == 0:
			n := want[rng.IntN(len(want))]
			set.remove(n.off, &ir.Value{}) // another value: no change
			set.remove(n.off, n.v)
			list = slices.DeleteFunc(list, func(m *spanNode) bool { return m == n })
		}
	}
}

func spans(ns []*spanNode) [][2]int {
	var r [][2]int
	for _, n := range ns {
		r = append(r, [2]int{n.off, n.end})
	}
	return r
}

// fusedPlanGraph returns x -> matmul -> (exp, add, neg) -> output with its values.
func fusedPlanGraph(t *testing.T) (*ir.Graph, []*ir.Value) {
	var vals []*ir.Value
	g := buildGraph(t, "fusedplan", 2, func(b *ir.Builder) {
		x := b.Input("x", ir.F32, ir.Shape{ir.Batch, 4})
		w := param(b, "w", ir.F32, ir.Shape{4, 4})
		m := b.MatMul(x, w, false, false)
		e := b.Exp(m)
		a := b.Add(e, m)
		n := b.Neg(a)
		b.G.SetOutput("output", n)
		vals = []*ir.Value{m, e, a, n}
	})
	return g, vals
}

func TestCheckPlanSteps(t *testing.T) {
	tests := []struct {
		name    string
		offsets map[int]int // value index -> offset
		steps   func(v []*ir.Value) []*passes.Step
		wantErr string
	}{
		{name: "fused, neg over an operand of exp and add", offsets: map[int]int{0: 0, 3: 0}},
		{name: "fused, neg apart", offsets: map[int]int{0: 0, 3: 8}},
		{name: "offset of an internal value", offsets: map[int]int{0: 0, 1: 8, 3: 0}, wantErr: "needs no memory"},
		{name: "fused but not aligned", offsets: map[int]int{0: 0, 3: 0}, steps: func(v []*ir.Value) []*passes.Step {
			s := fusedSteps(v)
			s[1].Aligned = false
			return s
		}, wantErr: "neg f32[N,4] is written over %2"},
		{name: "internal value needed later", offsets: map[int]int{0: 0, 3: 8}, steps: func(v []*ir.Value) []*passes.Step {
			return []*passes.Step{
				{Values: v[:1]},
				{Values: v[1:3], Aligned: true, Internal: map[*ir.Value]bool{v[1]: true, v[2]: true}},
				{Values: v[3:], Aligned: true},
			}
		}, wantErr: "is internal to its step but needed after it"},
		{name: "steps out of order", offsets: map[int]int{0: 0, 3: 0}, steps: func(v []*ir.Value) []*passes.Step {
			s := fusedSteps(v)
			s[0], s[1] = s[1], s[0]
			return s
		}, wantErr: "out of schedule order"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, vals := fusedPlanGraph(t)
			plan := &passes.MemoryPlan{Offsets: make(map[*ir.Value]int), ArenaElems: map[ir.DType]int{ir.F32: 16}}
			for i, off := range tt.offsets {
				plan.Offsets[vals[i]] = off
			}
			steps := fusedSteps(vals)
			if tt.steps != nil {
				steps = tt.steps(vals)
			}
			f := &passes.Function{Name: "predict", Graph: g, Schedule: vals, Steps: steps, Plan: plan}
			err := checkPlan(f)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("checkPlan: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("checkPlan = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestCheckPlanLaterReader(t *testing.T) {
	var m, e, n, a *ir.Value
	g := buildGraph(t, "laterreader", 2, func(b *ir.Builder) {
		x := b.Input("x", ir.F32, ir.Shape{ir.Batch, 4})
		m = b.MatMul(x, param(b, "w", ir.F32, ir.Shape{4, 4}), false, false)
		e = b.Exp(m)
		n = b.Neg(e)
		a = b.Add(e, m)
		b.G.SetOutput("n", n)
		b.G.SetOutput("a", a)
	})
	// The step may store neg before it computes add, which still reads the
	// matmul: add may take the matmul's range, neg may not.
	steps := []*passes.Step{
		{Values: []*ir.Value{m}},
		{Values: []*ir.Value{e, n, a}, Aligned: true, Internal: map[*ir.Value]bool{e: true}},
	}
	for _, tt := range []struct {
		name    string
		offsets map[*ir.Value]int
		wantErr string
	}{
		{"add over the matmul", map[*ir.Value]int{m: 0, n: 8, a: 0}, ""},
		{"neg over the matmul", map[*ir.Value]int{m: 0, n: 0, a: 8}, "neg f32[N,4] is written over %2"},
	} {
		plan := &passes.MemoryPlan{Offsets: tt.offsets, ArenaElems: map[ir.DType]int{ir.F32: 16}}
		f := &passes.Function{Name: "predict", Graph: g, Schedule: []*ir.Value{m, e, n, a}, Steps: steps, Plan: plan}
		err := checkPlan(f)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: checkPlan: %v", tt.name, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: checkPlan = %v, want an error containing %q", tt.name, err, tt.wantErr)
		}
	}
}

// fusedSteps returns the matmul alone and one aligned step of exp, add and neg,
// with exp and add internal.
func fusedSteps(v []*ir.Value) []*passes.Step {
	return []*passes.Step{
		{Values: v[:1]},
		{Values: v[1:], Aligned: true, Internal: map[*ir.Value]bool{v[1]: true, v[2]: true}},
	}
}

// TestCheckPlanAcceptsModelPlans checks every plan the passes make for the example
// models, fused and not, with this package's own checker.
func TestCheckPlanAcceptsModelPlans(t *testing.T) {
	models := []string{"mnist/mnist", "binary/binary", "lenet/lenet", "charlm/charlm", "generate/model"}
	for _, name := range models {
		m, err := frontend.ParseFile(filepath.Join("..", "examples", name+".nnc"))
		if err != nil {
			t.Fatal(err)
		}
		for _, disable := range [][]string{nil, {"fuse"}} {
			p, err := passes.Build(m, passes.Options{Disable: disable})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []*passes.Function{p.Predict, p.Eval, p.Train, p.Saliency} {
				if f == nil {
					continue
				}
				if err := checkPlan(f); err != nil {
					t.Errorf("%s (disabled %v): %v", name, disable, err)
				}
			}
		}
	}
}
