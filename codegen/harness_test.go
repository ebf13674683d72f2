package codegen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"text/template"

	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/ir/interp"
	"github.com/nncc/nncc/passes"
)

// The harness compiles the generated packages of many test cases into one
// temporary module with a main program that runs every method on fed weights and
// inputs and prints the results as JSON. Building once keeps the tests fast.

// genCase is one generated package and the data to run it on.
type genCase struct {
	name    string // also the Go package name
	prog    *passes.Program
	feeds   map[string]*interp.Tensor // every param and state, by name
	batches []genBatch
	steps   int // TrainStep calls per batch, when the program has a train function
	// panicX, when set, is an x of the first batch's size on which Predict must
	// panic with a message containing panicWant.
	panicX    []float64
	panicWant string
	// chain, when set, holds batches that one model runs through in order, after
	// the runs on batches: on each, Predict, Evaluate and one TrainStep, so the
	// params and state of a step carry over to the next. The results are in
	// harnessResult.Chain.
	chain []genBatch
	// check, when set, checks the harness results further, after the comparison
	// with the reference interpreter.
	check func(t *testing.T, res harnessResult)
	// sameAs, when set, names another case whose harness results this case's
	// must equal bit for bit.
	sameAs string
}

type genBatch struct {
	n    int
	x, y *interp.Tensor
}

// The JSON exchanged with the harness. Numbers travel as strings so NaN and
// infinities survive.
type harnessCase struct {
	Weights   map[string][]string
	Batches   []harnessBatch
	Steps     int
	PanicX    []string // an x for the first batch size on which Predict must panic
	PanicWant string   // a part of the panic message

	// Chain has the batches that one model runs through in order, see genCase.chain.
	Chain []harnessBatch
}

type harnessBatch struct {
	N    int
	X, Y []string
}

type harnessResult struct {
	Batches  []batchResult
	Problems []string
	// Chain has a result per batch of harnessCase.Chain, each with one step. Only
	// the steps on the first and the last batch record the tensors.
	Chain []batchResult
}

type batchResult struct {
	Predict []string
	Loss    string
	Correct int
	Steps   []stepResult
	Allocs  map[string]float64
	// InputGradient is the result of InputGradient, before the train steps, for a
	// program with a saliency function.
	InputGradient []string
	// TopK holds CorrectTopK for k = 1..Classes and Confusion the matrix of the
	// batch, before the train steps, for a program with those metrics.
	TopK      []int
	Confusion []int
}

type stepResult struct {
	Loss    string
	Correct int // LastCorrect after the step
	Tensors map[string][]string
}

func encodeFloats(xs []float64) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = strconv.FormatFloat(x, 'g', -1, 64)
	}
	return out
}

func decodeFloats(t *testing.T, ss []string) []float64 {
	t.Helper()
	out := make([]float64, len(ss))
	for i, s := range ss {
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("harness output %q: %v", s, err)
		}
		out[i] = x
	}
	return out
}

// repoRoot returns the directory of the nncc module, above the test's directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.Contains(string(data), "module github.com/nncc/nncc\n") {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod of github.com/nncc/nncc above the test directory")
		}
		dir = parent
	}
}

// tempModule creates a module that requires the repository through a replace
// directive and returns its directory.
func tempModule(t *testing.T) string {
	t.Helper()
	root := repoRoot(t)
	dir := t.TempDir()
	mod := fmt.Sprintf("module nncctest\n\ngo 1.26\n\nrequire github.com/nncc/nncc v0.0.0\n\nreplace github.com/nncc/nncc => %s\n", root)
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "go.mod"), []byte(mod))
	writeFile(t, filepath.Join(dir, "go.sum"), sum)
	return dir
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// goCommand runs the go tool in dir without network access and returns its
// combined output.
func goCommand(t *testing.T, dir string, args ...string) ([]byte, error) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local")
	return cmd.CombinedOutput()
}

// runHarness writes every case's package and the harness into a new module, vets
// and builds it, runs it and returns the module's directory, the results by case
// name and the generated files by case name. The packages of cases with a train
// function get a command under cmd/ from GenerateMain, which vet checks too.
func runHarness(t *testing.T, cases []*genCase) (dir string, results map[string]harnessResult, files map[string]map[string][]byte) {
	t.Helper()
	dir = tempModule(t)
	generated := make(map[string]map[string][]byte)
	input := make(map[string]harnessCase)
	var views []harnessView
	for _, c := range cases {
		files, err := Generate(c.prog, Options{Package: c.name, Source: c.name + ".nnc"})
		if err != nil {
			t.Fatalf("case %s: Generate: %v", c.name, err)
		}
		generated[c.name] = files
		for name, src := range files {
			writeFile(t, filepath.Join(dir, c.name, name), src)
		}
		if c.prog.Train != nil {
			mainGo, err := GenerateMain(c.prog, "nncctest/"+c.name)
			if err != nil {
				t.Fatalf("case %s: GenerateMain: %v", c.name, err)
			}
			generated[c.name]["cmd/main.go"] = mainGo
			writeFile(t, filepath.Join(dir, "cmd", c.name, "main.go"), mainGo)
		}
		input[c.name] = c.harnessInput()
		views = append(views, c.view())
	}
	var main bytes.Buffer
	if err := harnessTemplate.Execute(&main, views); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "main.go"), main.Bytes())
	data, err := json.Marshal(input)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "input.json"), data)

	if out, err := goCommand(t, dir, "vet", "./..."); err != nil {
		t.Fatalf("go vet of the generated packages: %v\n%s", err, out)
	}
	if out, err := goCommand(t, dir, "build", "-o", "harness", "."); err != nil {
		t.Fatalf("go build of the harness: %v\n%s", err, out)
	}
	cmd := exec.Command(filepath.Join(dir, "harness"), filepath.Join(dir, "input.json"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("running the harness: %v\n%s", err, stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), &results); err != nil {
		t.Fatalf("decoding the harness output: %v", err)
	}
	return dir, results, generated
}

func (c *genCase) harnessInput() harnessCase {
	in := harnessCase{Weights: make(map[string][]string), Steps: c.steps, PanicWant: c.panicWant}
	if c.panicX != nil {
		in.PanicX = encodeFloats(c.panicX)
	}
	for name, w := range c.feeds {
		in.Weights[name] = encodeFloats(w.Data)
	}
	in.Batches = encodeBatches(c.batches)
	in.Chain = encodeBatches(c.chain)
	return in
}

func encodeBatches(batches []genBatch) []harnessBatch {
	var out []harnessBatch
	for _, b := range batches {
		hb := harnessBatch{N: b.n, X: encodeFloats(b.x.Data)}
		if b.y != nil {
			hb.Y = encodeFloats(b.y.Data)
		}
		out = append(out, hb)
	}
	return out
}

// harnessView is what the template needs to know about one case.
type harnessView struct {
	Pkg, XType, YType, Encode string
	Train, LR                 bool
	Seed                      uint64
	Saliency                  bool // the package has InputGradient
	TopK, Confusion           bool // the package has CorrectTopK, Confusion
	Classes                   int  // class count when y holds class labels, else 0
}

func (c *genCase) view() harnessView {
	p := c.prog
	v := harnessView{
		Pkg:    c.name,
		XType:  goType(p.Predict.Graph.Named("x").DType),
		Encode: "enc",
		Train:  p.Train != nil,
		Seed:   p.Module.Train.Seed,
	}
	v.Saliency = p.Saliency != nil && v.Train
	v.TopK = p.Module.Metrics&ir.MetricTopK != 0 && v.Train
	v.Confusion = p.Module.Metrics&ir.MetricConfusion != 0 && v.Train
	if p.Predict.Graph.Output("output").DType == ir.Bool {
		v.Encode = "encBool"
	}
	if v.Train {
		y := p.Train.Graph.Named("y")
		v.YType = goType(y.DType)
		if y.DType.IsInt() {
			v.Classes = p.Module.Classes
		}
		lr := p.Train.Graph.Named("lr")
		v.LR = lr != nil && lr.Op == ir.OpState
	}
	return v
}

var harnessTemplate = template.Must(template.New("main").Parse(`package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/nncc/nncc/runtime"
{{range .}}	"nncctest/{{.Pkg}}"
{{end}})

type harnessCase struct {
	Weights map[string][]string
	Batches   []harnessBatch
	Steps     int
	PanicX    []string
	PanicWant string
	Chain     []harnessBatch
}

type harnessBatch struct {
	N    int
	X, Y []string
}

type stepResult struct {
	Loss    string
	Correct int // LastCorrect after the step
	Tensors map[string][]string
}

type batchResult struct {
	Predict []string
	Loss    string
	Correct int
	Steps   []stepResult
	Allocs  map[string]float64
	// InputGradient is the result of InputGradient, before the train steps, for a
	// program with a saliency function.
	InputGradient []string
	// TopK holds CorrectTopK for k = 1..Classes and Confusion the matrix of the
	// batch, before the train steps, for a program with those metrics.
	TopK      []int
	Confusion []int
}

type harnessResult struct {
	Batches  []batchResult
	Problems []string
	Chain    []batchResult
}

type number interface {
	~float32 | ~float64 | ~int32 | ~int64
}

func conv[T number](ss []string) []T {
	out := make([]T, len(ss))
	for i, s := range ss {
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			panic(err)
		}
		out[i] = T(x)
	}
	return out
}

func enc[T number](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = strconv.FormatFloat(float64(x), 'g', -1, 64)
	}
	return out
}

func encBool(xs []bool) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = "0"
		if x {
			out[i] = "1"
		}
	}
	return out
}

func encOne[T number](x T) string { return enc([]T{x})[0] }

type model interface {
	Params() []runtime.Tensor
	State() []runtime.Tensor
	WriteTo(io.Writer) (int64, error)
	ReadFrom(io.Reader) (int64, error)
}

func tensors(m model) []runtime.Tensor { return append(m.Params(), m.State()...) }

func load(m model, weights map[string][]string) {
	for _, t := range tensors(m) {
		w, ok := weights[t.Name]
		if !ok {
			panic("no weights for " + t.Name)
		}
		switch {
		case t.F32 != nil:
			copy(t.F32, conv[float32](w))
		case t.F64 != nil:
			copy(t.F64, conv[float64](w))
		case t.I32 != nil:
			copy(t.I32, conv[int32](w))
		case t.I64 != nil:
			copy(t.I64, conv[int64](w))
		}
	}
}

func dump(m model) map[string][]string { return dumpTensors(tensors(m)) }

func dumpTensors(ts []runtime.Tensor) map[string][]string {
	out := make(map[string][]string)
	for _, t := range ts {
		switch {
		case t.F32 != nil:
			out[t.Name] = enc(t.F32)
		case t.F64 != nil:
			out[t.Name] = enc(t.F64)
		case t.I32 != nil:
			out[t.Name] = enc(t.I32)
		case t.I64 != nil:
			out[t.Name] = enc(t.I64)
		}
	}
	return out
}

// checkpoint writes a, reads the file into b (first truncated, which must fail and
// leave b unchanged) and returns the problems found.
func checkpoint(a, b model) []string {
	var buf bytes.Buffer
	n, err := a.WriteTo(&buf)
	if err != nil || n != int64(buf.Len()) {
		return []string{fmt.Sprintf("WriteTo: %d bytes, %v", n, err)}
	}
	data := buf.Bytes()
	var problems []string
	before := dump(b)
	if _, err := b.ReadFrom(bytes.NewReader(data[:len(data)-1])); err == nil {
		problems = append(problems, "ReadFrom accepted a truncated checkpoint")
	}
	if !reflect.DeepEqual(dump(b), before) {
		problems = append(problems, "a failed ReadFrom changed the model")
	}
	problems = append(problems, weightsOnly(a, b)...)
	if n, err := b.ReadFrom(bytes.NewReader(data)); err != nil || n != int64(len(data)) {
		problems = append(problems, fmt.Sprintf("ReadFrom: %d of %d bytes, %v", n, len(data), err))
	}
	if !reflect.DeepEqual(dump(a), dump(b)) {
		problems = append(problems, "the checkpoint round trip changed the tensors")
	}

	// A file whose first tensor has another shape must be rejected.
	ts := tensors(a)
	if len(ts) == 0 {
		return problems
	}
	ts[0].Shape = append(append([]int(nil), ts[0].Shape...), 1)
	buf.Reset()
	if _, err := runtime.WriteTensors(&buf, ts, nil); err != nil {
		return append(problems, "writing the reshaped checkpoint: "+err.Error())
	}
	c := dump(b)
	if _, err := b.ReadFrom(&buf); err == nil {
		problems = append(problems, "ReadFrom accepted a tensor of another shape")
	}
	if !reflect.DeepEqual(dump(b), c) {
		problems = append(problems, "a ReadFrom of the wrong shape changed the model")
	}
	return problems
}

// weightsOnly reads a file holding only a's parameters into b, which must load them
// and keep b's state, and a file missing a parameter, which must be rejected.
func weightsOnly(a, b model) []string {
	var problems []string
	var buf bytes.Buffer
	if _, err := runtime.WriteTensors(&buf, a.Params(), nil); err != nil {
		return []string{"writing the weights-only checkpoint: " + err.Error()}
	}
	state := dumpTensors(b.State())
	if _, err := b.ReadFrom(&buf); err != nil {
		problems = append(problems, "ReadFrom rejected a weights-only checkpoint: "+err.Error())
	}
	if !reflect.DeepEqual(dumpTensors(b.Params()), dumpTensors(a.Params())) {
		problems = append(problems, "a weights-only ReadFrom did not load the parameters")
	}
	if !reflect.DeepEqual(dumpTensors(b.State()), state) {
		problems = append(problems, "a weights-only ReadFrom changed the state")
	}

	if len(a.Params()) == 0 {
		return problems
	}
	buf.Reset()
	if _, err := runtime.WriteTensors(&buf, append(a.Params()[1:], a.State()...), nil); err != nil {
		return append(problems, "writing the checkpoint without a parameter: "+err.Error())
	}
	if _, err := b.ReadFrom(&buf); err == nil {
		problems = append(problems, "ReadFrom accepted a checkpoint missing a parameter")
	}
	return problems
}

// expectPanic returns a problem unless f panics with a message containing want.
func expectPanic(what, want string, f func()) (problem string) {
	defer func() {
		msg := fmt.Sprint(recover())
		if !strings.Contains(msg, want) {
			problem = fmt.Sprintf("%s panicked with %q, want a message containing %q", what, msg, want)
		}
	}()
	f()
	return ""
}

// checkArguments returns the problems with the argument checks of predict, which
// must reject a batch size of 0, one above MaxBatch and an x of the wrong length.
func checkArguments(predict func(x []string, n int), x []string, n, maxBatch int) []string {
	var problems []string
	for _, p := range []string{
		expectPanic("Predict with n = 0", "batch size n = 0", func() { predict(x, 0) }),
		expectPanic("Predict with n > MaxBatch", "want 1 <= n <=", func() { predict(x, maxBatch+1) }),
		expectPanic("Predict with a short x", "x has length", func() { predict(x[:len(x)-1], n) }),
	} {
		if p != "" {
			problems = append(problems, p)
		}
	}
	return problems
}
{{range .}}
func run_{{.Pkg}}(in harnessCase) harnessResult {
	var res harnessResult
	for _, b := range in.Batches {
		m := {{.Pkg}}.NewSeeded(1)
		load(m, in.Weights)
		x := conv[{{.XType}}](b.X)
		r := batchResult{Allocs: make(map[string]float64)}
		r.Predict = {{.Encode}}(m.Predict(x, b.N))
		r.Allocs["Predict"] = testing.AllocsPerRun(3, func() { m.Predict(x, b.N) })
{{- if .Train}}
		y := conv[{{.YType}}](b.Y)
		loss, correct := m.Evaluate(x, y, b.N)
		r.Loss, r.Correct = encOne(loss), correct
		r.Allocs["Evaluate"] = testing.AllocsPerRun(3, func() { m.Evaluate(x, y, b.N) })
{{- if .Saliency}}
		r.InputGradient = enc(m.InputGradient(x, y, b.N))
		r.Allocs["InputGradient"] = testing.AllocsPerRun(3, func() { m.InputGradient(x, y, b.N) })
{{- end}}
{{- if .TopK}}
		for k := 1; k <= {{.Pkg}}.Classes; k++ {
			r.TopK = append(r.TopK, m.CorrectTopK(x, y, b.N, k))
		}
		r.Allocs["CorrectTopK"] = testing.AllocsPerRun(3, func() { m.CorrectTopK(x, y, b.N, 2) })
{{- end}}
{{- if .Confusion}}
		counts := make([]int, {{.Pkg}}.Classes*{{.Pkg}}.Classes)
		m.Confusion(x, y, b.N, counts)
		r.Confusion = append([]int(nil), counts...)
		r.Allocs["Confusion"] = testing.AllocsPerRun(3, func() { m.Confusion(x, y, b.N, counts) })
		if p := expectPanic("CorrectTopK with k = 0", "k must be in", func() { m.CorrectTopK(x, y, b.N, 0) }); p != "" {
			res.Problems = append(res.Problems, p)
		}
		if p := expectPanic("Confusion with short counts", "counts has length", func() { m.Confusion(x, y, b.N, counts[1:]) }); p != "" {
			res.Problems = append(res.Problems, p)
		}
		badLabel := append([]{{.YType}}(nil), y...)
		badLabel[0] = {{.Pkg}}.Classes
		if p := expectPanic("CorrectTopK with a label out of range", "want a class in", func() { m.CorrectTopK(x, badLabel, b.N, 1) }); p != "" {
			res.Problems = append(res.Problems, p)
		}
{{- end}}
		for range in.Steps {
			loss := m.TrainStep(x, y, b.N)
			r.Steps = append(r.Steps, stepResult{Loss: encOne(loss), Correct: m.LastCorrect(), Tensors: dump(m)})
		}
		r.Allocs["TrainStep"] = testing.AllocsPerRun(3, func() { m.TrainStep(x, y, b.N) })
{{- if .Classes}}
		bad := append([]{{.YType}}(nil), y...)
		bad[len(bad)-1] = {{.Classes}}
		if p := expectPanic("TrainStep with a label out of range", "want a class in [0, {{.Classes}})", func() { m.TrainStep(x, bad, b.N) }); p != "" {
			res.Problems = append(res.Problems, p)
		}
		if p := expectPanic("Evaluate with a negative label", "want a class in [0, {{.Classes}})", func() { bad[0] = -1; m.Evaluate(x, bad, b.N) }); p != "" {
			res.Problems = append(res.Problems, p)
		}
{{- end}}
{{- end}}
		res.Batches = append(res.Batches, r)
	}
{{- if .Train}}
	if len(in.Chain) > 0 {
		m := {{.Pkg}}.NewSeeded(1)
		load(m, in.Weights)
		for i, b := range in.Chain {
			x, y := conv[{{.XType}}](b.X), conv[{{.YType}}](b.Y)
			r := batchResult{Predict: {{.Encode}}(m.Predict(x, b.N))}
			loss, correct := m.Evaluate(x, y, b.N)
			r.Loss, r.Correct = encOne(loss), correct
			s := stepResult{Loss: encOne(m.TrainStep(x, y, b.N)), Correct: m.LastCorrect()}
			if i == 0 || i == len(in.Chain)-1 {
				s.Tensors = dump(m)
			}
			r.Steps = append(r.Steps, s)
			res.Chain = append(res.Chain, r)
		}
	}
{{- end}}
	a := {{.Pkg}}.NewSeeded(1)
	load(a, in.Weights)
	predict := func(x []string, n int) { a.Predict(conv[{{.XType}}](x), n) }
	b := in.Batches[0]
	res.Problems = append(res.Problems, checkArguments(predict, b.X, b.N, {{.Pkg}}.MaxBatch)...)
	if in.PanicX != nil {
		if p := expectPanic("Predict on PanicX", in.PanicWant, func() { predict(in.PanicX, b.N) }); p != "" {
			res.Problems = append(res.Problems, p)
		}
	}
	res.Problems = append(res.Problems, checkpoint(a, {{.Pkg}}.NewSeeded(2))...)
	if !reflect.DeepEqual(dump({{.Pkg}}.New()), dump({{.Pkg}}.NewSeeded({{.Seed}}))) {
		res.Problems = append(res.Problems, "New differs from NewSeeded with the module's seed")
	}
	if !reflect.DeepEqual(dump({{.Pkg}}.NewSeeded(7)), dump({{.Pkg}}.NewSeeded(7))) {
		res.Problems = append(res.Problems, "NewSeeded(7) differs between calls")
	}
{{- if .LR}}
	a.SetLearningRate(0.25)
	if a.LearningRate() != 0.25 {
		res.Problems = append(res.Problems, "LearningRate does not return what SetLearningRate set")
	}
{{- end}}
	return res
}
{{end}}
func main() {
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	var in map[string]harnessCase
	if err := json.Unmarshal(data, &in); err != nil {
		panic(err)
	}
	out := make(map[string]harnessResult)
{{- range .}}
	out["{{.Pkg}}"] = run_{{.Pkg}}(in["{{.Pkg}}"])
{{- end}}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
`))
