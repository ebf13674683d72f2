package main

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The tests run a real nncc binary, built once by TestMain, and compile generated
// packages inside one shared temporary module, so the Go build cache serves them.
var (
	nnccBin  string // the nncc binary under test
	testMod  string // a module that requires nncc with a replace to repoRoot
	repoRoot string
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	tmp, err := os.MkdirTemp("", "nncc-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	if repoRoot, err = filepath.Abs("../.."); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	nnccBin = filepath.Join(tmp, "nncc")
	if out, err := exec.Command("go", "build", "-o", nnccBin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building nncc: %v\n%s", err, out)
		return 1
	}
	testMod = filepath.Join(tmp, "mod")
	if err := writeTestModule(testMod); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// writeTestModule creates a module in dir that requires nncc from repoRoot.
func writeTestModule(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	goMod := fmt.Sprintf("module nncctest\n\ngo 1.26\n\nrequire %s v0.0.0\n\nreplace %s => %s\n",
		modulePath, modulePath, repoRoot)
	sum, err := os.ReadFile(filepath.Join(repoRoot, "go.sum"))
	if err != nil {
		return err
	}
	return errors.Join(
		os.WriteFile(filepath.Join(dir, "go.mod"), []byte(goMod), 0o644),
		os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644))
}

// result is what one run of a command printed and its exit status.
type result struct {
	stdout, stderr string
	code           int
}

// nncc runs the nncc binary with args in dir, with env added to its environment.
func nncc(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(nnccBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running nncc %v: %v", args, err)
	}
	return result{stdout.String(), stderr.String(), cmd.ProcessState.ExitCode()}
}

// goInTestMod runs the go command with args in the shared test module and fails
// the test if it fails.
func goInTestMod(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = testMod
	cmd.Env = append(os.Environ(), "GOFLAGS="+buildGoFlags(os.Getenv("GOFLAGS")), "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// tinyModel is a small binary classifier: 4 features, a hidden layer of 8 and
// one logit, 4*8+8 + 8*1+1 = 49 parameters in 4 tensors.
const tinyModel = `model tiny
input x: f32[4]
labels y: f32[1]
h = sigmoid(dense(x, 8))
logits = dense(h, 1)
output logits
loss bce_with_logits(logits, y)
optimizer sgd(lr=0.5)
train {
  data = csv("train.csv")
  test = csv("test.csv")
  batch = 16
  epochs = 2
  seed = 1
}
`

// writeTinyModel writes tinyModel as tiny.nnc into dir with its train.csv and
// test.csv, whose target is 1 where x0 + x1 > 0, and returns the model's path.
func writeTinyModel(t *testing.T, dir string) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	for name, rows := range map[string]int{"train.csv": 256, "test.csv": 64} {
		var b strings.Builder
		b.WriteString("x0,x1,x2,x3,y\n")
		for range rows {
			var x [4]float64
			for i := range x {
				x[i] = 2*rng.Float64() - 1
			}
			y := 0
			if x[0]+x[1] > 0 {
				y = 1
			}
			fmt.Fprintf(&b, "%.4f,%.4f,%.4f,%.4f,%d\n", x[0], x[1], x[2], x[3], y)
		}
		writeFile(t, filepath.Join(dir, name), b.String())
	}
	path := filepath.Join(dir, "tiny.nnc")
	writeFile(t, path, tinyModel)
	return path
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// snapshot returns every file under dir with its contents, for checking that a
// failed command left dir as it was.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		files[path] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
