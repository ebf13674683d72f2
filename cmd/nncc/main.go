package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
)

// command is one nncc subcommand.
type command struct {
	name    string
	args    string // the synopsis after the name
	summary string
	run     func(a *app, args []string) error
}

// app carries the streams every subcommand writes to.
type app struct {
	stdout, stderr io.Writer
}

var commands []*command

func init() {
	commands = []*command{
		{"compile", "MODEL -o DIR [-pkg NAME]", "write the model's Go package into DIR", (*app).compile},
		{"check", "MODEL", "parse and compile the model, report errors or a summary", (*app).check},
		{"ir", "MODEL [--func NAME] [--print-after PASS]", "print the compiled IR", (*app).printIR},
		{"plan", "MODEL", "print each function's memory plan", (*app).plan},
		{"build", "MODEL [-o BINARY]", "build a standalone binary for the model", (*app).build},
		{"train", "MODEL [train flags]", "build the binary and run its train subcommand", (*app).train},
		{"help", "[COMMAND]", "print usage", (*app).help},
		{"version", "", "print the nncc version", (*app).version},
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line args and returns the process exit status: 0 on
// success, 2 for bad input, 1 for an internal failure, or the status of a child
// process that nncc train ran.
func run(args []string, stdout, stderr io.Writer) (status int) {
	a := &app{stdout: stdout, stderr: stderr}
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "nncc: internal error: %v\n%s", r, debug.Stack())
			status = 1
		}
	}()

	if len(args) == 0 {
		a.usage(stderr)
		return 2
	}
	name := args[0]
	if name == "-h" || name == "-help" || name == "--help" {
		name = "help"
	}
	c := lookup(name)
	if c == nil {
		fmt.Fprintf(stderr, "nncc: unknown command %q\n\n", args[0])
		a.usage(stderr)
		return 2
	}
	return a.report(c.run(a, args[1:]))
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

func (a *app) usage(w io.Writer) {
	fmt.Fprintln(w, "nncc compiles neural-network model files into Go packages and binaries.")
	fmt.Fprintln(w, "\nUsage:")
	width := 0
	for _, c := range commands {
		width = max(width, len(c.name))
	}
	for _, c := range commands {
		fmt.Fprintf(w, "  nncc %-*s  %s\n", width, c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun \"nncc help COMMAND\" for a command's flags.")
	fmt.Fprintln(w, "Exit status: 0 on success, 2 for bad input, 1 for an internal failure.")
}

func (a *app) help(args []string) error {
	if len(args) == 0 {
		a.usage(a.stdout)
		return nil
	}
	c := lookup(args[0])
	if c == nil {
		return inputErrorf("help: unknown command %q", args[0])
	}
	if c.name == "help" || c.name == "version" {
		fmt.Fprintf(a.stdout, "usage: nncc %s %s\n\n%s.\n", c.name, c.args, upperFirst(c.summary))
		return nil
	}
	// Every other command prints its flags through its FlagSet's usage, which goes
	// to stdout when asked for.
	return c.run(&app{stdout: a.stdout, stderr: a.stdout}, []string{"-h"})
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (a *app) version(args []string) error {
	if len(args) > 0 {
		return inputErrorf("version: unexpected argument %q", args[0])
	}
	version, goVersion := "(unknown)", "(unknown)"
	if info, ok := debug.ReadBuildInfo(); ok {
		version, goVersion = info.Main.Version, info.GoVersion
		settings := map[string]string{}
		for _, s := range info.Settings {
			settings[s.Key] = s.Value
		}
		if rev := settings["vcs.revision"]; rev != "" {
			version += " " + rev
			if settings["vcs.modified"] == "true" {
				version += "+modified"
			}
		}
	}
	fmt.Fprintf(a.stdout, "nncc %s %s\n", version, goVersion)
	return nil
}
