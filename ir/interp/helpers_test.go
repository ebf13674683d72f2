package interp

import (
	"math"
	"testing"

	"github.com/nncc/nncc/ir"
)

// opCase evaluates one op on fed inputs: build adds the inputs (named after their
// feeds) and returns the op's value.
type opCase struct {
	name  string
	n     int
	build func(b *ir.Builder) *ir.Value
	feeds map[string]*Tensor
	want  *Tensor
}

func f64(shape []int, data ...float64) *Tensor { return NewTensor(ir.F64, shape, data) }
func i32(shape []int, data ...float64) *Tensor { return NewTensor(ir.I32, shape, data) }
func bools(shape []int, data ...float64) *Tensor {
	return NewTensor(ir.Bool, shape, data)
}

func sh(dims ...int) ir.Shape { return ir.Shape(dims) }

// buildCase returns the graph of c with the op's value as output "out".
func buildCase(t *testing.T, c opCase) (*ir.Graph, *ir.Value) {
	t.Helper()
	g := ir.NewGraph(c.name, 4)
	b := ir.NewBuilder(g)
	v := c.build(b)
	if err := b.Err(); err != nil {
		t.Fatalf("%s: building: %v", c.name, err)
	}
	g.SetOutput("out", v)
	return g, v
}

func runCases(t *testing.T, cases []opCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, _ := buildCase(t, c)
			out, _, err := Run(g, c.n, c.feeds)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			checkTensor(t, out["out"], c.want)
		})
	}
}

// checkTensor fails unless got and want have one dtype and shape and their elements
// agree: exactly for integer and bool dtypes, within 1e-12 relative for floats, NaN
// matching NaN.
func checkTensor(t *testing.T, got, want *Tensor) {
	t.Helper()
	if got.DType != want.DType {
		t.Fatalf("dtype %s, want %s", got.DType, want.DType)
	}
	if !ir.Shape(got.Shape).Equal(ir.Shape(want.Shape)) {
		t.Fatalf("shape %v, want %v", got.Shape, want.Shape)
	}
	for i := range want.Data {
		g, w := got.Data[i], want.Data[i]
		if !closeTo(g, w, want.DType.IsFloat()) {
			t.Errorf("element %d: got %v, want %v\ngot  %v\nwant %v", i, g, w, got, want)
		}
	}
}

func closeTo(g, w float64, float bool) bool {
	switch {
	case math.IsNaN(w):
		return math.IsNaN(g)
	case math.IsInf(w, 0) || !float:
		return g == w
	}
	return math.Abs(g-w) <= 1e-12*max(1, math.Abs(w))
}
