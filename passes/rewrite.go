package passes

import "github.com/nncc/nncc/ir"

// prune removes from g every value that no output or update needs, except the
// values keep accepts and everything those need. Update targets always stay.
// The order of the remaining values is unchanged.
func prune(g *ir.Graph, keep func(*ir.Value) bool) {
	live := make(map[*ir.Value]bool, len(g.Values))
	var stack []*ir.Value
	for _, v := range g.Values {
		if keep(v) {
			stack = append(stack, v)
		}
	}
	stack = append(stack, g.Roots()...)
	for _, u := range g.Updates {
		stack = append(stack, u.Target)
	}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !live[v] {
			live[v] = true
			stack = append(stack, v.Args...)
		}
	}
	removeValues(g, func(v *ir.Value) bool { return !live[v] })
}

// removeValues deletes the values for which drop returns true from g.Values. The
// caller ensures that no remaining value, output or update refers to them.
func removeValues(g *ir.Graph, drop func(*ir.Value) bool) {
	kept := g.Values[:0]
	for _, v := range g.Values {
		if !drop(v) {
			kept = append(kept, v)
		}
	}
	clear(g.Values[len(kept):])
	g.Values = kept
}

// replacer redirects uses of values to other values, for passes that sweep the
// graph in definition order. Since a replacement is always defined before the
// value it replaces and is itself already resolved, one lookup per operand
// suffices.
type replacer map[*ir.Value]*ir.Value

// rewriteArgs points v's operands at their replacements.
func (r replacer) rewriteArgs(v *ir.Value) {
	for i, a := range v.Args {
		if w, ok := r[a]; ok {
			v.Args[i] = w
		}
	}
}

// finish points g's outputs and update values at their replacements and deletes
// the replaced values, which nothing uses any more.
func (r replacer) finish(g *ir.Graph) {
	if len(r) == 0 {
		return
	}
	for i, o := range g.Outputs {
		if w, ok := r[o.Value]; ok {
			g.Outputs[i].Value = w
		}
	}
	for i, u := range g.Updates {
		if w, ok := r[u.Value]; ok {
			g.Updates[i].Value = w
		}
	}
	removeValues(g, func(v *ir.Value) bool { _, ok := r[v]; return ok })
}
