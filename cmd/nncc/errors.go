package main

import (
	"errors"
	"flag"
	"fmt"

	"github.com/nncc/nncc/ir"
)

// inputError is a mistake on the command line or in the input files, for which nncc
// exits with status 2. When printed is set, the message is already on stderr.
type inputError struct {
	err     error
	printed bool
}

func (e *inputError) Error() string { return e.err.Error() }
func (e *inputError) Unwrap() error { return e.err }

func inputErrorf(format string, args ...any) error {
	return &inputError{err: fmt.Errorf(format, args...)}
}

// asInput marks err, if not nil, as a mistake in the input.
func asInput(err error) error {
	if err == nil {
		return nil
	}
	return &inputError{err: err}
}

// exitStatus is the non-zero exit status of a child process that nncc ran and
// whose output went straight to the user: nncc exits with the same status and
// prints nothing more.
type exitStatus int

func (s exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(s)) }

// report prints err to stderr and returns the exit status it calls for. Positioned
// errors from the model are printed one "file:line:col: message" per line.
func (a *app) report(err error) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var status exitStatus
	if errors.As(err, &status) {
		return int(status)
	}
	var list ir.ErrorList
	var positioned *ir.Error
	switch {
	case errors.As(err, &list):
		fmt.Fprintln(a.stderr, list.Error())
		return 2
	case errors.As(err, &positioned):
		fmt.Fprintln(a.stderr, positioned.Error())
		return 2
	}
	var input *inputError
	if errors.As(err, &input) {
		if !input.printed {
			fmt.Fprintf(a.stderr, "nncc: %v\n", err)
		}
		return 2
	}
	fmt.Fprintf(a.stderr, "nncc: %v\n", err)
	return 1
}
