package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/nncc/nncc/codegen"
	"github.com/nncc/nncc/runtime/data"
)

// buildModelDir is the subdirectory of the temporary build module that holds the
// model package, and buildModule the temporary module's path.
const (
	buildModule   = "nnccbuild"
	buildModelDir = "model"
)

func (a *app) build(args []string) error {
	fs := a.newFlagSet("build", "MODEL [-o BINARY] [--work] [--verify-each]",
		"Build a standalone binary for MODEL with the subcommands train, eval, predict,\n"+
			"generate and info. See \"nncc help\" for where the nncc source it links against\n"+
			"comes from.")
	out := fs.String("o", "", "output `file`, or an existing directory to write it into "+
		"(default: MODEL's base name without extension)")
	work := fs.Bool("work", false, "print the temporary build directory and keep it")
	var pf passFlags
	fs.BoolVar(&pf.verifyEach, "verify-each", false, "run the IR verifier after every pass")
	positional, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, positional, "MODEL"); err != nil {
		return err
	}
	model := positional[0]
	name := strings.TrimSuffix(filepath.Base(model), filepath.Ext(model))
	if *out == "" {
		*out = name
	} else if fi, err := os.Stat(*out); err == nil && fi.IsDir() {
		*out = filepath.Join(*out, name)
	}
	return a.buildBinary(model, *out, pf, *work)
}

// checkBinaryTarget returns an input error if path exists and is something other
// than an executable that building may replace: a directory, a device, or a file
// such as a source file. An empty file may be replaced. "go build -o" guards its
// output the same way.
func checkBinaryTarget(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return asInput(err)
	case !fi.Mode().IsRegular():
		return inputErrorf("build: output %s exists and is not a regular file", path)
	case fi.Size() == 0:
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return asInput(err)
	}
	defer f.Close()
	head := make([]byte, 4)
	n, _ := io.ReadFull(f, head)
	if !isExecutable(head[:n]) {
		return inputErrorf("build: output %s exists and is not an executable; remove it or choose another -o", path)
	}
	return nil
}

// isExecutable reports whether head, the first bytes of a file, starts an ELF,
// Mach-O, PE or WebAssembly executable, the formats go build writes.
func isExecutable(head []byte) bool {
	for _, magic := range []string{
		"\x7fELF", "\xfe\xed\xfa\xce", "\xfe\xed\xfa\xcf", "\xce\xfa\xed\xfe", "\xcf\xfa\xed\xfe",
		"MZ", "\x00asm",
	} {
		if strings.HasPrefix(string(head), magic) {
			return true
		}
	}
	return false
}

// buildBinary compiles the model file at model into a standalone binary written to
// out, printing one line per step to stderr. The binary is built in a temporary
// directory next to out and renamed once complete. An existing out must be an
// executable (see checkBinaryTarget).
func (a *app) buildBinary(model, out string, pf passFlags, keepWork bool) error {
	abs, err := filepath.Abs(out)
	if err != nil {
		return asInput(err)
	}
	if err := checkBinaryTarget(abs); err != nil {
		return err
	}
	m, err := parseModel(model)
	if err != nil {
		return err
	}
	a.progress("parsed %s (model %s)", model, m.Name)
	// The frontend resolves data paths against the model file's directory as given,
	// which may be relative to the current directory. Absolute paths let the binary
	// find its default data from any directory.
	if err := absPaths(m.Train.TrainFiles); err != nil {
		return err
	}
	if err := absPaths(m.Train.TestFiles); err != nil {
		return err
	}
	p, err := buildProgram(m, pf, io.Discard)
	if err != nil {
		return err
	}
	a.progress("compiled %d functions", len(functions(p)))

	files, err := codegen.Generate(p, codegen.Options{Package: buildModelDir, Source: model})
	if err != nil {
		return fmt.Errorf("generating Go code: %w", err)
	}
	mainGo, err := codegen.GenerateMain(p, buildModule+"/"+buildModelDir)
	if err != nil {
		return fmt.Errorf("generating main.go: %w", err)
	}
	root, foundBy, err := findRoot()
	if err != nil {
		return err
	}

	work, err := os.MkdirTemp("", "nncc-build-")
	if err != nil {
		return err
	}
	if keepWork {
		a.progress("work directory %s", work)
	} else {
		defer os.RemoveAll(work)
	}
	if err := writeBuildModule(work, root, files, mainGo); err != nil {
		return err
	}

	// The temporary directory next to out has a fresh name, so no file of the
	// user's is overwritten, and creating it checks that out's directory exists
	// and is writable before go build runs.
	outTmp, err := os.MkdirTemp(filepath.Dir(abs), ".nncc-build-*")
	if err != nil {
		return asInput(err)
	}
	defer os.RemoveAll(outTmp)
	tmp := filepath.Join(outTmp, filepath.Base(abs))
	a.progress("go build (nncc source %s, found by %s)", root, foundBy)
	if err := a.goBuild(work, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, abs); err != nil {
		return asInput(err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return err
	}
	a.progress("wrote %s (%.1f MB)", out, float64(st.Size())/1e6)
	return nil
}

// absPaths replaces each path in paths by its absolute form, except text patterns
// relative to the Go root (data.GOROOTPrefix), which the binary expands where it runs.
func absPaths(paths []string) error {
	for i, p := range paths {
		if strings.HasPrefix(p, data.GOROOTPrefix) {
			continue // a text pattern relative to the Go root where the binary runs
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return err
		}
		paths[i] = abs
	}
	return nil
}

func (a *app) progress(format string, args ...any) {
	fmt.Fprintf(a.stderr, "nncc: "+format+"\n", args...)
}

// writeBuildModule lays out the temporary module in dir: go.mod requiring nncc with
// a replace to root, root's go.sum, the model package and the binary's main.go.
func writeBuildModule(dir, root string, files map[string][]byte, mainGo []byte) error {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	goMod := fmt.Sprintf("module %s\n\ngo 1.26\n\nrequire %s v0.0.0\n\nreplace %s => %s\n",
		buildModule, modulePath, modulePath, quoteModPath(absRoot))
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	top := map[string][]byte{"go.mod": []byte(goMod), "go.sum": sum, "main.go": mainGo}
	for name, data := range top {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
	}
	return writeFiles(filepath.Join(dir, buildModelDir), files)
}

// quoteModPath quotes a directory for a go.mod replace line if it needs quoting.
func quoteModPath(dir string) string {
	if strings.ContainsAny(dir, " \t\"'`\\") {
		return fmt.Sprintf("%q", dir)
	}
	return dir
}

// goBuild runs "go build -o out" in the module at dir, with go's output on stderr.
// A failure is an internal error, because the generated code should always compile.
func (a *app) goBuild(dir, out string) error {
	cmd := exec.Command("go", "build", "-o", out, ".")
	cmd.Dir = dir
	cmd.Stdout = a.stderr
	cmd.Stderr = a.stderr
	cmd.Env = append(os.Environ(), "GOFLAGS="+buildGoFlags(os.Getenv("GOFLAGS")), "GOWORK=off")
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build of the generated code failed: %w", err)
	}
	return nil
}

// buildGoFlags returns the user's GOFLAGS with -mod=mod in place of any -mod flag,
// so go may add missing go.sum lines for the temporary module.
func buildGoFlags(user string) string {
	flags := []string{}
	for _, f := range strings.Fields(user) {
		if !strings.HasPrefix(f, "-mod=") && !strings.HasPrefix(f, "--mod=") {
			flags = append(flags, f)
		}
	}
	return strings.Join(append(flags, "-mod=mod"), " ")
}
