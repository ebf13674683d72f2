package codegen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nncc/nncc/ir/interp"
)

// optimizerTorchCases returns the PyTorch parity cases of the optimizers and
// gradient clipping recorded by testdata/torch/optimizers.py: each trains
// Linear(6,4), tanh, Linear(4,3) with cross-entropy for five chained steps.
func optimizerTorchCases(t *testing.T) []*genCase {
	files := map[string]*refFile{"f32": readRefFile(t, "optimizers_f32"), "f64": readRefFile(t, "optimizers_f64")}
	var cases []*genCase
	for _, c := range []struct{ name, dt string }{
		{"adamw", "f32"}, {"adamw", "f64"}, {"sgd_clip", "f32"}, {"sgd_clip", "f64"},
		{"adamw_clip", "f32"}, {"rmsprop_centered", "f32"}, {"adagrad", "f32"}, {"nesterov", "f32"},
	} {
		cases = append(cases, optimizerTorchCase(t, files[c.dt], c.name, c.dt))
	}
	return cases
}

// optimizerStatement returns the optimizer statement of a case's JSON settings as
// testdata/torch/optimizers.py writes them.
func optimizerStatement(t *testing.T, settings string) string {
	t.Helper()
	var s map[string]any
	if err := json.Unmarshal([]byte(settings), &s); err != nil {
		t.Fatalf("settings %q: %v", settings, err)
	}
	fns := map[string]string{"SGD": "sgd", "AdamW": "adamw", "RMSprop": "rmsprop", "Adagrad": "adagrad"}
	fn, ok := fns[fmt.Sprint(s["optimizer"])]
	if !ok {
		t.Fatalf("unknown optimizer in %q", settings)
	}
	args := fmt.Sprintf("clip_norm=%v", s["clip_norm"])
	for _, k := range []string{"lr", "momentum", "nesterov", "weight_decay", "eps", "alpha", "centered",
		"lr_decay", "initial_accumulator_value"} {
		if v, ok := s[k]; ok {
			args += fmt.Sprintf(", %s=%v", k, v)
		}
	}
	if betas, ok := s["betas"].([]any); ok {
		args += fmt.Sprintf(", beta1=%v, beta2=%v", betas[0], betas[1])
	}
	return fn + "(" + args + ")"
}

// scheduleSettings are train block lines added to some cases, so that the
// harness compiles a standalone main with a learning-rate schedule. A schedule
// changes nothing in TrainStep.
var scheduleSettings = map[string]string{
	"adamw_clip": "  schedule = cosine(epochs=4, eta_min=0.001)\n  warmup = 1\n  warmup_start = 0.5\n",
	"sgd_clip":   "  schedule = step(step_size=2, gamma=0.5)\n",
}

// optimizerTorchCase returns the chained training case of one optimizer setting.
func optimizerTorchCase(t *testing.T, f *refFile, name, dt string) *genCase {
	t.Helper()
	src := fmt.Sprintf(`model torch_opt_%s_%s
dtype %s
input x: [6]
labels y: classes(3)
h = tanh(dense(x, 4, name="fc1"))
logits = dense(h, 3, name="fc2")
output logits
loss cross_entropy(logits, y)
optimizer %s
train {
  batch = %d
%s}
`, name, dt, dt, optimizerStatement(t, f.setting(t, name)), f.settingInt(t, "batch"), scheduleSettings[name])
	c := parseCase(t, "torch_opt_"+name+"_"+dt, src)
	for _, p := range torchParams {
		setFeed(t, c, p, f.get(t, "init."+p))
	}
	x, y := f.get(t, "x"), f.get(t, "y")
	xType := c.prog.Predict.Graph.Named("x").DType
	yType := c.prog.Eval.Graph.Named("y").DType
	for k := range f.settingInt(t, "steps") {
		xk, yk := x.step(k), y.step(k)
		c.chain = append(c.chain, genBatch{
			n: xk.shape[0],
			x: interp.NewTensor(xType, xk.shape, xk.data),
			y: interp.NewTensor(yType, yk.shape, yk.data),
		})
	}
	c.batches = c.chain[:1]
	c.check = func(t *testing.T, res harnessResult) { checkOptimizerTraining(t, f, name, res) }
	return c
}

// checkOptimizerTraining compares the losses of every step and the final params
// of a chained optimizer run with PyTorch's, with the tolerances of the other
// training runs (torchTolF64, torchTolF32).
func checkOptimizerTraining(t *testing.T, f *refFile, name string, res harnessResult) {
	losses := f.get(t, name+".loss").data
	if len(res.Chain) != len(losses) {
		t.Fatalf("%d chained steps, want %d", len(res.Chain), len(losses))
	}
	tol := torchTolF64
	if f.setting(t, "dtype") == "f32" {
		tol = torchTolF32
	}
	var l parityLog
	for k, r := range res.Chain {
		l.check(t, "loss", fmt.Sprintf("TrainStep loss at step %d", k), decodeFloats(t, []string{r.Steps[0].Loss}),
			losses[k:k+1], tol)
	}
	last := res.Chain[len(res.Chain)-1].Steps[0].Tensors
	for _, p := range torchParams {
		l.check(t, "weights", "final "+p, decodeFloats(t, last[p]), f.get(t, name+".final."+p).data, tol)
	}
	t.Logf("largest relative errors against PyTorch: %s", l.summary())
}

// TestGenerateMainSchedule checks that the standalone main carries the train
// block's schedule in its cli.Config and the model package exports it as
// Schedule, and that a model without one gets neither.
func TestGenerateMainSchedule(t *testing.T) {
	f := readRefFile(t, "optimizers_f64")
	withSchedule := optimizerTorchCase(t, f, "adamw_clip", "f64")
	src, err := GenerateMain(withSchedule.prog, "example.com/m")
	require.NoError(t, err)
	assert.Contains(t, string(src), "\tSchedule: ")
	assert.Contains(t, string(src), "runtime.LRSchedule{Kind: runtime.ScheduleCosine, StepSize: 0, Gamma: 0.0, TMax: 4, EtaMin: 0.001, Warmup: 1, WarmupStart: 0.5}")

	files, err := Generate(withSchedule.prog, Options{Package: "m"})
	require.NoError(t, err)
	assert.Contains(t, string(bytes.Join(slices.Collect(maps.Values(files)), nil)),
		"var Schedule = runtime.LRSchedule{Kind: runtime.ScheduleCosine")

	plain := optimizerTorchCase(t, f, "adamw", "f64")
	src, err = GenerateMain(plain.prog, "example.com/m")
	require.NoError(t, err)
	assert.NotContains(t, string(src), "Schedule")
	files, err = Generate(plain.prog, Options{Package: "m"})
	require.NoError(t, err)
	assert.NotContains(t, string(bytes.Join(slices.Collect(maps.Values(files)), nil)), "Schedule")
}
