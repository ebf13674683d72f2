package passes

import "github.com/nncc/nncc/ir"

// Program is a compiled module: its predict, evaluate and train functions, each
// optimized, scheduled and memory-planned, ready for code generation. Eval and
// Train are nil for a module without a "loss" output.
type Program struct {
	Module  *ir.Module
	Predict *Function // inputs x; output "output"
	Eval    *Function // inputs x, y; outputs "loss" and, if the module has it, "correct"
	Train   *Function // as Eval, computed before the step; updates of every param and state
	// Saliency is nil unless the module requests one (ir.Module.Saliency): inputs x
	// and y; output "input_grad", the gradient of the chosen scalar with respect to x.
	Saliency *Function
}

// Function is one graph of a program with its schedule and memory plan.
type Function struct {
	Name     string // "predict", "eval", "train" or "saliency"
	Graph    *ir.Graph
	Schedule []*ir.Value // the non-source values in execution order
	// Steps groups Schedule into kernels, in the same order: concatenating the
	// steps' Values gives Schedule. Nil means one step per scheduled value.
	Steps []*Step
	Plan  *MemoryPlan
}

// Step is one kernel of a function: the values it computes, in order. A step of
// one value is that value's op; the fuse pass builds steps of several values
// that the code generator emits as one loop.
type Step struct {
	Values []*ir.Value
	// Internal values exist only inside the step's loop, so they need no memory.
	// Every use of an internal value is in the same step, and none is a root.
	Internal map[*ir.Value]bool
	// Into maps an update value to the param or state it updates when the step
	// writes it straight into that param or state. Such a value needs no memory
	// of its own, and the step comes after every other use of the target.
	Into map[*ir.Value]*ir.Value
	// Aligned steps compute every value elementwise over one index space: element
	// i of each result depends only on element i of each operand whose shape is
	// the result's. Such an operand that dies at the step may share its memory
	// with a result of the same dtype and shape, as the planner's rules allow
	// (docs/memory.md).
	Aligned bool
	// Epilogue marks a float32 matrix product whose bias add, and possibly the
	// ReLU after it, run in the product's epilogue (see epilogues in
	// fuse_epilogue.go). Values are the matmul, the add and the relu if there is
	// one. The matmul is always internal, and the add is internal when the relu
	// is its only user.
	Epilogue bool
}

// StepsOf returns f's steps: f.Steps, or one step per scheduled value.
func (f *Function) StepsOf() []*Step {
	if f.Steps != nil {
		return f.Steps
	}
	steps := make([]*Step, len(f.Schedule))
	for i, v := range f.Schedule {
		steps[i] = &Step{Values: []*ir.Value{v}, Aligned: IsAligned(v)}
	}
	return steps
}

// IsAligned reports whether v's op computes element i of its result from element
// i of each operand of the result's shape: elementwise ops, select and casts.
func IsAligned(v *ir.Value) bool {
	switch v.Op.Class() {
	case ir.ClassUnary, ir.ClassBinary, ir.ClassCompare:
		return true
	}
	return v.Op == ir.OpSelect || v.Op == ir.OpCast
}

// Placed reports whether v needs memory in an arena: it is scheduled and neither
// internal to its step nor written straight into a param or state.
func (s *Step) Placed(v *ir.Value) bool { return !s.Internal[v] && s.Into[v] == nil }

// MemoryPlan places every placed value (Step.Placed) in an arena, one arena per
// dtype; other values have no offset. Offsets and sizes count elements, sized for
// the batch extent MaxBatch. Sources (inputs, params, state, constants) live
// outside the arenas.
type MemoryPlan struct {
	Offsets    map[*ir.Value]int
	ArenaElems map[ir.DType]int
	// ArenaBytes is the total size of the arenas. NaiveBytes is the sum of the sizes
	// of all placed values. LowerBoundBytes is the largest total size of placed
	// values live at one step, where a result computed in place over an operand
	// counts once with it; no plan with the same in-place pairs can go below it.
	ArenaBytes, NaiveBytes, LowerBoundBytes int
}
