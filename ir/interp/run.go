package interp

import (
	"fmt"
	"slices"

	"github.com/nncc/nncc/ir"
)

// Run evaluates g with batch extent n and returns its outputs by output name and its
// update values by the name of the param or state they update. Only the values the
// outputs and updates depend on are evaluated.
//
// feeds supplies the inputs, params and state by name. Each feed has its source's
// dtype and shape, with the batch dimension at n. Run rounds a copy of each feed to
// the dtype (f32 to float32, integers toward zero). A missing
// param or state whose Init kind is zeros or const is filled from its Init.
//
// Run returns an error if n is outside [1, g.MaxBatch], a needed feed is missing or
// has the wrong dtype or shape, or an op fails (see EvalOp).
func Run(g *ir.Graph, n int, feeds map[string]*Tensor) (outputs, updates map[string]*Tensor, err error) {
	vals, err := Eval(g, n, feeds)
	if err != nil {
		return nil, nil, err
	}
	outputs = make(map[string]*Tensor, len(g.Outputs))
	for _, o := range g.Outputs {
		outputs[o.Name] = vals[o.Value]
	}
	updates = make(map[string]*Tensor, len(g.Updates))
	for _, u := range g.Updates {
		updates[u.Target.Attrs.Name] = vals[u.Value]
	}
	return outputs, updates, nil
}

// Eval evaluates g like Run and returns the tensor of every value evaluated: the
// outputs, the update values and everything they depend on, sources included.
func Eval(g *ir.Graph, n int, feeds map[string]*Tensor) (map[*ir.Value]*Tensor, error) {
	if n < 1 || n > g.MaxBatch {
		return nil, fmt.Errorf("interp: graph %s: batch extent %d outside [1, %d]", g.Name, n, g.MaxBatch)
	}
	live := liveValues(g)
	vals := make(map[*ir.Value]*Tensor, len(live))
	for _, v := range g.Values {
		if !live[v] {
			continue
		}
		var t *Tensor
		var err error
		switch v.Op {
		case ir.OpInput, ir.OpParam, ir.OpState:
			t, err = feed(v, n, feeds)
		default:
			args := make([]*Tensor, len(v.Args))
			for i, a := range v.Args {
				args[i] = vals[a]
			}
			t, err = EvalOp(v, args, n)
		}
		if err != nil {
			return nil, err
		}
		vals[v] = t
	}
	return vals, nil
}

// liveValues returns the values that g's outputs and updates depend on, the update
// targets included.
func liveValues(g *ir.Graph) map[*ir.Value]bool {
	live := make(map[*ir.Value]bool)
	stack := g.Roots()
	for _, u := range g.Updates {
		stack = append(stack, u.Target)
	}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if live[v] {
			continue
		}
		live[v] = true
		stack = append(stack, v.Args...)
	}
	return live
}

// feed returns the tensor for source v: the caller's feed rounded to v's dtype, or
// the Init fill of a param or state without a feed.
func feed(v *ir.Value, n int, feeds map[string]*Tensor) (*Tensor, error) {
	shape := resolve(v.Shape, n)
	t, ok := feeds[v.Attrs.Name]
	if !ok || t == nil {
		return initFill(v, shape)
	}
	if t.DType != v.DType || !slices.Equal(t.Shape, shape) {
		return nil, fmt.Errorf("interp: %s %q: feed is %s, want %s%v", v.Op, v.Attrs.Name, describe(t), v.DType, ir.Shape(shape))
	}
	if len(t.Data) != numElems(shape) {
		return nil, fmt.Errorf("interp: %s %q: feed has %d elements, want %d", v.Op, v.Attrs.Name, len(t.Data), numElems(shape))
	}
	r := Zeros(v.DType, shape)
	for i, x := range t.Data {
		r.Data[i] = roundTo(v.DType, x)
	}
	return r, nil
}

func initFill(v *ir.Value, shape []int) (*Tensor, error) {
	if v.Op == ir.OpInput {
		return nil, fmt.Errorf("interp: input %q: missing feed", v.Attrs.Name)
	}
	t := Zeros(v.DType, shape)
	switch v.Attrs.Init.Kind {
	case ir.InitZeros:
	case ir.InitConst:
		for i := range t.Data {
			t.Data[i] = roundTo(v.DType, v.Attrs.Init.Value)
		}
	default:
		return nil, fmt.Errorf("interp: %s %q: missing feed, and a random Init cannot be filled in", v.Op, v.Attrs.Name)
	}
	return t, nil
}
