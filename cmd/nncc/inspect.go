package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/passes"
)

// The subcommands that compile a model and print something about it.

func (a *app) check(args []string) error {
	fs := a.newFlagSet("check", "MODEL [--verify-each]",
		"Parse and compile MODEL. Print its errors, or \"ok\" and a one-line summary.")
	var pf passFlags
	fs.BoolVar(&pf.verifyEach, "verify-each", false, "run the IR verifier after every pass")
	positional, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, positional, "MODEL"); err != nil {
		return err
	}
	p, err := compileModel(positional[0], pf, io.Discard)
	if err != nil {
		return err
	}
	params := p.Predict.Graph.Params()
	elems := 0
	for _, v := range params {
		elems += v.Shape.Elems(1)
	}
	var arenas []string
	for _, f := range functions(p) {
		arenas = append(arenas, fmt.Sprintf("%s %d", f.Name, f.Plan.ArenaBytes))
	}
	fmt.Fprintf(a.stdout, "%s: ok: %d params in %d tensors, max batch %d, arena bytes: %s\n",
		positional[0], elems, len(params), p.Predict.Graph.MaxBatch, strings.Join(arenas, ", "))
	return nil
}

func (a *app) printIR(args []string) error {
	fs := a.newFlagSet("ir", "MODEL [--func predict|eval|train] [--print-after PASS] [--verify-each]",
		"Print the compiled IR of MODEL's functions in the text form. With --print-after,\n"+
			"print every function's IR as it is after the named pass instead.")
	fn := fs.String("func", "", "print only this `function`: predict, eval or train")
	var pf passFlags
	pf.register(fs)
	positional, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, positional, "MODEL"); err != nil {
		return err
	}
	switch *fn {
	case "", "predict", "eval", "train":
	default:
		return inputErrorf("ir: --func %q, want predict, eval or train", *fn)
	}
	if len(pf.printAfter) > 0 && *fn != "" {
		return inputErrorf("ir: --func and --print-after cannot be combined")
	}

	p, err := compileModel(positional[0], pf, a.stdout)
	if err != nil || len(pf.printAfter) > 0 {
		return err
	}
	first := true
	for _, f := range functions(p) {
		if *fn != "" && f.Name != *fn {
			continue
		}
		if !first {
			fmt.Fprintln(a.stdout)
		}
		first = false
		if err := ir.Print(a.stdout, f.Graph); err != nil {
			return err
		}
	}
	return nil
}

func (a *app) plan(args []string) error {
	fs := a.newFlagSet("plan", "MODEL",
		"Print the memory plan of each of MODEL's functions: the arena size, the naive sum\n"+
			"of all intermediate values, the lower bound (the most bytes live at once), and\n"+
			"the arena's ratio to the lower bound and to the naive sum.")
	positional, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, positional, "MODEL"); err != nil {
		return err
	}
	p, err := compileModel(positional[0], passFlags{}, io.Discard)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s: max batch %d\n", positional[0], p.Predict.Graph.MaxBatch)
	return writePlanTable(a.stdout, functions(p))
}

// writePlanTable prints one row of memory-plan sizes per function: the arena, the
// naive sum of all placed values, the lower bound, and the arena's ratio to each
// of them.
func writePlanTable(w io.Writer, fns []*passes.Function) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "function\tarena bytes\tnaive bytes\tlower bound bytes\tarena/lower bound\tarena/naive")
	for _, f := range fns {
		pl := f.Plan
		toLower, toNaive := "-", "-"
		if pl.LowerBoundBytes > 0 {
			toLower = fmt.Sprintf("%.3f", float64(pl.ArenaBytes)/float64(pl.LowerBoundBytes))
		}
		if pl.NaiveBytes > 0 {
			toNaive = fmt.Sprintf("%.1f%%", 100*float64(pl.ArenaBytes)/float64(pl.NaiveBytes))
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\n",
			f.Name, pl.ArenaBytes, pl.NaiveBytes, pl.LowerBoundBytes, toLower, toNaive)
	}
	return tw.Flush()
}
