package interp

import (
	"testing"

	"github.com/nncc/nncc/ir"
)

var table42 = f64([]int{4, 2}, 0, 1, 10, 11, 20, 21, 30, 31)

var indexCases = []opCase{
	{
		name: "gather_rows",
		n:    3,
		build: func(b *ir.Builder) *ir.Value {
			return b.Gather(b.Input("t", ir.F64, sh(4, 2)), b.Input("i", ir.I32, sh(ir.Batch)), 0)
		},
		feeds: map[string]*Tensor{"t": table42, "i": i32([]int{3}, 3, 0, 3)},
		want:  f64([]int{3, 2}, 30, 31, 0, 1, 30, 31),
	},
	{
		name: "gather_axis1",
		n:    2,
		build: func(b *ir.Builder) *ir.Value {
			return b.Gather(b.Input("t", ir.F64, sh(ir.Batch, 3)), b.Input("i", ir.I64, sh(2)), 1)
		},
		feeds: map[string]*Tensor{"t": f64([]int{2, 3}, 1, 2, 3, 4, 5, 6), "i": NewTensor(ir.I64, []int{2}, []float64{2, 0})},
		want:  f64([]int{2, 2}, 3, 1, 6, 4),
	},
	{
		name: "gather_2d_indices",
		n:    1,
		build: func(b *ir.Builder) *ir.Value {
			return b.Gather(b.Input("t", ir.F64, sh(4, 2)), b.Input("i", ir.I32, sh(2, 2)), 0)
		},
		feeds: map[string]*Tensor{"t": table42, "i": i32([]int{2, 2}, 1, 2, 3, 1)},
		want:  f64([]int{2, 2, 2}, 10, 11, 20, 21, 30, 31, 10, 11),
	},
	{
		name: "scatter_add_rows",
		n:    3,
		build: func(b *ir.Builder) *ir.Value {
			return b.ScatterAdd(b.Input("i", ir.I32, sh(ir.Batch)), b.Input("u", ir.F64, sh(ir.Batch, 2)), 0, sh(3, 2))
		},
		feeds: map[string]*Tensor{"i": i32([]int{3}, 1, 0, 1), "u": f64([]int{3, 2}, 1, 2, 3, 4, 5, 6)},
		want:  f64([]int{3, 2}, 3, 4, 6, 8, 0, 0),
	},
	{
		name: "scatter_add_axis1",
		n:    1,
		build: func(b *ir.Builder) *ir.Value {
			return b.ScatterAdd(b.Input("i", ir.I32, sh(2)), b.Input("u", ir.F64, sh(ir.Batch, 2)), 1, sh(ir.Batch, 3))
		},
		feeds: map[string]*Tensor{"i": i32([]int{2}, 2, 2), "u": f64([]int{1, 2}, 1, 2)},
		want:  f64([]int{1, 3}, 0, 0, 3),
	},
	{
		name: "one_hot_out_of_range",
		n:    3,
		build: func(b *ir.Builder) *ir.Value {
			return b.OneHot(b.Input("i", ir.I32, sh(ir.Batch)), 3, ir.F32)
		},
		feeds: map[string]*Tensor{"i": i32([]int{3}, 0, 2, 5)},
		want:  NewTensor(ir.F32, []int{3, 3}, []float64{1, 0, 0, 0, 0, 1, 0, 0, 0}),
	},
	{
		name: "one_hot_negative_2d",
		n:    1,
		build: func(b *ir.Builder) *ir.Value {
			return b.OneHot(b.Input("i", ir.I64, sh(2, 1)), 2, ir.I32)
		},
		feeds: map[string]*Tensor{"i": NewTensor(ir.I64, []int{2, 1}, []float64{-1, 1})},
		want:  i32([]int{2, 1, 2}, 0, 0, 0, 1),
	},
}

func TestIndex(t *testing.T) { runCases(t, indexCases) }

func TestIndexOutOfRange(t *testing.T) {
	for _, k := range []float64{-1, 4} {
		g := ir.NewGraph("oob", 1)
		b := ir.NewBuilder(g)
		g.SetOutput("out", b.Gather(b.Input("t", ir.F64, sh(4, 2)), b.Input("i", ir.I32, sh(1)), 0))
		g.SetOutput("scatter", b.ScatterAdd(b.Input("j", ir.I32, sh(1)), b.Input("u", ir.F64, sh(1, 2)), 0, sh(4, 2)))
		feeds := map[string]*Tensor{"t": table42, "i": i32([]int{1}, k), "j": i32([]int{1}, 0), "u": f64([]int{1, 2}, 1, 2)}
		if _, _, err := Run(g, 1, feeds); err == nil {
			t.Errorf("gather index %v: no error", k)
		}
		feeds["i"], feeds["j"] = i32([]int{1}, 0), i32([]int{1}, k)
		if _, _, err := Run(g, 1, feeds); err == nil {
			t.Errorf("scatter_add index %v: no error", k)
		}
	}
}
