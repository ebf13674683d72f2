package frontend

import (
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nncc/nncc/ir"
)

const (
	mnistFile  = "../examples/mnist/mnist.nnc"
	binaryFile = "../examples/binary/binary.nnc"
)

func mustParseFile(t *testing.T, path string) *ir.Module {
	t.Helper()
	mod, err := ParseFile(path)
	if err != nil {
		t.Fatalf("ParseFile(%s):\n%v", path, err)
	}
	if err := ir.Verify(mod.Forward); err != nil {
		t.Fatalf("ir.Verify(%s): %v", path, err)
	}
	return mod
}

func mustParse(t *testing.T, src string) *ir.Module {
	t.Helper()
	mod, err := Parse("m.nnc", []byte(src))
	if err != nil {
		t.Fatalf("Parse:\n%v\nsource:\n%s", err, src)
	}
	if err := ir.Verify(mod.Forward); err != nil {
		t.Fatalf("ir.Verify: %v", err)
	}
	return mod
}

// checkSource checks that g has the source op called name with dtype and shape.
func checkSource(t *testing.T, g *ir.Graph, name string, op ir.Op, want string) *ir.Value {
	t.Helper()
	v := g.Named(name)
	if v == nil {
		t.Fatalf("no source named %q", name)
	}
	if v.Op != op || v.Type() != want {
		t.Errorf("%s: %s %s, want %s %s", name, v.Op, v.Type(), op, want)
	}
	return v
}

func checkOutput(t *testing.T, g *ir.Graph, name, want string) *ir.Value {
	t.Helper()
	v := g.Output(name)
	if v == nil {
		t.Fatalf("no output %q", name)
	}
	if v.Type() != want {
		t.Errorf("output %s: %s, want %s", name, v.Type(), want)
	}
	return v
}

// checkDense checks a dense layer's parameters, their init, and that out is
// matmul(in, W, transB) + b.
func checkDense(t *testing.T, g *ir.Graph, name string, in, out *ir.Value, units, fanIn int) {
	t.Helper()
	dt := in.DType.String()
	w := checkSource(t, g, name+".weight", ir.OpParam, dt+ir.Shape{units, fanIn}.String())
	b := checkSource(t, g, name+".bias", ir.OpParam, dt+ir.Shape{units}.String())
	bound := 1 / math.Sqrt(float64(fanIn))
	for _, p := range []*ir.Value{w, b} {
		if want := (ir.Init{Kind: ir.InitUniform, Lo: -bound, Hi: bound}); p.Attrs.Init != want {
			t.Errorf("%s init %+v, want %+v", p.Attrs.Name, p.Attrs.Init, want)
		}
	}
	if out.Op != ir.OpAdd || out.Args[1] != b {
		t.Fatalf("%s: output %v, want add of the bias", name, out)
	}
	mm := out.Args[0]
	if mm.Op != ir.OpMatMul || mm.Args[0] != in || mm.Args[1] != w || mm.Attrs.TransA || !mm.Attrs.TransB {
		t.Errorf("%s: %v with attrs %+v, want matmul(input, weight, transB)", name, mm, mm.Attrs)
	}
}

func TestParseMNISTExample(t *testing.T) {
	mod := mustParseFile(t, mnistFile)
	g := mod.Forward
	if mod.Name != "mnist_mlp" || mod.File != mnistFile || mod.Loss != ir.LossCrossEntropy || mod.Classes != 10 {
		t.Errorf("module %q file %q loss %v classes %d", mod.Name, mod.File, mod.Loss, mod.Classes)
	}
	wantOpt := ir.Optimizer{Kind: ir.OptSGD, LR: 0.05, Momentum: 0.9, Pos: mod.Optimizer.Pos}
	if mod.Optimizer != wantOpt || mod.Optimizer.Pos.Line != 17 {
		t.Errorf("optimizer %+v, want %+v at line 17", mod.Optimizer, wantOpt)
	}
	wantTrain := ir.TrainConfig{Dataset: "mnist", LabelColumn: -1, BatchSize: 64, Epochs: 5, Seed: 1, Shuffle: true}
	if !reflect.DeepEqual(mod.Train, wantTrain) {
		t.Errorf("train %+v, want %+v", mod.Train, wantTrain)
	}
	if g.MaxBatch != 64 {
		t.Errorf("MaxBatch %d, want 64", g.MaxBatch)
	}

	x := checkSource(t, g, "x", ir.OpInput, "f32[N,784]")
	y := checkSource(t, g, "y", ir.OpInput, "i32[N]")
	if len(g.Inputs()) != 2 || len(g.Params()) != 4 || len(g.States()) != 0 {
		t.Errorf("%d inputs, %d params, %d states; want 2, 4, 0", len(g.Inputs()), len(g.Params()), len(g.States()))
	}
	logits := checkOutput(t, g, "output", "f32[N,10]")
	checkOutput(t, g, "loss", "f32[]")
	correct := checkOutput(t, g, "correct", "i32[]")
	relu := logits.Args[0].Args[0]
	if relu.Op != ir.OpRelu {
		t.Fatalf("fc2 input %v, want relu", relu)
	}
	checkDense(t, g, "fc1", x, relu.Args[0], 128, 784)
	checkDense(t, g, "fc2", relu, logits, 10, 128)
	if !dependsOn(correct, y) || !dependsOn(correct, logits) {
		t.Errorf("correct does not depend on the logits and labels")
	}
	if names := outputNames(g); names != "output,loss,correct" {
		t.Errorf("outputs %s, want output,loss,correct", names)
	}
	if pos := relu.Pos; pos.File != mnistFile || pos.Line != 12 || pos.Col != 10 {
		t.Errorf("relu at %v, want %s:12:10", pos, mnistFile)
	}
}

func outputNames(g *ir.Graph) string {
	var names []string
	for _, o := range g.Outputs {
		names = append(names, o.Name)
	}
	return strings.Join(names, ",")
}

func TestParseBinaryExample(t *testing.T) {
	mod := mustParseFile(t, binaryFile)
	g := mod.Forward

	if mod.Name != "binary" || mod.Loss != ir.LossBCEWithLogits || mod.Classes != 0 {
		t.Errorf("module %q loss %v classes %d", mod.Name, mod.Loss, mod.Classes)
	}
	wantOpt := ir.Optimizer{Kind: ir.OptAdam, LR: 0.01, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, Pos: mod.Optimizer.Pos}
	if mod.Optimizer != wantOpt {
		t.Errorf("optimizer %+v, want %+v", mod.Optimizer, wantOpt)
	}
	dir := filepath.Dir(binaryFile)
	wantTrain := ir.TrainConfig{
		Dataset: "csv", TrainFiles: []string{filepath.Join(dir, "train.csv")},
		TestFiles: []string{filepath.Join(dir, "test.csv")}, LabelColumn: -1,
		BatchSize: 32, Epochs: 20, Shuffle: true,
	}
	if !reflect.DeepEqual(mod.Train, wantTrain) {
		t.Errorf("train %+v, want %+v", mod.Train, wantTrain)
	}
	if g.MaxBatch != 32 {
		t.Errorf("MaxBatch %d, want 32", g.MaxBatch)
	}

	x := checkSource(t, g, "x", ir.OpInput, "f32[N,10]")
	checkSource(t, g, "y", ir.OpInput, "f32[N,1]")
	logit := checkOutput(t, g, "output", "f32[N,1]")
	checkOutput(t, g, "loss", "f32[]")
	checkOutput(t, g, "correct", "i32[]")
	sig := logit.Args[0].Args[0]
	if sig.Op != ir.OpSigmoid {
		t.Fatalf("fc2 input %v, want sigmoid", sig)
	}
	checkDense(t, g, "fc1", x, sig.Args[0], 10, 10)
	checkDense(t, g, "fc2", sig, logit, 1, 10)
}

// buildMNIST builds the MNIST example with the Go API.
func buildMNIST(t *testing.T) *ir.Module {
	m := NewModel("mnist_mlp")
	x := m.Input(784)
	y := m.ClassLabels(10)
	h := m.ReLU(m.Dense(x, 128, "fc1"))
	logits := m.Dense(h, 10, "fc2")
	m.Output(logits)
	m.CrossEntropy(logits, y)
	m.SGD(SGDConfig{LR: 0.05, Momentum: 0.9})
	m.Train(ir.TrainConfig{Dataset: "mnist", LabelColumn: -1, BatchSize: 64, Epochs: 5, Seed: 1, Shuffle: true})
	mod, err := m.Build()
	if err != nil {
		t.Fatal(err)
	}
	return mod
}

func buildBinary(t *testing.T) *ir.Module {
	m := NewModel("binary")
	x := m.Input(10)
	y := m.TargetLabels(1)
	h := m.Sigmoid(m.Dense(x, 10, "fc1"))
	logit := m.Dense(h, 1, "fc2")
	m.Output(logit)
	m.BCEWithLogits(logit, y)
	m.Adam(AdamConfig{LR: 0.01})
	dir := filepath.Dir(binaryFile)
	m.Train(ir.TrainConfig{
		Dataset: "csv", TrainFiles: []string{filepath.Join(dir, "train.csv")},
		TestFiles: []string{filepath.Join(dir, "test.csv")}, LabelColumn: -1,
		BatchSize: 32, Epochs: 20, Shuffle: true,
	})
	mod, err := m.Build()
	if err != nil {
		t.Fatal(err)
	}
	return mod
}

func TestParseMatchesGoAPI(t *testing.T) {
	for _, c := range []struct {
		file  string
		build func(*testing.T) *ir.Module
	}{
		{mnistFile, buildMNIST},
		{binaryFile, buildBinary},
	} {
		t.Run(filepath.Base(c.file), func(t *testing.T) {
			parsed, built := mustParseFile(t, c.file), c.build(t)
			compareModules(t, parsed, built)
		})
	}
}

// compareModules compares everything but positions and the file name.
func compareModules(t *testing.T, a, b *ir.Module) {
	t.Helper()
	oa, ob := a.Optimizer, b.Optimizer
	oa.Pos, ob.Pos = ir.Pos{}, ir.Pos{}
	if a.Name != b.Name || a.Loss != b.Loss || a.Classes != b.Classes || oa != ob || !reflect.DeepEqual(a.Train, b.Train) {
		t.Errorf("modules differ:\n%+v %v %d %+v %+v\n%+v %v %d %+v %+v",
			a.Name, a.Loss, a.Classes, oa, a.Train, b.Name, b.Loss, b.Classes, ob, b.Train)
	}
	compareGraphs(t, a.Forward, b.Forward)
}

// compareGraphs compares two graphs value by value: op, dtype, shape, attrs,
// comment and arguments by position; then outputs and updates.
func compareGraphs(t *testing.T, a, b *ir.Graph) {
	t.Helper()
	if a.MaxBatch != b.MaxBatch || len(a.Values) != len(b.Values) {
		t.Fatalf("MaxBatch %d and %d, %d and %d values", a.MaxBatch, b.MaxBatch, len(a.Values), len(b.Values))
	}
	index := func(g *ir.Graph) map[*ir.Value]int {
		m := map[*ir.Value]int{}
		for i, v := range g.Values {
			m[v] = i
		}
		return m
	}
	ia, ib := index(a), index(b)
	for i, va := range a.Values {
		vb := b.Values[i]
		if va.Op != vb.Op || va.DType != vb.DType || !va.Shape.Equal(vb.Shape) ||
			!reflect.DeepEqual(va.Attrs, vb.Attrs) || va.Comment != vb.Comment || len(va.Args) != len(vb.Args) {
			t.Fatalf("value %d differs:\n%v %+v %q\n%v %+v %q", i, va, va.Attrs, va.Comment, vb, vb.Attrs, vb.Comment)
		}
		for j := range va.Args {
			if ia[va.Args[j]] != ib[vb.Args[j]] {
				t.Fatalf("value %d (%v) argument %d: value %d and %d", i, va, j, ia[va.Args[j]], ib[vb.Args[j]])
			}
		}
	}
	if len(a.Outputs) != len(b.Outputs) || len(a.Updates) != len(b.Updates) {
		t.Fatalf("%d and %d outputs, %d and %d updates", len(a.Outputs), len(b.Outputs), len(a.Updates), len(b.Updates))
	}
	for i, o := range a.Outputs {
		if p := b.Outputs[i]; o.Name != p.Name || ia[o.Value] != ib[p.Value] {
			t.Errorf("output %d: %s = value %d and %s = value %d", i, o.Name, ia[o.Value], p.Name, ib[p.Value])
		}
	}
}
