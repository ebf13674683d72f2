package main

import (
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

func (a *app) train(args []string) error {
	fs := a.newFlagSet("train", "MODEL [train flags] [-- ARGS...]",
		"Build MODEL's standalone binary in a temporary directory and run its train\n"+
			"subcommand with the flags given here and any ARGS after \"--\", streaming its\n"+
			"output. nncc exits with the binary's exit status. Flags not given take the\n"+
			"values in the model file; relative data paths there are relative to its directory.")
	// These mirror the flags of the binary's train subcommand (runtime/cli), so
	// mistakes are caught before the build. Only the flags given are passed on.
	fs.Int("epochs", 0, "number of `passes` over the training data")
	fs.Int("batch", 0, "`samples` per training step, at most the model's batch size")
	fs.Float64("lr", 0, "learning `rate` of the optimizer")
	fs.Uint64("seed", 0, "`seed` of the order in which samples are shuffled")
	fs.Bool("shuffle", false, "visit the training samples in a new random order each epoch")
	fs.String("data", "", "training data: a `path` (MNIST directory, CSV file, or IMAGES,LABELS for IDX)")
	fs.String("test", "", "test data: a CSV `file`, or IMAGES,LABELS for IDX")
	fs.String("save", "", "write the trained weights to this safetensors `checkpoint`")
	fs.String("load", "", "read weights from this `checkpoint` before training")
	fs.Bool("quiet", false, "print only the JSON summary")
	var pf passFlags
	fs.BoolVar(&pf.verifyEach, "verify-each", false, "run the IR verifier after every pass")
	positional, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(positional) == 0 {
		return wantArgs(fs, positional, "MODEL")
	}
	model, extra := positional[0], positional[1:]

	work, err := os.MkdirTemp("", "nncc-train-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	name := strings.TrimSuffix(filepath.Base(model), filepath.Ext(model))
	bin := filepath.Join(work, name)
	if err := a.buildBinary(model, bin, pf, false); err != nil {
		return err
	}

	trainArgs := []string{"train"}
	fs.Visit(func(f *flag.Flag) {
		if f.Name != "verify-each" {
			trainArgs = append(trainArgs, "--"+f.Name+"="+f.Value.String())
		}
	})
	trainArgs = append(trainArgs, extra...)
	a.progress("running %s %s", name, strings.Join(trainArgs, " "))
	cmd := exec.Command(bin, trainArgs...)
	cmd.Stdin = os.Stdin
	cmd.Stdout = a.stdout
	cmd.Stderr = a.stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() > 0 {
		return exitStatus(exit.ExitCode())
	}
	return err
}
