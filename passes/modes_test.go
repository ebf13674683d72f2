package passes

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/nncc/nncc/frontend"
	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/ir/interp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// modesModels are the models of testdata/torch/modes.py as model files.
var modesModels = map[string]string{
	"bn1d": `input x: [4]
labels y: classes(3)
h = dense(x, 6, name="fc1")
h = relu(batch_norm(h, name="bn1"))
logits = dense(h, 3, name="fc2")
output logits
`,
	"convbn": `input x: [1, 5, 5]
labels y: classes(3)
h = relu(batch_norm(conv2d(x, 3, 3, padding=1, name="conv1"), name="bn1"))
logits = dense(flatten(h), 3, name="fc2")
output logits
`,
	"bn2d": `input x: [2, 3, 3]
labels y: classes(3)
h = relu(batch_norm(x, name="bn1", momentum=0.2, eps=0.001))
logits = dense(flatten(h), 3, name="fc2")
output logits
`,
}

// modesModule parses model name of modesModels in dtype dt with the loss and
// optimizer of the reference runs.
func modesModule(t *testing.T, name string, dt ir.DType, batch int) *ir.Module {
	t.Helper()
	src := fmt.Sprintf("model %s\ndtype %s\n%s", name, dt, modesModels[name]) +
		"loss cross_entropy(logits, y)\noptimizer sgd(lr=0.1, momentum=0.9)\n" +
		fmt.Sprintf("train {\n  batch = %d\n}\n", batch)
	m, err := frontend.Parse(name+".nnc", []byte(src))
	require.NoError(t, err, src)
	return m
}

// TestBatchNormMatchesPyTorch trains the models of testdata/torch/modes.py with
// the reference interpreter. It compares the losses, the params, the running
// statistics and the eval-mode output after the steps with PyTorch's, to 1e-10 in
// f64 and 1e-5 in f32. PyTorch accumulates the batch statistics of f32 inputs in
// float64 on the CPU and nncc in float32, so f32 runs differ by up to about 1e-6.
func TestBatchNormMatchesPyTorch(t *testing.T) {
	for _, dt := range []ir.DType{f64, f32} {
		ref, meta := readSafetensors(t, filepath.Join("..", "testdata", "torch", "modes_"+dt.String()+".safetensors"))
		steps := int(metaFloat(t, meta, "steps"))
		batch := int(metaFloat(t, meta, "batch"))
		tol := 1e-10
		if dt == f32 {
			tol = 1e-5
		}
		for _, name := range []string{"bn1d", "bn2d", "convbn"} {
			t.Run(name+"_"+dt.String(), func(t *testing.T) {
				get := func(k string) stTensor {
					r, ok := ref[name+"."+k]
					require.True(t, ok, "no tensor %s.%s", name, k)
					return r
				}
				p := mustBuild(t, modesModule(t, name, dt, batch), Options{})
				feeds := map[string]*interp.Tensor{}
				var params []string
				for _, v := range p.Train.Graph.Params() {
					params = append(params, v.Attrs.Name)
					init := get("init." + v.Attrs.Name)
					feeds[v.Attrs.Name] = interp.NewTensor(dt, init.shape, init.data)
				}
				require.NotEmpty(t, params)

				for k := range steps {
					x, y := get("x").slice(k), get("y").slice(k)
					feeds["x"] = interp.NewTensor(dt, x.shape, x.data)
					feeds["y"] = interp.NewTensor(ir.I32, y.shape, y.data)
					out, updates := run(t, p.Train.Graph, batch, feeds)
					compare(t, fmt.Sprintf("loss at step %d", k), out["loss"].Data, get("loss").data[k:k+1], tol)
					for n, u := range updates {
						feeds[n] = u
					}
				}
				for _, n := range append(params, "bn1.running_mean", "bn1.running_var") {
					compare(t, "final "+n, feeds[n].Data, get("final."+n).data, tol)
				}
				xe := get("x_eval")
				feeds["x"] = interp.NewTensor(dt, xe.shape, xe.data)
				out, _ := run(t, p.Predict.Graph, xe.shape[0], feeds)
				compare(t, "eval output", out["output"].Data, get("eval_out").data, tol)
			})
		}
	}
}

// TestBatchNormModes checks what the functions contain: train normalizes with
// batch statistics and updates the running ones, predict and eval read the
// running statistics and update nothing, and MinTrainBatch is 2 only for [N,C].
func TestBatchNormModes(t *testing.T) {
	m := modesModule(t, "bn1d", f64, 8)
	assert.Equal(t, 2, m.MinTrainBatch)
	assert.Equal(t, 0, modesModule(t, "bn2d", f64, 8).MinTrainBatch)
	p := mustBuild(t, m, Options{})

	updated := map[string]bool{}
	for _, u := range p.Train.Graph.Updates {
		updated[u.Target.Attrs.Name] = true
	}
	assert.True(t, updated["bn1.running_mean"] && updated["bn1.running_var"], "train updates %v", updated)
	for _, f := range []*Function{p.Predict, p.Eval} {
		assert.Empty(t, f.Graph.Updates, f.Name)
	}

	// Predict on one sample with running statistics (mean 1, var 4 per channel)
	// is (h - 1)/sqrt(4 + eps) per channel with unit weight and zero bias.
	feeds := map[string]*interp.Tensor{
		"fc1.weight":       interp.NewTensor(f64, []int{6, 4}, []float64{1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1}),
		"fc1.bias":         interp.Zeros(f64, []int{6}),
		"bn1.weight":       interp.NewTensor(f64, []int{6}, []float64{1, 1, 1, 1, 1, 1}),
		"bn1.bias":         interp.Zeros(f64, []int{6}),
		"bn1.running_mean": interp.NewTensor(f64, []int{6}, []float64{1, 1, 1, 1, 1, 1}),
		"bn1.running_var":  interp.NewTensor(f64, []int{6}, []float64{4, 4, 4, 4, 4, 4}),
		"fc2.weight":       interp.NewTensor(f64, []int{3, 6}, make([]float64, 18)),
		"fc2.bias":         interp.NewTensor(f64, []int{3}, []float64{0, 0, 0}),
		"x":                interp.NewTensor(f64, []int{1, 4}, []float64{3, 5, -1, 1}),
	}
	vals, err := interp.Eval(p.Predict.Graph, 1, feeds)
	require.NoError(t, err)
	var relu *interp.Tensor
	for v, tns := range vals {
		if v.Op == ir.OpRelu {
			relu = tns
		}
	}
	require.NotNil(t, relu, "predict has no relu")
	s := math.Sqrt(4 + 1e-5)
	want := []float64{2 / s, 4 / s, 0, 0, 7 / s, 0}
	for i := range want {
		assert.InDelta(t, want[i], relu.Data[i], 1e-12, "channel %d", i)
	}
}

// TestInferenceValuesChecked checks that Build rejects a replacement of another
// shape and one defined after the value it replaces.
func TestInferenceValuesChecked(t *testing.T) {
	for _, c := range []struct {
		name string
		pick func(m *ir.Module) (from, to *ir.Value)
		want string
	}{
		{"shape", func(m *ir.Module) (*ir.Value, *ir.Value) {
			return m.Forward.Output("output"), m.Forward.Named("fc1.bias")
		}, "the inference value of"},
		{"order", func(m *ir.Module) (*ir.Value, *ir.Value) {
			return m.Forward.Named("fc1.bias"), m.Forward.Named("bn1.running_mean")
		}, "is defined after it"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := modesModule(t, "bn1d", f64, 8)
			from, to := c.pick(m)
			require.NotNil(t, from)
			require.NotNil(t, to)
			m.InferenceValues[from] = to
			_, err := Build(m, Options{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}
