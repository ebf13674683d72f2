package frontend

import "github.com/nncc/nncc/ir"

// A grad(y, x) whose y depends on dropout or batch norm must differ between the
// modes: its ops, derived from the training computation, read the dropout masks
// and the batch statistics. Grad therefore also differentiates the inference
// version of y and records it in the inference map, so that predict and eval use
// the gradient of what they compute.

// inferenceVersion returns the inference versions of y and x: copies, appended to
// the forward graph, of the values between the mode-dependent layers and y, with
// every value of the inference map replaced by its replacement. It returns y and x
// themselves, and false, when y does not depend on a value that the modes replace.
func (m *Model) inferenceVersion(y, x *ir.Value) (yi, xi *ir.Value, differs bool) {
	if len(m.modes.inference) == 0 {
		return y, x, false
	}
	need := m.inferenceAncestors(y, x)
	mapped := make(map[*ir.Value]*ir.Value)
	values := m.g.Values[:len(m.g.Values):len(m.g.Values)] // the clones go after these
	for _, v := range values {
		if !need[v] {
			continue
		}
		if repl, ok := m.modes.inference[v]; ok {
			// repl comes before v, so a replacement of repl itself is already mapped.
			if next, ok := mapped[repl]; ok {
				repl = next
			}
			mapped[v] = repl
			continue
		}
		var args []*ir.Value
		for i, a := range v.Args {
			if repl, ok := mapped[a]; ok {
				if args == nil {
					args = append([]*ir.Value(nil), v.Args...)
				}
				args[i] = repl
			}
		}
		if args != nil {
			clone := *v
			clone.Args, clone.Shape = args, v.Shape.Clone()
			mapped[v] = m.g.Add(&clone)
		}
	}
	yi, xi = y, x
	if repl, ok := mapped[y]; ok {
		yi = repl
	}
	if repl, ok := mapped[x]; ok {
		xi = repl
	}
	return yi, xi, yi != y || xi != x
}

// inferenceAncestors returns the values that the inference versions of y and x are
// computed from: their operands, followed through the inference map where a
// value has a replacement.
func (m *Model) inferenceAncestors(y, x *ir.Value) map[*ir.Value]bool {
	need := make(map[*ir.Value]bool)
	stack := []*ir.Value{y, x}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if need[v] {
			continue
		}
		need[v] = true
		if r, ok := m.modes.inference[v]; ok {
			stack = append(stack, r)
			continue
		}
		stack = append(stack, v.Args...)
	}
	return need
}
