package runtime

import (
	"math"
	"math/rand/v2"
	goruntime "runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// Tests of the shifted-window convolution: each kernel with the Go and the assembly
// micro-kernels against direct loops, with guard values after every buffer.

// shiftedGeoms are stride-1 geometries: padding, dilation, groups, depthwise, 1×1,
// padding beyond Dil*(K-1) (so that the input gradient's form crops), and more taps
// than one convGemm call sums (shiftedKC) in the forward and input-gradient forms.
var shiftedGeoms = []ConvGeom{
	{N: 2, C: 3, H: 7, W: 6, O: 4, KH: 3, KW: 3, OH: 5, OW: 4, StrideH: 1, StrideW: 1, DilH: 1, DilW: 1, Groups: 1},
	{N: 3, C: 1, H: 9, W: 9, O: 6, KH: 5, KW: 5, OH: 9, OW: 9, StrideH: 1, StrideW: 1, PadH: 2, PadW: 2, DilH: 1, DilW: 1, Groups: 1},
	{N: 2, C: 6, H: 8, W: 7, O: 16, KH: 5, KW: 5, OH: 4, OW: 3, StrideH: 1, StrideW: 1, DilH: 1, DilW: 1, Groups: 1},
	{N: 2, C: 4, H: 9, W: 8, O: 6, KH: 3, KW: 2, OH: 7, OW: 11, StrideH: 1, StrideW: 1, PadH: 1, PadW: 2, DilH: 2, DilW: 1, Groups: 2},
	{N: 2, C: 5, H: 6, W: 5, O: 5, KH: 3, KW: 3, OH: 6, OW: 5, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, DilH: 1, DilW: 1, Groups: 5},
	{N: 2, C: 7, H: 4, W: 5, O: 9, KH: 1, KW: 1, OH: 4, OW: 5, StrideH: 1, StrideW: 1, DilH: 1, DilW: 1, Groups: 1},
	{N: 1, C: 3, H: 4, W: 3, O: 2, KH: 1, KW: 2, OH: 6, OW: 6, StrideH: 1, StrideW: 1, PadH: 1, PadW: 2, DilH: 1, DilW: 1, Groups: 1},
	{N: 1, C: 60, H: 5, W: 4, O: 61, KH: 3, KW: 3, OH: 3, OW: 2, StrideH: 1, StrideW: 1, DilH: 1, DilW: 1, Groups: 1},
	{N: 2, C: 2, H: 3, W: 1, O: 2, KH: 3, KW: 5, OH: 3, OW: 1, StrideH: 1, StrideW: 1, PadH: 1, PadW: 2, DilH: 1, DilW: 1, Groups: 1},
	// An RGB first layer: 27 taps leave three after blocks of four in the filter
	// gradient's 8-row dot products.
	{N: 2, C: 3, H: 8, W: 8, O: 16, KH: 3, KW: 3, OH: 8, OW: 8, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, DilH: 1, DilW: 1, Groups: 1},
}

// shiftedScratchLen returns the scratch all three shifted-window kernels need for g,
// which may exceed g.ScratchLen() where the rule picks im2col for one of them.
func shiftedScratchLen(g ConvGeom) int {
	f := newShiftedForm(g)
	return max(f.forwardScratch(), f.filterGradScratch(), newShiftedForm(inputGradForm(g)).forwardScratch())
}

// requireSumClose checks float32 sums against float64 ones: got[i] may differ from
// want[i] by 1e-5 times abs[i], the sum of the magnitudes of its terms. Rounding to
// float32 typically costs about sqrt(terms)*6e-8 of that, 1.4e-6 for 540 terms.
func requireSumClose(t *testing.T, what string, got []float32, want, abs []float64) {
	t.Helper()
	require.Len(t, got, len(want), what)
	for i := range want {
		d := math.Abs(float64(got[i]) - want[i])
		require.LessOrEqual(t, d, 1e-5*abs[i], "%s: element %d = %v, want %v", what, i, got[i], want[i])
	}
}

// withConvKernels runs f once with the Go micro-kernels and, where the CPU has them,
// once with the assembly ones.
func withConvKernels(t *testing.T, f func(t *testing.T)) {
	saved := convUseAsm
	defer func() { convUseAsm = saved }()
	convUseAsm = false
	t.Run("go", f)
	if hasConvAVX2 {
		convUseAsm = true
		t.Run("asm", f)
	}
}

func TestShiftedConv(t *testing.T) {
	saved := filterPartColumns
	defer func() { filterPartColumns = saved }()
	for _, columns := range []int{saved, 1} {
		filterPartColumns = columns // 1 splits the filter gradient into convSlots parts
		testShiftedConv(t)
	}
}

func testShiftedConv(t *testing.T) {
	withConvKernels(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(7, 8))
		for _, g := range shiftedGeoms {
			require.True(t, shiftedFits(g) && shiftedFits(inputGradForm(g)), "%+v", g)
			nx, nw, ny := g.N*g.C*g.H*g.W, g.O*g.C/g.Groups*g.KH*g.KW, g.N*g.O*g.OH*g.OW
			x, w, dy := randSlice[float32](r, nx), randSlice[float32](r, nw), randSlice[float32](r, ny)
			wantY, wantDX, wantDW := make([]float64, ny), make([]float64, nx), make([]float64, nw)
			absY, absDX, absDW := make([]float64, ny), make([]float64, nx), make([]float64, nw)
			naiveConv(g, func(xi, wi, yi int) {
				wantY[yi] += float64(x[xi]) * float64(w[wi])
				wantDX[xi] += float64(dy[yi]) * float64(w[wi])
				wantDW[wi] += float64(x[xi]) * float64(dy[yi])
				absY[yi] += math.Abs(float64(x[xi]) * float64(w[wi]))
				absDX[xi] += math.Abs(float64(dy[yi]) * float64(w[wi]))
				absDW[wi] += math.Abs(float64(x[xi]) * float64(dy[yi]))
			})

			scratch, checkScratch := guarded[float32](shiftedScratchLen(g))
			y, checkY := guarded[float32](ny)
			dx, checkDX := guarded[float32](nx)
			dw, checkDW := guarded[float32](nw)
			for _, s := range [][]float32{scratch, y, dx, dw} {
				for i := range s {
					s[i] = 3 // stale values must not leak into the results
				}
			}
			shiftedConv2D(y, x, w, scratch, g)
			shiftedInputGrad(dx, dy, w, scratch, g)
			shiftedFilterGrad(dw, x, dy, scratch, g)
			for _, c := range []func(*testing.T){checkScratch, checkY, checkDX, checkDW} {
				c(t)
			}
			requireSumClose(t, "forward", y, wantY, absY)
			requireSumClose(t, "input gradient", dx, wantDX, absDX)
			requireSumClose(t, "filter gradient", dw, wantDW, absDW)

			// The same inputs give the same bits.
			y2, dx2, dw2 := make([]float32, ny), make([]float32, nx), make([]float32, nw)
			shiftedConv2D(y2, x, w, scratch, g)
			shiftedInputGrad(dx2, dy, w, scratch, g)
			shiftedFilterGrad(dw2, x, dy, scratch, g)
			require.Equal(t, y, y2)
			require.Equal(t, dx, dx2)
			require.Equal(t, dw, dw2)

			allocs := testing.AllocsPerRun(3, func() {
				shiftedConv2D(y, x, w, scratch, g)
				shiftedInputGrad(dx, dy, w, scratch, g)
				shiftedFilterGrad(dw, x, dy, scratch, g)
			})
			require.Zero(t, allocs, "shifted-window kernels allocate")
		}
	})
}

// TestConvMicroKernels checks the assembly micro-kernels against the Go ones on
// random panels and offsets.
func TestConvMicroKernels(t *testing.T) {
	if !hasConvAVX2 {
		t.Skip("no assembly convolution kernels on this CPU or build")
	}
	r := rand.New(rand.NewPCG(9, 10))
	for _, k := range []int{1, 2, 7, 25, 150} {
		a, b := randSlice[float32](r, k*kernelMR), randSlice[float32](r, 300)
		off := make([]int32, k)
		for i := range off {
			off[i] = int32(r.IntN(300 - kernelNR + 1))
		}
		ldc := 20
		want, got := randSlice[float32](r, 5*ldc+kernelNR), make([]float32, 5*ldc+kernelNR)
		copy(got, want)
		gotC, check := guarded[float32](len(got))
		copy(gotC, got)
		convGemmGo(k, a, b, off, want, ldc)
		convGemmAVX2(k, a, b, off, gotC, ldc)
		check(t)
		requireClose(t, "convGemm", gotC, toF64(want), 1e-5)
	}
	for _, n := range []int{1, 3, 17} {
		base := randSlice[float32](r, 400)
		var aOff [6]int
		var bOff [2]int
		for i := range aOff {
			aOff[i] = r.IntN(400 - 8*n + 1)
		}
		for i := range bOff {
			bOff[i] = r.IntN(400 - 8*n + 1)
		}
		var want, got [12 * convDotLanes]float32
		for i := range want {
			want[i] = float32(i)
		}
		got = want
		convDotGo(n, base, &aOff, &bOff, &want)
		convDotAVX2(n, base, &aOff, &bOff, &got)
		requireClose(t, "convDot", got[:], toF64(want[:]), 1e-5)
	}
}

func toF64(s []float32) []float64 {
	d := make([]float64, len(s))
	for i, v := range s {
		d[i] = float64(v)
	}
	return d
}

// TestConvAlgoRule pins the algorithm choice of a few geometries.
func TestConvAlgoRule(t *testing.T) {
	lenet2 := ConvGeom{N: 64, C: 6, H: 14, W: 14, O: 16, KH: 5, KW: 5, OH: 10, OW: 10,
		StrideH: 1, StrideW: 1, DilH: 1, DilW: 1, Groups: 1}
	strided := convGeoms[1]
	want := convIm2col
	if hasConvAVX2 {
		want = convShifted
	}
	require.Equal(t, want, convAlgoFor(convForward, lenet2, true))
	require.Equal(t, convIm2col, convAlgoFor(convForward, lenet2, false), "float64 runs im2col")
	require.Equal(t, convIm2col, convAlgoFor(convFilterGrad, strided, true), "stride 2 runs im2col")

	small := ConvGeom{N: 16, C: 64, H: 4, W: 4, O: 64, KH: 3, KW: 3, OH: 4, OW: 4,
		StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, DilH: 1, DilW: 1, Groups: 1}
	require.Equal(t, want, convAlgoFor(convForward, small, true))
	require.Equal(t, convIm2col, convAlgoFor(convFilterGrad, small, true), "filter gradient of 4×4 images")
	require.Equal(t, want, convAlgoFor(convFilterGrad, lenet2, true))

	// The last geometry of the conformance test runs every kernel in the shifted window.
	last := convGeoms[len(convGeoms)-1]
	for _, op := range []convOp{convForward, convInputGrad, convFilterGrad} {
		require.Equal(t, want, convAlgoFor(op, last, true), "op %d", op)
	}
}

// TestShiftedConvWorkers checks that splitting the batch across workers gives the bits
// of a run on one goroutine.
func TestShiftedConvWorkers(t *testing.T) {
	savedWork, savedColumns, savedThreads := convParallelMinWork, filterPartColumns, SetThreads(1)
	savedProcs := goruntime.GOMAXPROCS(convSlots) // let up to convSlots workers run
	defer func() {
		convParallelMinWork, filterPartColumns = savedWork, savedColumns
		SetThreads(savedThreads)
		goruntime.GOMAXPROCS(savedProcs)
	}()
	convParallelMinWork = 0
	filterPartColumns = 1 // as many parts as slots
	r := rand.New(rand.NewPCG(11, 12))
	for _, g := range shiftedGeoms {
		g.N = 7 // more samples than slots, not a multiple of them
		require.Equal(t, convSlots, newShiftedForm(g).filterGradParts())
		nx, nw, ny := g.N*g.C*g.H*g.W, g.O*g.C/g.Groups*g.KH*g.KW, g.N*g.O*g.OH*g.OW
		x, w, dy := randSlice[float32](r, nx), randSlice[float32](r, nw), randSlice[float32](r, ny)
		run := func(threads int) (y, dx, dw []float32) {
			SetThreads(threads)
			scratch, check := guarded[float32](shiftedScratchLen(g))
			y, dx, dw = make([]float32, ny), make([]float32, nx), make([]float32, nw)
			shiftedConv2D(y, x, w, scratch, g)
			shiftedInputGrad(dx, dy, w, scratch, g)
			shiftedFilterGrad(dw, x, dy, scratch, g)
			check(t)
			return y, dx, dw
		}
		y1, dx1, dw1 := run(1)
		for _, threads := range []int{2, 3, convSlots} {
			y, dx, dw := run(threads)
			require.Equal(t, y1, y, "forward with %d threads", threads)
			require.Equal(t, dx1, dx, "input gradient with %d threads", threads)
			require.Equal(t, dw1, dw, "filter gradient with %d threads", threads)
		}
	}
}
