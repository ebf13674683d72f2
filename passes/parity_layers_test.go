package passes

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nncc/nncc/frontend"
	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/ir/interp"
)

// layersRef reads testdata/torch/layers_<dt>.safetensors, written by
// testdata/torch/layers.py.
func layersRef(t *testing.T, dt ir.DType) (map[string]stTensor, map[string]string) {
	t.Helper()
	return readSafetensors(t, filepath.Join("..", "testdata", "torch", "layers_"+dt.String()+".safetensors"))
}

// layersTol is the tolerance of compare for the layer and loss references: f64
// agrees to rounding, f32 rounds at every op.
func layersTol(dt ir.DType) float64 {
	if dt == ir.F32 {
		return 1e-5
	}
	return 1e-12
}

// lossCase is a loss with its PyTorch reference case in the layers files.
type lossCase struct {
	ref     string // case name in the reference file
	call    string // the loss statement's call, with p and y as its operands
	classes bool   // class labels instead of float targets
}

var lossCases = []lossCase{
	{"mse", "mse(p, y)", false},
	{"l1", "l1(p, y)", false},
	{"huber", "huber(p, y)", false},
	{"huber_half", "huber(p, y, delta=0.5)", false},
	{"nll", "nll(p, y)", true},
	{"ce", "cross_entropy(p, y)", true},
	{"ce_smooth", "cross_entropy(p, y, label_smoothing=0.1)", true},
	{"ce_prob", "cross_entropy(p, y)", false},
	{"ce_prob_smooth", "cross_entropy(p, y, label_smoothing=0.2)", false},
	{"bce", "bce(p, y)", false},
	{"bce_logits_pw", "bce_with_logits(p, y, pos_weight=2.5)", false},
}

// lossModule parses a model file whose input p is the prediction itself, so that
// the gradient with respect to the input is the loss's gradient.
func lossModule(t *testing.T, dt ir.DType, c lossCase, pred, y stTensor) *ir.Module {
	t.Helper()
	labels := fmt.Sprintf("classes(%d)", pred.shape[1])
	if !c.classes {
		labels = shapeText(y.shape[1:])
	}
	src := fmt.Sprintf("model losstest\ndtype %s\ninput p: %s\nlabels y: %s\noutput p\nloss %s\noptimizer sgd(lr=0.1)\n",
		dt, shapeText(pred.shape[1:]), labels, c.call)
	m, err := frontend.Parse("loss.nnc", []byte(src))
	require.NoError(t, err, "model:\n%s", src)
	return m
}

func shapeText(dims []int) string {
	s := make([]string, len(dims))
	for i, d := range dims {
		s[i] = fmt.Sprint(d)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// evalWithGrads adds the gradients of the scalar y with respect to the named
// sources of g as outputs "grad.<name>", runs g on the interpreter and returns its
// outputs.
func evalWithGrads(t *testing.T, g *ir.Graph, y *ir.Value, names []string, n int, feeds map[string]*interp.Tensor) map[string]*interp.Tensor {
	t.Helper()
	wrt := make([]*ir.Value, len(names))
	for i, name := range names {
		wrt[i] = g.Named(name)
		require.NotNil(t, wrt[i], "no source %q", name)
	}
	grads, err := Grad(g, y, wrt)
	require.NoError(t, err)
	for i, name := range names {
		g.SetOutput("grad."+name, grads[i])
	}
	require.NoError(t, ir.Verify(g))
	out, _, err := interp.Run(g, n, feeds)
	require.NoError(t, err)
	return out
}

// TestLossesMatchPyTorch compares each loss and its gradient with respect to the
// prediction with PyTorch's, in f64 and f32, on the interpreter.
func TestLossesMatchPyTorch(t *testing.T) {
	for _, dt := range []ir.DType{ir.F64, ir.F32} {
		ref, _ := layersRef(t, dt)
		for _, c := range lossCases {
			t.Run(c.ref+"_"+dt.String(), func(t *testing.T) {
				pred, y := ref[c.ref+".pred"], ref[c.ref+".y"]
				m := lossModule(t, dt, c, pred, y)
				yType := dt
				if c.classes {
					yType = ir.I32
				}
				n := pred.shape[0]
				feeds := map[string]*interp.Tensor{
					"x": interp.NewTensor(dt, pred.shape, pred.data),
					"y": interp.NewTensor(yType, y.shape, y.data),
				}
				g := m.Forward
				out := evalWithGrads(t, g, g.Output("loss"), []string{"x"}, n, feeds)
				compare(t, "loss", out["loss"].Data, ref[c.ref+".loss"].data, layersTol(dt))
				compare(t, "grad.pred", out["grad.x"].Data, ref[c.ref+".grad.pred"].data, layersTol(dt))
			})
		}
	}
}

// TestBCEWithLogitsPerClassPosWeight compares the Go API's per-class pos_weight
// with PyTorch's BCEWithLogitsLoss(pos_weight=tensor([0.5, 2, 3])).
func TestBCEWithLogitsPerClassPosWeight(t *testing.T) {
	for _, dt := range []ir.DType{ir.F64, ir.F32} {
		ref, meta := layersRef(t, dt)
		require.Equal(t, "0.5,2,3", meta["bce_logits_pw3.pos_weight"])
		pred, y := ref["bce_logits_pw3.pred"], ref["bce_logits_pw3.y"]
		m := frontend.NewModel("posweight")
		m.SetDType(dt)
		x := m.Input(3)
		labels := m.TargetLabels(3)
		loss := m.BCEWithLogitsPosWeight(x, labels, []float64{0.5, 2, 3})
		g := m.Builder().G
		require.NoError(t, m.Builder().Err())
		g.MaxBatch = pred.shape[0]
		g.SetOutput("loss", loss)
		feeds := map[string]*interp.Tensor{
			"x": interp.NewTensor(dt, pred.shape, pred.data),
			"y": interp.NewTensor(dt, y.shape, y.data),
		}
		out := evalWithGrads(t, g, loss, []string{"x"}, pred.shape[0], feeds)
		compare(t, dt.String()+" loss", out["loss"].Data, ref["bce_logits_pw3.loss"].data, layersTol(dt))
		compare(t, dt.String()+" grad.pred", out["grad.x"].Data, ref["bce_logits_pw3.grad.pred"].data, layersTol(dt))
	}
}

// TestBCEClampsLogarithms checks that bce is finite at p = 0 and p = 1, where
// PyTorch clamps each logarithm to -100, and that its gradient there is 0, not NaN.
func TestBCEClampsLogarithms(t *testing.T) {
	m := lossModule(t, ir.F64, lossCase{ref: "bce", call: "bce(p, y)"},
		stTensor{shape: []int{4, 1}}, stTensor{shape: []int{4, 1}})
	feeds := map[string]*interp.Tensor{
		"x": interp.NewTensor(ir.F64, []int{4, 1}, []float64{0, 1, 0.5, 1}),
		"y": interp.NewTensor(ir.F64, []int{4, 1}, []float64{1, 0, 1, 1}),
	}
	g := m.Forward
	out := evalWithGrads(t, g, g.Output("loss"), []string{"x"}, 4, feeds)
	want := (100 + 100 + math.Ln2 + 0) / 4
	require.InDelta(t, want, out["loss"].Data[0], 1e-12)
	// A clamped term contributes 0; the others give -y/p or (1-y)/(1-p), over 4.
	// At p = 1, y = 1 PyTorch's (p-y)/max(p(1-p), 1e-12) gives 0 instead of -0.25.
	assert.Equal(t, []float64{0, 0, -0.5, -0.25}, out["grad.x"].Data)
	assert.Equal(t, []float64{1}, out["correct"].Data, "only p = 1, y = 1 is on the right side of 0.5")
}
