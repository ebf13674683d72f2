package frontend

import (
	"fmt"

	"github.com/nncc/nncc/ir"
)

// BatchNormConfig configures a batch-normalization layer. PyTorch's defaults are
// Momentum 0.1 and Eps 1e-5, which BatchNorm uses.
type BatchNormConfig struct {
	Name     string  // layer name; "" picks batch_norm1, batch_norm2, ...
	Momentum float64 // weight of the batch statistics in the running ones, in [0, 1]
	Eps      float64 // added to the variance; positive
	NoAffine bool    // leave out weight and bias (PyTorch's affine=False)
}

// BatchNorm adds batch normalization named name ("" for the default name) with
// PyTorch's defaults, as nn.BatchNorm1d or nn.BatchNorm2d. See BatchNormWith.
func (m *Model) BatchNorm(x *ir.Value, name string) *ir.Value {
	m.enter()
	return m.batchNorm(x, BatchNormConfig{Name: name, Momentum: 0.1, Eps: 1e-5})
}

// BatchNormWith adds batch normalization over axis 1 (the channels) of x, shape
// [N, C] or [N, C, d...], as PyTorch's nn.BatchNorm1d and nn.BatchNorm2d. The
// train function normalizes with the mean and biased variance over every axis but
// the channels, and updates the state "<name>.running_mean" (zeros) and
// "<name>.running_var" (ones) to (1-momentum)*running + momentum*batch, with the
// unbiased variance. Predict and eval normalize with the running statistics. The
// params "<name>.weight" (ones) and "<name>.bias" (zeros) scale and shift each
// channel unless c.NoAffine is set.
//
// With one value per channel and sample ([N, C]), a training batch of 1 has no
// variance: the generated TrainStep panics for n = 1, as PyTorch raises an error.
// BatchNormWith records an error for momentum outside [0, 1], a negative eps, an
// input that is not of the model's dtype with rank 2 or more and a batch
// dimension, an invalid name or a name already used.
func (m *Model) BatchNormWith(x *ir.Value, c BatchNormConfig) *ir.Value {
	m.enter()
	return m.batchNorm(x, c)
}

func (m *Model) batchNorm(x *ir.Value, c BatchNormConfig) *ir.Value {
	m.modes.batchNorms++
	name := c.Name
	if name == "" {
		name = fmt.Sprintf("batch_norm%d", m.modes.batchNorms)
	}
	if !IsParamName(name) {
		return m.fail("batch_norm: layer name %q is not valid: want identifiers separated by dots", name)
	}
	if prev, ok := m.layers[name]; ok {
		return m.fail("batch_norm: layer name %q is already used (at %s)", name, prev)
	}
	m.layers[name] = m.b.Pos
	switch {
	case !(c.Momentum >= 0 && c.Momentum <= 1):
		return m.fail("batch_norm: momentum %v, want a number in [0, 1]", c.Momentum)
	case !(c.Eps > 0):
		return m.fail("batch_norm: eps %v, want a positive number", c.Eps)
	case !m.floatOperand("batch_norm", "input", x):
		return m.invalid()
	case x.Shape.Rank() < 2 || !x.Shape.HasBatch():
		return m.fail("batch_norm: input has shape %v, want [N,C] or [N,C,...]", x.Shape)
	}

	start := len(m.g.Values)
	bn := m.batchNormValues(x, name, c)
	if x.Shape[2:].StaticElems() == 1 {
		m.modes.minTrainBatch = max(m.modes.minTrainBatch, 2)
	}
	m.comment(start, name)
	return bn
}

// batchNormValues adds the inference and then the training computation of a batch
// norm and the updates of its running statistics, and returns the training result.
// Both follow PyTorch's CPU kernel: y = x*alpha + beta per channel, with
// alpha = weight/sqrt(var+eps) and beta = bias - mean*alpha.
func (m *Model) batchNormValues(x *ir.Value, name string, c BatchNormConfig) *ir.Value {
	b, dt := m.b, m.dtype
	ch := ir.Shape{x.Shape[1]}
	var w, bias *ir.Value
	if !c.NoAffine {
		w = b.Param(name+".weight", dt, ch, ir.Init{Kind: ir.InitConst, Value: 1})
		bias = b.Param(name+".bias", dt, ch, ir.Init{})
	}
	runMean := b.State(name+".running_mean", dt, ch, ir.Init{})
	runVar := b.State(name+".running_var", dt, ch, ir.Init{Kind: ir.InitConst, Value: 1})
	inference := m.normalize(x, runMean, runVar, w, bias, c.Eps)

	axes := []int{0}
	for a := 2; a < x.Shape.Rank(); a++ {
		axes = append(axes, a)
	}
	mean := b.Mean(x, axes, false)
	d := b.Sub(x, m.perChannel(x, mean))
	sumSq := b.Sum(b.Mul(d, d), axes, false)
	count := b.Size(x, axes, dt)
	training := m.normalize(x, mean, b.Div(sumSq, count), w, bias, c.Eps)

	mom := b.Scalar(dt, c.Momentum)
	keep := b.Scalar(dt, 1-c.Momentum)
	unbiased := b.Div(sumSq, b.Sub(count, b.Scalar(dt, 1)))
	m.g.AddUpdate(runMean, b.Add(b.Mul(mom, mean), b.Mul(keep, runMean)))
	m.g.AddUpdate(runVar, b.Add(b.Mul(mom, unbiased), b.Mul(keep, runVar)))
	m.inferAs(training, inference)
	return training
}

// normalize returns x*alpha + beta with alpha = w/sqrt(variance+eps) and
// beta = bias - mean*alpha per channel; w and bias may be nil.
func (m *Model) normalize(x, mean, variance, w, bias *ir.Value, eps float64) *ir.Value {
	b, dt := m.b, m.dtype
	alpha := b.Div(b.Scalar(dt, 1), b.Unary(ir.OpSqrt, b.Add(variance, b.Scalar(dt, eps))))
	if w != nil {
		alpha = b.Mul(alpha, w)
	}
	beta := b.Neg(b.Mul(mean, alpha))
	if bias != nil {
		beta = b.Sub(bias, b.Mul(mean, alpha))
	}
	return b.Add(b.Mul(x, m.perChannel(x, alpha)), m.perChannel(x, beta))
}

// perChannel reshapes v of shape [C] to broadcast along axis 1 of x: [C] for x of
// rank 2, [C, 1, ...] for higher ranks.
func (m *Model) perChannel(x, v *ir.Value) *ir.Value {
	if x.Shape.Rank() == 2 {
		return v
	}
	shape := ir.Shape{x.Shape[1]}
	for range x.Shape[2:] {
		shape = append(shape, 1)
	}
	return m.b.Reshape(v, shape)
}
