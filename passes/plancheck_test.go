package passes

import (
	"strings"
	"testing"

	"github.com/nncc/nncc/ir"
)

// planCheckGraph returns x -> exp -> neg -> matmul -> (sum, add) -> reshape -> output,
// with its values e, n, m, s, a, r in schedule order.
func planCheckGraph(t *testing.T) (*ir.Graph, []*ir.Value) {
	b := newBuilder(t)
	x := b.Input("x", f32, ir.Shape{N, 4})
	w := b.Param("w", f32, ir.Shape{4, 4}, ir.Init{})
	e := b.Exp(x)
	n := b.Neg(e)
	m := b.MatMul(n, w, false, false)
	s := b.Sum(m, []int{1}, true)
	a := b.Add(m, s)
	r := b.Reshape(a, ir.Shape{N, 2, 2})
	b.G.SetOutput("output", r)
	return b.G, []*ir.Value{e, n, m, s, a, r}
}

func TestCheckPlanFindsErrors(t *testing.T) {
	const e, n, m, s, a, r = 0, 1, 2, 3, 4, 5
	tests := []struct {
		name   string
		break_ func(f *Function, v []*ir.Value)
		want   string
	}{
		{"overlap", func(f *Function, v []*ir.Value) {
			f.Plan.Offsets[v[s]] = f.Plan.Offsets[v[m]] + 1
		}, "overlaps"},
		{"in place over a live operand", func(f *Function, v []*ir.Value) {
			f.Graph.SetOutput("exp", v[e])
			f.Plan.Offsets[v[n]] = f.Plan.Offsets[v[e]]
		}, "neg f32[N,4] at offset"},
		{"in place across shapes", func(f *Function, v []*ir.Value) {
			f.Plan.Offsets[v[a]] = f.Plan.Offsets[v[s]]
		}, "add f32[N,4] at offset"},
		{"in place for a matmul", func(f *Function, v []*ir.Value) {
			f.Plan.Offsets[v[m]] = f.Plan.Offsets[v[n]]
		}, "matmul f32[N,4] at offset"},
		{"reshape overlapping", func(f *Function, v []*ir.Value) {
			f.Plan.Offsets[v[r]] = f.Plan.Offsets[v[a]] + 1
		}, "reshape f32[N,2,2] at offset"},
		{"out of bounds", func(f *Function, v []*ir.Value) { f.Plan.Offsets[v[r]] = f.Plan.ArenaElems[f32] - 1 }, "outside"},
		{"negative offset", func(f *Function, v []*ir.Value) { f.Plan.Offsets[v[e]] = -1 }, "outside"},
		{"missing offset", func(f *Function, v []*ir.Value) { delete(f.Plan.Offsets, v[m]) }, "no offset"},
		{"offset of an internal value", func(f *Function, v []*ir.Value) {
			f.Steps = []*Step{{Values: v[:2], Aligned: true, Internal: map[*ir.Value]bool{v[e]: true}}}
			for _, w := range v[2:] {
				f.Steps = append(f.Steps, &Step{Values: []*ir.Value{w}})
			}
		}, "needs no memory"},
		{"internal value used by another step", func(f *Function, v []*ir.Value) {
			f.Steps = []*Step{{Values: v[:2], Aligned: true, Internal: map[*ir.Value]bool{v[n]: true}}}
			for _, w := range v[2:] {
				f.Steps = append(f.Steps, &Step{Values: []*ir.Value{w}})
			}
		}, "is internal to step 0 but"},
		{"steps out of schedule order", func(f *Function, v []*ir.Value) {
			f.Steps = []*Step{{Values: []*ir.Value{v[n], v[e]}}}
			for _, w := range v[2:] {
				f.Steps = append(f.Steps, &Step{Values: []*ir.Value{w}})
			}
		}, "which is not schedule entry 0"},
		{"naive bytes", func(f *Function, v []*ir.Value) { f.Plan.NaiveBytes++ }, "NaiveBytes"},
		{"arena bytes", func(f *Function, v []*ir.Value) { f.Plan.ArenaBytes-- }, "ArenaBytes"},
		{"lower bound", func(f *Function, v []*ir.Value) { f.Plan.LowerBoundBytes = 0 }, "LowerBoundBytes"},
		{"schedule order", func(f *Function, v []*ir.Value) {
			f.Schedule[0], f.Schedule[1] = f.Schedule[1], f.Schedule[0]
		}, "before its operand"},
		{"schedule missing", func(f *Function, v []*ir.Value) { f.Schedule = f.Schedule[:len(f.Schedule)-1] }, "the graph computes"},
		{"schedule twice", func(f *Function, v []*ir.Value) { f.Schedule[1] = f.Schedule[0] }, "twice"},
		{"schedule source", func(f *Function, v []*ir.Value) { f.Schedule[0] = f.Graph.Values[0] }, "source"},
		{"no plan", func(f *Function, v []*ir.Value) { f.Plan = nil }, "no memory plan"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, vals := planCheckGraph(t)
			f := planned(t, g)
			tc.break_(f, vals)
			err := CheckPlan(f)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("CheckPlan = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestCheckPlanAcceptsInPlace(t *testing.T) {
	g, v := planCheckGraph(t)
	f := planned(t, g)
	// A hand-made plan with every in-place pair the rules allow: neg over exp, add
	// over matmul, reshape over add.
	f.Plan.Offsets = map[*ir.Value]int{v[0]: 0, v[1]: 0, v[2]: 32, v[3]: 0, v[4]: 32, v[5]: 32}
	f.Plan.ArenaElems = map[ir.DType]int{f32: 64}
	f.Plan.ArenaBytes = 256
	f.Plan.NaiveBytes = 5*128 + 32
	f.Plan.LowerBoundBytes = 2 * 128 // n and m at the matmul; m, s and a count m once
	if err := CheckPlan(f); err != nil {
		t.Errorf("CheckPlan: %v", err)
	}
}

// updateGraph returns a graph whose state s is updated by neg(s) * x, with a
// later use of s by another output.
func updateGraph(t *testing.T) (g *ir.Graph, s, ns, upd, late *ir.Value) {
	b := newBuilder(t)
	x := b.Input("x", f32, ir.Shape{4})
	s = b.State("s", f32, ir.Shape{4}, ir.Init{})
	ns = b.Neg(s)
	upd = b.Mul(ns, x)
	late = b.Exp(s)
	b.G.SetOutput("output", late)
	b.G.AddUpdate(s, upd)
	return b.G, s, ns, upd, late
}

func TestCheckPlanInto(t *testing.T) {
	g, s, ns, upd, late := updateGraph(t)
	f := runPass(t, "schedule", g)
	f.Schedule = []*ir.Value{late, ns, upd}
	// The step of ns and upd writes upd straight into s after exp(s) read it.
	f.Steps = []*Step{
		{Values: []*ir.Value{late}, Aligned: true},
		{Values: []*ir.Value{ns, upd}, Aligned: true, Internal: map[*ir.Value]bool{ns: true}, Into: map[*ir.Value]*ir.Value{upd: s}},
	}
	if err := planMemory(&Context{Func: f}); err != nil {
		t.Fatal(err)
	}
	if err := CheckPlan(f); err != nil {
		t.Fatalf("CheckPlan: %v", err)
	}
	if len(f.Plan.Offsets) != 1 || f.Plan.NaiveBytes != 16 || f.Plan.LowerBoundBytes != 16 {
		t.Errorf("offsets %v, naive %d, lower bound %d, want only exp placed: 16 and 16",
			f.Plan.Offsets, f.Plan.NaiveBytes, f.Plan.LowerBoundBytes)
	}

	// Moving the reader of s after the step breaks the rule of Into.
	f.Schedule = []*ir.Value{ns, upd, late}
	f.Steps[0], f.Steps[1] = f.Steps[1], f.Steps[0]
	if err := CheckPlan(f); err == nil || !strings.Contains(err.Error(), "reads later") {
		t.Errorf("CheckPlan = %v, want an error about a later read of s", err)
	}
	f.Steps[0].Into[upd] = late
	if err := CheckPlan(f); err == nil || !strings.Contains(err.Error(), "does not update") {
		t.Errorf("CheckPlan = %v, want an error about the wrong target", err)
	}
}

func TestPlanFusedStep(t *testing.T) {
	b := newBuilder(t)
	x := b.Input("x", f32, ir.Shape{N, 4})
	w := b.Param("w", f32, ir.Shape{4, 4}, ir.Init{})
	m := b.MatMul(x, w, false, false)
	e := b.Exp(m)
	out := b.Neg(b.Add(e, m))
	b.G.SetOutput("output", out)
	f := runPass(t, "schedule", b.G)
	add := out.Args[0]
	// One step computes exp, add and neg; exp and add stay in the loop. neg may
	// take m's memory, an operand of exp and add that dies at the step.
	f.Steps = []*Step{
		{Values: []*ir.Value{m}},
		{Values: []*ir.Value{e, add, out}, Aligned: true, Internal: map[*ir.Value]bool{e: true, add: true}},
	}
	if err := planMemory(&Context{Func: f}); err != nil {
		t.Fatal(err)
	}
	if err := CheckPlan(f); err != nil {
		t.Fatalf("CheckPlan: %v", err)
	}
	p := f.Plan
	if len(p.Offsets) != 2 || p.Offsets[out] != p.Offsets[m] || p.ArenaBytes != 128 || p.LowerBoundBytes != 128 || p.NaiveBytes != 256 {
		t.Errorf("offsets %v, arena %d, lower bound %d, naive %d; want neg over matmul: 128, 128, 256",
			p.Offsets, p.ArenaBytes, p.LowerBoundBytes, p.NaiveBytes)
	}
}

func TestPlanFusedStepLaterReader(t *testing.T) {
	b := newBuilder(t)
	x := b.Input("x", f32, ir.Shape{N, 4})
	w := b.Param("w", f32, ir.Shape{4, 4}, ir.Init{})
	m := b.MatMul(x, w, false, false)
	e := b.Exp(m)
	n := b.Neg(e)
	a := b.Add(e, m)
	b.G.SetOutput("n", n)
	b.G.SetOutput("a", a)
	f := runPass(t, "schedule", b.G)
	// The step may store neg before it computes add, which still reads m: only
	// add may take m's memory.
	f.Steps = []*Step{
		{Values: []*ir.Value{m}},
		{Values: []*ir.Value{e, n, a}, Aligned: true, Internal: map[*ir.Value]bool{e: true}},
	}
	if err := planMemory(&Context{Func: f}); err != nil {
		t.Fatal(err)
	}
	if err := CheckPlan(f); err != nil {
		t.Fatalf("CheckPlan: %v", err)
	}
	off := f.Plan.Offsets
	if off[n] == off[m] || off[a] != off[m] {
		t.Errorf("matmul at %d, neg at %d, add at %d; want add alone over the matmul", off[m], off[n], off[a])
	}

	// Swapping the offsets of neg and add puts neg over m: rejected.
	off[n], off[a] = off[a], off[n]
	if err := CheckPlan(f); err == nil || !strings.Contains(err.Error(), "neg f32[N,4] at offset") {
		t.Errorf("CheckPlan = %v, want an error about neg over the matmul", err)
	}
}
