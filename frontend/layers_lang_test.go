package frontend

import (
	"errors"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nncc/nncc/ir"
)

// paramList returns "name[shape]" of every parameter of g, in order.
func paramList(g *ir.Graph) string {
	var s []string
	for _, p := range g.Params() {
		s = append(s, p.Attrs.Name+p.Shape.String())
	}
	return strings.Join(s, " ")
}

func TestLayerFunctionsInTheLanguage(t *testing.T) {
	mod := mustParse(t, `model t
input ids: i32[6]
labels y: classes(3)
e = embedding(ids, 10, 4, name="emb")
h = lstm(e, 5, return_sequences=true)
h = gru(h, 5, name="rnn.gru", return_sequences=true)
h = layer_norm(h)
h = layer_norm(h, name="ln", eps=0.001, affine=false)
h = concat(h, e, axis=2)
h = reshape(h, [3,
                -1])
h = lstm(h, 4)
a = attention(reshape(h, [2, 2]), 2, causal=true)
h = reshape(a, [4]) + h
logits = dense(h, 3)
output logits
loss nll(log_softmax(logits), y)
optimizer sgd(lr=0.1)
`)
	g := mod.Forward
	assert.Equal(t, "i32[N,6]", g.Named("x").Type())
	assert.Equal(t, "emb.weight[10,4] "+
		"lstm1.weight_ih[20,4] lstm1.weight_hh[20,5] lstm1.bias_ih[20] lstm1.bias_hh[20] "+
		"rnn.gru.weight_ih[15,5] rnn.gru.weight_hh[15,5] rnn.gru.bias_ih[15] rnn.gru.bias_hh[15] "+
		"layer_norm1.weight[5] layer_norm1.bias[5] "+
		"lstm2.weight_ih[16,18] lstm2.weight_hh[16,4] lstm2.bias_ih[16] lstm2.bias_hh[16] "+
		"attention1.in_proj_weight[6,2] attention1.in_proj_bias[6] attention1.out_proj.weight[2,2] attention1.out_proj.bias[2] "+
		"dense1.weight[3,4] dense1.bias[3]", paramList(g))
	assert.Equal(t, ir.LossNLL, mod.Loss)
	assert.Equal(t, 3, mod.Classes)
	require.NotNil(t, g.Output("correct"))
	require.NoError(t, ir.Verify(g))
}

func TestLossesInTheLanguage(t *testing.T) {
	tests := []struct {
		labels, loss string
		kind         ir.LossKind
		correct      bool
	}{
		{"f32[3]", "l1(p, y)", ir.LossL1, false},
		{"f32[3]", "huber(p, y, delta=2)", ir.LossHuber, false},
		{"classes(3)", "nll(p, y)", ir.LossNLL, true},
		{"classes(3)", "cross_entropy(p, y, label_smoothing=0.1)", ir.LossCrossEntropy, true},
		{"f32[3]", "cross_entropy(p, y)", ir.LossCrossEntropy, true},
		{"f32[3]", "bce(p, y)", ir.LossBCE, true},
		{"f32[3]", "bce_with_logits(p, y, pos_weight=3)", ir.LossBCEWithLogits, true},
	}
	for _, tt := range tests {
		t.Run(tt.loss, func(t *testing.T) {
			mod := mustParse(t, "model t\ninput p: f32[3]\nlabels y: "+tt.labels+"\noutput p\nloss "+tt.loss+"\noptimizer sgd(lr=0.1)\n")
			assert.Equal(t, tt.kind, mod.Loss)
			assert.Equal(t, tt.correct, mod.Forward.Output("correct") != nil)
			assert.True(t, mod.Forward.Output("loss").IsScalar())
		})
	}
}

// TestLossTableMatchesList checks that every loss of the loss statement is listed
// in its error message, and only those.
func TestLossTableMatchesList(t *testing.T) {
	assert.ElementsMatch(t, slices.Collect(maps.Keys(lossFuncs)), losses)
	for _, l := range losses {
		assert.NotEqual(t, ir.LossNone, lossKindOf(l), l)
	}
}

// TestGoAPIMatchesLanguageForLayers checks that the Go API builds the graph the
// model file builds, value for value.
func TestGoAPIMatchesLanguageForLayers(t *testing.T) {
	mod := mustParse(t, `model t
input x: f32[4, 3]
labels y: f32[2]
h = lstm(x, 2, name="l")
h = layer_norm(h, eps=0.01)
output h
loss cross_entropy(h, y, label_smoothing=0.25)
optimizer sgd(lr=0.1)
train {
  batch = 8
}
`)
	m := NewModel("t")
	x := m.Input(4, 3)
	y := m.TargetLabels(2)
	h := m.LSTM(x, RNNConfig{Hidden: 2, Name: "l"})
	h = m.LayerNormWith(h, LayerNormConfig{Eps: 0.01})
	m.Output(h)
	m.CrossEntropyWith(h, y, CrossEntropyConfig{LabelSmoothing: 0.25})
	m.SGD(SGDConfig{LR: 0.1})
	m.Train(ir.TrainConfig{BatchSize: 8, Epochs: 1, Shuffle: true})
	api, err := m.Build()
	require.NoError(t, err)
	noPos := regexp.MustCompile(`  @\S+`)
	assert.Equal(t, noPos.ReplaceAllString(mod.Forward.String(), ""), noPos.ReplaceAllString(api.Forward.String(), ""))
}

func TestLayerAndLossErrors(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"reshape without a list", "h = reshape(x, 4)\noutput x\nloss mse(x, y)",
			`m.nnc:5:16: reshape: shape must be a list of dimensions such as [4, 8], got "4"`},
		{"reshape to another size", "h = reshape(x, [5])\noutput x\nloss mse(x, y)",
			`m.nnc:5:5: reshape: cannot reshape [N,4] (4 elements per sample) to [N,5]`},
		{"list as a value", "h = [1, 2]\noutput x\nloss mse(x, y)",
			`m.nnc:5:5: a list is not a value: [1, 2]`},
		{"embedding of floats", "h = embedding(x, 3, 2)\noutput x\nloss mse(x, y)",
			`m.nnc:5:5: embedding: ids have dtype f32, want integer ids (input ids: i32[T])`},
		{"attention heads", "h = attention(reshape(x, [2, 2]), 3)\noutput x\nloss mse(x, y)",
			`m.nnc:5:5: attention: heads must be a positive divisor of the embedding size 2, got 3`},
		{"lstm of rank 2", "h = lstm(x, 3)\noutput x\nloss mse(x, y)",
			`m.nnc:5:5: lstm: input has shape [N,4], want [N,steps,features]`},
		{"duplicate layer name", "h = layer_norm(x, name=\"a\")\nh = layer_norm(h, name=\"a\")\noutput h\nloss mse(h, y)",
			`m.nnc:6:5: layer_norm: layer name "a" is already used (at m.nnc:5:5)`},
		{"concat along the batch", "h = concat(x, x, axis=0)\noutput h\nloss mse(x, y)",
			`m.nnc:5:5: concat: axis 0 is the batch dimension`},
		{"huber delta", "output x\nloss huber(x, y, delta=0)",
			`m.nnc:6:24: huber: delta must be a positive number, got "0"`},
		{"label smoothing above 1", "output x\nloss cross_entropy(x, y, label_smoothing=1.5)",
			`m.nnc:6:42: cross_entropy: label_smoothing must be in [0, 1], got "1.5"`},
		{"negative pos_weight", "output x\nloss bce_with_logits(x, y, pos_weight=-1)",
			`m.nnc:6:39: bce_with_logits: pos_weight must be a non-negative number, got "-1"`},
		{"nll with targets", "output x\nloss nll(x, y)",
			`m.nnc:6:6: nll: needs class labels, but the labels are float targets f32[N,4]`},
		{"a loss as a value", "h = l1(x, y)\noutput x\nloss mse(x, y)",
			`m.nnc:5:5: l1 is a loss; use it in the loss statement`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "model t\ninput x: f32[4]\nlabels y: f32[4]\n\n" + tt.body + "\noptimizer sgd(lr=0.1)\n"
			_, err := Parse("m.nnc", []byte(src))
			var list ir.ErrorList
			require.True(t, errors.As(err, &list), "error %v", err)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

func TestMNISTAcceptsNLL(t *testing.T) {
	mod := mustParse(t, `model t
input x: f32[784]
labels y: classes(10)
logits = dense(x, 10)
output logits
loss nll(log_softmax(logits), y)
optimizer sgd(lr=0.1)
train {
  data = mnist
}
`)
	assert.Equal(t, ir.LossNLL, mod.Loss)
	assert.Equal(t, 10, mod.Classes)
}
