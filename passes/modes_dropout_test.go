package passes

import (
	"fmt"
	"math"
	"testing"

	"github.com/nncc/nncc/frontend"
	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/ir/interp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dropoutModule returns a model whose output is dropout(x, p) over 500 features,
// trained with mse against y, in dtype dt with batch 64.
func dropoutModule(t *testing.T, dt ir.DType, args string) *ir.Module {
	t.Helper()
	src := fmt.Sprintf(`model drop
dtype %s
input x: [500]
labels y: [500]
h = dropout(x, %s)
output h
loss mse(h, y)
optimizer sgd(lr=0.1)
train {
  batch = 64
}
`, dt, args)
	m, err := frontend.Parse("drop.nnc", []byte(src))
	require.NoError(t, err)
	return m
}

// dropoutResult evaluates m's forward graph, the training mode, on x with the
// state rng_step at step and returns the dropout's result.
func dropoutResult(t *testing.T, m *ir.Module, x *interp.Tensor, step int) []float64 {
	t.Helper()
	require.Len(t, m.InferenceValues, 1)
	var drop *ir.Value
	for v := range m.InferenceValues {
		drop = v
	}
	feeds := map[string]*interp.Tensor{
		"x":        x,
		"y":        interp.Zeros(x.DType, x.Shape),
		"rng_step": interp.Scalar(ir.I64, float64(step)),
	}
	vals, err := interp.Eval(m.Forward, x.Shape[0], feeds)
	require.NoError(t, err)
	return vals[drop].Data
}

func filled(dt ir.DType, n, features int, f func(i int) float64) *interp.Tensor {
	data := make([]float64, n*features)
	for i := range data {
		data[i] = f(i)
	}
	return interp.NewTensor(dt, []int{n, features}, data)
}

// TestDropoutTraining checks the training mode of dropout: every element is 0 or
// x/(1-p) with 1/(1-p) rounded to the dtype, the share of kept elements is 1-p
// within five standard deviations, the same step gives the same mask, and the
// next step or another seed gives another.
func TestDropoutTraining(t *testing.T) {
	for _, dt := range []ir.DType{f64, f32} {
		for _, p := range []float64{0.1, 0.3, 0.5, 0.9} {
			t.Run(fmt.Sprintf("%s_p%g", dt, p), func(t *testing.T) {
				m := dropoutModule(t, dt, fmt.Sprint(p))
				ones := filled(dt, 64, 500, func(int) float64 { return 1 })
				got := dropoutResult(t, m, ones, 0)

				scale := 1 / (1 - p)
				if dt == f32 {
					scale = float64(float32(1) / float32(1-p))
				}
				kept := 0
				for i, v := range got {
					if v != 0 {
						require.Equal(t, scale, v, "element %d", i)
						kept++
					}
				}
				total := float64(len(got))
				sigma := math.Sqrt(p * (1 - p) / total)
				assert.InDelta(t, 1-p, float64(kept)/total, 5*sigma, "share of kept elements")

				assert.Equal(t, got, dropoutResult(t, m, ones, 0), "same step")
				assert.NotEqual(t, got, dropoutResult(t, m, ones, 1), "next step")
				other := dropoutModule(t, dt, fmt.Sprintf("%g, seed=99", p))
				assert.NotEqual(t, got, dropoutResult(t, other, ones, 0), "another seed")
			})
		}
	}
}

// TestDropoutEdgeProbabilities checks p = 0 (the identity, with no random op)
// and p = 1 (zeros, as PyTorch gives).
func TestDropoutEdgeProbabilities(t *testing.T) {
	x := filled(f64, 64, 500, func(i int) float64 { return float64(i%7) - 3.5 })

	m := dropoutModule(t, f64, "p=0")
	assert.Empty(t, m.InferenceValues)
	p := mustBuild(t, m, Options{})
	for _, v := range p.Train.Graph.Values {
		assert.NotEqual(t, ir.OpRandomUniform, v.Op)
	}

	m = dropoutModule(t, f64, "p=1")
	for _, v := range dropoutResult(t, m, x, 3) {
		require.Zero(t, v)
	}
}

// TestDropoutInferenceAndSteps checks the built functions: predict returns x
// unchanged, the train step increments rng_step, and two steps on the same batch
// drop different elements, so their losses differ.
func TestDropoutInferenceAndSteps(t *testing.T) {
	m := dropoutModule(t, f64, "p=0.5")
	p := mustBuild(t, m, Options{})
	x := filled(f64, 64, 500, func(i int) float64 { return math.Sin(float64(i)) })

	feeds := map[string]*interp.Tensor{"x": x, "y": interp.Zeros(f64, []int{64, 500})}
	out, _ := run(t, p.Predict.Graph, 64, feeds)
	assert.Equal(t, x.Data, out["output"].Data, "predict is the identity")
	for _, v := range p.Predict.Graph.Values {
		assert.NotEqual(t, ir.OpRandomUniform, v.Op, "predict draws no random numbers")
	}
	ev, _ := run(t, p.Eval.Graph, 64, feeds)

	var losses []float64
	for range 2 {
		out, updates := run(t, p.Train.Graph, 64, feeds)
		losses = append(losses, out["loss"].Data[0])
		for name, u := range updates {
			feeds[name] = u
		}
	}
	assert.Equal(t, []float64{2}, feeds["rng_step"].Data, "rng_step after two steps")
	assert.NotEqual(t, losses[0], losses[1])
	// Dropout with p = 0.5 doubles the kept elements, so the mean squared output
	// is about twice the eval loss, which is computed on x unchanged.
	for _, l := range losses {
		assert.InDelta(t, 2*ev["loss"].Data[0], l, 0.1*ev["loss"].Data[0])
	}
}
