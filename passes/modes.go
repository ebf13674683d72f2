package passes

import (
	"maps"
	"slices"

	"github.com/nncc/nncc/ir"
)

// useInferenceValues rewires g, a clone of m's forward graph made with the value
// map clone, to the inference mode: every operand and output that reads a key of
// m.InferenceValues reads its replacement instead. A replacement that is itself
// replaced is followed to the end of the chain. The values that only training
// needs become dead, and the caller's prune removes them.
func useInferenceValues(g *ir.Graph, m *ir.Module, clone map[*ir.Value]*ir.Value) {
	if len(m.InferenceValues) == 0 {
		return
	}
	subst := make(map[*ir.Value]*ir.Value, len(m.InferenceValues))
	for from, to := range m.InferenceValues {
		for i := 0; i <= len(m.InferenceValues); i++ {
			next, ok := m.InferenceValues[to]
			if !ok {
				break
			}
			to = next
		}
		if clone[from] != nil && clone[to] != nil {
			subst[clone[from]] = clone[to]
		}
	}
	for _, v := range g.Values {
		for i, a := range v.Args {
			if r, ok := subst[a]; ok {
				v.Args[i] = r
			}
		}
	}
	for i, o := range g.Outputs {
		if r, ok := subst[o.Value]; ok {
			g.Outputs[i].Value = r
		}
	}
}

// checkInferenceValues reports entries of m.InferenceValues that the predict and
// eval functions cannot use. Those are a value outside the forward graph, a
// replacement of another dtype or shape, and a replacement defined after the value
// it replaces, because the rewired users would then read it before its definition.
func checkInferenceValues(m *ir.Module) ir.ErrorList {
	var errs ir.ErrorList
	index := make(map[*ir.Value]int, len(m.Forward.Values))
	for i, v := range m.Forward.Values {
		index[v] = i
	}
	// Visit the entries in graph order, so the errors come out in a stable order.
	froms := slices.Collect(maps.Keys(m.InferenceValues))
	slices.SortFunc(froms, func(a, b *ir.Value) int { return rank(index, a) - rank(index, b) })
	for _, from := range froms {
		to := m.InferenceValues[from]
		fi, okFrom := index[from]
		ti, okTo := index[to]
		switch {
		case !okFrom || !okTo:
			errs.Add(ir.Pos{File: m.File}, "an inference value replaces or is a value outside the forward graph")
		case from.DType != to.DType || !from.Shape.Equal(to.Shape):
			errs.Add(from.Pos, "the inference value of %s is %s, want %s", from.Ref(), to.Type(), from.Type())
		case ti >= fi:
			errs.Add(from.Pos, "the inference value %s of %s is defined after it", to.Ref(), from.Ref())
		}
	}
	return errs
}

// rank returns v's position in the forward graph, or -1 for a value outside it.
func rank(index map[*ir.Value]int, v *ir.Value) int {
	if i, ok := index[v]; ok {
		return i
	}
	return -1
}

func init() {
	// random_uniform is a pure function of its seed and counter; like only gives the
	// shape. No operand takes a gradient.
	gradRules[ir.OpRandomUniform] = nil
}
