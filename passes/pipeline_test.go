package passes

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/nncc/nncc/ir"
)

func TestPassTableOrder(t *testing.T) {
	var names []string
	for _, p := range Passes() {
		names = append(names, p.Name)
	}
	want := "check autodiff lower-optimizer fold-constants simplify cse dce schedule fuse plan-memory"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("passes %q, want %q", got, want)
	}
}

func TestNewTableRejects(t *testing.T) {
	run := func(*Context) error { return nil }
	tests := []struct {
		name  string
		table []Pass
		order []ordering
		want  string
	}{
		{"order violated", []Pass{{Name: "a", Run: run}, {Name: "b", Run: run}}, []ordering{{"b", "a"}}, `"b" must run before "a"`},
		{"unknown name", []Pass{{Name: "a", Run: run}}, []ordering{{"a", "z"}}, "not in the table"},
		{"duplicate", []Pass{{Name: "a", Run: run}, {Name: "a", Run: run}}, nil, "twice"},
		{"no run", []Pass{{Name: "a"}}, nil, "no Run"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				msg := fmt.Sprint(recover())
				if !strings.Contains(msg, tc.want) {
					t.Errorf("panic %q, want one containing %q", msg, tc.want)
				}
			}()
			newTable(tc.table, tc.order)
		})
	}
}

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		opts Options
		want string // "" for valid
	}{
		{Options{Disable: []string{"cse", "dce", "fold-constants", "simplify"}}, ""},
		{Options{PrintAfter: []string{"check", "plan-memory"}, Out: &bytes.Buffer{}}, ""},
		{Options{Disable: []string{"nope"}}, `unknown pass "nope"`},
		{Options{Disable: []string{"schedule"}}, `"schedule": it is required`},
		{Options{PrintAfter: []string{"cse"}}, "Out is nil"},
		{Options{PrintAfter: []string{"fusion"}, Out: &bytes.Buffer{}}, `unknown pass "fusion"`},
		{Options{Disable: []string{"fuse"}}, ""},
	}
	for _, tc := range tests {
		err := tc.opts.validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%+v: %v, want no error", tc.opts, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%+v: %v, want an error containing %q", tc.opts, err, tc.want)
		}
	}
}

func TestVerifyEachNamesBrokenPass(t *testing.T) {
	b := newBuilder(t)
	x := b.Input("x", f32, ir.Shape{N, 3})
	b.G.SetOutput("output", b.Exp(x))
	breakShape := func(ctx *Context) error {
		ctx.Func.Graph.Output("output").Shape = ir.Shape{N, 4}
		return nil
	}
	table := newTable([]Pass{{Name: "check", Run: checkGraph}, {Name: "break-shapes", Run: breakShape}}, nil)
	ctx := &Context{Module: &ir.Module{Forward: b.G}, Func: &Function{Name: "predict", Graph: b.G}}
	defer func() {
		msg := fmt.Sprint(recover())
		if !strings.Contains(msg, "break-shapes") || !strings.Contains(msg, "predict") {
			t.Errorf("panic %q, want one naming the pass break-shapes and the function predict", msg)
		}
	}()
	err := runPasses(ctx, Options{VerifyEach: true}, table)
	t.Errorf("runPasses returned %v, want a panic", err)
}

func TestCheckPassReportsPositions(t *testing.T) {
	b := newBuilder(t)
	x := b.Input("x", f32, ir.Shape{N, 3})
	bad := b.At(ir.Pos{File: "m.nnc", Line: 4, Col: 2}).Exp(x)
	b.G.SetOutput("output", bad)
	bad.Shape = ir.Shape{N, 2}
	ctx := &Context{Module: &ir.Module{Forward: b.G, File: "m.nnc"}, Func: &Function{Name: "predict", Graph: b.G}}
	err := runPasses(ctx, Options{VerifyEach: true}, passTable)
	list, ok := err.(ir.ErrorList)
	if !ok || len(list) == 0 {
		t.Fatalf("runPasses = %v, want an ir.ErrorList", err)
	}
	if want := (ir.Pos{File: "m.nnc", Line: 4, Col: 2}); list[0].Pos != want {
		t.Errorf("error %q at %v, want %v", list[0].Msg, list[0].Pos, want)
	}
	if ctx.Func.Schedule != nil {
		t.Errorf("passes after check ran on an invalid graph")
	}
}

func TestVerifyEachChecksPlan(t *testing.T) {
	g := chainGraph(t, 3)
	breakPlan := func(ctx *Context) error {
		p := ctx.Func.Plan
		p.Offsets[ctx.Func.Schedule[1]] = -1
		return nil
	}
	table := newTable([]Pass{
		{Name: "schedule", Run: schedule},
		{Name: "plan-memory", Run: planMemory},
		{Name: "break-plan", Run: breakPlan},
	}, nil)
	ctx := &Context{Module: &ir.Module{Forward: g}, Func: &Function{Name: "eval", Graph: g}}
	defer func() {
		msg := fmt.Sprint(recover())
		if !strings.Contains(msg, "break-plan") || !strings.Contains(msg, "memory plan") {
			t.Errorf("panic %q, want one naming the pass break-plan and the memory plan", msg)
		}
	}()
	err := runPasses(ctx, Options{VerifyEach: true}, table)
	t.Errorf("runPasses returned %v, want a panic", err)
}

func TestPrintAfter(t *testing.T) {
	g := chainGraph(t, 2)
	var out bytes.Buffer
	ctx := &Context{Module: &ir.Module{Forward: g}, Func: &Function{Name: "predict", Graph: g}}
	opts := Options{VerifyEach: true, PrintAfter: []string{"check", "dce"}, Out: &out}
	if err := runPasses(ctx, opts, passTable); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	want := "// after check\n" + g.String() + "// after dce\n" + g.String()
	if text != want {
		t.Errorf("printed\n%s\nwant\n%s", text, want)
	}
}

func TestDisableSkipsPass(t *testing.T) {
	b := newBuilder(t)
	x := b.Input("x", f32, ir.Shape{N, 3})
	b.G.SetOutput("output", b.Add(b.Exp(x), b.Exp(x)))
	ctx := &Context{Module: &ir.Module{Forward: b.G}, Func: &Function{Name: "predict", Graph: b.G}}
	if err := runPasses(ctx, Options{VerifyEach: true, Disable: []string{"cse"}}, passTable); err != nil {
		t.Fatal(err)
	}
	if got := len(ctx.Func.Schedule); got != 3 {
		t.Errorf("with cse disabled, %d ops scheduled, want 3 (both exps and the add)", got)
	}
}
