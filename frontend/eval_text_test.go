package frontend

import (
	"testing"

	"github.com/nncc/nncc/ir"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTextDataset(t *testing.T) {
	body := header + "logits = dense(x, 3)\noutput logits" + footer
	for _, c := range []struct{ block, pattern string }{
		{`train { data = text("goroot:src/fmt/*.go") }`, "goroot:src/fmt/*.go"},
		{`train { data = text(pattern="../corpus/*.txt") }`, "corpus/*.txt"},
		{`train { data = text("/abs/a.go") }`, "/abs/a.go"},
	} {
		mod, err := Parse("dir/m.nnc", []byte(body+c.block+"\n"))
		require.NoError(t, err, c.block)
		assert.Equal(t, ir.TrainConfig{
			Dataset: "text", TrainFiles: []string{c.pattern}, LabelColumn: -1,
			BatchSize: DefaultBatchSize, Epochs: DefaultEpochs, Shuffle: true,
		}, mod.Train, c.block)
	}
}

func TestTextDatasetErrors(t *testing.T) {
	for _, c := range []struct{ block, want string }{
		{"train {\n  data = text()\n}", `m.nnc:10:10: text: missing argument pattern`},
		{"train {\n  data = text(\"goroot:\")\n}", `m.nnc:10:15: text: pattern is empty`},
		{"train {\n  data = text(3)\n}", `m.nnc:10:15: text: pattern must be a non-empty string`},
		{"train {\n  data = text(\"a.go\")\n  test = text(\"b.go\")\n}",
			`m.nnc:11:10: train: text data holds out the end of the text as its test set; remove test`},
	} {
		got := parseErrorLines(t, validModel+c.block+"\n")
		require.Len(t, got, 1, "%s: %q", c.block, got)
		assert.Contains(t, got[0], c.want, c.block)
	}

	// The Go API checks the configuration too.
	m := NewModel("t")
	m.Train(ir.TrainConfig{Dataset: "text", TrainFiles: []string{"a.go"}, TestFiles: []string{"b.go"}, BatchSize: 8, Epochs: 1})
	_, err := m.Build()
	require.Error(t, err)
	assert.Contains(t, err.Error(), `dataset "text" takes no test files`)
}
