package runtime

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

var poolGeoms = []PoolGeom{
	{N: 2, C: 3, H: 7, W: 7, OH: 4, OW: 4, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1},
	{N: 1, C: 2, H: 5, W: 6, OH: 4, OW: 5, KH: 2, KW: 2, StrideH: 1, StrideW: 1},
	{N: 3, C: 1, H: 7, W: 6, OH: 4, OW: 4, KH: 3, KW: 2, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1},
}

// naiveWindows calls f for every output element with the flat input indices of its
// window inside the input, in row-major order.
func naiveWindows(g PoolGeom, f func(yi int, win []int)) {
	for p := range g.N * g.C {
		for oy := range g.OH {
			for ox := range g.OW {
				var win []int
				for ky := range g.KH {
					for kx := range g.KW {
						iy, ix := oy*g.StrideH-g.PadH+ky, ox*g.StrideW-g.PadW+kx
						if iy >= 0 && iy < g.H && ix >= 0 && ix < g.W {
							win = append(win, (p*g.H+iy)*g.W+ix)
						}
					}
				}
				f((p*g.OH+oy)*g.OW+ox, win)
			}
		}
	}
}

func testPoolKernels[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, g := range poolGeoms {
		nx, ny := g.N*g.C*g.H*g.W, g.N*g.C*g.OH*g.OW
		// Small integers make ties, which must route to the first maximum.
		x := make([]T, nx)
		for i := range x {
			x[i] = T(r.IntN(5) - 2)
		}
		h, dy := randSlice[T](r, nx), randSlice[T](r, ny)
		wantMax, wantGather, wantAvg := make([]float64, ny), make([]float64, ny), make([]float64, ny)
		wantMaxDX, wantAvgDX := make([]float64, nx), make([]float64, nx)
		naiveWindows(g, func(yi int, win []int) {
			best := win[0]
			sum := 0.0
			for _, i := range win {
				if x[i] > x[best] {
					best = i
				}
				sum += float64(x[i])
			}
			wantMax[yi], wantGather[yi] = float64(x[best]), float64(h[best])
			wantMaxDX[best] += float64(dy[yi])
			wantAvg[yi] = sum / float64(g.KH*g.KW)
			for _, i := range win {
				wantAvgDX[i] += float64(dy[yi]) / float64(g.KH*g.KW)
			}
		})

		y, checkY := guarded[T](ny)
		dx, checkDX := guarded[T](nx)
		MaxPool2D(y, x, g)
		requireClose(t, "MaxPool2D", y, wantMax, 0)
		MaxPool2DGather(y, x, h, g)
		requireClose(t, "MaxPool2DGather", y, wantGather, 0)
		MaxPool2DGrad(dx, x, dy, g)
		requireClose(t, "MaxPool2DGrad", dx, wantMaxDX, 1e-6)
		AvgPool2D(y, x, g)
		requireClose(t, "AvgPool2D", y, wantAvg, 1e-6)
		AvgPool2DGrad(dx, dy, g)
		requireClose(t, "AvgPool2DGrad", dx, wantAvgDX, 1e-6)
		checkY(t)
		checkDX(t)

		allocs := testing.AllocsPerRun(5, func() {
			MaxPool2D(y, x, g)
			MaxPool2DGrad(dx, x, dy, g)
			MaxPool2DGather(y, x, h, g)
			AvgPool2D(y, x, g)
			AvgPool2DGrad(dx, dy, g)
		})
		require.Zero(t, allocs, "pooling kernels allocate")
	}
}

func TestPoolKernelsF64(t *testing.T) { testPoolKernels[float64](t) }
func TestPoolKernelsF32(t *testing.T) { testPoolKernels[float32](t) }

func TestMaxPoolNaN(t *testing.T) {
	g := PoolGeom{N: 1, C: 1, H: 2, W: 2, OH: 1, OW: 1, KH: 2, KW: 2, StrideH: 2, StrideW: 2}
	x := []float64{1, math.NaN(), 5, math.NaN()}
	y := make([]float64, 1)
	MaxPool2D(y, x, g)
	require.True(t, math.IsNaN(y[0]), "max pooling must propagate NaN")
	dx := make([]float64, 4)
	MaxPool2DGrad(dx, x, []float64{3}, g)
	require.Equal(t, []float64{0, 3, 0, 0}, dx, "the gradient goes to the first NaN")
}

func TestPoolPanicsOnBadGeometry(t *testing.T) {
	g := poolGeoms[0]
	x, y := make([]float32, g.N*g.C*g.H*g.W), make([]float32, g.N*g.C*g.OH*g.OW)
	require.Panics(t, func() { MaxPool2D(y[:len(y)-1], x, g) })
	bad := g
	bad.PadH = 2 // more than half the kernel
	require.Panics(t, func() { AvgPool2D(y, x, bad) })
}
