package interp

import (
	"testing"

	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/runtime"
	"github.com/stretchr/testify/require"
)

// randomCases check random_uniform against values computed from the documented
// hash by an independent implementation (Python integers). The second case has
// the next counter, so its stream differs; the f32 case has the same values,
// which 24-bit fractions keep exact.
var randomCases = []opCase{
	{
		name: "random_uniform_f64",
		n:    2,
		build: func(b *ir.Builder) *ir.Value {
			return b.RandomUniform(b.Scalar(ir.I64, 7), b.Input("c", ir.I64, sh()), b.Input("x", ir.F64, sh(ir.Batch, 3)))
		},
		feeds: map[string]*Tensor{"c": NewTensor(ir.I64, []int{}, []float64{3}), "x": f64([]int{2, 3}, 0, 0, 0, 0, 0, 0)},
		want: f64([]int{2, 3}, 0.5453921556472778, 0.5726043581962585, 0.48270827531814575,
			0.8521876335144043, 0.5389304161071777, 0.4364156723022461),
	},
	{
		name: "random_uniform_next_counter",
		n:    1,
		build: func(b *ir.Builder) *ir.Value {
			return b.RandomUniform(b.Scalar(ir.I64, 7), b.Input("c", ir.I64, sh()), b.Input("x", ir.F32, sh(ir.Batch, 4)))
		},
		feeds: map[string]*Tensor{"c": NewTensor(ir.I64, []int{}, []float64{4}), "x": NewTensor(ir.F32, []int{1, 4}, make([]float64, 4))},
		want: NewTensor(ir.F32, []int{1, 4}, []float64{0.41889238357543945, 0.1392461657524109,
			0.0501973032951355, 0.09347057342529297}),
	},
}

func TestRandomUniformCases(t *testing.T) {
	for _, c := range randomCases {
		t.Run(c.name, func(t *testing.T) {
			g, _ := buildCase(t, c)
			out, _, err := Run(g, c.n, c.feeds)
			require.NoError(t, err)
			require.Equal(t, c.want.Shape, out["out"].Shape)
			require.Equal(t, c.want.Data, out["out"].Data) // exact: the values are 24-bit fractions
		})
	}
}

// TestRandomUniformMatchesRuntime checks that the interpreter and the runtime,
// which generated code calls, give the same bits for many seeds and counters,
// and that the values lie in [0, 1).
func TestRandomUniformMatchesRuntime(t *testing.T) {
	const elems = 257
	for _, seed := range []int64{0, 1, 7, 1 << 40} {
		for _, counter := range []int64{0, 1, 2, 1000003} {
			out := Zeros(ir.F64, []int{elems})
			randomUniform(Scalar(ir.I64, float64(seed)), Scalar(ir.I64, float64(counter)), out)
			got32 := make([]float32, elems)
			runtime.FillRandomUniform32(got32, seed, counter)
			got64 := make([]float64, elems)
			runtime.FillRandomUniform64(got64, seed, counter)
			for i, u := range out.Data {
				require.Equal(t, u, got64[i], "seed %d counter %d element %d", seed, counter, i)
				require.Equal(t, float32(u), got32[i], "seed %d counter %d element %d", seed, counter, i)
				require.True(t, u >= 0 && u < 1, "element %d is %v", i, u)
			}
		}
	}
}
