package codegen

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// metricsCases returns the cases with generated metrics, checked against plain
// computations from the Predict output of the same batch.
func metricsCases(t *testing.T) []*genCase {
	// The ReLU output makes many scores 0, so ties between classes are common.
	c := parseCase(t, "metrics_topk", `model metrics_topk
input x: [3]
labels y: classes(4)
logits = relu(dense(x, 4))
output logits
loss cross_entropy(logits, y)
optimizer sgd(lr=0.1)
metrics topk, confusion
train {
  batch = 16
}
`)
	r := rand.New(rand.NewPCG(8, 9))
	for i := range c.batches {
		y := c.batches[i].y
		for j := range y.Data {
			y.Data[j] = float64(r.IntN(4))
		}
	}
	c.check = func(t *testing.T, res harnessResult) {
		for bi, b := range c.batches {
			got := res.Batches[bi]
			out := decodeFloats(t, got.Predict)
			wantTopK, wantConfusion := plainMetrics(out, b.y.Data, b.n, 4)
			assert.Equal(t, wantTopK, got.TopK, "n=%d: CorrectTopK for k = 1..4", b.n)
			assert.Equal(t, wantConfusion, got.Confusion, "n=%d: Confusion", b.n)
			require.Equal(t, got.Correct, got.TopK[0], "n=%d: CorrectTopK(1) against Evaluate", b.n)
		}
	}
	return []*genCase{c}
}

// plainMetrics returns the top-k counts for k = 1..classes and the confusion
// matrix of rows out against labels, computed by sorting each row's classes by
// descending score (stable, so earlier classes win ties; NaN first). Labels
// outside [0, classes) are left out.
func plainMetrics(out, labels []float64, n, classes int) (topK, confusion []int) {
	topK = make([]int, classes)
	confusion = make([]int, classes*classes)
	for i := range n {
		label := int(labels[i])
		if label < 0 || label >= classes {
			continue
		}
		row := out[i*classes : (i+1)*classes]
		order := make([]int, classes)
		for j := range order {
			order[j] = j
		}
		key := func(j int) float64 {
			if math.IsNaN(row[j]) {
				return math.Inf(1)
			}
			return row[j]
		}
		slices.SortStableFunc(order, func(a, b int) int {
			switch ka, kb := key(a), key(b); {
			case ka > kb:
				return -1
			case ka < kb:
				return 1
			}
			return 0
		})
		pos := slices.Index(order, label)
		for k := pos; k < classes; k++ {
			topK[k]++
		}
		confusion[label*classes+order[0]]++
	}
	return topK, confusion
}
