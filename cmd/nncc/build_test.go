package main

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestBuildAndTrain builds a standalone binary with nncc build and runs it, then
// trains through nncc train. Each of the two runs go build on the generated code.
// The model is a binary classifier on one logit, so the binary reports accuracies
// and predicts 0/1 labels.
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
	if left, _ := filepath.Glob(filepath.Join(dir, ".nncc-build-*")); len(left) > 0 {
		t.Errorf("temporary build directories left behind: %q", left)
	}
	info := exec.Command(filepath.Join(dir, "tinybin"), "info")
	info.Dir = dir
	if out, err := info.CombinedOutput(); err != nil || !strings.Contains(string(out), "binary         true") {
		t.Errorf("tinybin info: %v, want the model marked binary:\n%s", err, out)
	}
	checkBinaryPredict(t, dir, filepath.Join(dir, "tinybin"))

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
	for _, line := range lines[:len(lines)-1] {
		if !strings.Contains(line, "train_acc ") || !strings.Contains(line, "test_acc ") {
			t.Errorf("epoch line %q lacks train_acc or test_acc", line)
		}
	}
	// The target is linear in the features, so three epochs get the loss well
	// below ln 2 = 0.693, the loss of a constant prediction of 0.5.
	if loss, ok := final["test_loss"].(float64); !ok || loss > 0.65 {
		t.Errorf("test_loss %v after 3 epochs, want a number below 0.65", final["test_loss"])
	}
	for _, key := range []string{"train_accuracy", "test_accuracy"} {
		if acc, ok := final[key].(float64); !ok || acc < 0.7 || acc > 1 {
			t.Errorf("%s %v after 3 epochs, want a number from 0.7 to 1", key, final[key])
		}
	}
}

// checkBinaryPredict runs the predict command of the binary classifier bin and
// checks that each row is a 0/1 label and the logit, the label 1 exactly when the
// logit is positive.
func checkBinaryPredict(t *testing.T, dir, bin string) {
	t.Helper()
	cmd := exec.Command(bin, "predict")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader("1,1,0,0\n-1,-1,0,0\n0.2,-0.1,0.5,0.5\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tinybin predict: %v\n%s", err, out)
	}
	rows := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(rows) != 3 {
		t.Fatalf("predict printed %d rows, want 3:\n%s", len(rows), out)
	}
	for _, row := range rows {
		fields := strings.Split(row, ",")
		if len(fields) != 2 {
			t.Errorf("predict row %q, want a label and a logit", row)
			continue
		}
		logit, err := strconv.ParseFloat(fields[1], 32)
		if want := map[bool]string{true: "1", false: "0"}[logit > 0]; err != nil || fields[0] != want {
			t.Errorf("predict row %q: want label %s for the logit (parse error %v)", row, want, err)
		}
	}
}
