package ir

import "fmt"

// Verify checks the invariants that every graph keeps between passes and returns all
// violations as an ErrorList, or nil. It checks:
//   - MaxBatch is at least 1;
//   - every value is non-nil, appears once, has a unique non-negative ID below the
//     graph's next free ID, and has a valid op with the op's number of operands;
//   - every operand is non-nil, belongs to the graph and is defined earlier in
//     g.Values;
//   - every value's dtype, shape and attributes equal what the Builder infers from
//     its op, operands and attributes. This also checks source names, params and
//     state without a batch dimension, const data length and init parameters, and
//     that the attributes the op does not read are zero;
//   - input, param and state names are unique;
//   - outputs have a value in the graph and a unique non-empty name;
//   - updates write a param or state of the graph, at most once each, with a value
//     in the graph of the same dtype and shape.
//
// Each error names the value, output or update at fault and carries the value's
// source position, for example
// "model.nnc:7:3: verify: %7 = matmul f32[N,10]: operand %3 is not defined before use".
func Verify(g *Graph) error {
	if g == nil {
		return ErrorList{{Msg: "verify: nil graph"}}
	}
	c := newChecker(g)
	c.run()
	var errs ErrorList
	for _, p := range c.problems {
		var pos Pos
		if p.site == siteValue && g.Values[p.index] != nil {
			pos = g.Values[p.index].Pos
		}
		errs = append(errs, &Error{Pos: pos, Msg: "verify: " + c.describe(p) + ": " + p.msg})
	}
	return errs.Err()
}

// siteKind is the part of a graph that a problem is in.
type siteKind uint8

const (
	siteGraph  siteKind = iota
	siteValue           // index into Graph.Values
	siteOutput          // index into Graph.Outputs
	siteUpdate          // index into Graph.Updates
)

// problem is one violated invariant.
type problem struct {
	site  siteKind
	index int
	msg   string
}

// checker finds the problems of one graph. Verify and Parse share it and differ in
// how they position and phrase the problems.
type checker struct {
	g     *Graph
	index map[*Value]int // first index of each value in g.Values
	// bad holds the values whose identity, operands or type are wrong. Their users
	// skip inference, so that one wrong type is reported once, not at every use.
	bad      map[*Value]bool
	scratch  *Builder // infers each value's dtype and shape on a throwaway graph
	problems []problem
}

func newChecker(g *Graph) *checker {
	scratch := &Graph{Name: "verify", MaxBatch: max(g.MaxBatch, 1)}
	c := &checker{
		g:       g,
		index:   make(map[*Value]int, len(g.Values)),
		bad:     make(map[*Value]bool),
		scratch: NewBuilder(scratch),
	}
	for i, v := range g.Values {
		if _, dup := c.index[v]; !dup && v != nil {
			c.index[v] = i
		}
	}
	return c
}

func (c *checker) report(site siteKind, index int, format string, args ...any) {
	c.problems = append(c.problems, problem{site, index, fmt.Sprintf(format, args...)})
}

// describe names the site of p, for example "%7 = matmul f32[N,10]" or
// `output "loss"`.
func (c *checker) describe(p problem) string {
	switch p.site {
	case siteValue:
		if v := c.g.Values[p.index]; v != nil {
			return v.String()
		}
		return fmt.Sprintf("value at index %d", p.index)
	case siteOutput:
		return fmt.Sprintf("output %q", c.g.Outputs[p.index].Name)
	case siteUpdate:
		u := c.g.Updates[p.index]
		return fmt.Sprintf("update %s = %s", appendRef(nil, u.Target), appendRef(nil, u.Value))
	}
	return fmt.Sprintf("graph %q", c.g.Name)
}

func (c *checker) run() {
	if c.g.MaxBatch < 1 {
		c.report(siteGraph, 0, "MaxBatch is %d, want at least 1", c.g.MaxBatch)
	}
	ids := make(map[int]*Value, len(c.g.Values))
	names := make(map[string]*Value)
	for i, v := range c.g.Values {
		if !c.checkIdentity(i, v, ids) {
			c.bad[v] = true
			continue
		}
		if v.Op.IsSource() && v.Op != OpConst && v.Attrs.Name != "" {
			if w, dup := names[v.Attrs.Name]; dup {
				c.report(siteValue, i, "name %q is already used by %s", v.Attrs.Name, w.Ref())
			} else {
				names[v.Attrs.Name] = v
			}
		}
		if c.checkOperands(i, v) && !c.checkInference(i, v) {
			c.bad[v] = true
		}
	}
	c.checkOutputs()
	c.checkUpdates()
}

// checkIdentity checks that the value at index i is non-nil, appears once, has a
// fresh ID and a valid op. It returns false if v cannot be checked further.
func (c *checker) checkIdentity(i int, v *Value, ids map[int]*Value) bool {
	if v == nil {
		c.report(siteValue, i, "nil value")
		return false
	}
	if first := c.index[v]; first != i {
		c.report(siteValue, i, "the value already appears at index %d", first)
		return false
	}
	switch w, dup := ids[v.ID]; {
	case v.ID < 0:
		c.report(siteValue, i, "negative ID")
	case dup:
		c.report(siteValue, i, "ID %d is already used by %s", v.ID, w)
	case v.ID >= c.g.nextID:
		c.report(siteValue, i, "ID %d is not below the graph's next free ID %d; "+
			"add values with Graph.Add or Graph.AddWithID", v.ID, c.g.nextID)
	}
	ids[v.ID] = v
	if v.Op == OpInvalid || v.Op >= numOps {
		c.report(siteValue, i, "invalid op %d", v.Op)
		return false
	}
	return true
}

// checkOperands checks the number of operands and that each is defined earlier in
// the graph. It returns false if v cannot be inferred: its operands are unfit, or one
// of them is bad already. v is marked bad on a problem of its own.
func (c *checker) checkOperands(i int, v *Value) bool {
	n := v.Op.Arity()
	switch {
	case n >= 0 && len(v.Args) != n:
		c.report(siteValue, i, "%d operands, want %d", len(v.Args), n)
		c.bad[v] = true
		return false
	case n < 0 && len(v.Args) == 0:
		c.report(siteValue, i, "no operands, want at least 1")
		c.bad[v] = true
		return false
	}
	ok := true
	for k, a := range v.Args {
		if a == nil {
			c.report(siteValue, i, "operand %d is nil", k)
			c.bad[v] = true
			ok = false
			continue
		}
		j, in := c.index[a]
		switch {
		case !in:
			c.report(siteValue, i, "operand %s (%s) does not belong to the graph", a.Ref(), a.Type())
			c.bad[v] = true
		case j >= i:
			c.report(siteValue, i, "operand %s is not defined before use", a.Ref())
			c.bad[v] = true
		case c.bad[a]:
			c.bad[v] = true // the operand's problem is reported already
			ok = false
		}
	}
	return ok
}

// checkInference rebuilds v with a Builder from its op, operands and attributes and
// compares the result with v. It returns false if v's type is wrong or cannot be
// inferred. Wrong attributes alone leave the type trusted.
func (c *checker) checkInference(i int, v *Value) bool {
	want, err := c.infer(v)
	if err != nil {
		c.report(siteValue, i, "%v", err)
		return false
	}
	if want.DType == Invalid {
		return false // an operand is invalid and has its own report
	}
	for _, msg := range attrDiffs(v.Op, &v.Attrs, &want.Attrs) {
		c.report(siteValue, i, "%s", msg)
	}
	if v.DType != want.DType || !v.Shape.Equal(want.Shape) {
		c.report(siteValue, i, "type is %s, want %s from the operands and attributes", v.Type(), want.Type())
		return false
	}
	return true
}

func (c *checker) checkOutputs() {
	names := make(map[string]int)
	for i, o := range c.g.Outputs {
		switch {
		case o.Name == "":
			c.report(siteOutput, i, "empty name")
		case names[o.Name] > 0:
			c.report(siteOutput, i, "name is already used by output %d", names[o.Name]-1)
		default:
			names[o.Name] = i + 1
		}
		if msg := c.foreign(o.Value); msg != "" {
			c.report(siteOutput, i, "value %s", msg)
		}
	}
}

func (c *checker) checkUpdates() {
	updated := make(map[*Value]int)
	for i, u := range c.g.Updates {
		if msg := c.foreign(u.Target); msg != "" {
			c.report(siteUpdate, i, "target %s", msg)
		} else if !u.Target.Op.IsPersistent() {
			c.report(siteUpdate, i, "target %s is a %s, want a param or state", u.Target.Ref(), u.Target.Op)
		} else if prev, dup := updated[u.Target]; dup {
			c.report(siteUpdate, i, "target %s is already updated by update %d", u.Target.Ref(), prev)
		} else {
			updated[u.Target] = i
		}
		if msg := c.foreign(u.Value); msg != "" {
			c.report(siteUpdate, i, "value %s", msg)
		} else if u.Target != nil && !c.bad[u.Target] && !c.bad[u.Value] &&
			(u.Value.DType != u.Target.DType || !u.Value.Shape.Equal(u.Target.Shape)) {
			c.report(siteUpdate, i, "value is %s, target is %s", u.Value.Type(), u.Target.Type())
		}
	}
}

// foreign returns why v cannot be referred to from outside g.Values, or "".
func (c *checker) foreign(v *Value) string {
	if v == nil {
		return "is nil"
	}
	if _, in := c.index[v]; !in {
		return v.Ref() + " does not belong to the graph"
	}
	return ""
}
