package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
)

// newFlagSet returns a FlagSet for the subcommand name that reports errors to the
// caller and prints its usage, synopsis first, to stderr.
func (a *app) newFlagSet(name, synopsis, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: nncc %s %s\n\n%s\n", name, synopsis, about)
		if hasFlags(fs) {
			fmt.Fprintln(fs.Output(), "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// parseArgs parses args with fs, allowing flags both before and after positional
// arguments (the flag package alone stops at the first positional one), and
// returns the positional arguments in order. Everything after a "--" argument is
// positional. A help request returns flag.ErrHelp; any other flag error has
// already been printed with the usage and is returned as a printed input error.
//
// NOTE: a "--" given as the separate value of a flag (-o --) also ends flag
// parsing, as if it were the terminator.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &inputError{err: err, printed: true}
		}
		rest := fs.Args()
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		if len(rest) == 0 {
			return positional, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// wantArgs checks that exactly the named positional arguments were given, and
// otherwise prints the mistake and the usage.
func wantArgs(fs *flag.FlagSet, positional []string, names ...string) error {
	var err error
	switch {
	case len(positional) < len(names):
		err = fmt.Errorf("%s: missing %s", fs.Name(), names[len(positional)])
	case len(positional) > len(names):
		extra := strings.Join(positional[len(names):], " ")
		err = fmt.Errorf("%s: unexpected arguments: %s", fs.Name(), extra)
	default:
		return nil
	}
	fmt.Fprintf(fs.Output(), "nncc: %v\n", err)
	fs.Usage()
	return &inputError{err: err, printed: true}
}

// stringList is a flag that may be repeated; each use appends its value.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(s string) error {
	*l = append(*l, s)
	return nil
}
