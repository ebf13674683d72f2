package frontend

import (
	goruntime "runtime"
	"strconv"
	"testing"

	"github.com/nncc/nncc/ir"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStatementErrors checks the messages and positions of mistakes in the
// metrics, saliency, output and input statements and of integer arguments too
// large for an int32.
func TestStatementErrors(t *testing.T) {
	classes := "model t\ninput x: f32[4]\nlabels y: classes(3)\n"
	targets := "model t\ninput x: f32[4]\nlabels y: f32[3]\n"
	ids := "model t\ninput ids: i32[4]\nlabels y: classes(3)\ne = flatten(embedding(ids, 10, 2))\n"
	tail := "optimizer sgd(lr=0.1)\n"
	tests := []struct{ name, src, want string }{
		{"metric listed twice", classes + "p = dense(x, 3)\noutput p\nloss cross_entropy(p, y)\nmetrics topk, confusion, topk\n" + tail,
			`m.nnc:7:26: metrics: topk is listed twice`},
		{"saliency output with float targets", targets + "p = dense(x, 3)\noutput p\nloss mse(p, y)\nsaliency output\n" + tail,
			`m.nnc:7:1: saliency output: needs class labels and an output of shape [N, classes], got labels float targets f32[N,3] and output f32[N,3]`},
		{"saliency output of the wrong width", classes + "p = dense(x, 3)\noutput dense(x, 4)\nloss cross_entropy(p, y)\nsaliency output\n" + tail,
			`m.nnc:7:1: saliency output: needs class labels and an output of shape [N, classes], got labels 3 classes and output f32[N,4]`},
		{"saliency of token ids", ids + "p = dense(e, 3)\noutput p\nloss cross_entropy(p, y)\nsaliency loss\n" + tail,
			`m.nnc:8:1: saliency loss: the input is i32[N,4] token ids, which have no gradient; want a float input`},
		{"token ids as the output", ids + "p = dense(e, 3)\noutput ids\nloss cross_entropy(p, y)\n" + tail,
			`m.nnc:6:1: output: value has dtype i32, want the model's float dtype f32`},
		{"input of another element type", "model t\ninput x: i64[4]\nlabels y: classes(3)\np = dense(x, 3)\noutput p\nloss cross_entropy(p, y)\n" + tail,
			`m.nnc:2:10: input: element type must be f32, f64 or i32 (token ids), got "i64"`},
		{"units beyond int32", classes + "p = dense(x, 3000000000)\noutput p\nloss cross_entropy(p, y)\n" + tail,
			`m.nnc:4:14: dense: units must be an integer from 1 to 2147483647, got "3000000000"`},
		{"axis beyond int32", classes + "p = softmax(dense(x, 3), axis=-3000000000)\noutput p\nloss cross_entropy(p, y)\n" + tail,
			`m.nnc:4:31: softmax: axis must be an integer from -2147483648 to 2147483647, got "-3000000000"`},
		{"reshape to another size", classes + "h = reshape(x, [3, -1])\np = dense(x, 3)\noutput p\nloss cross_entropy(p, y)\n" + tail,
			`m.nnc:4:5: reshape: cannot reshape [N,4] (4 elements per sample) to [N,3,-1]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("m.nnc", []byte(tt.src))
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

// TestSaliencyErrorsGoAPI checks that the Go API reports a saliency that the model
// cannot have at the Saliency call.
func TestSaliencyErrorsGoAPI(t *testing.T) {
	m := NewModel("t")
	x := m.Input(4)
	y := m.TargetLabels(3)
	p := m.Dense(x, 3, "")
	m.Output(p)
	m.MSE(p, y)
	m.SGD(SGDConfig{LR: 0.1})
	m.Saliency(ir.SaliencyOutput)
	_, _, line, _ := goruntime.Caller(0)
	m.Train(ir.TrainConfig{BatchSize: 4, Epochs: 1})
	_, err := m.Build()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "statement_errors_test.go:"+strconv.Itoa(line-1)+": saliency output: needs class labels")
}
