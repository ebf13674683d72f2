package runtime

import (
	"math"
	"math/rand/v2"
	goruntime "runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// The 2×2 max-pooling path must give the bits of the general window loops, including
// the first of tied maxima, the first NaN and the sign of a zero maximum.

var pool2x2Geoms = []PoolGeom{
	{N: 2, C: 3, H: 6, W: 8, OH: 3, OW: 4, KH: 2, KW: 2, StrideH: 2, StrideW: 2},
	// Odd extents leave the last row and column outside every window.
	{N: 1, C: 2, H: 7, W: 5, OH: 3, OW: 2, KH: 2, KW: 2, StrideH: 2, StrideW: 2},
}

// poolTestValues returns n values drawn from a small set with ties, signed zeros,
// infinities and, when withNaN is set, NaNs.
func poolTestValues[T Float](r *rand.Rand, n int, withNaN bool) []T {
	set := []float64{-2, -1, math.Copysign(0, -1), 0, 1, 2, math.Inf(1), math.Inf(-1)}
	if withNaN {
		set = append(set, math.NaN())
	}
	s := make([]T, n)
	for i := range s {
		s[i] = T(set[r.IntN(len(set))])
	}
	return s
}

func testPool2x2[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, g := range pool2x2Geoms {
		require.True(t, g.is2x2())
		nx, ny := g.N*g.C*g.H*g.W, g.N*g.C*g.OH*g.OW
		for _, withNaN := range []bool{false, true} {
			x, dy := poolTestValues[T](r, nx, withNaN), randSlice[T](r, ny)
			want, wantDX := make([]T, ny), make([]T, nx)
			maxPoolWindows(want, x, g)
			maxPoolGradWindows(wantDX, x, dy, g)

			y, checkY := guarded[T](ny)
			dx, checkDX := guarded[T](nx)
			for i := range dx {
				dx[i] = 7 // stale values must not survive
			}
			MaxPool2D(y, x, g)
			MaxPool2DGrad(dx, x, dy, g)
			checkY(t)
			checkDX(t)
			requireSameBits(t, "MaxPool2D", y, want)
			requireSameBits(t, "MaxPool2DGrad", dx, wantDX)
		}
	}
}

func requireSameBits[T Float](t *testing.T, what string, got, want []T) {
	t.Helper()
	for i := range want {
		g, w := float64(got[i]), float64(want[i])
		same := math.Float64bits(g) == math.Float64bits(w) || (math.IsNaN(g) && math.IsNaN(w))
		require.True(t, same, "%s: element %d = %v, want %v", what, i, got[i], want[i])
	}
}

func TestPool2x2F32(t *testing.T) { testPool2x2[float32](t) }
func TestPool2x2F64(t *testing.T) { testPool2x2[float64](t) }

func TestOrderKey(t *testing.T) {
	vals := []float64{math.Inf(-1), -3.5, -1e-30, math.Copysign(0, -1), 0, 1e-30, 2, math.Inf(1)}
	for i := 1; i < len(vals); i++ {
		a, b := vals[i-1], vals[i]
		if a == b {
			require.Equal(t, orderKey(float32(a)), orderKey(float32(b)), "%v, %v", a, b)
			require.Equal(t, orderKey(a), orderKey(b), "%v, %v", a, b)
			continue
		}
		require.Less(t, orderKey(float32(a)), orderKey(float32(b)), "%v < %v", a, b)
		require.Less(t, orderKey(a), orderKey(b), "%v < %v", a, b)
	}
}

// TestPool2x2Workers checks that splitting the planes across workers gives the bits of
// a run on one goroutine.
func TestPool2x2Workers(t *testing.T) {
	savedElems, savedThreads := poolParallelMinElems, SetThreads(1)
	savedProcs := goruntime.GOMAXPROCS(4)
	defer func() {
		poolParallelMinElems = savedElems
		SetThreads(savedThreads)
		goruntime.GOMAXPROCS(savedProcs)
	}()
	poolParallelMinElems = 0
	r := rand.New(rand.NewPCG(13, 14))
	g := PoolGeom{N: 3, C: 5, H: 9, W: 8, OH: 4, OW: 4, KH: 2, KW: 2, StrideH: 2, StrideW: 2}
	nx, ny := g.N*g.C*g.H*g.W, g.N*g.C*g.OH*g.OW
	x, dy := poolTestValues[float32](r, nx, true), randSlice[float32](r, ny)
	run := func(threads int) (y, dx []float32) {
		SetThreads(threads)
		y, dx = make([]float32, ny), make([]float32, nx)
		MaxPool2D(y, x, g)
		MaxPool2DGrad(dx, x, dy, g)
		return y, dx
	}
	y1, dx1 := run(1)
	for _, threads := range []int{2, 4} {
		y, dx := run(threads)
		requireSameBits(t, "MaxPool2D", y, y1)
		requireSameBits(t, "MaxPool2DGrad", dx, dx1)
	}
	allocs := testing.AllocsPerRun(3, func() {
		MaxPool2D(y1, x, g)
		MaxPool2DGrad(dx1, x, dy, g)
	})
	require.Zero(t, allocs, "split pooling allocates")
}
