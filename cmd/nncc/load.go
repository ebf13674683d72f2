package main

import (
	"flag"
	"io"
	"os"

	"github.com/nncc/nncc/frontend"
	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/passes"
)

// passFlags are the flags that control the pass pipeline, shared by the
// subcommands that compile a model.
type passFlags struct {
	verifyEach bool
	printAfter stringList
}

func (f *passFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.verifyEach, "verify-each", false, "run the IR verifier after every pass")
	fs.Var(&f.printAfter, "print-after", "print the IR after the named `pass` (repeatable)")
}

// compileModel parses the model file at path and compiles it, with the passes that
// flags.printAfter names printing to out.
func compileModel(path string, flags passFlags, out io.Writer) (*passes.Program, error) {
	m, err := parseModel(path)
	if err != nil {
		return nil, err
	}
	return buildProgram(m, flags, out)
}

// parseModel parses the model file at path. Every error it returns is an input error.
func parseModel(path string) (*ir.Module, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, asInput(err)
	}
	m, err := frontend.ParseFile(path)
	return m, asInput(err)
}

// buildProgram runs the pass pipeline on m and checks the size of the result (see
// checkModelSize). Every error it returns is a mistake in the model or the flags,
// because the passes report their own failures by panicking.
func buildProgram(m *ir.Module, flags passFlags, out io.Writer) (*passes.Program, error) {
	p, err := passes.Build(m, passes.Options{
		VerifyEach: flags.verifyEach,
		PrintAfter: flags.printAfter,
		Out:        out,
	})
	if err != nil {
		return nil, asInput(err)
	}
	if err := checkModelSize(p); err != nil {
		return nil, err
	}
	return p, nil
}

// functions returns the program's functions in the order nncc prints them. A model
// without a loss has only a predict function.
func functions(p *passes.Program) []*passes.Function {
	var fns []*passes.Function
	for _, f := range []*passes.Function{p.Predict, p.Eval, p.Train, p.Saliency} {
		if f != nil {
			fns = append(fns, f)
		}
	}
	return fns
}
