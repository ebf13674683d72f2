package passes

import (
	"math/rand/v2"
	"testing"

	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/ir/interp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gradModesBody is a model with dropout and batch norm between x and the logits;
// its output line is appended by the tests.
const gradModesBody = `model m
dtype f64
input x: [4]
labels y: classes(3)
h = dropout(dense(x, 5, name="fc1"), p=0.5)
h = batch_norm(h, name="bn")
logits = dense(tanh(h), 3, name="fc2")
loss cross_entropy(logits, y)
optimizer sgd(lr=0.5)
train {
  batch = 4
}
`

// TestGradInferenceMode checks that grad(y, x) in the predict function is the
// gradient of the inference computation, where dropout is the identity and batch
// norm uses its running statistics: it must match central differences of the
// predict function of the same model with the logits as output, and the predict
// function must draw no dropout masks.
func TestGradInferenceMode(t *testing.T) {
	withGrad := buildSource(t, gradModesBody+"output grad(sum(logits * logits), x)\n")
	plain := buildSource(t, gradModesBody+"output logits\n")
	for _, v := range withGrad.Predict.Graph.Values {
		assert.NotEqual(t, ir.OpRandomUniform, v.Op, "predict draws dropout masks: %s", v)
	}

	n := 3
	r := rand.New(rand.NewPCG(5, 6))
	feeds := programFeeds(withGrad, n, 3, r)
	for i := range feeds["bn.running_mean"].Data {
		feeds["bn.running_mean"].Data[i] = r.Float64() - 0.5
		feeds["bn.running_var"].Data[i] = 0.5 + r.Float64()
	}
	got := runOutput(t, withGrad.Predict, n, feeds, "output")
	require.Equal(t, []int{n, 4}, got.Shape)
	sumSquares := func(fs map[string]*interp.Tensor) float64 {
		s := 0.0
		for _, v := range runOutput(t, plain.Predict, n, fs, "output").Data {
			s += v * v
		}
		return s
	}
	for i := range got.Data {
		requireFD(t, got.Data[i], feeds, "x", i, sumSquares)
	}
}
