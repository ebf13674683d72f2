package passes

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/ir/interp"
)

// stTensor is one tensor of a safetensors file, its elements widened to float64.
type stTensor struct {
	shape []int
	data  []float64
}

// readSafetensors reads the reference files under testdata/torch: an 8-byte
// little-endian header length, a JSON header, then the raw tensor data.
func readSafetensors(t *testing.T, path string) (map[string]stTensor, map[string]string) {
	t.Helper()
	blob, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := binary.LittleEndian.Uint64(blob)
	var header map[string]json.RawMessage
	if err := json.Unmarshal(blob[8:8+n], &header); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	data := blob[8+n:]
	tensors := map[string]stTensor{}
	var meta map[string]string
	for name, raw := range header {
		if name == "__metadata__" {
			if err := json.Unmarshal(raw, &meta); err != nil {
				t.Fatalf("%s: metadata: %v", path, err)
			}
			continue
		}
		var e struct {
			DType   string `json:"dtype"`
			Shape   []int  `json:"shape"`
			Offsets [2]int `json:"data_offsets"`
		}
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatalf("%s: %s: %v", path, name, err)
		}
		b := data[e.Offsets[0]:e.Offsets[1]]
		var vals []float64
		switch e.DType {
		case "F32":
			for i := 0; i < len(b); i += 4 {
				vals = append(vals, float64(math.Float32frombits(binary.LittleEndian.Uint32(b[i:]))))
			}
		case "F64":
			for i := 0; i < len(b); i += 8 {
				vals = append(vals, math.Float64frombits(binary.LittleEndian.Uint64(b[i:])))
			}
		case "I32":
			for i := 0; i < len(b); i += 4 {
				vals = append(vals, float64(int32(binary.LittleEndian.Uint32(b[i:]))))
			}
		default:
			t.Fatalf("%s: %s has dtype %s", path, name, e.DType)
		}
		tensors[name] = stTensor{e.Shape, vals}
	}
	return tensors, meta
}

// slice returns step k of a tensor stacked over steps.
func (s stTensor) slice(k int) stTensor {
	per := len(s.data) / s.shape[0]
	return stTensor{s.shape[1:], s.data[k*per : (k+1)*per]}
}

func metaFloat(t *testing.T, meta map[string]string, key string) float64 {
	t.Helper()
	x, err := strconv.ParseFloat(meta[key], 64)
	if err != nil {
		t.Fatalf("metadata %q = %q: %v", key, meta[key], err)
	}
	return x
}

// referenceOptimizer returns the optimizer a reference file was trained with.
func referenceOptimizer(t *testing.T, meta map[string]string) ir.Optimizer {
	o := ir.Optimizer{LR: metaFloat(t, meta, "lr"), WeightDecay: metaFloat(t, meta, "weight_decay")}
	if meta["optimizer"] == "Adam" {
		betas := strings.Split(meta["betas"], ",")
		b1, err1 := strconv.ParseFloat(betas[0], 64)
		b2, err2 := strconv.ParseFloat(betas[1], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("metadata betas = %q", meta["betas"])
		}
		o.Kind, o.Beta1, o.Beta2, o.Eps = ir.OptAdam, b1, b2, metaFloat(t, meta, "eps")
		return o
	}
	o.Kind, o.Momentum = ir.OptSGD, metaFloat(t, meta, "momentum")
	o.Nesterov = meta["nesterov"] == "true"
	if metaFloat(t, meta, "dampening") != 0 {
		t.Fatalf("dampening %s is not supported", meta["dampening"])
	}
	return o
}

// TestTrainMatchesPyTorch trains the reference models for five steps with the
// built train function, run by the reference interpreter, and compares the
// losses and the final weights with PyTorch's.
func TestTrainMatchesPyTorch(t *testing.T) {
	params := []string{"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"}
	for _, model := range []string{"binary", "mnist"} {
		for _, optName := range []string{"sgd", "momentum", "adam"} {
			for _, dt := range []ir.DType{f64, f32} {
				name := fmt.Sprintf("%s_%s_%s", model, optName, dt)
				t.Run(name, func(t *testing.T) {
					ref, meta := readSafetensors(t, filepath.Join("..", "testdata", "torch", name+".safetensors"))
					batch, err := strconv.Atoi(meta["batch"])
					if err != nil {
						t.Fatal(err)
					}
					opt := referenceOptimizer(t, meta)
					var m *ir.Module
					if model == "binary" {
						m = binaryModule(t, dt, 10, 10, batch, opt)
					} else {
						m = mnistModule(t, dt, 784, 128, 10, batch, opt)
					}
					p := mustBuild(t, m, Options{})

					feeds := map[string]*interp.Tensor{}
					for _, param := range params {
						init := ref["init."+param]
						feeds[param] = interp.NewTensor(dt, init.shape, init.data)
					}
					yType := dt
					if model == "mnist" {
						yType = ir.I32
					}
					// Tolerances: f64 runs agree to rounding. f32 runs round at every
					// op and differ by up to 3e-7, except the weights after Adam.
					// Adam's first steps move a weight by about lr times the sign of
					// its gradient, so rounding in a tiny gradient grows. The largest
					// difference measured is 5.5e-6, on mnist, where PyTorch's own
					// f32 and f64 runs differ by 1e-5.
					tol, weightTol := 1e-12, 1e-12
					if dt == f32 {
						tol, weightTol = 1e-6, 1e-6
						if optName == "adam" {
							weightTol = 1e-5
						}
					}

					for k := range 5 {
						x, y := ref["x"].slice(k), ref["y"].slice(k)
						feeds["x"] = interp.NewTensor(dt, x.shape, x.data)
						feeds["y"] = interp.NewTensor(yType, y.shape, y.data)
						if k == 0 {
							out, _ := run(t, p.Predict.Graph, batch, feeds)
							compare(t, "logits0", out["output"].Data, ref["logits0"].data, tol)
						}
						out, updates := run(t, p.Train.Graph, batch, feeds)
						compare(t, fmt.Sprintf("loss at step %d", k), out["loss"].Data, ref["loss"].data[k:k+1], tol)
						for name, u := range updates {
							feeds[name] = u
						}
					}
					for _, param := range params {
						compare(t, "final "+param, feeds[param].Data, ref["final."+param].data, weightTol)
					}
				})
			}
		}
	}
}

// compare reports the elements of got that differ from want by more than tol,
// absolute for elements up to 1 in magnitude and relative above.
func compare(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d elements, want %d", what, len(got), len(want))
	}
	worst, at := 0.0, -1
	for i := range got {
		d := math.Abs(got[i]-want[i]) / math.Max(1, math.Abs(want[i]))
		if !(d <= worst) {
			worst, at = d, i
		}
	}
	if !(worst <= tol) {
		t.Errorf("%s: element %d = %.9g, want %.9g (difference %.3g, tolerance %.3g)", what, at, got[at], want[at], worst, tol)
	}
}
