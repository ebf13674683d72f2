package cli

import (
	"cmp"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nncc/nncc/runtime"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// plainRank returns the position of class c when the classes are sorted stably by
// descending score, NaN first.
func plainRank(row []float32, c int) int {
	order := make([]int, len(row))
	for j := range order {
		order[j] = j
	}
	// cmp.Compare orders NaN before every number, so comparing b with a puts
	// the NaNs last; reversing the NaN test puts them first.
	nan := func(j int) bool { return math.IsNaN(float64(row[j])) }
	slices.SortStableFunc(order, func(a, b int) int {
		if nan(a) != nan(b) {
			if nan(a) {
				return -1
			}
			return 1
		}
		return cmp.Compare(row[b], row[a])
	})
	return slices.Index(order, c)
}

// TestRankOf checks rankOf and firstMax against sorting, on rows with many ties,
// infinities and NaNs.
func TestRankOf(t *testing.T) {
	rng := runtime.NewRNG(5)
	choices := []float32{-1, 0, 0.5, 2, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN())}
	for range 2000 {
		row := make([]float32, 1+rng.IntN(6))
		for j := range row {
			row[j] = choices[rng.IntN(len(choices))]
		}
		for c := range row {
			require.Equal(t, plainRank(row, c), rankOf(row, c), "row %v class %d", row, c)
		}
		require.Equal(t, 0, plainRank(row, firstMax(row)), "row %v", row)
	}
}

// writeThreeClasses writes n samples of 2 features and a label in 0..2 as CSV.
func writeThreeClasses(t *testing.T, path string, n int) {
	t.Helper()
	rng := runtime.NewRNG(13)
	var b strings.Builder
	b.WriteString("x1,x2,label\n")
	for i := range n {
		label := i % 3
		fmt.Fprintf(&b, "%.4f,%.4f,%d\n", rng.Normal(float64(label)-1, 1), rng.Normal(0, 1), label)
	}
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
}

// TestEvalTopKConfusion checks eval --topk and --confusion against the same
// metrics computed here from PredictBatch, row by row.
func TestEvalTopKConfusion(t *testing.T) {
	dir := t.TempDir()
	test := filepath.Join(dir, "test.csv")
	writeThreeClasses(t, test, 101)
	cfg := Config{Format: "csv", TestFiles: []string{test}, LabelColumn: -1, BatchSize: 16}

	// The plain computation, from the CSV and the model's outputs one row at a time.
	m := newClassifier(2, 3)
	wantTop2, samples := 0, 0
	want := make([][]int, 3)
	for i := range want {
		want[i] = make([]int, 3)
	}
	data, err := os.ReadFile(test)
	require.NoError(t, err)
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n")[1:] {
		var x1, x2 float32
		var label int
		_, err := fmt.Sscanf(line, "%g,%g,%d", &x1, &x2, &label)
		require.NoError(t, err)
		out := m.PredictBatch([]float32{x1, x2}, 1)
		samples++
		if plainRank(out, label) < 2 {
			wantTop2++
		}
		pred := slices.IndexFunc([]int{0, 1, 2}, func(c int) bool { return plainRank(out, c) == 0 })
		want[label][pred]++
	}

	r := runSimple(m, cfg, "eval", "--topk", "2", "--confusion")
	require.Equal(t, 0, r.status, r.stderr)
	s := summaryOf(t, r.stdout)
	assert.Equal(t, 2.0, number(t, s, "topk"))
	assert.InDelta(t, float64(wantTop2)/float64(samples), number(t, s, "test_topk_accuracy"), 1e-12)
	assert.Contains(t, r.stdout, fmt.Sprintf("test_top2 %.4f", float64(wantTop2)/float64(samples)))
	got := s["confusion"].([]any)
	require.Len(t, got, 3)
	for i, row := range got {
		for j, n := range row.([]any) {
			assert.Equal(t, float64(want[i][j]), n, "confusion[%d][%d]", i, j)
		}
	}
	assert.Contains(t, r.stdout, "confusion matrix (rows: label, columns: predicted class)")

	// With k = Classes every valid label is in the top k.
	r = runSimple(newClassifier(2, 3), cfg, "eval", "--topk", "3")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, 1.0, number(t, summaryOf(t, r.stdout), "test_topk_accuracy"))
	assert.NotContains(t, summaryOf(t, r.stdout), "confusion")
}

// TestEvalMetricFlagErrors checks that impossible metric flags exit with status 2.
func TestEvalMetricFlagErrors(t *testing.T) {
	dir := t.TempDir()
	test := filepath.Join(dir, "test.csv")
	writeThreeClasses(t, test, 10)
	cfg := Config{Format: "csv", TestFiles: []string{test}, LabelColumn: -1, BatchSize: 4}
	for _, c := range []struct {
		m    Model
		args []string
		want string
	}{
		{newClassifier(2, 3), []string{"--topk", "4"}, "--topk 4: want 1 to 3"},
		{newClassifier(2, 3), []string{"--topk", "-1"}, "--topk -1: want 1 to 3"},
		{newRegressor(2, 1), []string{"--confusion"}, "need a model with class labels"},
	} {
		r := runSimple(c.m, cfg, append([]string{"eval"}, c.args...)...)
		assert.Equal(t, 2, r.status, "%v: %s", c.args, r.stderr)
		assert.Contains(t, r.stderr, c.want)
	}
}
