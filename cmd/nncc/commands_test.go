package main

import (
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nncc/nncc/ir"
)

func TestCompileWritesBuildablePackage(t *testing.T) {
	model := writeTinyModel(t, t.TempDir())
	out := filepath.Join(testMod, "tinymodel")
	// Flags after the model path, as a //go:generate line may write them.
	r := nncc(t, filepath.Dir(model), nil, "compile", "tiny.nnc", "-o", out, "-pkg", "tiny", "--verify-each")
	if r.code != 0 {
		t.Fatalf("compile: exit %d\nstderr:\n%s", r.code, r.stderr)
	}

	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	var goFiles int
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			t.Errorf("temporary file %s left behind", name)
			continue
		}
		path := filepath.Join(out, name)
		if generated, err := isGenerated(path); err != nil || !generated {
			t.Errorf("%s: first line is not %q (err %v)", name, generatedHeader, err)
		}
		if strings.HasSuffix(name, ".go") {
			goFiles++
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.PackageClauseOnly)
			if err != nil {
				t.Fatal(err)
			}
			if f.Name.Name != "tiny" {
				t.Errorf("%s: package %s, want tiny", name, f.Name.Name)
			}
		}
	}
	if goFiles == 0 {
		t.Fatalf("compile wrote no .go files into %s", out)
	}
	goInTestMod(t, "build", "./tinymodel")
	goInTestMod(t, "vet", "./tinymodel")
}

func TestCompileDefaultPackageName(t *testing.T) {
	dir := t.TempDir()
	model := writeTinyModel(t, dir)
	out := filepath.Join(dir, "My-Model")
	if r := nncc(t, dir, nil, "compile", "-o", out, model); r.code != 0 {
		t.Fatalf("compile: exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	matches, _ := filepath.Glob(filepath.Join(out, "*.go"))
	if len(matches) == 0 {
		t.Fatalf("no .go files in %s", out)
	}
	f, err := parser.ParseFile(token.NewFileSet(), matches[0], nil, parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	if f.Name.Name != "mymodel" {
		t.Errorf("package %s, want mymodel", f.Name.Name)
	}
}

func TestCompileReplacesStaleGeneratedFiles(t *testing.T) {
	dir := t.TempDir()
	model := writeTinyModel(t, dir)
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(out, "stale_layer.go")
	own := filepath.Join(out, "handwritten.go")
	writeFile(t, stale, generatedHeader+"\n\npackage out\n")
	writeFile(t, own, "// Package out has a hand-written file.\npackage out\n")

	if r := nncc(t, dir, nil, "compile", model, "-o", out); r.code != 0 {
		t.Fatalf("compile: exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale generated file still there (stat error %v)", err)
	}
	if _, err := os.Stat(own); err != nil {
		t.Errorf("hand-written file removed: %v", err)
	}
}

// positioned matches a "file:line:col: message" line.
var positioned = regexp.MustCompile(`(?m)^[^:\s]+\.nnc:\d+:\d+: \S`)

func TestCompileBadModelLeavesOutputUntouched(t *testing.T) {
	dir := t.TempDir()
	writeTinyModel(t, dir)
	bad := strings.Replace(tinyModel, "sigmoid(dense(x, 8))", "sigmoid(dense(x, 8)", 1)
	writeFile(t, filepath.Join(dir, "syntax.nnc"), bad)
	bad = strings.Replace(tinyModel, "sigmoid(dense(x, 8))", "sigmoid(dense(x, 8)) + dense(x, 3)", 1)
	writeFile(t, filepath.Join(dir, "shape.nnc"), bad)

	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(out, "model.go"), generatedHeader+"\n\npackage out\n// an earlier run\n")
	before := snapshot(t, dir)

	for _, model := range []string{"syntax.nnc", "shape.nnc"} {
		r := nncc(t, dir, nil, "compile", model, "-o", "out")
		if r.code != 2 {
			t.Errorf("%s: exit %d, want 2\nstderr:\n%s", model, r.code, r.stderr)
		}
		if !positioned.MatchString(r.stderr) || !strings.HasPrefix(r.stderr, model+":") {
			t.Errorf("%s: stderr has no %s:line:col: message line:\n%s", model, model, r.stderr)
		}
	}
	r := nncc(t, dir, nil, "compile", "missing.nnc", "-o", "out")
	if r.code != 2 || !strings.Contains(r.stderr, "missing.nnc") {
		t.Errorf("missing model: exit %d, want 2, stderr:\n%s", r.code, r.stderr)
	}

	after := snapshot(t, dir)
	if len(after) != len(before) {
		t.Errorf("files after failed compiles: %d, before: %d", len(after), len(before))
	}
	for path, data := range before {
		if after[path] != data {
			t.Errorf("%s changed by a failed compile", path)
		}
	}
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	writeTinyModel(t, dir)
	r := nncc(t, dir, nil, "check", "tiny.nnc")
	if r.code != 0 {
		t.Fatalf("check: exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	want := "tiny.nnc: ok: 49 params in 4 tensors, max batch 16, arena bytes: predict "
	if !strings.HasPrefix(r.stdout, want) || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("check printed %q, want one line starting with %q", r.stdout, want)
	}

	writeFile(t, filepath.Join(dir, "bad.nnc"), strings.Replace(tinyModel, "sgd(lr=0.5)", "sgd(lr=-1)", 1))
	r = nncc(t, dir, nil, "check", "bad.nnc")
	if r.code != 2 || !positioned.MatchString(r.stderr) {
		t.Errorf("check bad.nnc: exit %d, want 2 and a positioned error; stderr:\n%s", r.code, r.stderr)
	}
}

func TestIR(t *testing.T) {
	dir := t.TempDir()
	writeTinyModel(t, dir)

	r := nncc(t, dir, nil, "ir", "tiny.nnc")
	if r.code != 0 {
		t.Fatalf("ir: exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	for _, fn := range []string{"predict", "eval", "train"} {
		if !strings.Contains(r.stdout, "graph "+fn+" ") {
			t.Errorf("ir output has no graph %s:\n%s", fn, r.stdout)
		}
	}

	// One function's text form parses back to a graph with the model's params.
	r = nncc(t, dir, nil, "ir", "--func", "train", "tiny.nnc")
	if r.code != 0 {
		t.Fatalf("ir --func train: exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	g, err := ir.Parse("train.ir", []byte(r.stdout))
	if err != nil {
		t.Fatalf("parsing the printed train graph: %v\n%s", err, r.stdout)
	}
	if g.Name != "train" || len(g.Params()) != 4 || len(g.Updates) < 4 {
		t.Errorf("train graph %q has %d params and %d updates, want train, 4 and at least 4",
			g.Name, len(g.Params()), len(g.Updates))
	}

	r = nncc(t, dir, nil, "ir", "tiny.nnc", "--print-after", "autodiff")
	if r.code != 0 || !strings.Contains(r.stdout, "// after autodiff") {
		t.Errorf("ir --print-after autodiff: exit %d, stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, args := range [][]string{
		{"ir", "tiny.nnc", "--func", "backward"},
		{"ir", "tiny.nnc", "--print-after", "no-such-pass"},
	} {
		if r := nncc(t, dir, nil, args...); r.code != 2 {
			t.Errorf("nncc %v: exit %d, want 2; stderr:\n%s", args, r.code, r.stderr)
		}
	}
}

func TestPlan(t *testing.T) {
	dir := t.TempDir()
	writeTinyModel(t, dir)
	r := nncc(t, dir, nil, "plan", "tiny.nnc")
	if r.code != 0 {
		t.Fatalf("plan: exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 5 {
		t.Fatalf("plan printed %d lines, want a title, a header and 3 rows:\n%s", len(lines), r.stdout)
	}
	for i, fn := range []string{"predict", "eval", "train"} {
		f := strings.Fields(lines[2+i])
		if len(f) != 6 || f[0] != fn {
			t.Fatalf("row %q, want %s and 5 numbers", lines[2+i], fn)
		}
		arena, _ := strconv.Atoi(f[1])
		naive, _ := strconv.Atoi(f[2])
		lower, _ := strconv.Atoi(f[3])
		if lower <= 0 || lower > arena || arena > naive {
			t.Errorf("%s: arena %d, naive %d, lower bound %d: want 0 < lower <= arena <= naive",
				fn, arena, naive, lower)
		}
		if want := fmt.Sprintf("%.3f", float64(arena)/float64(lower)); f[4] != want {
			t.Errorf("%s: arena/lower bound %s, want %s", fn, f[4], want)
		}
	}
}

func TestUsageAndExitStatus(t *testing.T) {
	dir := t.TempDir()
	writeTinyModel(t, dir)
	tests := []struct {
		args   []string
		code   int
		stdout string // a substring the output must contain
		stderr string
	}{
		{nil, 2, "", "Usage:"},
		{[]string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{[]string{"help"}, 0, "nncc compile", ""},
		{[]string{"--help"}, 0, "nncc compile", ""},
		{[]string{"help", "compile"}, 0, "-pkg", ""},
		{[]string{"compile", "-h"}, 0, "", "usage: nncc compile"},
		{[]string{"version"}, 0, "nncc ", ""},
		{[]string{"compile", "-o", "out"}, 2, "", "missing MODEL"},
		{[]string{"compile", "tiny.nnc"}, 2, "", "missing -o DIR"},
		{[]string{"compile", "tiny.nnc", "-o", "out", "-pkg", "func"}, 2, "", "not a valid name for a model package"},
		{[]string{"compile", "tiny.nnc", "-o", "out", "-pkg", "main"}, 2, "", "not a valid name for a model package"},
		{[]string{"compile", "tiny.nnc", "-o", "out", "-pkg", "_"}, 2, "", "not a valid name for a model package"},
		{[]string{"compile", "tiny.nnc", "--no-such-flag"}, 2, "", "flag provided but not defined"},
		{[]string{"check", "tiny.nnc", "other.nnc"}, 2, "", "unexpected arguments: other.nnc"},
		{[]string{"train", "tiny.nnc", "--epochs", "many"}, 2, "", "invalid value"},
		{[]string{"build", "-o", "x", "tiny.nnc"}, 2, "", "NNCC_ROOT"},
	}
	for _, tt := range tests {
		// The last case points NNCC_ROOT at a directory without nncc's go.mod.
		env := []string{"NNCC_ROOT=" + dir}
		r := nncc(t, dir, env, tt.args...)
		if r.code != tt.code || !strings.Contains(r.stdout, tt.stdout) || !strings.Contains(r.stderr, tt.stderr) {
			t.Errorf("nncc %v: exit %d, want %d; want %q in stdout, %q in stderr\nstdout:\n%s\nstderr:\n%s",
				tt.args, r.code, tt.code, tt.stdout, tt.stderr, r.stdout, r.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); !os.IsNotExist(err) {
		t.Errorf("a failed command created the output directory (stat error %v)", err)
	}
}
