package frontend

import (
	"strings"
	"testing"

	"github.com/nncc/nncc/ir"
	_ "github.com/nncc/nncc/passes" // registers the differentiator behind grad
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const gradHead = `model m
input x: [4]
labels y: classes(3)
logits = dense(x, 3)
output logits
optimizer sgd(lr=0.1)
`

// TestSaliencyStatement checks that the saliency statement sets the module's kind.
func TestSaliencyStatement(t *testing.T) {
	for word, kind := range map[string]ir.SaliencyKind{"loss": ir.SaliencyLoss, "output": ir.SaliencyOutput} {
		mod, err := Parse("m.nnc", []byte(gradHead+"loss cross_entropy(logits, y)\nsaliency "+word+"\n"))
		require.NoError(t, err)
		assert.Equal(t, kind, mod.Saliency)
	}
	mod, err := Parse("m.nnc", []byte(gradHead+"loss cross_entropy(logits, y)\n"))
	require.NoError(t, err)
	assert.Equal(t, ir.SaliencyNone, mod.Saliency)
}

// TestLossExpression checks that a loss statement may add terms to a loss call:
// the loss kind and the correct output stay, the loss output is the sum, and a
// repeated loss call gives the same value.
func TestLossExpression(t *testing.T) {
	ce := "cross_entropy(logits, y)"
	mod, err := Parse("m.nnc", []byte(gradHead+"loss "+ce+" + 0.5 * mean(grad("+ce+", x) * grad("+ce+", x))\n"))
	require.NoError(t, err)
	assert.Equal(t, ir.LossCrossEntropy, mod.Loss)
	loss := mod.Forward.Output("loss")
	require.NotNil(t, loss)
	assert.Equal(t, ir.OpAdd, loss.Op)
	assert.NotNil(t, mod.Forward.Output("correct"))
	// The penalty differentiates the same cross-entropy that is the first term.
	assert.Equal(t, "cross_entropy", loss.Args[0].Comment)
}

// TestGradOfParam checks grad with respect to a param named with param(...).
func TestGradOfParam(t *testing.T) {
	src := `model m
input x: [4]
labels y: classes(3)
logits = dense(x, 3, name="fc")
output logits
loss cross_entropy(logits, y) + 0.1 * sum(grad(cross_entropy(logits, y), param("fc.weight")))
optimizer sgd(lr=0.1)
`
	mod, err := Parse("m.nnc", []byte(src))
	require.NoError(t, err)
	assert.Equal(t, ir.OpAdd, mod.Forward.Output("loss").Op)
}

// TestGradErrors checks the positioned errors of the gradient features.
func TestGradErrors(t *testing.T) {
	ce := "cross_entropy(logits, y)"
	for _, c := range []struct{ name, stmts, want string }{
		{"saliency kind", "loss " + ce + "\nsaliency input\n", `m.nnc:8:10: saliency: want loss or output, got "input"`},
		{"two saliency", "loss " + ce + "\nsaliency loss\nsaliency output\n", "m.nnc:9:1: duplicate saliency statement"},
		{"grad of a tensor", "g = grad(logits, x)\nloss " + ce + "\n", "m.nnc:7:5: grad: y has shape [N,3], want a scalar"},
		{"two losses", "loss " + ce + " + mse(logits, y)\n", `m.nnc:7:33: loss: the expression may call one loss function`},
		{"unknown param", "loss " + ce + " + sum(grad(" + ce + `, param("fc9.weight")))` + "\n", `m.nnc:7:68: param: the model has no param "fc9.weight"`},
		{"no loss call", "loss sum(logits)\n", "m.nnc:7:6: loss: want"},
		{"loss outside", "l = " + ce + "\nloss " + ce + "\n", "m.nnc:7:5: cross_entropy is a loss"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("m.nnc", []byte(gradHead+c.stmts))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

// TestGradAPIErrors checks the errors of the Go API's gradient methods.
func TestGradAPIErrors(t *testing.T) {
	m := NewModel("m")
	x := m.Input(4)
	m.ClassLabels(3)
	logits := m.Dense(x, 3, "fc")
	m.SetLoss(m.SumAll(logits))
	m.Saliency(ir.SaliencyKind(9))
	_, err := m.Build()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "loss: call a loss function such as CrossEntropy before SetLoss")
	assert.Contains(t, err.Error(), "saliency: want loss or output, got saliency?")
}

// TestGradNestingBounded checks that nested grads stop with an error once the
// graph is too large to differentiate again, instead of growing it without bound.
func TestGradNestingBounded(t *testing.T) {
	src := "model m\ninput x: [4]\nlabels y: [4]\nh = x\n"
	for range 40 {
		src += "h = grad(sum(tanh(h) * x), x)\n"
	}
	src += "output h\nloss mse(h, y)\noptimizer sgd(lr=0.1)\n"
	_, err := Parse("m.nnc", []byte(src))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nest fewer grads")
}

// TestGradWorkBounded checks that many grads of one large graph stop with an
// error once their total work is too large.
func TestGradWorkBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("model m\ninput x: [4]\nlabels y: [4]\nh = x\n")
	for range 20000 {
		b.WriteString("h = h + x\n")
	}
	for range 1000 {
		b.WriteString("g = grad(sum(x), x)\n")
	}
	b.WriteString("output h + g\nloss mse(h, y)\noptimizer sgd(lr=0.1)\n")
	_, err := Parse("m.nnc", []byte(b.String()))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "use fewer grads")
}
