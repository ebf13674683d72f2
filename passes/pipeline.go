package passes

import (
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/nncc/nncc/ir"
)

// Pass is one row of the pass table: a named transformation of one function.
type Pass struct {
	Name string
	// Run transforms ctx.Func. It returns an error only for a mistake in the user's
	// model, and panics on a broken invariant.
	Run func(*Context) error
	// Required passes are needed for a correct program; Options.Disable must not
	// name them.
	Required bool
	// TrainOnly passes run on the train function only.
	TrainOnly bool
}

// Context is the state that the passes over one function share.
type Context struct {
	Module *ir.Module
	Func   *Function
	// Params and Grads are set by autodiff on the train function: the params in
	// definition order and the gradient of the loss with respect to each.
	Params []*ir.Value
	Grads  []*ir.Value
}

// Options controls a run of the pass table.
type Options struct {
	// VerifyEach runs ir.Verify after every pass, and CheckPlan once a memory plan
	// exists. A failure panics naming the pass, because passes must keep the
	// invariants.
	VerifyEach bool
	// PrintAfter names passes after which the IR text of each function is written
	// to Out, headed by "// after NAME".
	PrintAfter []string
	Out        io.Writer
	// Disable names optional passes to skip.
	Disable []string
}

// ordering is a constraint of the pass table: pass before runs before pass after.
type ordering struct{ before, after string }

// passTable is the ordered list of passes every function goes through. The
// predict and eval functions skip the TrainOnly rows.
var passTable = newTable([]Pass{
	{Name: "check", Run: checkGraph, Required: true},
	{Name: "autodiff", Run: autodiff, Required: true, TrainOnly: true},
	{Name: "lower-optimizer", Run: lowerOptimizer, Required: true, TrainOnly: true},
	{Name: "fold-constants", Run: foldConstants},
	{Name: "simplify", Run: simplify},
	{Name: "cse", Run: cse},
	{Name: "dce", Run: dce},
	{Name: "schedule", Run: schedule, Required: true},
	{Name: "fuse", Run: fuse},
	{Name: "plan-memory", Run: planMemory, Required: true},
}, []ordering{
	{"check", "autodiff"},
	{"autodiff", "lower-optimizer"},
	// The simplifications clean up what differentiation and lowering emit.
	{"lower-optimizer", "fold-constants"},
	{"lower-optimizer", "simplify"},
	{"lower-optimizer", "cse"},
	{"lower-optimizer", "dce"},
	// Folding turns operands into constants that simplify and cse then match.
	{"fold-constants", "simplify"},
	{"simplify", "cse"},
	// Every rewrite leaves dead values behind for dce.
	{"cse", "dce"},
	{"dce", "schedule"},
	{"schedule", "fuse"},
	{"fuse", "plan-memory"},
})

// newTable returns passes after checking that names are distinct and every
// ordering constraint holds. It panics otherwise, because the table is fixed at
// compile time.
func newTable(passes []Pass, order []ordering) []Pass {
	index := make(map[string]int, len(passes))
	for i, p := range passes {
		if p.Name == "" || p.Run == nil {
			panic(fmt.Sprintf("passes: pass table row %d has no name or no Run", i))
		}
		if _, dup := index[p.Name]; dup {
			panic(fmt.Sprintf("passes: pass %q appears twice in the pass table", p.Name))
		}
		index[p.Name] = i
	}
	for _, o := range order {
		b, okB := index[o.before]
		a, okA := index[o.after]
		if !okB || !okA {
			panic(fmt.Sprintf("passes: ordering %q before %q names a pass not in the table", o.before, o.after))
		}
		if b >= a {
			panic(fmt.Sprintf("passes: pass %q must run before %q", o.before, o.after))
		}
	}
	return passes
}

// Passes returns a copy of the pass table in execution order.
func Passes() []Pass { return slices.Clone(passTable) }

// lookupPass returns the row called name, or nil.
func lookupPass(name string) *Pass {
	for i := range passTable {
		if passTable[i].Name == name {
			return &passTable[i]
		}
	}
	return nil
}

// validate returns an error if opts names an unknown pass, disables a required
// one, or sets PrintAfter without Out.
func (opts Options) validate() error {
	var errs []error
	for _, name := range opts.Disable {
		p := lookupPass(name)
		switch {
		case p == nil:
			errs = append(errs, fmt.Errorf("cannot disable unknown pass %q (passes: %s)", name, passNames()))
		case p.Required:
			errs = append(errs, fmt.Errorf("cannot disable pass %q: it is required", name))
		}
	}
	for _, name := range opts.PrintAfter {
		if lookupPass(name) == nil {
			errs = append(errs, fmt.Errorf("cannot print after unknown pass %q (passes: %s)", name, passNames()))
		}
	}
	if len(opts.PrintAfter) > 0 && opts.Out == nil {
		errs = append(errs, errors.New("PrintAfter is set but Out is nil"))
	}
	return errors.Join(errs...)
}

func passNames() string {
	s := ""
	for i, p := range passTable {
		if i > 0 {
			s += ", "
		}
		s += p.Name
	}
	return s
}

// runPasses runs the passes of table on ctx.Func. It returns the first pass's
// error, or an error from writing to opts.Out.
func runPasses(ctx *Context, opts Options, table []Pass) error {
	f := ctx.Func
	for _, p := range table {
		if p.TrainOnly && f.Name != "train" || slices.Contains(opts.Disable, p.Name) {
			continue
		}
		if err := p.Run(ctx); err != nil {
			return err
		}
		if opts.VerifyEach {
			verifyAfter(p.Name, f)
		}
		if slices.Contains(opts.PrintAfter, p.Name) {
			if _, err := fmt.Fprintf(opts.Out, "// after %s\n", p.Name); err != nil {
				return err
			}
			if err := ir.Print(opts.Out, f.Graph); err != nil {
				return err
			}
		}
	}
	// The plan is what the generated code trusts, so it is checked once even
	// without VerifyEach.
	if f.Plan != nil && !opts.VerifyEach {
		if err := CheckPlan(f); err != nil {
			panic(fmt.Sprintf("passes: the %s memory plan is invalid: %v", f.Name, err))
		}
	}
	return nil
}

// verifyAfter panics, naming the pass and the function, if f's graph or plan
// breaks an invariant after pass name.
func verifyAfter(name string, f *Function) {
	if err := ir.Verify(f.Graph); err != nil {
		panic(fmt.Sprintf("passes: after pass %s, the %s graph is invalid: %v", name, f.Name, err))
	}
	if f.Plan != nil {
		if err := CheckPlan(f); err != nil {
			panic(fmt.Sprintf("passes: after pass %s, the %s memory plan is invalid: %v", name, f.Name, err))
		}
	}
}
