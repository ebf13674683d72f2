package passes

import (
	"math/rand/v2"
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

func TestPlaceOfflineBeatsOnline(t *testing.T) {
	// In step order, a best-fit allocator puts the short block s at 0 and the long
	// block l after it, so the large block at step 2 must go above l. Placing the
	// largest first leaves one hole that fits both small blocks in turn.
	blocks := []*block{
		{elems: 4, start: 0, end: 1}, // s
		{elems: 4, start: 0, end: 3}, // l
		{elems: 8, start: 2, end: 3}, // big
	}
	_, online := placeOnline(blocks, 4)
	offs, size := placeBlocks(blocks, 4, peakElems(blocks, 4))
	if online != 16 || size != 12 {
		t.Errorf("online arena %d, placeBlocks %d (offsets %v), want 16 and 12", online, size, offs)
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

func TestPlanChainInPlace(t *testing.T) {
	f := planned(t, chainGraph(t, 6))
	// Each exp overwrites its operand, which dies at it: one buffer of 8*4.
	p := f.Plan
	if p.ArenaElems[f32] != 8*4 || p.NaiveBytes != 6*128 || p.LowerBoundBytes != 128 || p.ArenaBytes != 128 {
		t.Errorf("arena %d elements, bytes naive %d lower %d arena %d, want 32 elements and 768 128 128",
			p.ArenaElems[f32], p.NaiveBytes, p.LowerBoundBytes, p.ArenaBytes)
	}
}

func TestPlanNoInPlaceForMatMul(t *testing.T) {
	b := newBuilder(t)
	w := b.Param("w", f32, ir.Shape{4, 4}, ir.Init{})
	v := b.Input("x", f32, ir.Shape{N, 4})
	for range 4 {
		v = b.MatMul(v, w, false, false)
	}
	b.G.SetOutput("output", v)
	f := planned(t, b.G)
	// A product never overwrites its operand: two buffers alternate.
	if got := f.Plan.ArenaElems[f32]; got != 2*8*4 {
		t.Errorf("arena has %d elements, want %d", got, 2*8*4)
	}
	for i := 1; i < len(f.Schedule); i++ {
		if f.Plan.Offsets[f.Schedule[i]] == f.Plan.Offsets[f.Schedule[i-1]] {
			t.Errorf("%s shares offset %d with its operand", f.Schedule[i], f.Plan.Offsets[f.Schedule[i]])
		}
	}
}

func TestPlanInPlaceNeedsDeadOperand(t *testing.T) {
	b := newBuilder(t)
	x := b.Input("x", f32, ir.Shape{N, 4})
	e := b.Exp(x)
	n := b.Neg(e) // e is still needed by the add: not in place
	r := b.Reshape(b.Add(n, e), ir.Shape{N, 2, 2})
	b.G.SetOutput("e", b.Exp(e)) // a root is never overwritten
	b.G.SetOutput("output", r)
	f := planned(t, b.G)
	off := f.Plan.Offsets
	if off[n] == off[e] {
		t.Errorf("neg shares offset %d with its operand, which is used later", off[n])
	}
	add := r.Args[0]
	if off[add] != off[n] && off[add] != off[e] {
		t.Errorf("add at %d, want it in place over neg (%d) or exp (%d)", off[add], off[n], off[e])
	}
	if off[r] != off[add] {
		t.Errorf("reshape at %d, want it in place over its operand at %d", off[r], off[add])
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
		switch y := vs[rng.IntN(len(vs))]; {
		case rng.IntN(2) == 0 && x.Shape.Equal(y.Shape):
			v = b.Add(x, y)
		case rng.IntN(4) == 0 && x.Shape.Equal(ir.Shape{N, 16}):
			v = b.Reshape(x, ir.Shape{N, 4, 4})
		case rng.IntN(4) == 0 && x.Shape.Rank() == 2:
			v = b.Sum(x, []int{1}, true)
		default:
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
	for i := range 100 {
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
	dead := b.Exp(x) // live only while its own op runs
	e := b.Exp(x)
	b.G.SetOutput("output", b.Neg(e))
	f := planned(t, b.G)
	if got := f.Plan.ArenaElems[f32]; got != 32 || f.Plan.Offsets[dead] != f.Plan.Offsets[e] {
		t.Errorf("arena has %d elements, dead value at %d, next at %d; want 32 elements, one offset",
			got, f.Plan.Offsets[dead], f.Plan.Offsets[e])
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
	l := newLiveness(b.G, f.StepsOf())
	for _, v := range f.Schedule {
		if (v == early || v == upd || v == later) && l.last[v] != len(f.Schedule) {
			t.Errorf("%s is live until %d, want the end (%d)", v, l.last[v], len(f.Schedule))
		}
	}
}
