package frontend

import (
	"fmt"

	"github.com/nncc/nncc/ir"
)

// rngStepName is the i64 state that counts training steps for dropout: the counter
// operand of random_uniform. The first dropout adds it and its update by 1, which
// only the train function keeps.
const rngStepName = "rng_step"

// modeState is the record that dropout and batch norm keep beside the forward
// graph: the values that inference mode replaces, the step counter of the random
// streams, and the smallest training batch.
type modeState struct {
	inference     map[*ir.Value]*ir.Value
	rngStep       *ir.Value
	dropouts      int // dropout layers so far, for default seeds
	batchNorms    int // batch-norm layers so far, for default names
	minTrainBatch int
}

// inferAs records that the predict and eval functions use inference in place of
// training, the value the forward graph computes.
func (m *Model) inferAs(training, inference *ir.Value) {
	if m.modes.inference == nil {
		m.modes.inference = make(map[*ir.Value]*ir.Value)
	}
	m.modes.inference[training] = inference
}

// DropoutConfig configures a dropout layer.
type DropoutConfig struct {
	P    float64 // probability of zeroing an element, in [0, 1]
	Seed int64   // seed of the layer's random stream; 0 picks k for the k-th dropout
}

// Dropout zeroes each element of x with probability p in training and scales the
// others by 1/(1-p), as PyTorch's nn.Dropout(p) does. Predict and eval return x
// unchanged. See DropoutWith.
func (m *Model) Dropout(x *ir.Value, p float64) *ir.Value {
	m.enter()
	return m.dropout(x, DropoutConfig{P: p})
}

// DropoutWith adds a dropout layer. In the train function an element is kept when
// its random_uniform draw u satisfies u >= c.P, so with probability 1-c.P, and kept
// elements are multiplied by 1/(1-c.P) rounded to the model's dtype. The draws are
// a pure function of the layer's seed, the state "rng_step" (the number of training
// steps so far) and the element's index, so a seed and a step give the same mask on
// every run. c.P = 0 adds nothing; c.P = 1 gives x*0, zeros as in PyTorch. It
// records an error for c.P outside [0, 1], a negative seed, or an input that is not
// a value of the model's dtype with a batch dimension.
func (m *Model) DropoutWith(x *ir.Value, c DropoutConfig) *ir.Value {
	m.enter()
	return m.dropout(x, c)
}

func (m *Model) dropout(x *ir.Value, c DropoutConfig) *ir.Value {
	m.modes.dropouts++
	seed := c.Seed
	if seed == 0 {
		seed = int64(m.modes.dropouts)
	}
	switch {
	case !(c.P >= 0 && c.P <= 1):
		return m.fail("dropout: p is %v, want a probability in [0, 1]", c.P)
	case seed < 0 || seed > 1<<53:
		return m.fail("dropout: seed %d, want 0 to 2^53", seed)
	case !m.floatOperand("dropout", "input", x):
		return m.invalid()
	case !x.Shape.HasBatch():
		return m.fail("dropout: input has shape %v, want a leading batch dimension N", x.Shape)
	case c.P == 0:
		return x
	}

	start := len(m.g.Values)
	b := m.b
	var y *ir.Value
	if c.P == 1 {
		y = b.Mul(x, b.Scalar(m.dtype, 0))
	} else {
		u := b.RandomUniform(b.Scalar(ir.I64, float64(seed)), m.rngStep(), x)
		keep := b.Binary(ir.OpGe, u, b.Scalar(m.dtype, c.P))
		scale := b.Select(keep, b.Scalar(m.dtype, dropoutScale(c.P, m.dtype)), b.Scalar(m.dtype, 0))
		y = b.Mul(x, scale)
	}
	m.inferAs(y, x)
	m.comment(start, fmt.Sprintf("dropout(p=%g)", c.P))
	return y
}

// dropoutScale returns 1/(1-p) computed in dt, as PyTorch divides a tensor of ones
// of the input's dtype by 1-p.
func dropoutScale(p float64, dt ir.DType) float64 {
	if dt == ir.F32 {
		return float64(float32(1) / float32(1-p))
	}
	return 1 / (1 - p)
}

// rngStep returns the state "rng_step", adding it and its update by 1 at the first
// call.
func (m *Model) rngStep() *ir.Value {
	if m.modes.rngStep == nil {
		step := m.b.State(rngStepName, ir.I64, ir.Shape{}, ir.Init{})
		m.g.AddUpdate(step, m.b.Add(step, m.b.Scalar(ir.I64, 1)))
		m.modes.rngStep = step
	}
	return m.modes.rngStep
}
