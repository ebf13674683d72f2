package ir

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRandomUniformType(t *testing.T) {
	b := NewBuilder(NewGraph("g", 8))
	x := b.Input("x", F32, Shape{Batch, 3})
	step := b.State("step", I64, Shape{}, Init{})
	u := b.RandomUniform(b.Scalar(I64, 7), step, x)
	require.NoError(t, b.Err())
	assert.Equal(t, F32, u.DType)
	assert.Equal(t, Shape{Batch, 3}, u.Shape)
	require.NoError(t, Verify(b.G))
}

func TestRandomUniformErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		make func(b *Builder, x, step *Value) *Value
		want string
	}{
		{"f64 seed", func(b *Builder, x, step *Value) *Value { return b.RandomUniform(b.Scalar(F64, 1), step, x) },
			"want an i64 scalar"},
		{"vector counter", func(b *Builder, x, step *Value) *Value {
			return b.RandomUniform(b.Scalar(I64, 1), b.Const(I64, Shape{2}, []float64{1, 2}), x)
		}, "want an i64 scalar"},
		{"integer like", func(b *Builder, x, step *Value) *Value {
			return b.RandomUniform(b.Scalar(I64, 1), step, b.Input("i", I32, Shape{Batch}))
		}, "want f32 or f64"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := NewBuilder(NewGraph("g", 8))
			x := b.Input("x", F32, Shape{Batch, 3})
			step := b.State("step", I64, Shape{}, Init{})
			v := c.make(b, x, step)
			assert.Equal(t, Invalid, v.DType)
			require.Error(t, b.Err())
			assert.Contains(t, b.Err().Error(), c.want)
		})
	}
}
