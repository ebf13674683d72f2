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
	Plan     *MemoryPlan
}

// MemoryPlan places every scheduled value in an arena, one arena per dtype. Offsets
// and sizes count elements, sized for the batch extent MaxBatch. Sources (inputs,
// params, state, constants) live outside the arenas.
type MemoryPlan struct {
	Offsets    map[*ir.Value]int
	ArenaElems map[ir.DType]int
	// ArenaBytes is the total size of the arenas. NaiveBytes is the sum of the sizes
	// of all scheduled values. LowerBoundBytes is the largest total size of values
	// live at one point of the schedule, which no plan can go below.
	ArenaBytes, NaiveBytes, LowerBoundBytes int
}
