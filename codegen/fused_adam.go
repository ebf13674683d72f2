package codegen

import (
	"slices"

	"github.com/dave/jennifer/jen"

	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/passes"
)

// A chunked loop that computes the Adam step of a float32 parameter, the
// expression the optimizer lowering writes, calls runtime.AdamStep32 once per
// chunk instead of one slice kernel per value. That kernel reads the gradient,
// the weight and both moments once and keeps everything in between in
// registers, which saves a dozen passes over the chunk's scratch. It runs the
// same float32 operations in the same order, so it gives the same bits.
//
// The expression, with s1..s7 scalars from outside the step and m, v, w, g
// arrays of the step's shape:
//
//	m1 = m*s1 + g*s2
//	v1 = v*s3 + (g*s4)*g
//	w1 = w - (s7*m1) / (sqrt(v1)/s5 + s6)
//
// Operands of a product or a sum may come in either order, because IEEE
// multiplication and addition commute exactly.

// adamKernel is one match of the expression in a chunked step.
type adamKernel struct {
	root       int // index of w1 in the step, where the call computes every value
	m1, v1, w1 *ir.Value
	m, v, w, g *ir.Value
	coef       [7]*ir.Value // s1..s7, in the order of runtime.AdamCoef32's fields
	members    []*ir.Value  // every value of the expression, w1 included
}

// adamKernels returns the matches of the Adam expression in chunked step s by
// the index of their root, and the set of values that the matches compute.
func adamKernels(s *passes.Step) (roots map[int]*adamKernel, covered map[*ir.Value]bool) {
	m := adamMatcher{s: s, members: memberSet(s)}
	for i := range s.Values {
		k := m.match(i)
		if k == nil {
			continue
		}
		if roots == nil {
			roots, covered = make(map[int]*adamKernel), make(map[*ir.Value]bool)
		}
		roots[i] = k
		for _, v := range k.members {
			covered[v] = true
		}
	}
	return roots, covered
}

// match returns the match of the Adam expression whose w1 is value i of the
// step, or nil.
func (m *adamMatcher) match(i int) *adamKernel {
	k := &adamKernel{root: i, w1: m.s.Values[i]}
	w1 := k.w1
	if w1.Op != ir.OpSub || w1.DType != ir.F32 {
		return nil
	}
	q := m.internal(w1.Args[1], ir.OpDiv)
	if q == nil || !m.array(w1.Args[0]) {
		return nil
	}
	k.w = w1.Args[0]
	var p, d, e, r *ir.Value
	if p = m.internal(q.Args[0], ir.OpMul); p == nil {
		return nil
	}
	if k.coef[6], k.m1 = m.scaled(p); k.m1 == nil || !m.inStep(k.m1, ir.OpAdd) {
		return nil
	}
	if d = m.internal(q.Args[1], ir.OpAdd); d == nil {
		return nil
	}
	if k.coef[5], e = m.scalarAnd(d, ir.OpDiv); e == nil || !m.scalar(e.Args[1]) {
		return nil
	}
	k.coef[4] = e.Args[1]
	if r = m.internal(e.Args[0], ir.OpSqrt); r == nil || !m.inStep(r.Args[0], ir.OpAdd) {
		return nil
	}
	k.v1 = r.Args[0]

	// v1 = v*s3 + (g*s4)*g: the product of two arrays identifies g.
	vb, gg := m.internal(k.v1.Args[0], ir.OpMul), m.internal(k.v1.Args[1], ir.OpMul)
	if vb == nil || gg == nil {
		return nil
	}
	if _, x := m.scaled(vb); x == nil {
		vb, gg = gg, vb
	}
	if k.coef[2], k.v = m.scaled(vb); k.v == nil || !m.array(k.v) {
		return nil
	}
	var gs *ir.Value // g*s4
	for _, j := range [2]int{0, 1} {
		x := m.internal(gg.Args[j], ir.OpMul)
		if x == nil || !m.array(gg.Args[1-j]) {
			continue
		}
		if s4, g := m.scaled(x); g == gg.Args[1-j] {
			k.coef[3], k.g, gs = s4, g, x
			break
		}
	}
	if k.g == nil {
		return nil
	}

	// m1 = m*s1 + g*s2: the product whose array is g is the gradient term.
	a1, a2 := m.internal(k.m1.Args[0], ir.OpMul), m.internal(k.m1.Args[1], ir.OpMul)
	if a1 == nil || a2 == nil {
		return nil
	}
	if _, x := m.scaled(a2); x != k.g {
		a1, a2 = a2, a1
	}
	var g2 *ir.Value
	k.coef[0], k.m = m.scaled(a1)
	k.coef[1], g2 = m.scaled(a2)
	if k.m == nil || g2 != k.g || !m.array(k.m) {
		return nil
	}

	k.members = []*ir.Value{w1, q, p, d, e, r, k.v1, vb, gg, gs, k.m1, a1, a2}
	if !m.valid(k) {
		return nil
	}
	return k
}

// adamMatcher searches one chunked step for the Adam expression.
type adamMatcher struct {
	s       *passes.Step
	members map[*ir.Value]bool // the values of s
}

// internal returns a if it is an internal value of the step computed by op.
func (m *adamMatcher) internal(a *ir.Value, op ir.Op) *ir.Value {
	if m.s.Internal[a] && a.Op == op {
		return a
	}
	return nil
}

// inStep reports whether a is a value of the step computed by op.
func (m *adamMatcher) inStep(a *ir.Value, op ir.Op) bool { return m.members[a] && a.Op == op }

// scalar reports whether a is a scalar from outside the step.
func (m *adamMatcher) scalar(a *ir.Value) bool { return !m.members[a] && isScalarOperand(a) }

// array reports whether a is read a chunk at a time: a float32 of the step's shape.
func (m *adamMatcher) array(a *ir.Value) bool {
	return a.DType == ir.F32 && a.Shape.Equal(m.s.Values[0].Shape) && !isScalarOperand(a)
}

// scaled splits product p into its scalar factor and its array factor, or
// returns nils.
func (m *adamMatcher) scaled(p *ir.Value) (scalar, array *ir.Value) {
	for _, j := range [2]int{0, 1} {
		if m.scalar(p.Args[j]) && m.array(p.Args[1-j]) {
			return p.Args[j], p.Args[1-j]
		}
	}
	return nil, nil
}

// scalarAnd splits sum d into its scalar term and its other term, which must be
// an internal value computed by op, or returns nils.
func (m *adamMatcher) scalarAnd(d *ir.Value, op ir.Op) (scalar, other *ir.Value) {
	for _, j := range [2]int{0, 1} {
		if m.scalar(d.Args[j]) {
			if x := m.internal(d.Args[1-j], op); x != nil {
				return d.Args[j], x
			}
		}
	}
	return nil, nil
}

// valid reports whether match k can run as one call where its root is. Every
// internal value of the expression must be used only inside it, and so must m1
// and v1 before the root. Array operands computed in the step must come before
// the root, and no value between the expression's first value and the root may
// write memory that could be an operand's.
func (m *adamMatcher) valid(k *adamKernel) bool {
	in := make(map[*ir.Value]bool, len(k.members))
	for _, x := range k.members {
		if in[x] {
			return false // the same value in two roles
		}
		in[x] = true
	}

	for j, x := range m.s.Values {
		if in[x] {
			continue
		}
		for _, a := range x.Args {
			if in[a] && (m.s.Internal[a] || j < k.root) {
				return false
			}
		}
	}

	// The call moves every read of the expression's operands to the root. A
	// value in between that has memory of its own could have been placed over
	// an operand, which the plan allows once no later value reads it, and would
	// then overwrite it before the call reads it.
	operands := []*ir.Value{k.m, k.v, k.w, k.g}
	first := k.root
	for j, x := range m.s.Values {
		if in[x] {
			first = min(first, j)
		}
	}
	for _, x := range m.s.Values[first+1 : k.root] {
		if t := m.s.Into[x]; !in[x] && !m.s.Internal[x] && (t == nil || slices.Contains(operands, t)) {
			return false
		}
	}

	for _, a := range operands {
		if in[a] {
			return false
		}
		// An operand computed in the step needs a chunk of its own before
		// the root: not a compare or a product folded into the next value.
		if j := slices.Index(m.s.Values, a); j >= 0 && (j > k.root || a.Op == ir.OpGt || computedWithNext(m.s, j)) {
			return false
		}
	}
	return true
}

// outputs returns the three results of match k.
func (k *adamKernel) outputs() [3]*ir.Value { return [3]*ir.Value{k.m1, k.v1, k.w1} }

// adamCall returns the runtime.AdamStep32 call of match k for one chunk, whose
// results' chunks local already names. The call reads each element of its
// operands before it writes that element's results, so a result may go straight
// to an operand's memory.
func adamCall(k *adamKernel, local map[*ir.Value]*jen.Statement) jen.Code {
	var args []jen.Code
	for _, v := range []*ir.Value{k.m1, k.v1, k.w1, k.m, k.v, k.w, k.g} {
		args = append(args, local[v])
	}
	fields := [7]string{"Beta1", "Grad1", "Beta2", "Grad2", "Bias2Sqrt", "Eps", "Step"}
	var coef []jen.Code
	for j, c := range k.coef {
		coef = append(coef, jen.Id(fields[j]).Op(":").Add(local[c]))
	}
	args = append(args, jen.Qual(runtimePath, "AdamCoef32").Values(coef...))
	return jen.Qual(runtimePath, "AdamStep32").Call(args...)
}
