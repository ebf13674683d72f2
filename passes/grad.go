package passes

import (
	"fmt"

	"github.com/nncc/nncc/ir"
)

// Grad appends to g the ops computing d(y)/d(wrt[i]) for a scalar float y (rank 0)
// and returns the gradient values in order, each with the dtype and shape of its
// wrt value. Where y does not depend on wrt[i] the gradient is a zero constant
// broadcast to wrt[i]'s shape. The gradient ops are ordinary values of g, so Grad can
// be applied again to a function of the gradients (Hessian-vector products, gradient
// penalties).
//
// Grad returns an error if y is not a rank-0 float value of g, or a wrt value is
// not a float value of g.
func Grad(g *ir.Graph, y *ir.Value, wrt []*ir.Value) ([]*ir.Value, error) {
	if y == nil || !y.IsScalar() {
		return nil, fmt.Errorf("grad: y %v is not a scalar; use GradWithSeed for a vector-Jacobian product", y)
	}
	if err := checkGradOperands(g, y, wrt); err != nil {
		return nil, err
	}
	start := len(g.Values)
	seed := ir.NewBuilder(g).At(y.Pos).ScalarLike(y, 1)
	return gradFrom(g, y, seed, wrt, start)
}

// GradWithSeed is Grad with an explicit upstream gradient seed, a value of g with
// y's dtype and shape: it returns the vector-Jacobian products seed·d(y)/d(wrt[i]).
// y need not be a scalar.
//
// GradWithSeed returns an error if y is not a float value of g, seed is not a value
// of g with y's dtype and shape, or a wrt value is not a float value of g.
func GradWithSeed(g *ir.Graph, y, seed *ir.Value, wrt []*ir.Value) ([]*ir.Value, error) {
	if err := checkGradOperands(g, y, wrt); err != nil {
		return nil, err
	}
	if seed == nil || !inGraph(g, seed) {
		return nil, fmt.Errorf("grad: seed %v is not a value of graph %s", seed, g.Name)
	}
	if seed.DType != y.DType || !seed.Shape.Equal(y.Shape) {
		return nil, fmt.Errorf("grad: seed %s is %s, want %s like y %s", seed.Ref(), seed.Type(), y.Type(), y.Ref())
	}
	return gradFrom(g, y, seed, wrt, len(g.Values))
}

func checkGradOperands(g *ir.Graph, y *ir.Value, wrt []*ir.Value) error {
	if y == nil || !inGraph(g, y) {
		return fmt.Errorf("grad: y %v is not a value of graph %s", y, g.Name)
	}
	if !y.DType.IsFloat() {
		return fmt.Errorf("grad: y %s has dtype %s, want f32 or f64", y.Ref(), y.DType)
	}
	for i, w := range wrt {
		if w == nil || !inGraph(g, w) {
			return fmt.Errorf("grad: wrt[%d] %v is not a value of graph %s", i, w, g.Name)
		}
		if !w.DType.IsFloat() {
			return fmt.Errorf("grad: wrt[%d] %s has dtype %s, want f32 or f64", i, w.Ref(), w.DType)
		}
	}
	return nil
}

func inGraph(g *ir.Graph, v *ir.Value) bool {
	for _, w := range g.Values {
		if w == v {
			return true
		}
	}
	return false
}

// gradFrom appends the gradient ops of y seeded with seed and returns the gradients
// of wrt. Values from index start on were appended by this call; those that no
// gradient uses (the gradients of operands that need none) are removed again.
func gradFrom(g *ir.Graph, y, seed *ir.Value, wrt []*ir.Value, start int) ([]*ir.Value, error) {
	// The forward values are those up to y; the gradient ops go after them.
	var forward []*ir.Value
	for _, v := range g.Values {
		forward = append(forward, v)
		if v == y {
			break
		}
	}
	needs := needGrad(forward, wrt)

	b := ir.NewBuilder(g)
	grads := map[*ir.Value]*ir.Value{y: seed}
	// Visiting values in reverse definition order finishes each value's gradient
	// before its rule runs, because every use of a value is defined after it.
	for i := len(forward) - 1; i >= 0; i-- {
		v := forward[i]
		gv := grads[v]
		if gv == nil || !needs[v] || v.Op.IsSource() {
			continue
		}
		if err := propagateGrad(b.At(v.Pos), v, gv, needs, grads); err != nil {
			return nil, err
		}
	}

	out := make([]*ir.Value, len(wrt))
	for i, w := range wrt {
		out[i] = grads[w]
		if out[i] == nil {
			b.At(w.Pos)
			out[i] = b.Broadcast(b.ScalarLike(w, 0), w.Shape)
		}
	}
	if err := b.Err(); err != nil {
		return nil, fmt.Errorf("grad: building the gradient of %s: %w", y, err)
	}
	pruneGradValues(g, start, out)
	return out, nil
}

// needGrad marks the float values among forward that depend on a wrt value,
// including the wrt values themselves: only they need a gradient.
func needGrad(forward, wrt []*ir.Value) map[*ir.Value]bool {
	needs := make(map[*ir.Value]bool)
	for _, w := range wrt {
		needs[w] = true
	}
	for _, v := range forward {
		if !v.DType.IsFloat() || needs[v] {
			continue
		}
		for _, a := range v.Args {
			if needs[a] {
				needs[v] = true
				break
			}
		}
	}
	return needs
}

// propagate applies v's rule to its gradient gv and adds the operand gradients to
// grads, for the operands that need one.
func propagateGrad(b *ir.Builder, v, gv *ir.Value, needs map[*ir.Value]bool, grads map[*ir.Value]*ir.Value) error {
	rule, ok := gradRules[v.Op]
	if !ok {
		return fmt.Errorf("grad: %s: no differentiation rule for op %s", v, v.Op)
	}
	if rule == nil {
		return nil // piecewise constant: no gradient flows to the operands
	}
	ga := rule(b, v, v.Args, gv)
	if len(ga) != len(v.Args) {
		panic(fmt.Sprintf("grad: rule for %s returned %d gradients for %d operands", v.Op, len(ga), len(v.Args)))
	}
	for j, a := range v.Args {
		if ga[j] == nil || !needs[a] {
			continue
		}
		if ga[j].DType != ir.Invalid && (ga[j].DType != a.DType || !ga[j].Shape.Equal(a.Shape)) {
			panic(fmt.Sprintf("grad: rule for %s gave %s for operand %s of type %s", v, ga[j].Type(), a.Ref(), a.Type()))
		}
		if prev := grads[a]; prev != nil {
			ga[j] = b.Add(prev, ga[j])
		}
		grads[a] = ga[j]
	}
	return nil
}

// pruneAppended removes the values appended to g from index start on that keep
// does not depend on.
func pruneGradValues(g *ir.Graph, start int, keep []*ir.Value) {
	appended := make(map[*ir.Value]bool)
	for _, v := range g.Values[start:] {
		appended[v] = true
	}
	live := make(map[*ir.Value]bool)
	stack := append([]*ir.Value{}, keep...)
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if live[v] || !appended[v] {
			continue
		}
		live[v] = true
		stack = append(stack, v.Args...)
	}
	kept := make([]*ir.Value, 0, len(g.Values))
	kept = append(kept, g.Values[:start]...)
	for _, v := range g.Values[start:] {
		if live[v] {
			kept = append(kept, v)
		}
	}
	g.Values = kept
}
