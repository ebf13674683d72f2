package cli

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nncc/nncc/runtime"
)

// binaryFiles writes training and test CSV files of 0/1 targets, 1 when x1 + x2 > 0,
// and returns a matching Config.
func binaryFiles(t *testing.T) Config {
	t.Helper()
	dir := t.TempDir()
	rng := runtime.NewRNG(11)
	write := func(name string, n int) string {
		var b strings.Builder
		b.WriteString("x1,x2,y\n")
		for range n {
			x1, x2 := rng.Uniform(-1, 1), rng.Uniform(-1, 1)
			y := 0
			if x1+x2 > 0 {
				y = 1
			}
			fmt.Fprintf(&b, "%.4f,%.4f,%d\n", x1, x2, y)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	return Config{Format: "csv", TrainFiles: []string{write("train.csv", 400)},
		TestFiles: []string{write("test.csv", 200)}, LabelColumn: -1, BatchSize: 32,
		Epochs: 20, Seed: 3, Shuffle: true}
}

// TestTrainBinaryReportsAccuracy checks that a model with 0/1 targets that counts
// correct predictions gets accuracies in the epoch lines, the summary and eval.
func TestTrainBinaryReportsAccuracy(t *testing.T) {
	cfg := binaryFiles(t)
	m := newBinary(2, 1)
	r := runSimple(m, cfg, "train")
	if r.status != 0 {
		t.Fatalf("status %d: %s", r.status, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	for _, line := range lines[:len(lines)-1] {
		if !strings.Contains(line, "train_acc ") || !strings.Contains(line, "test_acc ") {
			t.Errorf("epoch line %q lacks train_acc or test_acc", line)
		}
	}
	s := summaryOf(t, r.stdout)
	for _, key := range []string{"train_accuracy", "test_accuracy"} {
		if acc := number(t, s, key); acc < 0.9 || acc > 1 {
			t.Errorf("%s = %v, want 0.9 to 1 on a linear boundary", key, acc)
		}
	}

	e := runSimple(m, cfg, "eval")
	if e.status != 0 {
		t.Fatalf("eval status %d: %s", e.status, e.stderr)
	}
	if es := summaryOf(t, e.stdout); es["test_accuracy"] != s["test_accuracy"] {
		t.Errorf("eval test_accuracy = %v, training ended with %v", es["test_accuracy"], s["test_accuracy"])
	}
}

// TestAccuracyCountsTargets checks that the accuracy of a model with several 0/1
// targets divides by the number of targets, not of samples.
func TestAccuracyCountsTargets(t *testing.T) {
	info := Info{Targets: 3, Binary: true}
	if got := accuracy(27, 10, info); got != 0.9 {
		t.Errorf("accuracy(27 of 10 samples of 3 targets) = %v, want 0.9", got)
	}
	if got := accuracy(9, 10, Info{Classes: 4}); got != 0.9 {
		t.Errorf("accuracy(9 of 10 samples with class labels) = %v, want 0.9", got)
	}
}

func TestPredictBinary(t *testing.T) {
	cfg := binaryFiles(t)
	m := newBinary(2, 1)
	if r := runSimple(m, cfg, "train", "--quiet", "--epochs", "5"); r.status != 0 {
		t.Fatalf("train status %d: %s", r.status, r.stderr)
	}
	x := []float32{-1, -0.5, 0.75, 0.5, 0.1, -0.2}
	r := runCLI(m, cfg, "-1,-0.5\n0.75,0.5\n0.1,-0.2\n", false, time.Millisecond, "predict")
	if r.status != 0 {
		t.Fatalf("predict status %d: %s", r.status, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d rows, want 3:\n%s", len(lines), r.stdout)
	}
	for i, line := range lines {
		fields := strings.Split(line, ",")
		if len(fields) != 2 {
			t.Fatalf("row %q has %d fields, want the label and the logit", line, len(fields))
		}
		logit := m.PredictBatch(x[2*i:2*i+2], 1)[0]
		if v, err := strconv.ParseFloat(fields[1], 32); err != nil || float32(v) != logit {
			t.Errorf("row %d logit = %q, want %v", i, fields[1], logit)
		}
		want := "0"
		if logit > 0 {
			want = "1"
		}
		if fields[0] != want {
			t.Errorf("row %d label = %s for logit %v, want %s", i, fields[0], logit, want)
		}
	}
	if lines[0][0] != '0' || lines[1][0] != '1' {
		t.Errorf("rows %q: want label 0 for (-1, -0.5) and 1 for (0.75, 0.5) after training", lines)
	}
}

func TestBinaryLabel(t *testing.T) {
	for _, tc := range []struct {
		v    float32
		want byte
	}{{1e-30, '1'}, {3, '1'}, {0, '0'}, {float32(math.Copysign(0, -1)), '0'}, {-2, '0'},
		{float32(math.NaN()), '0'}, {float32(math.Inf(1)), '1'}} {
		if got := binaryLabel(tc.v); got != tc.want {
			t.Errorf("binaryLabel(%v) = %c, want %c", tc.v, got, tc.want)
		}
	}
}

func TestInfoBinary(t *testing.T) {
	m := newBinary(2, 1)
	r := runSimple(m, binaryFiles(t), "info")
	if r.status != 0 || !strings.Contains(r.stdout, "targets        1\nbinary         true\n") {
		t.Errorf("info: status %d, stdout:\n%s\nwant targets 1 and binary true", r.status, r.stdout)
	}
	m.info.Outputs = 2
	if r := runSimple(m, Config{}, "info"); r.status != 1 || !strings.Contains(r.stderr, "one output per target") {
		t.Errorf("binary with 2 outputs for 1 target: status %d, stderr %q, want 1", r.status, r.stderr)
	}
}

// countingModel reports its own correct counts from TrainBatch, recording their sum,
// so tests can tell where the training accuracy comes from.
type countingModel struct {
	*linearModel
	reported int
}

func (m *countingModel) TrainBatch(x []float32, labels []int32, values []float32, n int) (float32, int) {
	loss, _ := m.linearModel.TrainBatch(x, labels, values, n)
	c := n / 4
	m.reported += c
	return loss, c
}

// TestTrainAccuracyFromTrainBatch checks that the training accuracy is the count
// that TrainBatch returns, with no extra forward pass through EvalBatch.
func TestTrainAccuracyFromTrainBatch(t *testing.T) {
	_, cfg := blobFiles(t)
	cfg.TestFiles = nil
	m := &countingModel{linearModel: newClassifier(2, 2)}
	r := runSimple(m, cfg, "train", "--epochs", "1")
	if r.status != 0 {
		t.Fatalf("status %d: %s", r.status, r.stderr)
	}
	if m.evalCalls != 0 {
		t.Errorf("training without test data called EvalBatch %d times, want 0", m.evalCalls)
	}
	want := float64(m.reported) / 400
	if got := number(t, summaryOf(t, r.stdout), "train_accuracy"); got != want {
		t.Errorf("train_accuracy = %v, want %v from TrainBatch's counts", got, want)
	}
	if !strings.Contains(r.stdout, fmt.Sprintf("train_acc %.4f", want)) {
		t.Errorf("epoch line does not show train_acc %.4f:\n%s", want, r.stdout)
	}
}

// workClock is a clock that advances only when the model works: a second for each
// TrainBatch and each EvalBatch call. Reading it costs nothing.
type workClock struct {
	*linearModel
	t time.Time
}

func (m *workClock) now() time.Time { return m.t }

func (m *workClock) TrainBatch(x []float32, labels []int32, values []float32, n int) (float32, int) {
	m.t = m.t.Add(time.Second)
	return m.linearModel.TrainBatch(x, labels, values, n)
}

func (m *workClock) EvalBatch(x []float32, labels []int32, values []float32, n int) (float32, int) {
	m.t = m.t.Add(time.Second)
	return m.linearModel.EvalBatch(x, labels, values, n)
}

// TestThroughputDefinition checks that the progress lines, the epoch lines and the
// summary measure samples/s the same way: training samples over the wall time of
// the training passes, leaving out the test evaluation. With a second per batch of
// 32 samples, every progress line inside an epoch shows 32 samples/s, and an epoch
// of 400 samples in 13 batches 400/13.
func TestThroughputDefinition(t *testing.T) {
	_, cfg := blobFiles(t)
	m := &workClock{linearModel: newClassifier(2, 2), t: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	var stdout, stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, now: m.now}
	if status := run([]string{"train", "--epochs", "3"}, m, cfg, e); status != 0 {
		t.Fatalf("status %d: %s", status, stderr.String())
	}
	if m.evalCalls != 3*7 {
		t.Fatalf("EvalBatch called %d times, want 7 test batches per epoch", m.evalCalls)
	}

	progress := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if len(progress) < 3 {
		t.Fatalf("got %d progress lines, want several:\n%s", len(progress), stderr.String())
	}
	for _, line := range progress {
		if !strings.Contains(line, "  32 samples/s  ") {
			t.Errorf("progress line %q, want 32 samples/s", line)
		}
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	for _, line := range lines[:3] {
		if !strings.Contains(line, "  31 samples/s  ") {
			t.Errorf("epoch line %q, want 31 samples/s (400 in 13 s)", line)
		}
	}
	if got := number(t, summaryOf(t, stdout.String()), "samples_per_sec"); got != 400.0/13 {
		t.Errorf("samples_per_sec = %v, want %v", got, 400.0/13)
	}
}
