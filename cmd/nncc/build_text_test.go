package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAbsPathsKeepsGOROOTPatterns checks that a text pattern relative to the Go root
// reaches the binary unchanged, while a relative file name becomes absolute.
func TestAbsPathsKeepsGOROOTPatterns(t *testing.T) {
	paths := []string{"goroot:src/fmt/*.go", "data/a.csv"}
	require.NoError(t, absPaths(paths))
	assert.Equal(t, "goroot:src/fmt/*.go", paths[0])
	want, err := filepath.Abs("data/a.csv")
	require.NoError(t, err)
	assert.Equal(t, want, paths[1])
}
