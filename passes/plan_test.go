package passes

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nncc/nncc/ir"
)

func TestArenaBestFit(t *testing.T) {
	var a arena
	offA := a.alloc(10) // [0,10)
	offB := a.alloc(4)  // [10,14)
	offC := a.alloc(6)  // [14,20)
	offD := a.alloc(3)  // [20,23)
	if offA != 0 || offB != 10 || offC != 14 || offD != 20 || a.size != 23 {
		t.Fatalf("offsets %d %d %d %d size %d, want 0 10 14 20 size 23", offA, offB, offC, offD, a.size)
	}
	a.release(offA, 10)
	a.release(offC, 6)
	// Best fit: 5 elements go into the 6-element hole, not the 10-element one.
	if off := a.alloc(5); off != 14 {
		t.Errorf("alloc(5) = %d, want 14 (the smaller hole)", off)
	}
	// Releasing B merges [0,10) and [10,14) with what is left of C's hole.
	a.release(offB, 4)
	if len(a.free) != 2 || a.free[0] != (span{0, 14}) || a.free[1] != (span{19, 1}) {
		t.Errorf("free list %v, want [{0 14} {19 1}]", a.free)
	}
	// Releasing the tail lets a large request reuse it and grow the arena.
	a.release(offD, 3)
	if off := a.alloc(30); off != 19 || a.size != 49 {
		t.Errorf("alloc(30) = %d with size %d, want 19 with size 49", off, a.size)
	}
}

// chainGraph returns x -> exp -> exp -> ... -> output: a chain of k ops on [N,4].
func chainGraph(t *testing.T, k int) *ir.Graph {
	b := newBuilder(t)
	v := b.Input("x", f32, ir.Shape{N, 4})
	for range k {
		v = b.Exp(v)
	}
	b.G.SetOutput("output", v)
	return b.G
}

func TestPlanChainReuses(t *testing.T) {
	g := chainGraph(t, 6)
	f := planned(t, g)
	// Two buffers of 8*4 elements alternate: an op never writes over its operand.
	if got := f.Plan.ArenaElems[f32]; got != 2*8*4 {
		t.Errorf("arena has %d elements, want %d", got, 2*8*4)
	}
	if f.Plan.NaiveBytes != 6*8*4*4 || f.Plan.LowerBoundBytes != 2*8*4*4 || f.Plan.ArenaBytes != 2*8*4*4 {
		t.Errorf("bytes naive %d lower %d arena %d, want %d %d %d",
			f.Plan.NaiveBytes, f.Plan.LowerBoundBytes, f.Plan.ArenaBytes, 6*128, 2*128, 2*128)
	}
	for i := 1; i < len(f.Schedule); i++ {
		if f.Plan.Offsets[f.Schedule[i]] == f.Plan.Offsets[f.Schedule[i-1]] {
			t.Errorf("%s shares offset %d with its operand", f.Schedule[i], f.Plan.Offsets[f.Schedule[i]])
		}
	}
}

// planned schedules and plans g and checks the plan.
func planned(t *testing.T, g *ir.Graph) *Function {
	t.Helper()
	f := runPass(t, "schedule", g)
	ctx := &Context{Module: &ir.Module{Forward: g}, Func: f}
	if err := planMemory(ctx); err != nil {
		t.Fatal(err)
	}
	if err := CheckPlan(f); err != nil {
		t.Fatalf("CheckPlan: %v\n%s", err, g)
	}
	return f
}

// randomGraph returns a graph of k random ops over a few dtypes and shapes, each
// reading one or two earlier values of its dtype, with several outputs.
func randomGraph(t *testing.T, rng *rand.Rand, k int) *ir.Graph {
	b := newBuilder(t)
	shapes := []ir.Shape{{N, 4}, {N, 16}, {3}, {N, 1}}
	byType := map[ir.DType][]*ir.Value{}
	for _, dt := range []ir.DType{f32, f64} {
		for i, s := range shapes {
			x := b.Input(dt.String()+"_"+string(rune('a'+i)), dt, s)
			byType[dt] = append(byType[dt], x)
		}
	}
	var all []*ir.Value
	for range k {
		dt := []ir.DType{f32, f64}[rng.IntN(2)]
		vs := byType[dt]
		x := vs[rng.IntN(len(vs))]
		var v *ir.Value
		if y := vs[rng.IntN(len(vs))]; rng.IntN(2) == 0 && x.Shape.Equal(y.Shape) {
			v = b.Add(x, y)
		} else {
			v = b.Exp(x)
		}
		byType[dt] = append(byType[dt], v)
		all = append(all, v)
	}
	for i := range 3 {
		b.G.SetOutput(string(rune('p'+i)), all[rng.IntN(len(all))])
	}
	return b.G
}

func TestPlanRandomGraphs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 50 {
		g := randomGraph(t, rng, 5+rng.IntN(60))
		f := planned(t, g)
		p := f.Plan
		if p.LowerBoundBytes > p.ArenaBytes || p.ArenaBytes > p.NaiveBytes {
			t.Errorf("graph %d: want lower bound %d <= arena %d <= naive %d", i, p.LowerBoundBytes, p.ArenaBytes, p.NaiveBytes)
		}
	}
}

func TestPlanUnusedValueDiesAtItsOp(t *testing.T) {
	b := newBuilder(t)
	x := b.Input("x", f32, ir.Shape{N, 4})
	b.Exp(x) // dead: live only while its own op runs
	b.G.SetOutput("output", b.Neg(b.Exp(x)))
	f := planned(t, b.G)
	if got := f.Plan.ArenaElems[f32]; got != 2*32 {
		t.Errorf("arena has %d elements, want %d", got, 2*32)
	}
}

func TestCheckPlanFindsErrors(t *testing.T) {
	tests := []struct {
		name   string
		break_ func(f *Function)
		want   string
	}{
		{"overlap", func(f *Function) {
			f.Plan.Offsets[f.Schedule[1]] = f.Plan.Offsets[f.Schedule[0]]
		}, "overlaps"},
		{"out of bounds", func(f *Function) { f.Plan.Offsets[f.Schedule[2]] = f.Plan.ArenaElems[f32] - 1 }, "outside"},
		{"negative offset", func(f *Function) { f.Plan.Offsets[f.Schedule[0]] = -1 }, "outside"},
		{"missing offset", func(f *Function) { delete(f.Plan.Offsets, f.Schedule[3]) }, "no offset"},
		{"naive bytes", func(f *Function) { f.Plan.NaiveBytes++ }, "NaiveBytes"},
		{"arena bytes", func(f *Function) { f.Plan.ArenaBytes-- }, "ArenaBytes"},
		{"lower bound", func(f *Function) { f.Plan.LowerBoundBytes = 0 }, "LowerBoundBytes"},
		{"schedule order", func(f *Function) {
			f.Schedule[0], f.Schedule[1] = f.Schedule[1], f.Schedule[0]
		}, "before its operand"},
		{"schedule missing", func(f *Function) { f.Schedule = f.Schedule[:len(f.Schedule)-1] }, "the graph computes"},
		{"schedule twice", func(f *Function) { f.Schedule[1] = f.Schedule[0] }, "twice"},
		{"schedule source", func(f *Function) { f.Schedule[0] = f.Graph.Values[0] }, "source"},
		{"no plan", func(f *Function) { f.Plan = nil }, "no memory plan"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := planned(t, chainGraph(t, 5))
			tc.break_(f)
			err := CheckPlan(f)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("CheckPlan = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestPlanOutputsLiveToEnd(t *testing.T) {
	b := newBuilder(t)
	x := b.Input("x", f32, ir.Shape{N, 4})
	s := b.State("s", f32, ir.Shape{4}, ir.Init{})
	early := b.Exp(x)
	upd := b.Neg(s)
	later := b.Neg(b.Exp(b.Neg(x)))
	b.G.SetOutput("early", early)
	b.G.SetOutput("later", later)
	b.G.AddUpdate(s, upd)
	f := planned(t, b.G)
	live := liveRanges(b.G, f.Schedule)
	for i, v := range f.Schedule {
		if (v == early || v == upd || v == later) && live[i].end != len(f.Schedule) {
			t.Errorf("%s is live until %d, want the end (%d)", v, live[i].end, len(f.Schedule))
		}
	}
}
