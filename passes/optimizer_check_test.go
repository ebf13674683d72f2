package passes

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/nncc/nncc/ir"
)

func TestCheckAdaptiveOptimizers(t *testing.T) {
	for _, c := range []struct {
		o    ir.Optimizer
		want string
	}{
		{ir.Optimizer{Kind: ir.OptAdamW, LR: 0.1, Beta1: 0.9, Beta2: 0.999, WeightDecay: 0.01}, ""},
		{ir.Optimizer{Kind: ir.OptRMSProp, LR: 0.1, Alpha: 0.99, Momentum: 0.5, Centered: true}, ""},
		{ir.Optimizer{Kind: ir.OptAdagrad, LR: 0.1, LRDecay: 0.1, InitialAcc: 0.5, ClipNorm: 1}, ""},
		{ir.Optimizer{Kind: ir.OptAdamW, LR: 0.1, Beta1: 1}, "adamw: betas (1, 0), want each in [0, 1)"},
		{ir.Optimizer{Kind: ir.OptRMSProp, LR: 0.1, Alpha: -1}, "rmsprop: alpha -1, want 0 or more"},
		{ir.Optimizer{Kind: ir.OptRMSProp, LR: 0.1, Momentum: math.Inf(1)}, "rmsprop: momentum +Inf, want 0 or more"},
		{ir.Optimizer{Kind: ir.OptAdagrad, LR: 0.1, Eps: math.NaN()}, "adagrad: eps NaN, want 0 or more"},
		{ir.Optimizer{Kind: ir.OptAdagrad, LR: 0.1, LRDecay: -0.5}, "adagrad: lr_decay -0.5, want 0 or more"},
		{ir.Optimizer{Kind: ir.OptAdagrad, LR: 0.1, InitialAcc: -1}, "adagrad: initial_accumulator_value -1, want 0 or more"},
		{ir.Optimizer{Kind: ir.OptSGD, LR: 0.1, ClipNorm: -1}, "sgd: clip_norm -1, want 0 or more"},
	} {
		errs := checkOptimizer(c.o)
		if c.want == "" {
			assert.Empty(t, errs, "%+v", c.o)
			continue
		}
		if assert.Len(t, errs, 1, "%+v", c.o) {
			assert.Contains(t, errs.Error(), c.want)
		}
	}
}
