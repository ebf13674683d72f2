package frontend

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nncc/nncc/ir"
)

func TestOptimizerStatementAdaptive(t *testing.T) {
	for _, c := range []struct {
		call string
		want ir.Optimizer
	}{
		{"adamw()", ir.Optimizer{Kind: ir.OptAdamW, LR: 0.001, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.01}},
		{"adamw(lr=0.01, weight_decay=0, clip_norm=1.5)",
			ir.Optimizer{Kind: ir.OptAdamW, LR: 0.01, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, ClipNorm: 1.5}},
		{"rmsprop()", ir.Optimizer{Kind: ir.OptRMSProp, LR: 0.01, Alpha: 0.99, Eps: 1e-8}},
		{"rmsprop(lr=0.1, alpha=0.9, eps=1e-6, weight_decay=0.01, momentum=0.8, centered=true)",
			ir.Optimizer{Kind: ir.OptRMSProp, LR: 0.1, Alpha: 0.9, Eps: 1e-6, WeightDecay: 0.01, Momentum: 0.8, Centered: true}},
		{"adagrad()", ir.Optimizer{Kind: ir.OptAdagrad, LR: 0.01, Eps: 1e-10}},
		{"adagrad(lr=0.1, lr_decay=0.05, weight_decay=0.01, initial_accumulator_value=0.1)",
			ir.Optimizer{Kind: ir.OptAdagrad, LR: 0.1, LRDecay: 0.05, WeightDecay: 0.01, InitialAcc: 0.1, Eps: 1e-10}},
		{"sgd(lr=0.1, momentum=0.9, nesterov=true, clip_norm=1)",
			ir.Optimizer{Kind: ir.OptSGD, LR: 0.1, Momentum: 0.9, Nesterov: true, ClipNorm: 1}},
	} {
		t.Run(c.call, func(t *testing.T) {
			mod := mustParse(t, header+"logits = dense(x, 3)\noutput logits\nloss cross_entropy(logits, y)\noptimizer "+c.call+"\n")
			c.want.Pos = mod.Optimizer.Pos
			assert.Equal(t, c.want, mod.Optimizer)
		})
	}
}

func TestOptimizerStatementAdaptiveErrors(t *testing.T) {
	for _, c := range []struct{ call, err string }{
		{"rmsprop(nesterov=true)", `rmsprop: unknown argument "nesterov"`},
		{"adagrad(momentum=0.9)", `adagrad: unknown argument "momentum"`},
		{"adamw(clip_norm=-1)", "clip_norm"},
		{"rmsprop(alpha=-0.5)", "alpha"},
		{"rmsprop(centered=1)", "centered"},
		{"adamx()", "did you mean adam"},
	} {
		t.Run(c.call, func(t *testing.T) {
			src := header + "logits = dense(x, 3)\noutput logits\nloss cross_entropy(logits, y)\noptimizer " + c.call + "\n"
			_, err := Parse("m.nnc", []byte(src))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.err)
		})
	}
}

func TestGoAPIAdaptiveOptimizers(t *testing.T) {
	for _, c := range []struct {
		set  func(m *Model)
		want ir.Optimizer
		err  string
	}{
		{func(m *Model) { m.AdamW(AdamWConfig{LR: 0.01, WeightDecay: -1, ClipNorm: 2}) },
			ir.Optimizer{Kind: ir.OptAdamW, LR: 0.01, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.01, ClipNorm: 2}, ""},
		{func(m *Model) { m.RMSProp(RMSPropConfig{Momentum: 0.5, Centered: true}) },
			ir.Optimizer{Kind: ir.OptRMSProp, LR: 0.01, Alpha: 0.99, Eps: 1e-8, Momentum: 0.5, Centered: true}, ""},
		{func(m *Model) { m.Adagrad(AdagradConfig{LRDecay: 0.1, InitialAccumulatorValue: 0.5}) },
			ir.Optimizer{Kind: ir.OptAdagrad, LR: 0.01, Eps: 1e-10, LRDecay: 0.1, InitialAcc: 0.5}, ""},
		{func(m *Model) { m.SGD(SGDConfig{LR: 0.1, ClipNorm: 0.5}) },
			ir.Optimizer{Kind: ir.OptSGD, LR: 0.1, ClipNorm: 0.5}, ""},
		{func(m *Model) { m.SetOptimizer(ir.Optimizer{Kind: ir.OptAdagrad, LR: 1, Momentum: 0.9}) }, ir.Optimizer{},
			"adagrad: momentum is an sgd and rmsprop setting, got 0.9"},
		{func(m *Model) { m.SetOptimizer(ir.Optimizer{Kind: ir.OptRMSProp, LR: 1, Beta1: 0.9}) }, ir.Optimizer{},
			"rmsprop: beta1 and beta2 are adam settings, got beta1 0.9"},
		{func(m *Model) { m.SetOptimizer(ir.Optimizer{Kind: ir.OptAdamW, LR: 1, Centered: true}) }, ir.Optimizer{},
			"adamw: alpha and centered are rmsprop settings, got alpha 0"},
		{func(m *Model) { m.SetOptimizer(ir.Optimizer{Kind: ir.OptSGD, LR: 1, LRDecay: 0.1}) }, ir.Optimizer{},
			"sgd: lr_decay and initial_accumulator_value are adagrad settings, got lr_decay 0.1"},
		{func(m *Model) { m.Adagrad(AdagradConfig{InitialAccumulatorValue: -1}) }, ir.Optimizer{},
			"adagrad: initial_accumulator_value must be non-negative, got -1"},
		{func(m *Model) { m.SGD(SGDConfig{LR: 1, ClipNorm: -2}) }, ir.Optimizer{},
			"sgd: clip_norm must be non-negative, got -2"},
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
			if assert.Error(t, err) {
				assert.True(t, strings.HasSuffix(err.Error(), ": "+c.err), "error %v, want %q", err, c.err)
			}
			continue
		}
		require.NoError(t, err)
		c.want.Pos = mod.Optimizer.Pos
		assert.Equal(t, c.want, mod.Optimizer)
	}
}

func TestTrainBlockSchedule(t *testing.T) {
	body := header + "logits = dense(x, 3)\noutput logits" + footer
	for _, c := range []struct {
		settings string
		want     ir.Schedule
	}{
		{"epochs = 3", ir.Schedule{}},
		{"schedule = step(step_size=3)", ir.Schedule{Kind: ir.ScheduleStep, StepSize: 3, Gamma: 0.1}},
		{"schedule = step(2, gamma=0.5)\nwarmup = 1", ir.Schedule{Kind: ir.ScheduleStep, StepSize: 2, Gamma: 0.5,
			Warmup: 1, WarmupStart: DefaultWarmupStart}},
		{"schedule = cosine(epochs=10, eta_min=0.001)\nwarmup = 2\nwarmup_start = 0.25",
			ir.Schedule{Kind: ir.ScheduleCosine, TMax: 10, EtaMin: 0.001, Warmup: 2, WarmupStart: 0.25}},
		{"warmup = 4", ir.Schedule{Warmup: 4, WarmupStart: DefaultWarmupStart}},
	} {
		t.Run(c.settings, func(t *testing.T) {
			mod := mustParse(t, body+"train {\n"+c.settings+"\n}\n")
			assert.Equal(t, c.want, mod.Train.Schedule)
		})
	}
	for _, c := range []struct{ settings, err string }{
		{"schedule = cosine()", "cosine: missing argument epochs"},
		{"schedule = exp(0.9)", "train: schedule must be step"},
		{"schedule = step(step_size=0)", "step_size"},
		{"warmup = -1", `warmup must be a non-negative number of epochs, got "-1"`},
		{"warmup = 2\nwarmup_start = 1.5", `warmup_start must be in (0, 1], got "1.5"`},
		{"shedule = step(2)", "did you mean schedule"},
	} {
		t.Run(c.settings, func(t *testing.T) {
			_, err := Parse("m.nnc", []byte(body+"train {\n"+c.settings+"\n}\n"))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.err)
		})
	}
}
