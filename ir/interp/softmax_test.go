package interp

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nncc/nncc/ir"
)

var inf = math.Inf(1)

// lse returns log(sum(exp(xs))) straight from the definition, for inputs small
// enough not to overflow.
func lse(xs ...float64) float64 {
	t := 0.0
	for _, x := range xs {
		t += math.Exp(x)
	}
	return math.Log(t)
}

func logSoftmaxCase(name string, n int, shape ir.Shape, axis int, x, want *Tensor) opCase {
	return opCase{
		name:  name,
		n:     n,
		build: func(b *ir.Builder) *ir.Value { return b.LogSoftmax(b.Input("x", x.DType, shape), axis) },
		feeds: map[string]*Tensor{"x": x},
		want:  want,
	}
}

var (
	lse123 = lse(1, 2, 3)
	lse456 = lse(4, 5, 6)
	lse14  = lse(1, 4)
	lse25  = lse(2, 5)
	lse36  = lse(3, 6)
)

var softmaxCases = []opCase{
	logSoftmaxCase("log_softmax_last", 2, sh(ir.Batch, 3), -1, f64([]int{2, 3}, 1, 2, 3, 4, 5, 6),
		f64([]int{2, 3}, 1-lse123, 2-lse123, 3-lse123, 4-lse456, 5-lse456, 6-lse456)),
	logSoftmaxCase("log_softmax_batch_axis", 2, sh(ir.Batch, 3), 0, f64([]int{2, 3}, 1, 2, 3, 4, 5, 6),
		f64([]int{2, 3}, 1-lse14, 2-lse25, 3-lse36, 4-lse14, 5-lse25, 6-lse36)),
	logSoftmaxCase("log_softmax_middle", 1, sh(ir.Batch, 2, 3), 1, f64([]int{1, 2, 3}, 1, 2, 3, 4, 5, 6),
		f64([]int{1, 2, 3}, 1-lse14, 2-lse25, 3-lse36, 4-lse14, 5-lse25, 6-lse36)),
	// Large logits stay finite: the maximum is subtracted first.
	logSoftmaxCase("log_softmax_large", 1, sh(ir.Batch, 2), 1, f64([]int{1, 2}, 1e8, 1e8),
		f64([]int{1, 2}, -math.Ln2, -math.Ln2)),
	// A row of -Inf is NaN, a -Inf among finite values is -Inf, a +Inf or a NaN
	// makes its row NaN.
	logSoftmaxCase("log_softmax_specials", 4, sh(ir.Batch, 3), 1,
		f64([]int{4, 3}, -inf, -inf, -inf, -inf, 0, 0, 1, inf, 2, 1, nan, 2),
		f64([]int{4, 3}, nan, nan, nan, -inf, -math.Ln2, -math.Ln2, nan, nan, nan, nan, nan, nan)),
	logSoftmaxCase("log_softmax_single", 2, sh(ir.Batch, 1), 1, f64([]int{2, 1}, -3, inf),
		f64([]int{2, 1}, 0, nan)),
}

func TestLogSoftmax(t *testing.T) { runCases(t, softmaxCases) }

// compositeLogSoftmax builds log_softmax of x over axis from the primitives that
// the frontend used before the op existed.
func compositeLogSoftmax(b *ir.Builder, x *ir.Value, axis int) *ir.Value {
	s := b.Sub(x, b.Reduce(ir.OpReduceMax, x, []int{axis}, true))
	return b.Sub(s, b.Log(b.Sum(b.Exp(s), []int{axis}, true)))
}

// TestLogSoftmaxMatchesComposite checks that the op gives the bits of the
// composite in f32 and f64, along every axis, on values with infinities and NaN.
func TestLogSoftmaxMatchesComposite(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, dt := range []ir.DType{ir.F32, ir.F64} {
		for axis := range 3 {
			g := ir.NewGraph("g", 4)
			b := ir.NewBuilder(g)
			x := b.Input("x", dt, sh(ir.Batch, 5, 7))
			g.SetOutput("op", b.LogSoftmax(x, axis))
			g.SetOutput("composite", compositeLogSoftmax(b, x, axis))
			if err := b.Err(); err != nil {
				t.Fatal(err)
			}
			for _, n := range []int{1, 4} {
				data := make([]float64, n*35)
				for i := range data {
					data[i] = roundTo(dt, 30*r.NormFloat64())
					switch r.IntN(16) {
					case 0:
						data[i] = -inf
					case 1:
						data[i] = inf
					case 2:
						data[i] = nan
					}
				}
				// Whole rows of -Inf along the last axis.
				for i := range 7 {
					data[i] = -inf
				}
				outs, _, err := Run(g, n, map[string]*Tensor{"x": NewTensor(dt, []int{n, 5, 7}, data)})
				if err != nil {
					t.Fatal(err)
				}
				got, want := outs["op"].Data, outs["composite"].Data
				for i := range want {
					if math.Float64bits(got[i]) != math.Float64bits(want[i]) &&
						!(math.IsNaN(got[i]) && math.IsNaN(want[i])) {
						t.Errorf("%s axis %d n=%d: element %d = %v, composite gives %v", dt, axis, n, i, got[i], want[i])
					}
				}
			}
		}
	}
}
