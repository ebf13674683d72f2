package passes

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/nncc/nncc/ir"
)

// diffGraphs returns a description of the first structural difference between
// got and want, or "" if they match. Values are matched by their place in
// definition order, so IDs may differ. Operands, outputs and updates are matched
// by the place of the value they refer to.
func diffGraphs(got, want *ir.Graph) string {
	gi, wi := indexOf(got), indexOf(want)
	if len(got.Values) != len(want.Values) {
		return fmt.Sprintf("%d values, want %d\ngot:\n%s\nwant:\n%s", len(got.Values), len(want.Values), got, want)
	}
	for i, g := range got.Values {
		w := want.Values[i]
		switch {
		case g.Op != w.Op || g.DType != w.DType || !g.Shape.Equal(w.Shape):
			return fmt.Sprintf("value %d is %s, want %s\ngot:\n%s\nwant:\n%s", i, g, w, got, want)
		case !reflect.DeepEqual(normalAttrs(g.Attrs), normalAttrs(w.Attrs)):
			return fmt.Sprintf("value %d (%s) has attrs %+v, want %+v", i, g, g.Attrs, w.Attrs)
		case !slices.Equal(refs(g.Args, gi), refs(w.Args, wi)):
			return fmt.Sprintf("value %d (%s) has operands %v, want %v (by place)\ngot:\n%s\nwant:\n%s",
				i, g, refs(g.Args, gi), refs(w.Args, wi), got, want)
		}
	}
	if len(got.Outputs) != len(want.Outputs) {
		return fmt.Sprintf("%d outputs, want %d", len(got.Outputs), len(want.Outputs))
	}
	for i, o := range got.Outputs {
		w := want.Outputs[i]
		if o.Name != w.Name || gi[o.Value] != wi[w.Value] {
			return fmt.Sprintf("output %d is %q = value %d, want %q = value %d", i, o.Name, gi[o.Value], w.Name, wi[w.Value])
		}
	}
	if len(got.Updates) != len(want.Updates) {
		return fmt.Sprintf("%d updates, want %d", len(got.Updates), len(want.Updates))
	}
	for i, u := range got.Updates {
		w := want.Updates[i]
		if gi[u.Target] != wi[w.Target] || gi[u.Value] != wi[w.Value] {
			return fmt.Sprintf("update %d is value %d = value %d, want value %d = value %d",
				i, gi[u.Target], gi[u.Value], wi[w.Target], wi[w.Value])
		}
	}
	return ""
}

func indexOf(g *ir.Graph) map[*ir.Value]int {
	m := make(map[*ir.Value]int, len(g.Values))
	for i, v := range g.Values {
		m[v] = i
	}
	return m
}

// refs returns the places of vs in a graph, or -1 for a value not in it.
func refs(vs []*ir.Value, index map[*ir.Value]int) []int {
	out := make([]int, len(vs))
	for i, v := range vs {
		p, ok := index[v]
		if !ok {
			p = -1
		}
		out[i] = p
	}
	return out
}

// normalAttrs returns a with empty slices set to nil, so attrs compare by content.
func normalAttrs(a ir.Attrs) ir.Attrs {
	nilIfEmpty := func(s []int) []int {
		if len(s) == 0 {
			return nil
		}
		return s
	}
	a.Axes, a.Perm = nilIfEmpty(a.Axes), nilIfEmpty(a.Perm)
	a.Starts, a.Ends = nilIfEmpty(a.Starts), nilIfEmpty(a.Ends)
	if len(a.Data) == 0 {
		a.Data = nil
	}
	return a
}

// runPass runs one pass of the table on g as the function called name, and
// checks that the result verifies.
func runPass(t *testing.T, name string, g *ir.Graph) *Function {
	t.Helper()
	p := lookupPass(name)
	if p == nil {
		t.Fatalf("no pass %q", name)
	}
	f := &Function{Name: "predict", Graph: g}
	if err := p.Run(&Context{Module: &ir.Module{Forward: g}, Func: f}); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if err := ir.Verify(g); err != nil {
		t.Fatalf("after %s: %v\n%s", name, err, g)
	}
	return f
}

// newBuilder returns a builder of a fresh graph with MaxBatch 8 that fails t
// when the test itself builds an invalid value.
func newBuilder(t *testing.T) *ir.Builder {
	t.Helper()
	b := ir.NewBuilder(ir.NewGraph("test", 8))
	t.Cleanup(func() {
		if err := b.Err(); err != nil {
			t.Errorf("test graph: %v", err)
		}
	})
	return b
}

const (
	f32 = ir.F32
	f64 = ir.F64
	N   = ir.Batch // the batch dimension, as the text form writes it
)
