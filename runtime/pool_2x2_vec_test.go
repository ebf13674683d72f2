package runtime

import (
	"math"
	"math/rand/v2"
	goruntime "runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// The assembly kernels of the 2×2 max-pooling path must give the bits of the Go loops
// (argmaxRow2x2 and the loops around it) on every input, NaN payloads included.

// poolVecValues returns n float32 values for the comparison of the kernels. Most come
// from a small set, so that windows contain ties, signed zeros, infinities and NaNs
// with different signs and payloads. A share nanShare of them are NaN, and the rest
// are random.
func poolVecValues(r *rand.Rand, n int, nanShare float64) []float32 {
	set := []float32{-2, -1, float32(math.Copysign(0, -1)), 0, 1, 2, 1e-40, -1e-40,
		float32(math.Inf(1)), float32(math.Inf(-1))}
	nans := []uint32{0x7fc00000, 0xffc00000, 0x7fc00001, 0xff800003, 0x7f800005}
	s := make([]float32, n)
	for i := range s {
		switch u := r.Float64(); {
		case u < nanShare:
			s[i] = math.Float32frombits(nans[r.IntN(len(nans))])
		case u < 0.8:
			s[i] = set[r.IntN(len(set))]
		default:
			s[i] = float32(r.NormFloat64())
		}
	}
	return s
}

// requireSameBits32 fails unless got and want hold the same bits, NaN payloads included.
func requireSameBits32(t *testing.T, what string, got, want []float32) {
	t.Helper()
	require.Equal(t, len(want), len(got), what)
	for i := range want {
		g, w := math.Float32bits(got[i]), math.Float32bits(want[i])
		require.Equal(t, w, g, "%s: element %d = %#08x, want %#08x", what, i, g, w)
	}
}

// poolRun computes y and dx of the 2×2 path with the assembly kernels on or off.
// dx starts with stale values and both have guard values after them.
func poolRun(t *testing.T, asm bool, x, dy []float32, g PoolGeom) (y, dx []float32) {
	t.Helper()
	saved := poolUseAsm
	poolUseAsm = asm
	defer func() { poolUseAsm = saved }()
	y, checkY := guarded[float32](g.N * g.C * g.OH * g.OW)
	dx, checkDX := guarded[float32](g.N * g.C * g.H * g.W)
	for i := range dx {
		dx[i] = 7
	}
	MaxPool2D(y, x, g)
	MaxPool2DGrad(dx, x, dy, g)
	checkY(t)
	checkDX(t)
	return y, dx
}

// pool2x2Geom returns the 2×2 pooling geometry of n×c planes of h×w.
func pool2x2Geom(n, c, h, w int) PoolGeom {
	return PoolGeom{N: n, C: c, H: h, W: w, OH: h / 2, OW: w / 2, KH: 2, KW: 2, StrideH: 2, StrideW: 2}
}

func TestPool2x2AsmMatchesGo(t *testing.T) {
	if !hasPoolAVX2 {
		t.Skip("no assembly pooling kernels on this CPU or build")
	}
	r := rand.New(rand.NewPCG(21, 22))
	// Widths 2 to 41 give every number of windows per row from 1 to 20, so every
	// tail length of the 8-window steps, with and without full steps before it.
	for w := 2; w <= 41; w++ {
		for _, h := range []int{2, 3, 5, 8} {
			for _, nanShare := range []float64{0, 0.05, 0.3} {
				g := pool2x2Geom(2, 3, h, w)
				x := poolVecValues(r, g.N*g.C*g.H*g.W, nanShare)
				dy := poolVecValues(r, g.N*g.C*g.OH*g.OW, 0.05)
				wantY, wantDX := poolRun(t, false, x, dy, g)
				y, dx := poolRun(t, true, x, dy, g)
				requireSameBits32(t, "MaxPool2D", y, wantY)
				requireSameBits32(t, "MaxPool2DGrad", dx, wantDX)
			}
		}
	}
}

// TestPool2x2AsmGeneral checks the assembly kernels' maxima against the general window
// loop, which defines the semantics, on LeNet's pools.
func TestPool2x2AsmGeneral(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	for _, g := range []PoolGeom{pool2x2Geom(3, 6, 28, 28), pool2x2Geom(3, 16, 10, 10)} {
		x := poolVecValues(r, g.N*g.C*g.H*g.W, 0.02)
		dy := randSlice[float32](r, g.N*g.C*g.OH*g.OW)
		want, wantDX := make([]float32, g.N*g.C*g.OH*g.OW), make([]float32, len(x))
		maxPoolWindows(want, x, g)
		maxPoolGradWindows(wantDX, x, dy, g)
		y, dx := poolRun(t, poolUseAsm, x, dy, g)
		requireSameBits32(t, "MaxPool2D", y, want)
		requireSameBits32(t, "MaxPool2DGrad", dx, wantDX)
	}
}

// TestPool2x2AsmWorkers checks that the assembly kernels give the bits of the Go loops
// on one goroutine when the planes are split across 1, 2, 3 and 7 workers, in place
// (dx over x) included.
func TestPool2x2AsmWorkers(t *testing.T) {
	savedElems, savedThreads := poolParallelMinElems, SetThreads(1)
	savedProcs := goruntime.GOMAXPROCS(8)
	defer func() {
		poolParallelMinElems = savedElems
		SetThreads(savedThreads)
		goruntime.GOMAXPROCS(savedProcs)
	}()
	poolParallelMinElems = 0
	r := rand.New(rand.NewPCG(25, 26))
	g := pool2x2Geom(5, 7, 13, 22)
	x := poolVecValues(r, g.N*g.C*g.H*g.W, 0.1)
	dy := poolVecValues(r, g.N*g.C*g.OH*g.OW, 0)
	wantY, wantDX := poolRun(t, false, x, dy, g)
	for _, threads := range []int{1, 2, 3, 7} {
		SetThreads(threads)
		y, dx := poolRun(t, poolUseAsm, x, dy, g)
		requireSameBits32(t, "MaxPool2D", y, wantY)
		requireSameBits32(t, "MaxPool2DGrad", dx, wantDX)
	}
	y, dx := make([]float32, g.N*g.C*g.OH*g.OW), make([]float32, len(x))
	allocs := testing.AllocsPerRun(3, func() {
		MaxPool2D(y, x, g)
		MaxPool2DGrad(dx, x, dy, g)
	})
	require.Zero(t, allocs, "pooling allocates")
}

// TestPool2x2AsmInPlace checks the gradient written over x, which the kernels allow
// when H and W are even: each step reads its windows before it writes them.
func TestPool2x2AsmInPlace(t *testing.T) {
	r := rand.New(rand.NewPCG(27, 28))
	g := pool2x2Geom(3, 4, 12, 22)
	x := poolVecValues(r, g.N*g.C*g.H*g.W, 0.1)
	dy := poolVecValues(r, g.N*g.C*g.OH*g.OW, 0)
	_, wantDX := poolRun(t, false, x, dy, g)
	inPlace := append([]float32(nil), x...)
	MaxPool2DGrad(inPlace, inPlace, dy, g)
	requireSameBits32(t, "MaxPool2DGrad in place", inPlace, wantDX)
}
