package frontend

import (
	"testing"

	"github.com/nncc/nncc/ir"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMetricsStatement checks that the metrics statement sets the module's metrics.
func TestMetricsStatement(t *testing.T) {
	for stmt, want := range map[string]ir.MetricSet{
		"metrics topk":            ir.MetricTopK,
		"metrics confusion":       ir.MetricConfusion,
		"metrics topk, confusion": ir.MetricTopK | ir.MetricConfusion,
		"":                        0,
	} {
		mod, err := Parse("m.nnc", []byte(gradHead+"loss cross_entropy(logits, y)\n"+stmt+"\n"))
		require.NoError(t, err, stmt)
		assert.Equal(t, want, mod.Metrics, stmt)
	}
}

// TestMetricsErrors checks the positioned errors of the metrics statement.
func TestMetricsErrors(t *testing.T) {
	regression := `model m
input x: [4]
labels y: [1]
p = dense(x, 1)
output p
loss mse(p, y)
optimizer sgd(lr=0.1)
metrics confusion
`
	for _, c := range []struct{ name, src, want string }{
		{"unknown", gradHead + "loss cross_entropy(logits, y)\nmetrics top5\n", `m.nnc:8:9: metrics: unknown metric "top5"; want topk or confusion (did you mean topk?)`},
		{"syntax", gradHead + "loss cross_entropy(logits, y)\nmetrics topk,\n", "m.nnc:8:14: expected a metric name"},
		{"targets", regression, "m.nnc:8:1: metrics: need class labels and an output of shape [N, classes]"},
		{"twice", gradHead + "loss cross_entropy(logits, y)\nmetrics topk\nmetrics confusion\n", "m.nnc:9:1: duplicate metrics statement"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("m.nnc", []byte(c.src))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}
