// Package examples tests the example models and the example user module: that
// they compile, that their committed generated files and data are current, and
// that the go:generate workflow works in a module outside this repository.
package examples

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var (
	nnccBin  string // nncc built from this repository
	repoRoot string
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	tmp, err := os.MkdirTemp("", "nncc-examples-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	if repoRoot, err = filepath.Abs(".."); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	nnccBin = filepath.Join(tmp, "nncc")
	build := exec.Command("go", "build", "-o", nnccBin, "./cmd/nncc")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building nncc: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// run runs name with args in dir and returns its stdout, failing the test if it
// fails. env is added to the environment.
func run(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s in %s: %v\nstdout:\n%s\nstderr:\n%s",
			name, strings.Join(args, " "), dir, err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// readTree returns the regular files under dir by slash-separated relative path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)], err = os.ReadFile(path)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// compareTrees reports every file that differs between want (committed) and got
// (freshly generated).
func compareTrees(t *testing.T, tree string, want, got map[string][]byte, regenerate string) {
	t.Helper()
	for name, data := range got {
		if w, ok := want[name]; !ok {
			t.Errorf("%s: %s is generated but not committed; run %s", tree, name, regenerate)
		} else if !bytes.Equal(w, data) {
			t.Errorf("%s: committed %s differs from the generated one; run %s", tree, name, regenerate)
		}
	}
	for name := range want {
		if _, ok := got[name]; !ok {
			t.Errorf("%s: %s is committed but no longer generated; run %s", tree, name, regenerate)
		}
	}
}

// copyTree copies the regular files under src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	for name, data := range readTree(t, src) {
		path := filepath.Join(dst, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestGenerateModelIsCurrent checks that the committed examples/generate/model
// package is what nncc compile writes now.
func TestGenerateModelIsCurrent(t *testing.T) {
	out := t.TempDir()
	// Same arguments as the go:generate line in gen.go, so comments naming the
	// model file match.
	run(t, "generate", nil, nnccBin, "compile", "model.nnc", "-o", out, "-pkg", "model")
	compareTrees(t, "examples/generate/model", readTree(t, filepath.Join("generate", "model")),
		readTree(t, out), "go generate ./... in examples/generate")
}

// TestGenerateWorkflow copies the example user module to a temporary directory,
// points its replace directive at this repository, deletes the generated package,
// and checks that go generate, go build and the program work there with the
// committed go.sum.
func TestGenerateWorkflow(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, "generate", dir)
	if err := os.RemoveAll(filepath.Join(dir, "model")); err != nil {
		t.Fatal(err)
	}
	goMod := filepath.Join(dir, "go.mod")
	data, err := os.ReadFile(goMod)
	if err != nil {
		t.Fatal(err)
	}
	replaced := strings.Replace(string(data), "=> ../..", "=> "+strconv.Quote(repoRoot), 1)
	if replaced == string(data) {
		t.Fatalf("examples/generate/go.mod has no replace => ../..:\n%s", data)
	}
	if err := os.WriteFile(goMod, []byte(replaced), 0o644); err != nil {
		t.Fatal(err)
	}

	// -mod=readonly makes a go.sum line missing from the committed file an error.
	env := []string{"GOFLAGS=-mod=readonly", "GOWORK=off"}
	run(t, dir, env, "go", "generate", "./...")
	if _, err := os.Stat(filepath.Join(dir, "model", "model.go")); err != nil {
		t.Fatalf("go generate did not write the model package: %v", err)
	}
	run(t, dir, env, "go", "build", "-o", "generate", ".")
	out := run(t, dir, nil, filepath.Join(dir, "generate"))

	if n := strings.Count(out, "predict ("); n != 5 {
		t.Errorf("program printed %d predictions, want 5:\n%s", n, out)
	}
	m := regexp.MustCompile(`test accuracy: ([0-9.]+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("program printed no test accuracy:\n%s", out)
	}
	if acc, _ := strconv.ParseFloat(m[1], 64); acc < 0.9 {
		t.Errorf("test accuracy %.3f, want at least 0.9:\n%s", acc, out)
	}
}

// TestBinaryDataIsCurrent checks that the committed CSV files of the binary
// example are what gendata writes, and that their targets follow the rule.
func TestBinaryDataIsCurrent(t *testing.T) {
	out := t.TempDir()
	run(t, repoRoot, nil, "go", "run", "./examples/binary/gendata", "-dir", out)
	committed := map[string][]byte{}
	for name := range readTree(t, out) {
		data, err := os.ReadFile(filepath.Join("binary", name))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		if err == nil {
			committed[name] = data
		}
	}
	compareTrees(t, "examples/binary", committed, readTree(t, out), "go run ./examples/binary/gendata")

	for name, rows := range map[string]int{"train.csv": 4000, "test.csv": 1000} {
		data, err := os.ReadFile(filepath.Join("binary", name))
		if err != nil {
			t.Fatal(err)
		}
		checkBinaryRule(t, name, data, rows)
	}
}

// checkBinaryRule checks that data has a header and rows data rows of ten features
// in [-1, 1] and a target that is 1 exactly where x0 + x1*x2 - 0.5*x3 > 0.
func checkBinaryRule(t *testing.T, name string, data []byte, rows int) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != rows+1 {
		t.Fatalf("%s: %d lines, want a header and %d rows", name, len(lines), rows)
	}
	for i, line := range lines[1:] {
		cells := strings.Split(line, ",")
		if len(cells) != 11 {
			t.Fatalf("%s:%d: %d cells, want 11", name, i+2, len(cells))
		}
		var x [10]float64
		for j := range x {
			v, err := strconv.ParseFloat(cells[j], 64)
			if err != nil || v < -1 || v > 1 {
				t.Fatalf("%s:%d: feature %q, want a number in [-1, 1]", name, i+2, cells[j])
			}
			x[j] = v
		}
		want := "0"
		if x[0]+x[1]*x[2]-0.5*x[3] > 0 {
			want = "1"
		}
		if cells[10] != want {
			t.Fatalf("%s:%d: target %s, want %s", name, i+2, cells[10], want)
		}
	}
}

// TestExampleModelsCompile checks every example model file with nncc check.
func TestExampleModelsCompile(t *testing.T) {
	for _, model := range []string{"binary/binary.nnc", "mnist/mnist.nnc", "lenet/lenet.nnc", "charlm/charlm.nnc", "generate/model.nnc"} {
		out := run(t, ".", nil, nnccBin, "check", "--verify-each", model)
		if !strings.HasPrefix(out, model+": ok: ") {
			t.Errorf("nncc check %s printed %q", model, out)
		}
	}
}
