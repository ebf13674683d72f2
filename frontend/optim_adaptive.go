package frontend

import (
	"math"

	"github.com/nncc/nncc/ir"
)

// Defaults of AdamW, RMSProp and Adagrad, as in PyTorch's torch.optim.AdamW,
// torch.optim.RMSprop and torch.optim.Adagrad. AdamW shares Adam's LR, betas and
// eps.
const (
	DefaultAdamWWeightDecay = 0.01
	DefaultRMSPropLR        = 0.01
	DefaultRMSPropAlpha     = 0.99
	DefaultRMSPropEps       = 1e-8
	DefaultAdagradLR        = 0.01
	DefaultAdagradEps       = 1e-10
)

// AdamWConfig configures AdamW with PyTorch's semantics (torch.optim.AdamW): each
// step first scales every weight by 1-LR*WeightDecay, then takes an Adam step on the
// plain gradient. A zero LR, Beta1, Beta2 or Eps takes PyTorch's default; a negative
// WeightDecay takes DefaultAdamWWeightDecay, so that 0 turns decay off. To use an
// exact zero elsewhere, call SetOptimizer.
type AdamWConfig struct {
	LR          float64 // default DefaultAdamLR
	Beta1       float64 // default DefaultAdamBeta1
	Beta2       float64 // default DefaultAdamBeta2
	Eps         float64 // default DefaultAdamEps
	WeightDecay float64 // decoupled; negative for DefaultAdamWWeightDecay
	ClipNorm    float64 // max global gradient norm; 0 for no clipping
}

// RMSPropConfig configures RMSProp with PyTorch's semantics (torch.optim.RMSprop).
// A zero LR, Alpha or Eps takes PyTorch's default.
type RMSPropConfig struct {
	LR          float64 // default DefaultRMSPropLR
	Alpha       float64 // default DefaultRMSPropAlpha
	Eps         float64 // default DefaultRMSPropEps
	WeightDecay float64 // L2 penalty added to the gradient
	Momentum    float64
	Centered    bool
	ClipNorm    float64 // max global gradient norm; 0 for no clipping
}

// AdagradConfig configures Adagrad with PyTorch's semantics (torch.optim.Adagrad).
// A zero LR or Eps takes PyTorch's default.
type AdagradConfig struct {
	LR                      float64 // default DefaultAdagradLR
	LRDecay                 float64
	WeightDecay             float64 // L2 penalty added to the gradient
	InitialAccumulatorValue float64
	Eps                     float64 // default DefaultAdagradEps
	ClipNorm                float64 // max global gradient norm; 0 for no clipping
}

func orDefault(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

// AdamW sets the optimizer to AdamW, filling in defaults; see SetOptimizer for the
// errors it records.
func (m *Model) AdamW(c AdamWConfig) {
	m.enter()
	wd := c.WeightDecay
	if wd < 0 {
		wd = DefaultAdamWWeightDecay
	}
	m.setOptimizer(ir.Optimizer{
		Kind:        ir.OptAdamW,
		LR:          orDefault(c.LR, DefaultAdamLR),
		Beta1:       orDefault(c.Beta1, DefaultAdamBeta1),
		Beta2:       orDefault(c.Beta2, DefaultAdamBeta2),
		Eps:         orDefault(c.Eps, DefaultAdamEps),
		WeightDecay: wd,
		ClipNorm:    c.ClipNorm,
	})
}

// RMSProp sets the optimizer to RMSProp, filling in defaults; see SetOptimizer for
// the errors it records.
func (m *Model) RMSProp(c RMSPropConfig) {
	m.enter()
	m.setOptimizer(ir.Optimizer{
		Kind:        ir.OptRMSProp,
		LR:          orDefault(c.LR, DefaultRMSPropLR),
		Alpha:       orDefault(c.Alpha, DefaultRMSPropAlpha),
		Eps:         orDefault(c.Eps, DefaultRMSPropEps),
		WeightDecay: c.WeightDecay,
		Momentum:    c.Momentum,
		Centered:    c.Centered,
		ClipNorm:    c.ClipNorm,
	})
}

// Adagrad sets the optimizer to Adagrad, filling in defaults; see SetOptimizer for
// the errors it records.
func (m *Model) Adagrad(c AdagradConfig) {
	m.enter()
	m.setOptimizer(ir.Optimizer{
		Kind:        ir.OptAdagrad,
		LR:          orDefault(c.LR, DefaultAdagradLR),
		LRDecay:     c.LRDecay,
		WeightDecay: c.WeightDecay,
		InitialAcc:  c.InitialAccumulatorValue,
		Eps:         orDefault(c.Eps, DefaultAdagradEps),
		ClipNorm:    c.ClipNorm,
	})
}

// optimizerFieldError returns a message for a hyperparameter of o that is out of
// range or belongs to another optimizer, covering the settings that AdamW,
// RMSProp, Adagrad and clipping add; "" when there is none.
func optimizerFieldError(o ir.Optimizer) (string, any) {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	isAdam := o.Kind == ir.OptAdam || o.Kind == ir.OptAdamW
	for _, c := range []struct {
		bad    bool
		format string
		v      any
	}{
		{!(o.ClipNorm >= 0) || !finite(o.ClipNorm), "clip_norm must be non-negative, got %v", o.ClipNorm},
		{!(o.Alpha >= 0) || !finite(o.Alpha), "alpha must be non-negative, got %v", o.Alpha},
		{!(o.LRDecay >= 0) || !finite(o.LRDecay), "lr_decay must be non-negative, got %v", o.LRDecay},
		{!(o.InitialAcc >= 0) || !finite(o.InitialAcc),
			"initial_accumulator_value must be non-negative, got %v", o.InitialAcc},
		{o.Nesterov && o.Kind != ir.OptSGD, "nesterov is an sgd setting, got %v", o.Nesterov},
		{o.Momentum != 0 && o.Kind != ir.OptSGD && o.Kind != ir.OptRMSProp,
			"momentum is an sgd and rmsprop setting, got %v", o.Momentum},
		{!isAdam && (o.Beta1 != 0 || o.Beta2 != 0), "beta1 and beta2 are adam settings, got beta1 %v", o.Beta1},
		{o.Kind == ir.OptSGD && o.Eps != 0, "eps is not an sgd setting, got %v", o.Eps},
		{o.Kind != ir.OptRMSProp && (o.Alpha != 0 || o.Centered), "alpha and centered are rmsprop settings, got alpha %v", o.Alpha},
		{o.Kind != ir.OptAdagrad && (o.LRDecay != 0 || o.InitialAcc != 0),
			"lr_decay and initial_accumulator_value are adagrad settings, got lr_decay %v", o.LRDecay},
	} {
		if c.bad {
			return c.format, c.v
		}
	}
	return "", nil
}
