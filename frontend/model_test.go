package frontend

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/nncc/nncc/ir"
)

// line returns the line of its caller, for expected error positions.
func line() int {
	_, _, l, _ := runtime.Caller(1)
	return l
}

// completeModel returns a model with one dense layer that Build accepts, and its
// input and labels.
func completeModel() (m *Model, x, y *ir.Value) {
	m = NewModel("t")
	x = m.Input(4)
	y = m.ClassLabels(3)
	logits := m.Dense(x, 3, "")
	m.Output(logits)
	m.CrossEntropy(logits, y)
	m.SGD(SGDConfig{LR: 0.1})
	m.Train(ir.TrainConfig{BatchSize: 2, Epochs: 1})
	return m, x, y
}

func buildErrors(t *testing.T, m *Model) []string {
	t.Helper()
	mod, err := m.Build()
	if err == nil {
		t.Fatalf("Build succeeded: %s", mod.Name)
	}
	var list ir.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("Build error %T, want ir.ErrorList", err)
	}
	return strings.Split(err.Error(), "\n")
}

func TestGoAPIErrorsNameTheCaller(t *testing.T) {
	m := NewModel("t")
	x := m.Input(4)
	l1 := line() + 1
	h := m.Dense(x, 0, "fc")
	m.Output(m.ReLU(h)) // h is invalid: reported once, at the Dense call
	m.Train(ir.TrainConfig{BatchSize: 1, Epochs: 1})
	lb := line() + 1
	_, err := m.Build()
	errs := strings.Split(fmt.Sprint(err), "\n")
	want := []string{
		fmt.Sprintf("model_test.go:%d: dense: units must be a positive integer, got 0", l1),
		fmt.Sprintf("model_test.go:%d: model has no loss (call MSE, CrossEntropy or BCEWithLogits)", lb),
		fmt.Sprintf("model_test.go:%d: model has no optimizer (call SGD, Adam or SetOptimizer)", lb),
	}
	if strings.Join(errs, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(errs, "\n"), strings.Join(want, "\n"))
	}
}

func TestGoAPIMisuse(t *testing.T) {
	m, x, y := completeModel()
	other := NewModel("other")
	foreign := other.Input(4)
	cases := []struct {
		call func()
		want string
	}{
		{func() { m.Dense(nil, 3, "a") }, "dense: input is nil"},
		{func() { m.ReLU(foreign) }, "relu: operand %0 = input f32[N,4] belongs to another model"},
		{func() { m.SetDType(ir.F64) }, "dtype: must be set before the first value"},
		{func() { m.SetDType(ir.I32) }, "dtype: i32 is not a float dtype, want f32 or f64"},
		{func() { m.Input(4) }, "input: the model already has an input (declared at model_test.go:%d)"},
		{func() { m.TargetLabels(1) }, "labels: the model already has labels (declared at model_test.go:%d)"},
		{func() { m.Output(m.Const(1)) }, "output: the model already has an output (declared at model_test.go:%d)"},
		{func() { m.MSE(x, y) }, "mse: the model already has a loss (declared at model_test.go:%d)"},
		{func() { m.Adam(AdamConfig{}) }, "optimizer: the model already has an optimizer (declared at model_test.go:%d)"},
		{func() { m.Train(ir.TrainConfig{}) }, "train: the model already has a training setup (declared at model_test.go:%d)"},
		{func() { m.Softmax(x, 2) }, "softmax: axis 2 out of range for shape [N,4]"},
		{func() { m.Flatten(m.Const(2)) }, "flatten: operand has shape [], want a leading batch dimension N"},
		{func() { m.Add(x, y) }, "add: right operand has dtype i32, want f32"},
		{func() { m.Sqrt(y) }, "sqrt: operand has dtype i32, want f32"},
		{func() { m.DenseWith(x, DenseConfig{Units: 2, Name: "a..b"}) }, `dense: layer name "a..b" is not valid: want identifiers separated by dots`},
		{func() { m.Dense(x, 1<<30, "huge") }, "dense: weight [1073741824,4] has more than 2147483647 elements"},
	}
	for _, c := range cases {
		before := len(m.b.Errs)
		c.call()
		if len(m.b.Errs) != before+1 {
			t.Errorf("want one new error %q, got %d", c.want, len(m.b.Errs)-before)
			continue
		}
		got := m.b.Errs[before].Msg
		if strings.Contains(c.want, "%d") {
			// The first declaration is in completeModel; only the line varies.
			got = got[:strings.LastIndex(got, ":")+1] + "%d)"
		}
		if got != c.want {
			t.Errorf("error %q\nwant     %q", got, c.want)
		}
	}
}

func TestGoAPIIncompleteModels(t *testing.T) {
	m := NewModel("_")
	m.Input()
	m.TargetLabels(2, 0)
	m.Output(m.Const(1))
	errs := buildErrors(t, m)
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e[strings.Index(e, ": ")+2:])
	}
	want := []string{
		`model: name "_" is not valid: the blank identifier cannot name a Go package`,
		"input: shape needs at least one dimension",
		"labels: dimension 1 is 0, want a positive extent",
		"output: value has shape [], want a leading batch dimension N",
		"model has no loss (call MSE, CrossEntropy or BCEWithLogits)",
		"model has no optimizer (call SGD, Adam or SetOptimizer)",
		"model has no training setup (call Train)",
	}
	if strings.Join(msgs, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(msgs, "\n"), strings.Join(want, "\n"))
	}
}

func TestGoAPIHandMadeInvalidValue(t *testing.T) {
	m := NewModel("t")
	x := m.Input(2)
	y := m.TargetLabels(2)
	m.Output(&ir.Value{}) // dtype Invalid, but not made by a failed call
	m.MSE(x, y)
	m.SGD(SGDConfig{LR: 1})
	m.Train(ir.TrainConfig{BatchSize: 1, Epochs: 1})
	if _, err := m.Build(); err == nil || !strings.HasSuffix(err.Error(), "model: the output or the loss is an invalid value") {
		t.Errorf("error %v, want one about the invalid output", err)
	}
}

func TestGoAPIOptimizers(t *testing.T) {
	for _, c := range []struct {
		set  func(m *Model)
		want ir.Optimizer
		err  string
	}{
		{func(m *Model) { m.Adam(AdamConfig{LR: 0.01}) },
			ir.Optimizer{Kind: ir.OptAdam, LR: 0.01, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}, ""},
		{func(m *Model) { m.SetOptimizer(ir.Optimizer{Kind: ir.OptAdam, LR: 0.01, Beta2: 0.5}) },
			ir.Optimizer{Kind: ir.OptAdam, LR: 0.01, Beta2: 0.5}, ""},
		{func(m *Model) { m.SGD(SGDConfig{LR: 0.5, Momentum: 0.9, Nesterov: true, WeightDecay: 1e-4}) },
			ir.Optimizer{Kind: ir.OptSGD, LR: 0.5, Momentum: 0.9, Nesterov: true, WeightDecay: 1e-4}, ""},
		{func(m *Model) { m.SGD(SGDConfig{}) }, ir.Optimizer{}, "sgd: lr must be positive, got 0"},
		{func(m *Model) { m.SetOptimizer(ir.Optimizer{Kind: ir.OptSGD, LR: 1, Eps: 1e-8}) }, ir.Optimizer{},
			"sgd: beta1, beta2 and eps are adam settings, got eps 1e-08"},
		{func(m *Model) { m.SetOptimizer(ir.Optimizer{Kind: ir.OptAdam, LR: 1, Momentum: 0.9}) }, ir.Optimizer{},
			"adam: momentum and nesterov are sgd settings, got momentum 0.9"},
		{func(m *Model) { m.Adam(AdamConfig{Beta2: 1}) }, ir.Optimizer{}, "adam: beta2 must be in [0, 1), got 1"},
	} {
		m := NewModel("t")
		x := m.Input(2)
		y := m.TargetLabels(2)
		m.Output(x)
		m.MSE(x, y)
		m.Train(ir.TrainConfig{BatchSize: 1, Epochs: 1})
		c.set(m)
		mod, err := m.Build()
		if c.err != "" {
			if err == nil || !strings.HasSuffix(err.Error(), ": "+c.err) {
				t.Errorf("error %v, want %q", err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%+v: %v", c.want, err)
			continue
		}
		got := mod.Optimizer
		got.Pos = ir.Pos{}
		if got != c.want {
			t.Errorf("optimizer %+v, want %+v", got, c.want)
		}
	}
}

func TestGoAPITrainChecks(t *testing.T) {
	for _, c := range []struct {
		cfg ir.TrainConfig
		err string
	}{
		{ir.TrainConfig{BatchSize: 0, Epochs: 1}, "train: batch must be in [1, 16777216], got 0"},
		{ir.TrainConfig{BatchSize: 1, Epochs: 0}, "train: epochs must be at least 1, got 0"},
		{ir.TrainConfig{BatchSize: 1, Epochs: 1, Dataset: "cifar"}, `train: unknown dataset "cifar" (want mnist, csv, idx or text)`},
		{ir.TrainConfig{BatchSize: 1, Epochs: 1, Dataset: "csv"}, `train: dataset "csv" takes 1 training files, got 0`},
		{ir.TrainConfig{BatchSize: 1, Epochs: 1, Dataset: "idx", TrainFiles: []string{"a", "b"}, TestFiles: []string{"c"}},
			`train: dataset "idx" takes 2 test files, got 1`},
		{ir.TrainConfig{BatchSize: 1, Epochs: 1, Dataset: "mnist", TrainFiles: []string{"a"}},
			`train: dataset "mnist" takes 0 training files, got 1`},
	} {
		m := NewModel("t")
		x := m.Input(2)
		y := m.TargetLabels(2)
		m.Output(x)
		m.MSE(x, y)
		m.SGD(SGDConfig{LR: 1})
		m.Train(c.cfg)
		if _, err := m.Build(); err == nil || !strings.Contains(err.Error(), ": "+c.err+"\n") && !strings.HasSuffix(err.Error(), ": "+c.err) {
			t.Errorf("%+v: error %v, want %q", c.cfg, err, c.err)
		}
	}
}

func TestGoAPIBuilderEscapeHatch(t *testing.T) {
	m := NewModel("t")
	x := m.Input(3)
	y := m.ClassLabels(3)
	// Values made with the builder directly mix with the Model's.
	scaled := m.Builder().Mul(x, m.Builder().Scalar(ir.F32, 2))
	logits := m.Dense(scaled, 3, "")
	m.Output(m.Flatten(logits))
	m.CrossEntropy(logits, y)
	m.SGD(SGDConfig{LR: 1})
	m.Train(ir.TrainConfig{BatchSize: 4, Epochs: 1})
	mod, err := m.Build()
	if err != nil {
		t.Fatal(err)
	}
	if err := ir.Verify(mod.Forward); err != nil {
		t.Fatal(err)
	}
	if mod.Forward.Output("output") != logits {
		t.Errorf("Flatten of a [N,k] value is not the value itself")
	}
	if mm := logits.Args[0]; mm.Args[0] != scaled {
		t.Errorf("dense input %v, want the builder's mul", mm.Args[0])
	}
}
