package passes

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/ir/interp"
)

// torchOptimizerCases are the cases of testdata/torch/optimizers_*.safetensors.
var torchOptimizerCases = []string{"adamw", "rmsprop", "rmsprop_centered", "adagrad", "nesterov", "sgd_clip", "adamw_clip"}

// torchOptimizer returns the optimizer that a case's JSON settings, written by
// testdata/torch/optimizers.py, describe.
func torchOptimizer(t *testing.T, settings string) ir.Optimizer {
	t.Helper()
	var s struct {
		Optimizer          string
		LR, Momentum, Eps  float64
		Alpha              float64
		LRDecay            float64  `json:"lr_decay"`
		InitialAcc         float64  `json:"initial_accumulator_value"`
		ClipNorm           float64  `json:"clip_norm"`
		WeightDecay        *float64 `json:"weight_decay"`
		Betas              []float64
		Nesterov, Centered bool
	}
	require.NoError(t, json.Unmarshal([]byte(settings), &s), settings)
	o := ir.Optimizer{LR: s.LR, Momentum: s.Momentum, Nesterov: s.Nesterov, ClipNorm: s.ClipNorm}
	if s.WeightDecay != nil {
		o.WeightDecay = *s.WeightDecay
	}
	orDefault := func(v *float64, def float64) {
		if *v == 0 {
			*v = def
		}
	}
	switch s.Optimizer {
	case "SGD":
		o.Kind = ir.OptSGD
	case "AdamW":
		o.Kind, o.Beta1, o.Beta2, o.Eps = ir.OptAdamW, 0.9, 0.999, s.Eps
		if len(s.Betas) == 2 {
			o.Beta1, o.Beta2 = s.Betas[0], s.Betas[1]
		}
		orDefault(&o.Eps, 1e-8)
		if s.WeightDecay == nil {
			o.WeightDecay = 0.01
		}
	case "RMSprop":
		o.Kind, o.Alpha, o.Eps, o.Centered = ir.OptRMSProp, s.Alpha, s.Eps, s.Centered
		orDefault(&o.Alpha, 0.99)
		orDefault(&o.Eps, 1e-8)
	case "Adagrad":
		o.Kind, o.LRDecay, o.InitialAcc, o.Eps = ir.OptAdagrad, s.LRDecay, s.InitialAcc, s.Eps
		orDefault(&o.Eps, 1e-10)
	default:
		t.Fatalf("unknown optimizer %q", s.Optimizer)
	}
	return o
}

// tanhModule returns Linear(in,hidden), tanh, Linear(hidden,classes) trained with
// cross-entropy: the model of testdata/torch/optimizers.py.
func tanhModule(t *testing.T, dt ir.DType, batch int, opt ir.Optimizer) *ir.Module {
	b := ir.NewBuilder(ir.NewGraph("tanh_mlp", batch))
	x := b.Input("x", dt, ir.Shape{ir.Batch, 6})
	y := b.Input("y", ir.I32, ir.Shape{ir.Batch})
	logits := linear(b, b.Unary(ir.OpTanh, linear(b, x, "fc1", 6, 4)), "fc2", 4, 3)
	loss, correct := crossEntropy(b, logits, y, 3)
	b.G.SetOutput("output", logits)
	b.G.SetOutput("loss", loss)
	b.G.SetOutput("correct", correct)
	require.NoError(t, b.Err())
	return &ir.Module{Name: "tanh_mlp", File: "tanh_mlp.nnc", Forward: b.G, Loss: ir.LossCrossEntropy, Classes: 3, Optimizer: opt}
}

// TestOptimizersMatchPyTorch trains the model of testdata/torch/optimizers.py for
// five steps with each optimizer case, on the reference interpreter, and compares
// the losses and final weights with PyTorch's. For the clipping cases it also
// checks that PyTorch's gradient norm exceeded the limit at every step, so that
// clipping was active.
func TestOptimizersMatchPyTorch(t *testing.T) {
	params := []string{"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"}
	for _, dt := range []ir.DType{f64, f32} {
		ref, meta := readSafetensors(t, filepath.Join("..", "testdata", "torch", "optimizers_"+dt.String()+".safetensors"))
		for _, name := range torchOptimizerCases {
			t.Run(fmt.Sprintf("%s_%s", name, dt), func(t *testing.T) {
				opt := torchOptimizer(t, meta[name])
				p := mustBuild(t, tanhModule(t, dt, 5, opt), Options{})
				feeds := map[string]*interp.Tensor{}
				for _, param := range params {
					init := ref["init."+param]
					feeds[param] = interp.NewTensor(dt, init.shape, init.data)
				}
				if opt.ClipNorm > 0 {
					for k, n := range ref[name+".norm"].data {
						require.Greater(t, n, opt.ClipNorm, "step %d does not clip", k)
					}
				}
				// f64 agrees to rounding. f32 rounds at every op; the largest
				// difference measured is 1.2e-7, and the bound of 1e-6 leaves room
				// for the adaptive methods, which divide by small square roots.
				tol := 1e-12
				if dt == f32 {
					tol = 1e-6
				}
				for k := range 5 {
					x, y := ref["x"].slice(k), ref["y"].slice(k)
					feeds["x"] = interp.NewTensor(dt, x.shape, x.data)
					feeds["y"] = interp.NewTensor(ir.I32, y.shape, y.data)
					out, updates := run(t, p.Train.Graph, 5, feeds)
					compare(t, fmt.Sprintf("loss at step %d", k), out["loss"].Data, ref[name+".loss"].data[k:k+1], tol)
					for n, u := range updates {
						feeds[n] = u
					}
				}
				for _, param := range params {
					compare(t, "final "+param, feeds[param].Data, ref[name+".final."+param].data, tol)
				}
			})
		}
	}
}
