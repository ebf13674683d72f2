package passes

import "github.com/nncc/nncc/ir"

// schedule is the "schedule" pass: it sets the function's schedule to the graph's
// non-source values in definition order, which is a topological order.
//
// NOTE: definition order is not chosen to reduce liveness. In a train graph, for
// example, every gradient stays live until the optimizer ops at the end. Running
// each param's update right after its gradient would shorten those ranges.
func schedule(ctx *Context) error {
	f := ctx.Func
	var sched []*ir.Value
	for _, v := range f.Graph.Values {
		if !v.Op.IsSource() {
			sched = append(sched, v)
		}
	}
	f.Schedule = sched
	f.Steps = nil
	f.Plan = nil // a plan for an older schedule no longer applies
	return nil
}

// elems returns the number of elements of v with the batch extent at maxBatch:
// the arena space v needs.
func elems(v *ir.Value, maxBatch int) int { return v.Shape.Elems(maxBatch) }
