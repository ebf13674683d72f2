// Package passes turns a module's forward graph into a Program: the predict, eval
// and train functions, each optimized, scheduled and memory-planned for code
// generation. A module with a saliency kind also gets a saliency function: the
// gradient of its loss or of a chosen class score with respect to the input.
//
// Build clones the forward graph once per function and runs the pass table on
// each clone, in this order:
//
//	check            ir.Verify, reported as positioned errors in the user's model
//	autodiff         train only: the gradient of "loss" with respect to every param (Grad)
//	lower-optimizer  train only: the optimizer as explicit ops and in-place state updates
//	fold-constants   ops over constants, and sizes over static axes, become constants
//	simplify         algebraic identities that are exact in IEEE arithmetic
//	cse              common subexpression elimination
//	dce              dead code elimination
//	schedule         the order in which the generated code computes values
//	fuse             steps: elementwise chains, with their reductions and in-place
//	                 updates, that the generated code computes in one loop each,
//	                 and dense layers' bias and ReLU in the matmul's epilogue
//	plan-memory      offsets into one arena per dtype, with reuse of dead ranges
//
// Mistakes in the model come back from Build as an ir.ErrorList with source
// positions. A pass that breaks an invariant panics with the pass's name: with
// Options.VerifyEach, ir.Verify runs after every pass (and CheckPlan once a plan
// exists), which tests always enable.
package passes
