package codegen

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGenerateMainText checks that the standalone main of a model trained on text
// selects the text dataset with its pattern and prints a generated sample after
// training, and that a model with other data gets no sample.
func TestGenerateMainText(t *testing.T) {
	src, err := GenerateMain(exampleProgram(t, "charlm"), "example.com/m")
	require.NoError(t, err)
	assert.Contains(t, string(src), `Dataset:      "text",`)
	assert.Contains(t, string(src), `TrainFiles:   []string{"goroot:src/strings/s*.go"},`)
	assert.Contains(t, string(src), `Format:       "",`)
	assert.Contains(t, string(src), "SampleLength: 300,")

	src, err = GenerateMain(exampleProgram(t, "mnist"), "example.com/m")
	require.NoError(t, err)
	assert.NotContains(t, string(src), "SampleLength")
}
