package passes

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nncc/nncc/frontend"
	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/ir/interp"
)

// layerCase is a layer with its PyTorch reference case in the layers files.
type layerCase struct {
	ref   string
	ids   bool // the input is i32 token ids
	build func(m *frontend.Model, x *ir.Value) *ir.Value
}

var layerCases = []layerCase{
	{ref: "layer_norm", build: func(m *frontend.Model, x *ir.Value) *ir.Value { return m.LayerNorm(x, "ln") }},
	{ref: "layer_norm_plain", build: func(m *frontend.Model, x *ir.Value) *ir.Value {
		return m.LayerNormWith(x, frontend.LayerNormConfig{Eps: 1e-3, NoAffine: true})
	}},
	{ref: "embedding", ids: true, build: func(m *frontend.Model, x *ir.Value) *ir.Value { return m.Embedding(x, 7, 4, "emb") }},
	{ref: "lstm", build: func(m *frontend.Model, x *ir.Value) *ir.Value {
		return m.LSTM(x, frontend.RNNConfig{Hidden: 5, Name: "lstm"})
	}},
	{ref: "lstm_seq", build: func(m *frontend.Model, x *ir.Value) *ir.Value {
		return m.LSTM(x, frontend.RNNConfig{Hidden: 5, Name: "lstm", ReturnSequences: true})
	}},
	{ref: "gru", build: func(m *frontend.Model, x *ir.Value) *ir.Value {
		return m.GRU(x, frontend.RNNConfig{Hidden: 5, Name: "gru"})
	}},
	{ref: "gru_seq", build: func(m *frontend.Model, x *ir.Value) *ir.Value {
		return m.GRU(x, frontend.RNNConfig{Hidden: 5, Name: "gru", ReturnSequences: true})
	}},
	{ref: "attention", build: func(m *frontend.Model, x *ir.Value) *ir.Value {
		return m.Attention(x, frontend.AttentionConfig{Heads: 2, Name: "att"})
	}},
	{ref: "attention_causal", build: func(m *frontend.Model, x *ir.Value) *ir.Value {
		return m.Attention(x, frontend.AttentionConfig{Heads: 2, Name: "att", Causal: true})
	}},
}

// refParams returns the parameter names of reference case c, sorted.
func refParams(ref map[string]stTensor, c string) []string {
	var names []string
	for k := range ref {
		if p, ok := strings.CutPrefix(k, c+".param."); ok {
			names = append(names, p)
		}
	}
	slices.Sort(names)
	return names
}

// runLayerCase builds the layer of c on the reference input with the Go API, seeds
// sum(out * w) and returns the interpreter's output "out" and gradients.
func runLayerCase(t *testing.T, dt ir.DType, c layerCase, ref map[string]stTensor) map[string]*interp.Tensor {
	t.Helper()
	x := ref[c.ref+".x"]
	m := frontend.NewModel("layertest")
	m.SetDType(dt)
	var in *ir.Value
	xType := dt
	if c.ids {
		in, xType = m.IntInput(x.shape[1:]...), ir.I32
	} else {
		in = m.Input(x.shape[1:]...)
	}
	out := c.build(m, in)
	b := m.Builder()
	require.NoError(t, b.Err())
	w := b.Input("w", dt, out.Shape)
	s := b.Sum(b.Mul(out, w), ir.AllAxes(out.Shape.Rank()), false)
	g := b.G
	g.MaxBatch = x.shape[0]
	g.SetOutput("out", out)

	params := refParams(ref, c.ref)
	feeds := map[string]*interp.Tensor{
		"x": interp.NewTensor(xType, x.shape, x.data),
		"w": interp.NewTensor(dt, ref[c.ref+".w"].shape, ref[c.ref+".w"].data),
	}
	for _, p := range params {
		v := ref[c.ref+".param."+p]
		feeds[p] = interp.NewTensor(dt, v.shape, v.data)
	}
	require.ElementsMatch(t, params, paramNames(g), "parameters")
	wrt := params
	if !c.ids {
		wrt = append([]string{"x"}, params...)
	}
	return evalWithGrads(t, g, s, wrt, x.shape[0], feeds)
}

func paramNames(g *ir.Graph) []string {
	var names []string
	for _, p := range g.Params() {
		names = append(names, p.Attrs.Name)
	}
	return names
}

// TestLayersMatchPyTorch compares each layer's output and the gradients of
// sum(out * w) with respect to its input and parameters with PyTorch's, in f64
// and f32, on the interpreter.
func TestLayersMatchPyTorch(t *testing.T) {
	for _, dt := range []ir.DType{ir.F64, ir.F32} {
		ref, _ := layersRef(t, dt)
		for _, c := range layerCases {
			t.Run(c.ref+"_"+dt.String(), func(t *testing.T) {
				out := runLayerCase(t, dt, c, ref)
				tol := layersTol(dt)
				compare(t, "out", out["out"].Data, ref[c.ref+".out"].data, tol)
				require.Equal(t, ref[c.ref+".out"].shape, out["out"].Shape, "output shape")
				for name, want := range ref {
					if g, ok := strings.CutPrefix(name, c.ref+".grad."); ok {
						compare(t, "grad."+g, out["grad."+g].Data, want.data, tol)
					}
				}
			})
		}
	}
}

// TestAttentionAllMaskedRowIsNaN checks the documented behaviour of a row whose
// scores are all -Inf: with zero projection weights and a key bias of -Inf every
// score is -Inf, and the softmax, like PyTorch's, gives NaN rather than zeros.
func TestAttentionAllMaskedRowIsNaN(t *testing.T) {
	for _, causal := range []bool{false, true} {
		m := frontend.NewModel("masked")
		m.SetDType(ir.F64)
		x := m.Input(3, 2)
		out := m.Attention(x, frontend.AttentionConfig{Heads: 1, Name: "att", Causal: causal})
		g := m.Builder().G
		require.NoError(t, m.Builder().Err())
		g.MaxBatch = 1
		g.SetOutput("out", out)
		inf := math.Inf(-1)
		feeds := map[string]*interp.Tensor{
			"x":                   interp.NewTensor(ir.F64, []int{1, 3, 2}, []float64{1, 2, 3, 4, 5, 6}),
			"att.in_proj_weight":  interp.NewTensor(ir.F64, []int{6, 2}, make([]float64, 12)),
			"att.in_proj_bias":    interp.NewTensor(ir.F64, []int{6}, []float64{1, 1, inf, inf, 0, 0}),
			"att.out_proj.weight": interp.NewTensor(ir.F64, []int{2, 2}, []float64{1, 0, 0, 1}),
			"att.out_proj.bias":   interp.NewTensor(ir.F64, []int{2}, []float64{0, 0}),
		}
		res, _, err := interp.Run(g, 1, feeds)
		require.NoError(t, err)
		for i, v := range res["out"].Data {
			assert.True(t, math.IsNaN(v), "causal=%v: element %d = %v, want NaN", causal, i, v)
		}
	}
}
