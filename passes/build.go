package passes

import (
	"errors"

	"github.com/nncc/nncc/ir"
)

// Build derives the predict, eval and train functions from m's forward graph and
// runs the pass table on each, returning them optimized, scheduled and planned.
// m is not modified. A module without a "loss" output gets only a predict
// function; Eval and Train are then nil.
//
// Build returns an ir.ErrorList of positioned errors for mistakes in the model
// (a missing input or output, an ill-typed loss, a graph that fails ir.Verify,
// invalid optimizer settings), and a plain error for invalid opts or a nil
// module. It panics if a pass breaks an invariant, naming the pass.
func Build(m *ir.Module, opts Options) (*Program, error) {
	if m == nil || m.Forward == nil {
		return nil, errors.New("passes: Build: the module has no forward graph")
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	// The forward graph must verify before derive and checkModule walk it.
	if err := ir.Verify(m.Forward); err != nil {
		return nil, asErrorList(err, ir.Pos{File: m.File})
	}
	if errs := append(checkModule(m), checkInferenceValues(m)...); len(errs) > 0 {
		return nil, errs
	}

	p := &Program{Module: m}
	names := []string{"predict"}
	if m.Forward.Output("loss") != nil {
		names = append(names, "eval", "train")
	}
	if m.Saliency != ir.SaliencyNone {
		names = append(names, "saliency")
	}
	for _, name := range names {
		derive := derive
		if name == "saliency" {
			derive = deriveSaliency
		}
		f, err := derive(m, name)
		if err != nil {
			return nil, err
		}
		ctx := &Context{Module: m, Func: f}
		if err := runPasses(ctx, opts, passTable); err != nil {
			var list ir.ErrorList
			if errors.As(err, &list) {
				return nil, list
			}
			return nil, err
		}
		switch name {
		case "predict":
			p.Predict = f
		case "eval":
			p.Eval = f
		case "train":
			p.Train = f
		case "saliency":
			p.Saliency = f
		}
	}
	return p, nil
}

// derive returns the function called name cut from a clone of m's forward graph.
// Each function keeps its outputs, every param and state, and what those outputs
// and updates need. Predict keeps the output "output" and the input x. Eval and
// train keep "loss" and, if the graph has it, "correct", and the inputs x and y.
// Train computes "correct" from the same forward values as the loss, so it counts
// the predictions of the parameters before the step. Only train keeps the forward
// graph's updates (such as running statistics), so predict and eval leave state
// unchanged.
func derive(m *ir.Module, name string) (*Function, error) {
	g, clone := m.Forward.Clone()
	g.Name = name
	if name != "train" {
		useInferenceValues(g, m, clone)
	}
	outputs := map[string][]string{
		"predict": {"output"},
		"eval":    {"loss", "correct"},
		"train":   {"loss", "correct"},
	}[name]

	var kept []ir.Output
	for _, o := range g.Outputs {
		for _, want := range outputs {
			if o.Name == want {
				kept = append(kept, o)
			}
		}
	}
	g.Outputs = kept
	if name != "train" {
		g.Updates = nil
	}

	inputs := map[string]bool{"x": true, "y": name != "predict"}
	prune(g, func(v *ir.Value) bool {
		return v.Op.IsPersistent() || v.Op == ir.OpInput && inputs[v.Attrs.Name]
	})
	if y := g.Named("y"); name == "predict" && y != nil && y.Op == ir.OpInput {
		out := g.Output("output")
		return nil, ir.ErrorList{{Pos: out.Pos, Msg: "output \"output\" depends on the labels y, but predict takes only the input x"}}
	}
	return &Function{Name: name, Graph: g}, nil
}
