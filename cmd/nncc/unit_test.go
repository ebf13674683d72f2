package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseArgs(t *testing.T) {
	tests := []struct {
		args       []string
		positional []string
		o          string
		v          bool
	}{
		{[]string{"m.nnc"}, []string{"m.nnc"}, "", false},
		{[]string{"-o", "d", "m.nnc"}, []string{"m.nnc"}, "d", false},
		{[]string{"m.nnc", "-o", "d", "-v"}, []string{"m.nnc"}, "d", true},
		{[]string{"a", "-v", "b", "--o=d", "c"}, []string{"a", "b", "c"}, "d", true},
		{[]string{"m.nnc", "--", "-o", "x"}, []string{"m.nnc", "-o", "x"}, "", false},
		{[]string{"-v", "--", "m.nnc"}, []string{"m.nnc"}, "", true},
		{[]string{"-", "-v"}, []string{"-"}, "", true},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		o := fs.String("o", "", "")
		v := fs.Bool("v", false, "")
		got, err := parseArgs(fs, tt.args)
		if err != nil || !slices.Equal(got, tt.positional) || *o != tt.o || *v != tt.v {
			t.Errorf("parseArgs(%q) = %q, o=%q v=%v, err %v; want %q, o=%q v=%v",
				tt.args, got, *o, *v, err, tt.positional, tt.o, tt.v)
		}
	}

	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(new(bytes.Buffer))
	_, err := parseArgs(fs, []string{"m.nnc", "-x"})
	var input *inputError
	if !errors.As(err, &input) || !input.printed {
		t.Errorf("unknown flag after a positional argument: err %v, want a printed input error", err)
	}
}

func TestPackageName(t *testing.T) {
	tests := map[string]string{
		"model":         "model",
		"out/MyModel":   "mymodel",
		"gen/my-model_": "mymodel",
		"2layer":        "layer",
		"type":          "model",
		"out/main":      "model",
		"123":           "model",
		"ünïcode":       "ncode",
		"a/b/":          "b",
	}
	for dir, want := range tests {
		if got := packageName(dir); got != want {
			t.Errorf("packageName(%q) = %q, want %q", dir, got, want)
		}
	}
}

func TestWriteFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pkg")
	files := map[string][]byte{"a.go": []byte(generatedHeader + "\npackage a\n"), "b.txt": []byte("b")}
	if err := writeFiles(dir, files); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s = %q, %v; want %q", name, got, err, data)
		}
	}
	// A second run that no longer produces a.go removes it.
	if err := writeFiles(dir, map[string][]byte{"c.go": []byte(generatedHeader + "\n")}); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"b.txt", "c.go"}; !slices.Equal(names, want) {
		t.Errorf("files after second write: %q, want %q", names, want)
	}

	// A bad file name is rejected before anything is written.
	fresh := filepath.Join(t.TempDir(), "fresh")
	for _, name := range []string{"../x.go", ".hidden.go", "", "sub/x.go"} {
		err := writeFiles(fresh, map[string][]byte{"ok.go": nil, name: nil})
		if err == nil {
			t.Errorf("writeFiles accepted the file name %q", name)
		}
	}
	if _, err := os.Stat(fresh); !os.IsNotExist(err) {
		t.Errorf("rejected writes created %s (stat error %v)", fresh, err)
	}
}

func TestIsGenerated(t *testing.T) {
	dir := t.TempDir()
	tests := map[string]bool{
		generatedHeader + "\npackage p\n":   true,
		generatedHeader + "\r\npackage p\n": true,
		generatedHeader:                     true,
		generatedHeader + " by hand\n":      false,
		"package p\n" + generatedHeader:     false,
		"":                                  false,
	}
	i := 0
	for data, want := range tests {
		path := filepath.Join(dir, strings.Repeat("f", i+1))
		i++
		writeFile(t, path, data)
		if got, err := isGenerated(path); err != nil || got != want {
			t.Errorf("isGenerated(%q) = %v, %v; want %v", data, got, err, want)
		}
	}
}

func TestBuildGoFlags(t *testing.T) {
	tests := map[string]string{
		"":                             "-mod=mod",
		"-buildvcs=false":              "-buildvcs=false -mod=mod",
		"-mod=vendor -trimpath":        "-trimpath -mod=mod",
		"  -mod=readonly  --mod=mod  ": "-mod=mod",
	}
	for in, want := range tests {
		if got := buildGoFlags(in); got != want {
			t.Errorf("buildGoFlags(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCheckRoot(t *testing.T) {
	if err := checkRoot(repoRoot); err != nil {
		t.Errorf("checkRoot(repository root): %v", err)
	}
	dir := t.TempDir()
	if checkRoot(dir) == nil {
		t.Error("checkRoot accepted a directory without go.mod")
	}
	writeFile(t, filepath.Join(dir, "go.mod"), "module example.com/other\n")
	if err := checkRoot(dir); err == nil || !strings.Contains(err.Error(), "example.com/other") {
		t.Errorf("checkRoot of another module: %v", err)
	}
}

func TestInternalErrorExitsOne(t *testing.T) {
	saved := commands
	defer func() { commands = saved }()
	commands = []*command{{name: "boom", run: func(*app, []string) error { panic("pass dce: broken invariant") }}}

	var stdout, stderr bytes.Buffer
	if code := run([]string{"boom"}, &stdout, &stderr); code != 1 {
		t.Errorf("exit %d after a panic, want 1", code)
	}
	msg := stderr.String()
	if !strings.HasPrefix(msg, "nncc: internal error: pass dce: broken invariant\n") || !strings.Contains(msg, "goroutine") {
		t.Errorf("stderr after a panic:\n%s", msg)
	}
}
