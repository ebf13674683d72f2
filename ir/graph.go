package ir

import "fmt"

// Output is a named result of a graph.
type Output struct {
	Name  string
	Value *Value
}

// Update writes Value into the param or state Target after the graph's outputs are
// computed. All updates of one call read the values of the same call, as if applied
// at once.
type Update struct {
	Target *Value // an OpParam or OpState value
	Value  *Value // same dtype and shape as Target
}

// Graph is one function of a model: values in definition order (a topological order),
// named outputs and in-place updates of persistent values.
type Graph struct {
	Name     string
	MaxBatch int // upper bound of the batch extent n; at least 1
	Values   []*Value
	Outputs  []Output
	Updates  []Update
	nextID   int
}

// NewGraph returns an empty graph. It panics if maxBatch < 1.
func NewGraph(name string, maxBatch int) *Graph {
	if maxBatch < 1 {
		panic(fmt.Sprintf("ir: NewGraph: maxBatch %d, want at least 1", maxBatch))
	}
	return &Graph{Name: name, MaxBatch: maxBatch}
}

// Add appends v to the graph, assigning it a fresh ID, and returns v. Passes that
// create values without a Builder use it; the caller is responsible for v's dtype
// and shape (Verify checks them).
func (g *Graph) Add(v *Value) *Value {
	v.ID = g.nextID
	g.nextID++
	g.Values = append(g.Values, v)
	return v
}

// AddWithID appends v keeping its ID, for the parser; it panics if the ID is taken.
func (g *Graph) AddWithID(v *Value) *Value {
	for _, w := range g.Values {
		if w.ID == v.ID {
			panic(fmt.Sprintf("ir: AddWithID: %s already defined", v.Ref()))
		}
	}
	g.nextID = max(g.nextID, v.ID+1)
	g.Values = append(g.Values, v)
	return v
}

// SetOutput adds or replaces the output called name.
func (g *Graph) SetOutput(name string, v *Value) {
	for i := range g.Outputs {
		if g.Outputs[i].Name == name {
			g.Outputs[i].Value = v
			return
		}
	}
	g.Outputs = append(g.Outputs, Output{Name: name, Value: v})
}

// Output returns the output called name, or nil.
func (g *Graph) Output(name string) *Value {
	for _, o := range g.Outputs {
		if o.Name == name {
			return o.Value
		}
	}
	return nil
}

// AddUpdate records that target (a param or state) takes the value v after a call.
func (g *Graph) AddUpdate(target, v *Value) {
	g.Updates = append(g.Updates, Update{Target: target, Value: v})
}

// Sources returns the graph's values of op o (OpInput, OpParam, OpState or OpConst) in
// definition order.
func (g *Graph) Sources(o Op) []*Value {
	var vs []*Value
	for _, v := range g.Values {
		if v.Op == o {
			vs = append(vs, v)
		}
	}
	return vs
}

// Inputs returns the graph's inputs in definition order.
func (g *Graph) Inputs() []*Value { return g.Sources(OpInput) }

// Params returns the graph's trainable parameters in definition order.
func (g *Graph) Params() []*Value { return g.Sources(OpParam) }

// States returns the graph's non-trainable persistent values in definition order.
func (g *Graph) States() []*Value { return g.Sources(OpState) }

// Named returns the input, param or state called name, or nil.
func (g *Graph) Named(name string) *Value {
	for _, v := range g.Values {
		if v.Op.IsSource() && v.Op != OpConst && v.Attrs.Name == name {
			return v
		}
	}
	return nil
}

// Uses returns, for every value, the values that take it as an operand, in
// definition order.
func (g *Graph) Uses() map[*Value][]*Value {
	uses := make(map[*Value][]*Value)
	for _, v := range g.Values {
		for _, a := range v.Args {
			uses[a] = append(uses[a], v)
		}
	}
	return uses
}

// Roots returns the values that must be computed: outputs and update values.
func (g *Graph) Roots() []*Value {
	var roots []*Value
	for _, o := range g.Outputs {
		roots = append(roots, o.Value)
	}
	for _, u := range g.Updates {
		roots = append(roots, u.Value)
	}
	return roots
}

// Clone returns a deep copy of g and a map from g's values to their copies. IDs are
// kept, so the copy prints the same as g.
func (g *Graph) Clone() (*Graph, map[*Value]*Value) {
	c := &Graph{Name: g.Name, MaxBatch: g.MaxBatch, nextID: g.nextID}
	m := make(map[*Value]*Value, len(g.Values))
	for _, v := range g.Values {
		w := *v
		w.Shape = v.Shape.Clone()
		w.Attrs = v.Attrs.clone()
		w.Args = make([]*Value, len(v.Args))
		for i, a := range v.Args {
			w.Args[i] = m[a]
		}
		m[v] = &w
		c.Values = append(c.Values, &w)
	}
	for _, o := range g.Outputs {
		c.Outputs = append(c.Outputs, Output{Name: o.Name, Value: m[o.Value]})
	}
	for _, u := range g.Updates {
		c.Updates = append(c.Updates, Update{Target: m[u.Target], Value: m[u.Value]})
	}
	return c, m
}
