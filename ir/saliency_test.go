package ir

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDifferentiateUnregistered checks that Differentiate reports a missing
// differentiator; the ir tests do not link the package that registers one.
func TestDifferentiateUnregistered(t *testing.T) {
	require.Nil(t, gradFunc)
	g := NewGraph("g", 2)
	b := NewBuilder(g)
	x := b.Input("x", F32, Shape{Batch, 2})
	s := b.Sum(x, AllAxes(2), false)
	_, err := Differentiate(g, s, []*Value{x})
	require.ErrorContains(t, err, "no differentiator is registered")
}

// TestSaliencyKindString checks the names of the saliency kinds.
func TestSaliencyKindString(t *testing.T) {
	assert.Equal(t, "none", SaliencyNone.String())
	assert.Equal(t, "loss", SaliencyLoss.String())
	assert.Equal(t, "output", SaliencyOutput.String())
	assert.Equal(t, "saliency?", SaliencyKind(7).String())
}
