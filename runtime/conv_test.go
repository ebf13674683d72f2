package runtime

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// Conformance tests of the convolution kernels against direct loops over the
// definition, with guard values after every buffer to catch writes past the end.

const guard = -12345.5

// guarded returns a slice of n elements followed by guard elements; check verifies
// the guards later.
func guarded[T Float](n int) (s []T, check func(t *testing.T)) {
	buf := make([]T, n+8)
	for i := n; i < len(buf); i++ {
		buf[i] = guard
	}
	return buf[:n], func(t *testing.T) {
		t.Helper()
		for i := n; i < len(buf); i++ {
			require.Equal(t, T(guard), buf[i], "guard element %d after a buffer of %d was overwritten", i-n, n)
		}
	}
}

func randSlice[T Float](r *rand.Rand, n int) []T {
	s := make([]T, n)
	for i := range s {
		s[i] = T(r.NormFloat64())
	}
	return s
}

// naiveConv calls f for every output element and every kernel tap inside the input
// with the flat indices of the input, weight and output elements.
func naiveConv(g ConvGeom, f func(xi, wi, yi int)) {
	cg, og := g.C/g.Groups, g.O/g.Groups
	for n := range g.N {
		for o := range g.O {
			for oy := range g.OH {
				for ox := range g.OW {
					for ci := range cg {
						c := o/og*cg + ci
						for ky := range g.KH {
							for kx := range g.KW {
								iy := oy*g.StrideH - g.PadH + ky*g.DilH
								ix := ox*g.StrideW - g.PadW + kx*g.DilW
								if iy < 0 || iy >= g.H || ix < 0 || ix >= g.W {
									continue
								}
								f(((n*g.C+c)*g.H+iy)*g.W+ix, ((o*cg+ci)*g.KH+ky)*g.KW+kx, ((n*g.O+o)*g.OH+oy)*g.OW+ox)
							}
						}
					}
				}
			}
		}
	}
}

var convGeoms = []ConvGeom{
	{N: 2, C: 3, H: 7, W: 6, O: 4, KH: 3, KW: 3, OH: 5, OW: 4, StrideH: 1, StrideW: 1, DilH: 1, DilW: 1, Groups: 1},
	{N: 2, C: 4, H: 9, W: 8, O: 6, KH: 3, KW: 2, OH: 4, OW: 11, StrideH: 2, StrideW: 1, PadH: 1, PadW: 2, DilH: 2, DilW: 1, Groups: 2},
	{N: 1, C: 3, H: 6, W: 6, O: 3, KH: 3, KW: 3, OH: 3, OW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, DilH: 1, DilW: 1, Groups: 3},
	{N: 3, C: 1, H: 5, W: 5, O: 2, KH: 5, KW: 5, OH: 5, OW: 5, StrideH: 1, StrideW: 1, PadH: 2, PadW: 2, DilH: 1, DilW: 1, Groups: 1},
	// Taps that fall wholly in the padding, and a stride larger than the kernel.
	{N: 2, C: 2, H: 3, W: 1, O: 2, KH: 3, KW: 5, OH: 1, OW: 1, StrideH: 3, StrideW: 1, PadH: 1, PadW: 2, DilH: 1, DilW: 1, Groups: 1},
	{N: 1, C: 2, H: 8, W: 9, O: 4, KH: 2, KW: 2, OH: 3, OW: 3, StrideH: 3, StrideW: 3, PadH: 1, PadW: 1, DilH: 1, DilW: 2, Groups: 2},
	// Stride 1 on planes large enough that every kernel may run in the shifted window.
	{N: 2, C: 2, H: 12, W: 12, O: 3, KH: 3, KW: 3, OH: 12, OW: 12, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, DilH: 1, DilW: 1, Groups: 1},
}

func testConvKernels[T Float](t *testing.T, tol float64) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, g := range convGeoms {
		nx, nw, ny := g.N*g.C*g.H*g.W, g.O*g.C/g.Groups*g.KH*g.KW, g.N*g.O*g.OH*g.OW
		x, w, dy := randSlice[T](r, nx), randSlice[T](r, nw), randSlice[T](r, ny)
		wantY, wantDX, wantDW := make([]float64, ny), make([]float64, nx), make([]float64, nw)
		naiveConv(g, func(xi, wi, yi int) {
			wantY[yi] += float64(x[xi]) * float64(w[wi])
			wantDX[xi] += float64(dy[yi]) * float64(w[wi])
			wantDW[wi] += float64(x[xi]) * float64(dy[yi])
		})

		col, checkCol := guarded[T](g.ScratchLen())
		y, checkY := guarded[T](ny)
		dx, checkDX := guarded[T](nx)
		dw, checkDW := guarded[T](nw)
		Conv2D(y, x, w, col, g)
		Conv2DInputGrad(dx, dy, w, col, g)
		Conv2DFilterGrad(dw, x, dy, col, g)
		for _, c := range []func(*testing.T){checkCol, checkY, checkDX, checkDW} {
			c(t)
		}
		requireClose(t, "Conv2D", y, wantY, tol)
		requireClose(t, "Conv2DInputGrad", dx, wantDX, tol)
		requireClose(t, "Conv2DFilterGrad", dw, wantDW, tol)

		allocs := testing.AllocsPerRun(5, func() {
			Conv2D(y, x, w, col, g)
			Conv2DInputGrad(dx, dy, w, col, g)
			Conv2DFilterGrad(dw, x, dy, col, g)
		})
		require.Zero(t, allocs, "convolution kernels allocate")
	}
}

func requireClose[T Float](t *testing.T, what string, got []T, want []float64, tol float64) {
	t.Helper()
	require.Len(t, got, len(want), what)
	for i := range want {
		d := math.Abs(float64(got[i])-want[i]) / math.Max(1, math.Abs(want[i]))
		require.LessOrEqual(t, d, tol, "%s: element %d = %v, want %v", what, i, got[i], want[i])
	}
}

func TestConvKernelsF64(t *testing.T) { testConvKernels[float64](t, 1e-12) }

// The f32 tolerance allows for sums of up to 75 products rounded to float32.
func TestConvKernelsF32(t *testing.T) { testConvKernels[float32](t, 1e-5) }

func TestConvPanicsOnShortSlices(t *testing.T) {
	g := convGeoms[0]
	x, w := make([]float32, g.N*g.C*g.H*g.W), make([]float32, g.O*g.C*g.KH*g.KW)
	y := make([]float32, g.N*g.O*g.OH*g.OW)
	require.PanicsWithValue(t, "nncc: Conv2D: slice too short for "+
		"{N:2 C:3 H:7 W:6 O:4 KH:3 KW:3 OH:5 OW:4 StrideH:1 StrideW:1 PadH:0 PadW:0 DilH:1 DilW:1 Groups:1}: "+
		fmt.Sprintf("len(x)=252 len(w)=108 len(y)=160 len(scratch)=%d", g.ScratchLen()-1),
		func() { Conv2D(y, x, w, make([]float32, g.ScratchLen()-1), g) })
	bad := g
	bad.OH = 6
	require.Panics(t, func() { Conv2D(y, x, w, make([]float32, 1000), bad) })
}
