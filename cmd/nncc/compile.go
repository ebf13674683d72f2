package main

import (
	"fmt"
	"go/token"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/nncc/nncc/codegen"
)

func (a *app) compile(args []string) error {
	fs := a.newFlagSet("compile", "MODEL -o DIR [-pkg NAME] [--verify-each] [--print-after PASS]",
		"Compile MODEL and write its Go package into DIR, replacing the files a previous\n"+
			"run generated there. This is the command a //go:generate line runs.")
	dir := fs.String("o", "", "output `directory` for the package (required)")
	pkg := fs.String("pkg", "", "package `name` (default: DIR's base name as a Go identifier)")
	var pf passFlags
	pf.register(fs)
	positional, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, positional, "MODEL"); err != nil {
		return err
	}
	if *dir == "" {
		return inputErrorf("compile: missing -o DIR")
	}
	name := *pkg
	if name == "" {
		name = packageName(*dir)
	} else if !token.IsIdentifier(name) || token.IsKeyword(name) || name == "_" || name == "main" {
		return inputErrorf("compile: -pkg %q is not a valid name for a model package "+
			"(want a Go identifier other than a keyword, _ and main)", name)
	}

	// Generate everything in memory first, so an error leaves DIR as it was.
	model := positional[0]
	p, err := compileModel(model, pf, a.stdout)
	if err != nil {
		return err
	}
	files, err := codegen.Generate(p, codegen.Options{Package: name, Source: model})
	if err != nil {
		// Positioned errors in the list still exit with status 2 (see report).
		return fmt.Errorf("generating Go code: %w", err)
	}
	return writeFiles(*dir, files)
}

// packageName derives a Go package name from the base name of dir: lower-case
// letters and digits only, not starting with a digit. It returns "model" if nothing
// usable is left, or if the name is a keyword or "main" (a model package is a library).
func packageName(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	var b strings.Builder
	for _, r := range strings.ToLower(filepath.Base(abs)) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
		}
	}
	name := strings.TrimLeft(b.String(), "0123456789")
	if name == "" || token.IsKeyword(name) || name == "main" {
		return "model"
	}
	return name
}
