package frontend

import (
	"math"

	"github.com/nncc/nncc/ir"
)

// Adam's defaults, as in PyTorch's torch.optim.Adam.
const (
	DefaultAdamLR    = 0.001
	DefaultAdamBeta1 = 0.9
	DefaultAdamBeta2 = 0.999
	DefaultAdamEps   = 1e-8
)

// SGDConfig configures stochastic gradient descent with PyTorch's semantics
// (torch.optim.SGD with dampening 0).
type SGDConfig struct {
	LR          float64 // learning rate; required, positive
	Momentum    float64 // 0 for plain SGD
	Nesterov    bool    // Nesterov momentum; needs Momentum > 0
	WeightDecay float64 // L2 penalty added to the gradient
	ClipNorm    float64 // max global gradient norm; 0 for no clipping
}

// AdamConfig configures Adam with PyTorch's semantics (torch.optim.Adam, L2 weight
// decay added to the gradient, not decoupled). A zero LR, Beta1, Beta2 or Eps takes
// PyTorch's default; to use an exact zero there, call SetOptimizer.
type AdamConfig struct {
	LR          float64 // default DefaultAdamLR
	Beta1       float64 // default DefaultAdamBeta1
	Beta2       float64 // default DefaultAdamBeta2
	Eps         float64 // default DefaultAdamEps
	WeightDecay float64
	ClipNorm    float64 // max global gradient norm; 0 for no clipping
}

// SGD sets the optimizer to SGD; see SetOptimizer for the errors it records.
func (m *Model) SGD(c SGDConfig) {
	m.enter()
	m.setOptimizer(ir.Optimizer{
		Kind: ir.OptSGD, LR: c.LR, Momentum: c.Momentum, Nesterov: c.Nesterov, WeightDecay: c.WeightDecay,
		ClipNorm: c.ClipNorm,
	})
}

// Adam sets the optimizer to Adam, filling in defaults for zero fields; see
// SetOptimizer for the errors it records.
func (m *Model) Adam(c AdamConfig) {
	m.enter()
	m.setOptimizer(ir.Optimizer{
		Kind:        ir.OptAdam,
		LR:          orDefault(c.LR, DefaultAdamLR),
		Beta1:       orDefault(c.Beta1, DefaultAdamBeta1),
		Beta2:       orDefault(c.Beta2, DefaultAdamBeta2),
		Eps:         orDefault(c.Eps, DefaultAdamEps),
		WeightDecay: c.WeightDecay,
		ClipNorm:    c.ClipNorm,
	})
}

// SetOptimizer sets the optimizer exactly as given; its Pos is set to the current
// position. It records an error for a second optimizer or a hyperparameter outside
// the range PyTorch accepts: LR must be positive, Momentum, WeightDecay and Eps
// non-negative, betas in [0, 1), and Nesterov needs Momentum > 0; Alpha, LRDecay,
// InitialAcc and ClipNorm must be non-negative. Fields that do not belong to the
// optimizer's kind must be zero.
func (m *Model) SetOptimizer(o ir.Optimizer) {
	m.enter()
	m.setOptimizer(o)
}

func (m *Model) setOptimizer(o ir.Optimizer) {
	if m.hasOpt {
		m.errorf("optimizer: the model already has an optimizer (declared at %s)", m.opt.Pos)
		return
	}
	m.hasOpt = true
	o.Pos = m.b.Pos
	m.opt = o
	fn := o.Kind.String()
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	for _, c := range []struct {
		bad    bool
		format string
		v      any
	}{
		{o.Kind > ir.OptAdagrad, "unknown optimizer kind %v", o.Kind},
		{!(o.LR > 0) || !finite(o.LR), "lr must be positive, got %v", o.LR},
		{!(o.WeightDecay >= 0) || !finite(o.WeightDecay), "weight_decay must be non-negative, got %v", o.WeightDecay},
		{!(o.Momentum >= 0) || !finite(o.Momentum), "momentum must be non-negative, got %v", o.Momentum},
		{o.Nesterov && o.Momentum == 0, "nesterov needs a positive momentum, got %v", o.Momentum},
		{!(o.Beta1 >= 0 && o.Beta1 < 1), "beta1 must be in [0, 1), got %v", o.Beta1},
		{!(o.Beta2 >= 0 && o.Beta2 < 1), "beta2 must be in [0, 1), got %v", o.Beta2},
		{!(o.Eps >= 0) || !finite(o.Eps), "eps must be non-negative, got %v", o.Eps},
		{o.Kind == ir.OptAdam && (o.Momentum != 0 || o.Nesterov), "momentum and nesterov are sgd settings, got momentum %v", o.Momentum},
		{o.Kind == ir.OptSGD && (o.Beta1 != 0 || o.Beta2 != 0 || o.Eps != 0), "beta1, beta2 and eps are adam settings, got eps %v", o.Eps},
	} {
		if c.bad {
			m.errorf("%s: "+c.format, fn, c.v)
			return
		}
	}
	if format, v := optimizerFieldError(o); format != "" {
		m.errorf("%s: "+format, fn, v)
	}
}

// Train sets the training setup. Its BatchSize becomes the forward graph's MaxBatch.
// It records an error for a second call, BatchSize outside [1, 2^24], Epochs < 1, an
// unknown Dataset, or a file list that does not fit the dataset: "" and "mnist" take
// no files, "csv" one training file and at most one test file, "idx" an images and a
// labels file for each, or a Schedule outside the ranges PyTorch's schedulers
// accept. Whether the files exist is not checked.
func (m *Model) Train(c ir.TrainConfig) {
	m.enter()
	if m.hasTrain {
		m.errorf("train: the model already has a training setup (declared at %s)", m.trainPos)
		return
	}
	m.hasTrain, m.trainPos = true, m.b.Pos
	m.train = c
	switch {
	case c.BatchSize < 1 || c.BatchSize > maxBatchSize:
		m.errorf("train: batch must be in [1, %d], got %d", maxBatchSize, c.BatchSize)
	case c.Epochs < 1:
		m.errorf("train: epochs must be at least 1, got %d", c.Epochs)
	}
	if format, v := scheduleError(c.Schedule); format != "" {
		m.errorf("train: "+format, v)
	}
	want := map[string]int{"": 0, "mnist": 0, "csv": 1, "idx": 2, "text": 1}
	n, ok := want[c.Dataset]
	switch {
	case !ok:
		m.errorf("train: unknown dataset %q (want mnist, csv, idx or text)", c.Dataset)
	case c.Dataset == "text" && len(c.TestFiles) != 0:
		m.errorf("train: dataset \"text\" takes no test files; the end of the text is the test set")
	case len(c.TrainFiles) != n:
		m.errorf("train: dataset %q takes %d training files, got %d", c.Dataset, n, len(c.TrainFiles))
	case len(c.TestFiles) != 0 && len(c.TestFiles) != n:
		m.errorf("train: dataset %q takes %d test files, got %d", c.Dataset, n, len(c.TestFiles))
	}
}

// roundHyper returns the optimizer hyperparameter v as the dtype dt holds it, and
// whether that value is unusable although v is in range (finite and non-negative,
// and positive if positive is set): infinite, or 0 where v must be positive. The
// update arithmetic runs in the model's dtype, so an lr of 1e-50 in an f32 model
// would train nothing and an lr of 1e300 only NaN. Values out of range are
// reported elsewhere.
func roundHyper(v float64, dt ir.DType, positive bool) (float64, bool) {
	if dt != ir.F32 || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || positive && v == 0 {
		return v, false
	}
	r := float64(float32(v))
	return r, math.IsInf(r, 0) || positive && r == 0
}

// checkOptimizerDType records an error for each hyperparameter of the optimizer
// that the model's dtype cannot hold (see roundHyper). Build calls it because the
// dtype may be set after the optimizer.
func (m *Model) checkOptimizerDType() {
	if !m.hasOpt {
		return
	}
	o := m.opt
	for _, h := range []struct {
		name     string
		v        float64
		positive bool
	}{
		{"lr", o.LR, true}, {"momentum", o.Momentum, false},
		{"weight_decay", o.WeightDecay, false}, {"eps", o.Eps, false},
		{"clip_norm", o.ClipNorm, false},
	} {
		if r, bad := roundHyper(h.v, m.dtype, h.positive); bad {
			m.b.Errs.Add(o.Pos, "%s: %s %v rounds to %v in %s, the model's dtype", o.Kind, h.name, h.v, r, m.dtype)
		}
	}
}
