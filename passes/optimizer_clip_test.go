package passes

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/ir/interp"
)

// TestClipGradNorm lowers plain SGD with lr 1 and clipping for a matrix param and
// a rank-0 param, so each new weight is w - coef*g, and checks coef against
// clip_grad_norm_'s formula computed here in float64: below 1 when the global norm
// exceeds the limit, exactly 1 when it does not, 0 for an infinite gradient
// (which itself becomes NaN, inf*0) and NaN for a NaN gradient.
func TestClipGradNorm(t *testing.T) {
	gm := []float64{3, -4, 0, 1, 2, -2}
	gs := 5.0
	total := math.Sqrt(9 + 16 + 1 + 4 + 4 + 25)
	for _, c := range []struct {
		name     string
		maxNorm  float64
		scalar   float64
		wantCoef float64
	}{
		{"clipped", 2, gs, 2 / (total + 1e-6)},
		{"not clipped", 100, gs, 1},
		{"infinite", 2, math.Inf(1), 0},
		{"nan", 2, math.NaN(), math.NaN()},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := newBuilder(t)
			wm := b.Param("wm", ir.F64, ir.Shape{2, 3}, ir.Init{})
			ws := b.Param("ws", ir.F64, ir.Shape{}, ir.Init{})
			g1 := b.Input("g1", ir.F64, ir.Shape{2, 3})
			g2 := b.Input("g2", ir.F64, ir.Shape{})
			b.G.SetOutput("loss", ws)
			o := ir.Optimizer{Kind: ir.OptSGD, LR: 1, ClipNorm: c.maxNorm}
			ctx := &Context{Module: &ir.Module{Forward: b.G, Optimizer: o}, Func: &Function{Name: "train", Graph: b.G},
				Params: []*ir.Value{wm, ws}, Grads: []*ir.Value{g1, g2}}
			require.NoError(t, lowerOptimizer(ctx))
			require.NoError(t, ir.Verify(b.G))

			feeds := map[string]*interp.Tensor{
				"wm": interp.NewTensor(ir.F64, []int{2, 3}, make([]float64, 6)),
				"ws": interp.Scalar(ir.F64, 0),
				"g1": interp.NewTensor(ir.F64, []int{2, 3}, gm),
				"g2": interp.Scalar(ir.F64, c.scalar),
			}
			_, updates, err := interp.Run(b.G, 1, feeds)
			require.NoError(t, err)
			for i, g := range gm {
				got := updates["wm"].Data[i]
				if math.IsNaN(c.wantCoef) {
					assert.True(t, math.IsNaN(got), "wm[%d] = %v, want NaN", i, got)
				} else {
					assert.InDelta(t, -c.wantCoef*g, got, 1e-15, "wm[%d]", i)
				}
			}
			if want := -c.wantCoef * c.scalar; math.IsNaN(want) {
				assert.True(t, math.IsNaN(updates["ws"].Data[0]), "ws = %v, want NaN", updates["ws"].Data[0])
			} else {
				assert.InDelta(t, want, updates["ws"].Data[0], 1e-15)
			}
		})
	}
}
