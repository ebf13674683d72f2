package ir

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLogSoftmaxBuilder(t *testing.T) {
	g := NewGraph("g", 4)
	b := NewBuilder(g)
	x := b.Input("x", F64, Shape{Batch, 3, 5})
	for _, c := range []struct{ axis, want int }{{-1, 2}, {2, 2}, {1, 1}, {-3, 0}, {0, 0}} {
		v := b.LogSoftmax(x, c.axis)
		require.NoError(t, b.Err())
		assert.Equal(t, OpLogSoftmax, v.Op)
		assert.Equal(t, c.want, v.Attrs.Axis, "axis %d", c.axis)
		assert.Equal(t, F64, v.DType)
		assert.Equal(t, x.Shape, v.Shape)
		assert.Equal(t, []*Value{x}, v.Args)
	}
	require.NoError(t, Verify(g))
}

func TestLogSoftmaxBuilderErrors(t *testing.T) {
	cases := []struct {
		name  string
		build func(b *Builder) *Value
		want  string
	}{
		{"integer", func(b *Builder) *Value { return b.LogSoftmax(b.Input("i", I32, Shape{Batch, 3}), 1) },
			"log_softmax: operand %0 has dtype i32, want f32 or f64"},
		{"scalar", func(b *Builder) *Value { return b.LogSoftmax(b.Input("s", F32, Shape{}), 0) },
			"log_softmax: operand %0 is a scalar, want a rank of at least 1"},
		{"axis_high", func(b *Builder) *Value { return b.LogSoftmax(b.Input("x", F32, Shape{Batch, 3}), 2) },
			"log_softmax: axis 2 out of range for shape [N,3]"},
		{"axis_low", func(b *Builder) *Value { return b.LogSoftmax(b.Input("x", F32, Shape{Batch, 3}), -3) },
			"log_softmax: axis -3 out of range for shape [N,3]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := NewBuilder(NewGraph("g", 2))
			v := c.build(b)
			assert.Equal(t, Invalid, v.DType)
			require.Error(t, b.Err())
			assert.Equal(t, c.want, b.Err().Error())
		})
	}
	// An invalid operand gives an invalid value without a further error.
	b := NewBuilder(NewGraph("g", 2))
	bad := b.LogSoftmax(b.Input("i", I32, Shape{Batch, 3}), 1)
	assert.Equal(t, Invalid, b.LogSoftmax(bad, 0).DType)
	assert.Len(t, b.Errs, 1)
}

func TestLogSoftmaxParse(t *testing.T) {
	good := `graph g maxbatch=2 {
  %0 = input "x" : f32[N,4]
  %1 = log_softmax %0 axis=1 : f32[N,4]
  %2 = log_softmax %0 axis=0 : f32[N,4]
}
`
	g, err := Parse("good.ir", []byte(good))
	require.NoError(t, err)
	assert.Equal(t, good, g.String())
	assert.Equal(t, 1, g.Values[1].Attrs.Axis)

	bad := `graph "g" maxbatch=2 {
  %0 = input "x" : f32[N,4]
  %1 = log_softmax %0 axis=2 : f32[N,4]
  %2 = log_softmax %0 axis=1 : f64[N,4]
  %3 = log_softmax %0 axis=1 keepdims : f32[N,4]
  %4 = input "y" : i32[N]
  %5 = log_softmax %4 axis=0 : i32[N]
  %6 = log_softmax %0 axis=-1 : f32[N,4]
}
`
	_, err = Parse("bad.ir", []byte(bad))
	require.Error(t, err)
	for _, want := range []string{
		"bad.ir:3:3: %1 = log_softmax f32[N,4]: axis 2 out of range for shape [N,4]",
		"bad.ir:4:3: %2 = log_softmax f64[N,4]: type is f64[N,4], want f32[N,4] from the operands and attributes",
		"bad.ir:5:3: %3 = log_softmax f32[N,4]: attribute keepdims is true, but log_softmax does not use it",
		"bad.ir:7:3: %5 = log_softmax i32[N]: operand %4 has dtype i32, want f32 or f64",
		"bad.ir:8:3: %6 = log_softmax f32[N,4]: attribute axis is -1, want 1",
	} {
		assert.Contains(t, err.Error(), want)
	}
}
