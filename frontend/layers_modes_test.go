package frontend

import (
	"fmt"
	"testing"

	"github.com/nncc/nncc/ir"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// modesSource returns a classifier model file whose hidden layer is body applied
// to h of shape [N, 6].
func modesSource(body string) string {
	return fmt.Sprintf(`model m
input x: [4]
labels y: classes(3)
h = dense(x, 6, name="fc1")
%s
logits = dense(h, 3, name="fc2")
output logits
loss cross_entropy(logits, y)
optimizer sgd(lr=0.1)
`, body)
}

func TestDropoutBuildsModes(t *testing.T) {
	m, err := Parse("m.nnc", []byte(modesSource("h = dropout(h, p=0.2)\nh = dropout(h)")))
	require.NoError(t, err)
	require.Len(t, m.InferenceValues, 2)

	var draws, steps []*ir.Value
	for _, v := range m.Forward.Values {
		switch {
		case v.Op == ir.OpRandomUniform:
			draws = append(draws, v)
		case v.Op == ir.OpState && v.Attrs.Name == "rng_step":
			steps = append(steps, v)
		}
	}
	require.Len(t, draws, 2)
	require.Len(t, steps, 1, "one rng_step for all dropouts")
	assert.Equal(t, steps[0], draws[0].Args[1])
	assert.Equal(t, steps[0], draws[1].Args[1])
	assert.Equal(t, []float64{1}, draws[0].Args[0].Attrs.Data, "default seed of the first dropout")
	assert.Equal(t, []float64{2}, draws[1].Args[0].Attrs.Data, "default seed of the second dropout")
	require.Len(t, m.Forward.Updates, 1)
	assert.Equal(t, steps[0], m.Forward.Updates[0].Target)
	assert.Equal(t, 0, m.MinTrainBatch)

	for training, inference := range m.InferenceValues {
		assert.Equal(t, ir.OpMul, training.Op)
		assert.Contains(t, training.Comment, "dropout")
		assert.Less(t, indexOf(m.Forward, inference), indexOf(m.Forward, training))
	}
}

func indexOf(g *ir.Graph, v *ir.Value) int {
	for i, w := range g.Values {
		if w == v {
			return i
		}
	}
	return -1
}

func TestBatchNormBuildsModes(t *testing.T) {
	m, err := Parse("m.nnc", []byte(modesSource("h = batch_norm(h)\nh = batch_norm(h, name=\"bn\", affine=false)")))
	require.NoError(t, err)
	names := map[string]ir.Op{}
	for _, v := range m.Forward.Values {
		if v.Op == ir.OpParam || v.Op == ir.OpState {
			names[v.Attrs.Name] = v.Op
		}
	}
	assert.Equal(t, ir.OpParam, names["batch_norm1.weight"])
	assert.Equal(t, ir.OpParam, names["batch_norm1.bias"])
	assert.Equal(t, ir.OpState, names["batch_norm1.running_mean"])
	assert.Equal(t, ir.OpState, names["batch_norm1.running_var"])
	assert.Equal(t, ir.OpState, names["bn.running_var"])
	assert.NotContains(t, names, "bn.weight", "affine=false has no weight")
	assert.Len(t, m.Forward.Updates, 4)
	assert.Len(t, m.InferenceValues, 2)
	assert.Equal(t, 2, m.MinTrainBatch, "[N,C] needs a batch of 2 to train")
}

func TestModesGoAPI(t *testing.T) {
	m := NewModel("api")
	x := m.Input(2, 3, 3)
	y := m.ClassLabels(3)
	h := m.BatchNorm(x, "bn")
	h = m.DropoutWith(h, DropoutConfig{P: 0.5, Seed: 42})
	logits := m.Dense(m.Flatten(h), 3, "fc")
	m.Output(logits)
	m.CrossEntropy(logits, y)
	m.SGD(SGDConfig{LR: 0.1})
	m.Train(ir.TrainConfig{BatchSize: 4, Epochs: 1})
	mod, err := m.Build()
	require.NoError(t, err)
	assert.Len(t, mod.InferenceValues, 2)
	assert.Equal(t, 0, mod.MinTrainBatch, "[N,C,H,W] with H*W > 1 trains on one sample")
}

func TestModesErrors(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{"h = dropout(h, p=1.5)", "dropout: p is 1.5, want a probability in [0, 1]"},
		{"h = dropout(h, p=-1)", "dropout: p must be a non-negative number"},
		{"h = dropout(h, seed=-3)", "dropout: seed must be a non-negative integer"},
		{"h = batch_norm(h, momentum=2)", "batch_norm: momentum 2, want a number in [0, 1]"},
		{"h = batch_norm(h, eps=0)", "batch_norm: eps must be a positive number"},
		{"h = batch_norm(h, name=\"fc1\")", "batch_norm: layer name \"fc1\" is already used"},
		{"h = batch_norm(h, affine=1)", "batch_norm: affine must be true or false"},
	} {
		t.Run(c.body, func(t *testing.T) {
			_, err := Parse("m.nnc", []byte(modesSource(c.body)))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestModesGoAPIErrors(t *testing.T) {
	m := NewModel("api")
	x := m.Input(4)
	flat := m.Builder().State("s", ir.F32, ir.Shape{4}, ir.Init{})
	m.Dropout(flat, 0.5)
	m.BatchNormWith(x, BatchNormConfig{Name: "bn", Momentum: 0.1})
	m.BatchNormWith(m.Builder().Reshape(x, ir.Shape{ir.Batch, 4}), BatchNormConfig{Momentum: 0.1, Eps: 1e-5, Name: "bad name"})
	_, err := m.Build()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "dropout: input has shape [4], want a leading batch dimension N")
	assert.Contains(t, err.Error(), "batch_norm: eps 0, want a positive number")
	assert.Contains(t, err.Error(), "batch_norm: layer name \"bad name\" is not valid")
}
