package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuildAndTrain builds a standalone binary with nncc build and runs it, then
// trains through nncc train. Each of the two runs go build on the generated code.
func TestBuildAndTrain(t *testing.T) {
	dir := t.TempDir()
	writeTinyModel(t, dir)

	r := nncc(t, dir, nil, "build", "tiny.nnc", "-o", "tinybin")
	if r.code != 0 {
		t.Fatalf("build: exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	for _, step := range []string{"nncc: parsed tiny.nnc", "nncc: compiled 3 functions", "nncc: go build", "nncc: wrote tinybin ("} {
		if !strings.Contains(r.stderr, step) {
			t.Errorf("build stderr lacks %q:\n%s", step, r.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "tinybin.tmp")); !os.IsNotExist(err) {
		t.Errorf("temporary binary left behind (stat error %v)", err)
	}
	info := exec.Command(filepath.Join(dir, "tinybin"), "info")
	info.Dir = dir
	if out, err := info.CombinedOutput(); err != nil {
		t.Errorf("tinybin info: %v\n%s", err, out)
	}

	r = nncc(t, dir, nil, "train", "tiny.nnc", "--epochs", "3", "--seed", "7")
	if r.code != 0 {
		t.Fatalf("train: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "--epochs=3") {
		t.Errorf("train did not pass --epochs=3 on; stderr:\n%s", r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 4 {
		t.Errorf("train printed %d lines, want one per epoch (3) and the JSON summary:\n%s", len(lines), r.stdout)
	}
	var final map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &final); err != nil {
		t.Fatalf("last line of train output is not JSON (%v):\n%s", err, r.stdout)
	}
	if _, ok := final["test_accuracy"]; !ok {
		t.Errorf("summary has no test_accuracy: %s", lines[len(lines)-1])
	}
	// The target is linear in the features, so three epochs get the loss well
	// below ln 2 = 0.693, the loss of a constant prediction of 0.5.
	if loss, ok := final["test_loss"].(float64); !ok || loss > 0.65 {
		t.Errorf("test_loss %v after 3 epochs, want a number below 0.65", final["test_loss"])
	}
	if acc, ok := final["test_accuracy"].(float64); ok && acc < 0.7 {
		t.Errorf("test_accuracy %.3f after 3 epochs, want at least 0.7", acc)
	}
}
