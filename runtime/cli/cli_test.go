package cli

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
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

// fakeClock returns a clock that advances by step on every reading, so progress and
// timing code runs the same way on every machine.
func fakeClock(step time.Duration) func() time.Time {
	t := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	return func() time.Time {
		t = t.Add(step)
		return t
	}
}

type result struct {
	status         int
	stdout, stderr string
}

// runCLI runs the driver with a fake clock and the given standard input.
func runCLI(m Model, cfg Config, stdin string, terminal bool, step time.Duration, args ...string) result {
	var stdout, stderr bytes.Buffer
	e := &env{
		stdin:    strings.NewReader(stdin),
		stdout:   &stdout,
		stderr:   &stderr,
		now:      fakeClock(step),
		terminal: terminal,
	}
	status := run(args, m, cfg, e)
	return result{status, stdout.String(), stderr.String()}
}

func runSimple(m Model, cfg Config, args ...string) result {
	return runCLI(m, cfg, "", false, time.Millisecond, args...)
}

// writeBlobs writes n samples of two Gaussian blobs in 2-D, class 0 around (-1, -1) and
// class 1 around (1, 1), as CSV with a header and the label last.
func writeBlobs(t *testing.T, path string, n int, seed uint64) {
	t.Helper()
	rng := runtime.NewRNG(seed)
	var b strings.Builder
	b.WriteString("x1,x2,label\n")
	for i := range n {
		c := i % 2
		mu := float64(2*c - 1)
		fmt.Fprintf(&b, "%.4f,%.4f,%d\n", rng.Normal(mu, 0.7), rng.Normal(mu, 0.7), c)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// blobFiles writes training and test CSV files and returns a matching Config.
func blobFiles(t *testing.T) (dir string, cfg Config) {
	t.Helper()
	dir = t.TempDir()
	train := filepath.Join(dir, "train.csv")
	test := filepath.Join(dir, "test.csv")
	writeBlobs(t, train, 400, 1)
	writeBlobs(t, test, 200, 2)
	return dir, Config{
		Format:      "csv",
		TrainFiles:  []string{train},
		TestFiles:   []string{test},
		LabelColumn: -1,
		BatchSize:   32,
		Epochs:      3,
		Seed:        7,
		Shuffle:     true,
	}
}

// summaryOf parses the last line of stdout as the JSON summary.
func summaryOf(t *testing.T, stdout string) map[string]any {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	var s map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &s); err != nil {
		t.Fatalf("last line of stdout is not JSON: %v\n%s", err, stdout)
	}
	return s
}

func number(t *testing.T, s map[string]any, key string) float64 {
	t.Helper()
	v, ok := s[key].(float64)
	if !ok {
		t.Fatalf("summary %s = %v, want a number", key, s[key])
	}
	return v
}

func TestTrainClassifierCSV(t *testing.T) {
	dir, cfg := blobFiles(t)
	ckpt := filepath.Join(dir, "model.safetensors")
	m := newClassifier(2, 2)
	r := runSimple(m, cfg, "train", "--epochs", "20", "--save", ckpt)
	if r.status != 0 {
		t.Fatalf("status %d, stderr:\n%s", r.status, r.stderr)
	}

	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 21 {
		t.Fatalf("stdout has %d lines, want 20 epoch lines and a summary:\n%s", len(lines), r.stdout)
	}
	for i, line := range lines[:20] {
		prefix := fmt.Sprintf("epoch %d/20  train_loss ", i+1)
		if !strings.HasPrefix(line, prefix) {
			t.Errorf("line %d = %q, want prefix %q", i, line, prefix)
		}
		for _, field := range []string{"train_acc", "test_loss", "test_acc", "samples/s"} {
			if !strings.Contains(line, field) {
				t.Errorf("line %d = %q, want field %s", i, line, field)
			}
		}
	}

	s := summaryOf(t, r.stdout)
	if s["model"] != "logreg" || number(t, s, "epochs") != 20 || number(t, s, "batch_size") != 32 {
		t.Errorf("summary = %v, want model logreg, 20 epochs, batch 32", s)
	}
	if acc := number(t, s, "test_accuracy"); acc < 0.9 {
		t.Errorf("test_accuracy = %v, want >= 0.9 on separable blobs", acc)
	}
	if acc := number(t, s, "train_accuracy"); acc < 0.9 {
		t.Errorf("train_accuracy = %v, want >= 0.9", acc)
	}
	if loss := number(t, s, "test_loss"); !(loss > 0 && loss < 0.4) {
		t.Errorf("test_loss = %v, want in (0, 0.4)", loss)
	}
	for _, key := range []string{"train_loss", "samples_per_sec", "seconds"} {
		if v := number(t, s, key); !(v > 0) {
			t.Errorf("%s = %v, want > 0", key, v)
		}
	}

	// The checkpoint holds the trained weights, and no temporary file is left.
	f, err := os.Open(ckpt)
	if err != nil {
		t.Fatalf("checkpoint not written: %v", err)
	}
	defer f.Close()
	tensors, meta, err := runtime.LoadTensors(f)
	if err != nil {
		t.Fatalf("checkpoint unreadable: %v", err)
	}
	if len(tensors) != 2 || meta["model"] != "logreg" {
		t.Errorf("checkpoint has %d tensors and metadata %v, want 2 and model=logreg", len(tensors), meta)
	}
	for _, tensor := range tensors {
		if tensor.Name == "w" && (tensor.F32[0] != m.w[0] || tensor.F32[3] != m.w[3]) {
			t.Errorf("checkpoint w = %v, model w = %v", tensor.F32, m.w)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, entry := range entries {
		if strings.Contains(entry.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", entry.Name())
		}
	}

	// A fresh model that loads the checkpoint evaluates exactly as the trained one did.
	fresh := newClassifier(2, 2)
	untrained := summaryOf(t, runSimple(fresh, cfg, "eval").stdout)
	ev := runSimple(fresh, cfg, "eval", "--load", ckpt)
	if ev.status != 0 {
		t.Fatalf("eval status %d, stderr:\n%s", ev.status, ev.stderr)
	}
	es := summaryOf(t, ev.stdout)
	if es["test_accuracy"] != s["test_accuracy"] || es["test_loss"] != s["test_loss"] {
		t.Errorf("eval after --load gives accuracy %v loss %v, training ended with %v %v",
			es["test_accuracy"], es["test_loss"], s["test_accuracy"], s["test_loss"])
	}
	if untrained["test_loss"] == es["test_loss"] {
		t.Errorf("untrained and loaded models have the same test loss %v", es["test_loss"])
	}
	if number(t, es, "test_samples") != 200 {
		t.Errorf("eval test_samples = %v, want 200", es["test_samples"])
	}
}

func TestTrainDeterministicSeed(t *testing.T) {
	_, cfg := blobFiles(t)
	loss := func(seed string) any {
		r := runSimple(newClassifier(2, 2), cfg, "train", "--quiet", "--seed", seed)
		if r.status != 0 {
			t.Fatalf("status %d: %s", r.status, r.stderr)
		}
		return summaryOf(t, r.stdout)["train_loss"]
	}
	a, b, c := loss("5"), loss("5"), loss("6")
	if a != b {
		t.Errorf("same seed gave train_loss %v and %v", a, b)
	}
	if a == c {
		t.Errorf("seeds 5 and 6 gave the same train_loss %v; shuffling ignores the seed", a)
	}
}

func TestTrainQuiet(t *testing.T) {
	_, cfg := blobFiles(t)
	r := runCLI(newClassifier(2, 2), cfg, "", false, time.Second, "train", "--quiet")
	if r.status != 0 {
		t.Fatalf("status %d: %s", r.status, r.stderr)
	}
	if strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("stdout = %q, want only the JSON line", r.stdout)
	}
	if r.stderr != "" {
		t.Errorf("stderr = %q, want nothing with --quiet", r.stderr)
	}
}

func TestTrainProgressLog(t *testing.T) {
	_, cfg := blobFiles(t)
	// Each clock reading advances one second, so reports come every few batches.
	r := runCLI(newClassifier(2, 2), cfg, "", false, time.Second, "train", "--epochs", "2")
	if r.status != 0 {
		t.Fatalf("status %d: %s", r.status, r.stderr)
	}
	if strings.Contains(r.stderr, "\r") {
		t.Errorf("progress to a non-terminal contains carriage returns: %q", r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if len(lines) < 2 {
		t.Fatalf("stderr has %d progress lines, want several:\n%s", len(lines), r.stderr)
	}
	for _, line := range lines {
		if !strings.HasPrefix(line, "epoch ") || !strings.Contains(line, "samples/s") || !strings.Contains(line, "ETA ") {
			t.Errorf("progress line %q lacks epoch, samples/s or ETA", line)
		}
	}
	if !strings.Contains(r.stderr, "epoch 2/2") {
		t.Errorf("no progress reported in the second epoch:\n%s", r.stderr)
	}
}

func TestTrainProgressTerminal(t *testing.T) {
	_, cfg := blobFiles(t)
	r := runCLI(newClassifier(2, 2), cfg, "", true, time.Second, "train", "--epochs", "1")
	if r.status != 0 {
		t.Fatalf("status %d: %s", r.status, r.stderr)
	}
	if !strings.HasPrefix(r.stderr, "\repoch 1/1") {
		t.Errorf("terminal progress = %q, want lines redrawn with \\r", r.stderr)
	}
	if strings.Contains(r.stderr, "\n") {
		t.Errorf("terminal progress contains newlines: %q", r.stderr)
	}
	if !strings.HasSuffix(r.stderr, "\r") {
		t.Errorf("terminal progress line is not erased at the end of the epoch: %q", r.stderr)
	}
}

func TestBadInputExitsTwo(t *testing.T) {
	dir, cfg := blobFiles(t)
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	badCSV := write("bad.csv", "x1,x2,label\n1,2,0\n3,oops,1\n")
	wide := write("wide.csv", "1,2,3,0\n")
	corrupt := write("corrupt.safetensors", "not a checkpoint")
	noTest := cfg
	noTest.TestFiles = nil

	cases := []struct {
		name string
		cfg  Config
		args []string
		want string
	}{
		{"no command", cfg, nil, "usage:"},
		{"unknown command", cfg, []string{"fly"}, `unknown command "fly"`},
		{"unknown flag", cfg, []string{"train", "--bogus"}, "flag provided but not defined: -bogus"},
		{"malformed number", cfg, []string{"train", "--epochs", "many"}, `invalid value "many"`},
		{"zero batch", cfg, []string{"train", "--batch", "0"}, "--batch 0: want 1 to 64"},
		{"batch over max", cfg, []string{"train", "--batch", "65"}, "--batch 65: want 1 to 64"},
		{"zero epochs", cfg, []string{"train", "--epochs", "0"}, "--epochs 0"},
		{"negative lr", cfg, []string{"train", "--lr", "-1"}, "--lr -1"},
		{"nan lr", cfg, []string{"train", "--lr", "NaN"}, "--lr NaN"},
		{"extra argument", cfg, []string{"train", "now"}, `unexpected argument "now"`},
		{"missing data", cfg, []string{"train", "--data", filepath.Join(dir, "nope.csv")}, "nope.csv: no such file"},
		{"non-numeric cell", cfg, []string{"train", "--data", badCSV}, `bad.csv:3: column 2: value "oops"`},
		{"feature mismatch", cfg, []string{"train", "--data", wide}, "3 features per sample, the model expects 2"},
		{"save dir missing", cfg, []string{"train", "--save", filepath.Join(dir, "no", "m.st")}, "--save"},
		{"save to directory", cfg, []string{"train", "--save", dir}, "is a directory"},
		{"load missing", cfg, []string{"train", "--load", filepath.Join(dir, "none.st")}, "--load"},
		{"load corrupt", cfg, []string{"eval", "--load", corrupt}, "invalid checkpoint"},
		{"eval without test", noTest, []string{"eval"}, "no test data"},
		{"eval bad batch", cfg, []string{"eval", "--batch", "100"}, "--batch 100"},
		{"predict missing file", cfg, []string{"predict", filepath.Join(dir, "x.csv")}, "x.csv: no such file"},
		{"predict bad row", cfg, []string{"predict", badCSV}, "rows have 3 columns, want 2 features"},
		{"predict two files", cfg, []string{"predict", "a.csv", "b.csv"}, `unexpected argument "b.csv"`},
		{"info argument", cfg, []string{"info", "x"}, `unexpected argument "x"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := runSimple(newClassifier(2, 2), tc.cfg, tc.args...)
			if r.status != 2 {
				t.Errorf("status = %d, want 2; stderr:\n%s", r.status, r.stderr)
			}
			if !strings.Contains(r.stderr, tc.want) {
				t.Errorf("stderr = %q, want it to contain %q", r.stderr, tc.want)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	_, cfg := blobFiles(t)
	for _, arg := range []string{"help", "-h", "--help"} {
		r := runSimple(newClassifier(2, 2), cfg, arg)
		if r.status != 0 || !strings.Contains(r.stdout, "usage: logreg <command>") {
			t.Errorf("%s: status %d, stdout %q, want 0 and the usage", arg, r.status, r.stdout)
		}
	}
	r := runSimple(newClassifier(2, 2), cfg, "train", "-h")
	if r.status != 0 || !strings.Contains(r.stderr, "-epochs passes") {
		t.Errorf("train -h: status %d, stderr %q, want 0 and the flags", r.status, r.stderr)
	}
}

func TestInfoCommand(t *testing.T) {
	_, cfg := blobFiles(t)
	r := runSimple(newClassifier(2, 2), cfg, "info")
	if r.status != 0 {
		t.Fatalf("status %d: %s", r.status, r.stderr)
	}
	for _, want := range []string{"model          logreg", "features       2", "classes        2",
		"max_batch      64", "data_format    csv", "batch_size     32", "shuffle        true"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("info output lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestPredictClassifier(t *testing.T) {
	dir, cfg := blobFiles(t)
	m := newClassifier(2, 2)
	input := "x1,x2\n-2,-2\n2,2\n0.5,0.25\n"
	path := filepath.Join(dir, "in.csv")
	if err := os.WriteFile(path, []byte(input), 0o644); err != nil {
		t.Fatal(err)
	}
	fromFile := runCLI(m, cfg, "", false, time.Millisecond, "predict", path)
	fromStdin := runCLI(m, cfg, input, false, time.Millisecond, "predict", "-")
	noArg := runCLI(m, cfg, input, false, time.Millisecond, "predict")
	for _, r := range []result{fromFile, fromStdin, noArg} {
		if r.status != 0 {
			t.Fatalf("status %d: %s", r.status, r.stderr)
		}
	}
	if fromStdin.stdout != fromFile.stdout || noArg.stdout != fromFile.stdout {
		t.Errorf("stdin and file predictions differ:\n%s\n%s\n%s", fromFile.stdout, fromStdin.stdout, noArg.stdout)
	}

	lines := strings.Split(strings.TrimSpace(fromFile.stdout), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d output rows, want 3:\n%s", len(lines), fromFile.stdout)
	}
	x := []float32{-2, -2, 2, 2, 0.5, 0.25}
	for i, line := range lines {
		fields := strings.Split(line, ",")
		if len(fields) != 3 {
			t.Fatalf("row %q has %d fields, want class and 2 outputs", line, len(fields))
		}
		want := m.PredictBatch(x[2*i:2*i+2], 1)
		for j := range 2 {
			v, err := strconv.ParseFloat(fields[j+1], 32)
			if err != nil || float32(v) != want[j] {
				t.Errorf("row %d output %d = %q, want %v", i, j, fields[j+1], want[j])
			}
		}
		if fields[0] != strconv.Itoa(argmax(want)) {
			t.Errorf("row %d class = %s, want %d", i, fields[0], argmax(want))
		}
	}
}

// TestPredictManyRows crosses the model's maximum batch size.
func TestPredictManyRows(t *testing.T) {
	_, cfg := blobFiles(t)
	var in strings.Builder
	for i := range 150 {
		fmt.Fprintf(&in, "%d,%d\n", i, -i)
	}
	r := runCLI(newClassifier(2, 2), cfg, in.String(), false, time.Millisecond, "predict")
	if r.status != 0 {
		t.Fatalf("status %d: %s", r.status, r.stderr)
	}
	if n := strings.Count(r.stdout, "\n"); n != 150 {
		t.Errorf("got %d output rows, want 150", n)
	}
}

func TestRegression(t *testing.T) {
	dir := t.TempDir()
	rng := runtime.NewRNG(3)
	write := func(name string, n int) string {
		var b strings.Builder
		for range n {
			x1, x2 := rng.Uniform(-1, 1), rng.Uniform(-1, 1)
			fmt.Fprintf(&b, "%.5f,%.5f,%.5f\n", 2*x1-x2+0.5, x1, x2)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	cfg := Config{Format: "csv", TrainFiles: []string{write("train.csv", 300)},
		TestFiles: []string{write("test.csv", 100)}, LabelColumn: 0, Epochs: 30, Shuffle: true}
	m := newRegressor(2, 1)
	r := runSimple(m, cfg, "train", "--batch", "16")
	if r.status != 0 {
		t.Fatalf("status %d: %s", r.status, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	for _, line := range lines[:len(lines)-1] {
		if strings.Contains(line, "_acc") || !strings.Contains(line, "test_loss") {
			t.Errorf("regression epoch line %q reports accuracy or lacks test_loss", line)
		}
	}
	s := summaryOf(t, r.stdout)
	if s["test_accuracy"] != nil || s["train_accuracy"] != nil {
		t.Errorf("accuracies = %v, %v, want null for regression", s["train_accuracy"], s["test_accuracy"])
	}
	if _, ok := s["test_accuracy"]; !ok {
		t.Error("summary lacks the test_accuracy key")
	}
	if loss := number(t, s, "test_loss"); loss > 0.01 {
		t.Errorf("test_loss = %v, want < 0.01 for an exactly linear target", loss)
	}

	p := runCLI(m, cfg, "1,1\n", false, time.Millisecond, "predict")
	if p.status != 0 {
		t.Fatalf("predict status %d: %s", p.status, p.stderr)
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(p.stdout), 64)
	if err != nil || math.Abs(v-1.5) > 0.1 {
		t.Errorf("predict(1, 1) = %q, want about 1.5 and no class column", p.stdout)
	}
}

// idxFile encodes an unsigned-byte IDX file.
func idxFile(dims []int, values []byte) []byte {
	out := []byte{0, 0, 8, byte(len(dims))}
	for _, d := range dims {
		out = binary.BigEndian.AppendUint32(out, uint32(d))
	}
	return append(out, values...)
}

// writeIDXPair writes n images of side×side pixels, bright for label 1 and dark for
// label 0, and returns the image and label paths.
func writeIDXPair(t *testing.T, dir, images, labels string, n, side int) (string, string) {
	t.Helper()
	pixels := make([]byte, n*side*side)
	lbls := make([]byte, n)
	for i := range n {
		lbls[i] = byte(i % 2)
		for j := range side * side {
			pixels[i*side*side+j] = byte(40 + 150*int(lbls[i]) + (i*7+j)%30)
		}
	}
	ip, lp := filepath.Join(dir, images), filepath.Join(dir, labels)
	writeMaybeGzip(t, ip, idxFile([]int{n, side, side}, pixels))
	writeMaybeGzip(t, lp, idxFile([]int{n}, lbls))
	return ip, lp
}

// writeMaybeGzip writes content to path, gzip-compressed when path ends in ".gz".
func writeMaybeGzip(t *testing.T, path string, content []byte) {
	t.Helper()
	if strings.HasSuffix(path, ".gz") {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(content)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		content = buf.Bytes()
	}
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestTrainIDX(t *testing.T) {
	dir := t.TempDir()
	trainImg, trainLbl := writeIDXPair(t, dir, "train-img", "train-lbl", 64, 2)
	testImg, testLbl := writeIDXPair(t, dir, "test-img", "test-lbl", 20, 2)
	cfg := Config{Format: "idx", TrainFiles: []string{trainImg, trainLbl}, TestFiles: []string{testImg, testLbl}, Epochs: 5}
	r := runSimple(newClassifier(4, 2), cfg, "train", "--batch", "8")
	if r.status != 0 {
		t.Fatalf("status %d: %s", r.status, r.stderr)
	}
	if acc := number(t, summaryOf(t, r.stdout), "test_accuracy"); acc < 0.9 {
		t.Errorf("test_accuracy = %v, want >= 0.9", acc)
	}

	// --data and --test take IMAGES,LABELS pairs.
	r = runSimple(newClassifier(4, 2), Config{Format: "idx"}, "train",
		"--data", trainImg+","+trainLbl, "--test", testImg+","+testLbl)
	if r.status != 0 {
		t.Fatalf("status %d with --data pair: %s", r.status, r.stderr)
	}
	r = runSimple(newClassifier(4, 2), Config{Format: "idx"}, "train", "--data", trainImg)
	if r.status != 2 || !strings.Contains(r.stderr, "IMAGES,LABELS") {
		t.Errorf("single idx file: status %d, stderr %q, want 2 and a usage hint", r.status, r.stderr)
	}
}

func TestTrainMNISTDirectory(t *testing.T) {
	dir := t.TempDir()
	writeIDXPair(t, dir, "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", 40, 28)
	writeIDXPair(t, dir, "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 10, 28)
	cfg := Config{Dataset: "mnist", Epochs: 1}
	m := newClassifier(784, 10)
	m.lr = 0.01
	r := runSimple(m, cfg, "train", "--data", dir)
	if r.status != 0 {
		t.Fatalf("status %d: %s", r.status, r.stderr)
	}
	if s := summaryOf(t, r.stdout); number(t, s, "train_samples") != 40 {
		t.Errorf("train_samples = %v, want 40", s["train_samples"])
	}
	r = runSimple(m, cfg, "train", "--data", dir, "--test", "x.csv")
	if r.status != 2 || !strings.Contains(r.stderr, "--test is not used with MNIST") {
		t.Errorf("--test with MNIST: status %d, stderr %q", r.status, r.stderr)
	}
}

func TestModelPanicExitsOne(t *testing.T) {
	_, cfg := blobFiles(t)
	m := newClassifier(2, 2)
	m.panicInTrain = true
	r := runSimple(m, cfg, "train")
	if r.status != 1 {
		t.Errorf("status = %d, want 1", r.status)
	}
	if !strings.Contains(r.stderr, "internal error: linearModel: injected failure") {
		t.Errorf("stderr = %q, want the panic message", r.stderr)
	}
}

func TestSaveFailureLeavesNoFile(t *testing.T) {
	dir, cfg := blobFiles(t)
	ckpt := filepath.Join(dir, "m.safetensors")
	m := newClassifier(2, 2)
	m.failWrite = true
	r := runSimple(m, cfg, "train", "--quiet", "--save", ckpt)
	if r.status != 1 {
		t.Errorf("status = %d, want 1", r.status)
	}
	if !strings.Contains(r.stderr, "injected write failure") {
		t.Errorf("stderr = %q, want the write error", r.stderr)
	}
	entries, _ := os.ReadDir(dir)
	for _, entry := range entries {
		if name := entry.Name(); name != "train.csv" && name != "test.csv" {
			t.Errorf("file %s left behind after a failed save", name)
		}
	}
}

func TestInvalidInfoExitsOne(t *testing.T) {
	m := newClassifier(2, 2)
	m.info.MaxBatch = 0
	if r := runSimple(m, Config{}, "info"); r.status != 1 || !strings.Contains(r.stderr, "internal error") {
		t.Errorf("status %d, stderr %q, want 1 and an internal error", r.status, r.stderr)
	}
}

func TestFormatFromExtension(t *testing.T) {
	dir, cfg := blobFiles(t)
	r := runSimple(newClassifier(2, 2), Config{LabelColumn: -1}, "train", "--quiet",
		"--data", filepath.Join(dir, "train.csv"), "--test", cfg.TestFiles[0])
	if r.status != 0 {
		t.Fatalf("status %d: %s", r.status, r.stderr)
	}
	r = runSimple(newClassifier(2, 2), Config{}, "train", "--data", filepath.Join(dir, "train.txt"))
	if r.status != 2 || !strings.Contains(r.stderr, "pass --data FILE.csv") {
		t.Errorf("unknown format: status %d, stderr %q", r.status, r.stderr)
	}
}

func TestMainUsesRealStreams(t *testing.T) {
	var stdout, stderr bytes.Buffer
	status := Main([]string{"info"}, newClassifier(2, 2), Config{Format: "csv"}, &stdout, &stderr)
	if status != 0 || !strings.Contains(stdout.String(), "model          logreg") {
		t.Errorf("Main info: status %d, stdout %q, stderr %q", status, stdout.String(), stderr.String())
	}
}

func TestDivergedLossIsNull(t *testing.T) {
	_, cfg := blobFiles(t)
	m := newRegressor(2, 1)
	cfg.LabelColumn = -1
	r := runSimple(m, cfg, "train", "--lr", "1e30", "--epochs", "3")
	if r.status != 0 {
		t.Fatalf("status %d: %s", r.status, r.stderr)
	}
	s := summaryOf(t, r.stdout)
	if v, ok := s["train_loss"]; !ok || v != nil {
		t.Errorf("train_loss = %v (present %v), want null after divergence", v, ok)
	}
	if !strings.Contains(r.stdout, "train_loss NaN") && !strings.Contains(r.stdout, "train_loss +Inf") {
		t.Errorf("epoch lines do not show the non-finite loss:\n%s", r.stdout)
	}
}
