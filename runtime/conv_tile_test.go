package runtime

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// The AVX-512 kernel must give the bits of the AVX2 kernel, tile by tile and through
// the whole forward form.

// TestConvGemmAVX512 compares a wide tile with two AVX2 tiles and a narrow AVX-512 tile
// with one, added to C and set.
func TestConvGemmAVX512(t *testing.T) {
	if !hasConvAVX512 {
		t.Skip("no AVX-512 convolution kernel on this CPU or build")
	}
	r := rand.New(rand.NewPCG(31, 32))
	for _, k := range []int{0, 1, 2, 7, 25, 150} {
		a, b := randSlice[float32](r, k*kernelMR), randSlice[float32](r, 400)
		off := make([]int32, k)
		for i := range off {
			off[i] = int32(r.IntN(400 - 2*kernelNR + 1))
		}
		const ldc = 40
		for _, add := range []bool{false, true} {
			init := randSlice[float32](r, 5*ldc+2*kernelNR)
			want, got := append([]float32(nil), init...), append([]float32(nil), init...)
			gotC, check := guarded[float32](len(got))
			copy(gotC, got)
			for h := 0; h < 2*kernelNR; h += kernelNR {
				if !add {
					for i := range kernelMR {
						clear(want[i*ldc+h : i*ldc+h+kernelNR])
					}
				}
				if k > 0 {
					convGemmAVX2(k, a, b[h:], off, want[h:], ldc)
				}
			}
			flag := 0
			if add {
				flag = 1
			}
			convGemmAVX512(k, a, b, off, gotC, ldc, flag)
			check(t)
			requireSameBits32(t, "convGemmAVX512", gotC, want)

			// The narrow kernel on the second half of the same tile.
			copy(gotC, init)
			copy(want, init)
			if !add {
				for i := range kernelMR {
					clear(want[i*ldc+kernelNR : i*ldc+2*kernelNR])
				}
			}
			if k > 0 {
				convGemmAVX2(k, a, b[kernelNR:], off, want[kernelNR:], ldc)
			}
			convGemm16AVX512(k, a, b[kernelNR:], off, gotC[kernelNR:], ldc, flag)
			check(t)
			requireSameBits32(t, "convGemm16AVX512", gotC, want)
		}
	}
}

// TestShiftedWideTiles runs the three kernels with and without the AVX-512 kernels and
// requires the same bits, on the conformance geometries and LeNet's.
func TestShiftedWideTiles(t *testing.T) {
	if !hasConvAVX512 {
		t.Skip("no AVX-512 convolution kernel on this CPU or build")
	}
	defer func(saved bool) { convUseAVX512 = saved }(convUseAVX512)
	geoms := append([]ConvGeom{
		{N: 2, C: 1, H: 28, W: 28, O: 6, KH: 5, KW: 5, OH: 28, OW: 28, StrideH: 1, StrideW: 1, PadH: 2, PadW: 2, DilH: 1, DilW: 1, Groups: 1},
		{N: 2, C: 6, H: 14, W: 14, O: 16, KH: 5, KW: 5, OH: 10, OW: 10, StrideH: 1, StrideW: 1, DilH: 1, DilW: 1, Groups: 1},
	}, shiftedGeoms...)
	r := rand.New(rand.NewPCG(33, 34))
	for _, g := range geoms {
		nx, nw, ny := g.N*g.C*g.H*g.W, g.O*g.C/g.Groups*g.KH*g.KW, g.N*g.O*g.OH*g.OW
		x, w, dy := randSlice[float32](r, nx), randSlice[float32](r, nw), randSlice[float32](r, ny)
		// An infinity in x and a NaN in dy reach the same outputs with either tiling.
		x[nx/2], dy[ny/3] = float32(math.Inf(1)), float32(math.NaN())
		run := func(wide bool) (y, dx, dw []float32) {
			convUseAVX512 = wide
			scratch, check := guarded[float32](shiftedScratchLen(g))
			for i := range scratch {
				scratch[i] = 5 // stale scratch must not leak into the results
			}
			y, dx, dw = make([]float32, ny), make([]float32, nx), make([]float32, nw)
			shiftedConv2D(y, x, w, scratch, g)
			shiftedInputGrad(dx, dy, w, scratch, g)
			shiftedFilterGrad(dw, x, dy, scratch, g)
			check(t)
			return y, dx, dw
		}
		wantY, wantDX, wantDW := run(false)
		y, dx, dw := run(true)
		requireSameBits32(t, "forward", y, wantY)
		requireSameBits32(t, "input gradient", dx, wantDX)
		requireSameBits32(t, "filter gradient", dw, wantDW)
	}
}

// TestConvDot4AVX512 compares the four-tap kernel with two calls of convDotAVX2.
func TestConvDot4AVX512(t *testing.T) {
	if !hasConvAVX512 {
		t.Skip("no AVX-512 convolution kernel on this CPU or build")
	}
	r := rand.New(rand.NewPCG(35, 36))
	for _, n := range []int{1, 3, 17, 112} {
		base := randSlice[float32](r, 8*n+300)
		var aOff [6]int
		var bOff [4]int
		for i := range aOff {
			aOff[i] = r.IntN(301)
		}
		for i := range bOff {
			bOff[i] = r.IntN(301)
		}
		var want, got [24 * convDotLanes]float32
		for i := range want {
			want[i] = float32(r.NormFloat64())
		}
		got = want
		convDotAVX2(n, base, &aOff, (*[2]int)(bOff[:2]), (*[12 * convDotLanes]float32)(want[:12*convDotLanes]))
		convDotAVX2(n, base, &aOff, (*[2]int)(bOff[2:]), (*[12 * convDotLanes]float32)(want[12*convDotLanes:]))
		convDot4AVX512(n, base, &aOff, &bOff, &got)
		requireSameBits32(t, "convDot4AVX512", got[:], want[:])
	}
}

// TestConvDot8AVX512 compares the eight-row kernel with calls of convDotAVX2 on rows
// 0-5 and on rows 2-7.
func TestConvDot8AVX512(t *testing.T) {
	if !hasConvAVX512 {
		t.Skip("no AVX-512 convolution kernel on this CPU or build")
	}
	r := rand.New(rand.NewPCG(37, 38))
	for _, n := range []int{1, 3, 17, 112} {
		base := randSlice[float32](r, 8*n+300)
		var aOff [8]int
		var bOff [4]int
		for i := range aOff {
			aOff[i] = r.IntN(301)
		}
		for i := range bOff {
			bOff[i] = r.IntN(301)
		}
		var got [32 * convDotLanes]float32
		for i := range got {
			got[i] = float32(r.NormFloat64())
		}
		init := got
		convDot8AVX512(n, base, &aOff, &bOff, &got)
		for p := range 2 { // tap pair
			for _, r0 := range []int{0, 2} { // rows r0..r0+5
				var want [12 * convDotLanes]float32
				copy(want[:], init[(8*p+r0)*16:])
				convDotAVX2(n, base, (*[6]int)(aOff[r0:r0+6]), (*[2]int)(bOff[2*p:2*p+2]), &want)
				requireSameBits32(t, "convDot8AVX512", got[(8*p+r0)*16:(8*p+r0+6)*16], want[:])
			}
		}
	}
}

// TestForwardFormScratch checks that the compact rows of newForwardForm need no more
// scratch than ScratchLen provides, which newShiftedForm's layout sizes, and pins the
// row width of LeNet's padded forms.
func TestForwardFormScratch(t *testing.T) {
	lenet1 := ConvGeom{N: 64, C: 1, H: 28, W: 28, O: 6, KH: 5, KW: 5, OH: 28, OW: 28,
		StrideH: 1, StrideW: 1, PadH: 2, PadW: 2, DilH: 1, DilW: 1, Groups: 1}
	lenet2 := ConvGeom{N: 64, C: 6, H: 14, W: 14, O: 16, KH: 5, KW: 5, OH: 10, OW: 10,
		StrideH: 1, StrideW: 1, DilH: 1, DilW: 1, Groups: 1}
	for _, g := range append([]ConvGeom{lenet1, lenet2}, shiftedGeoms...) {
		for _, form := range []ConvGeom{g, inputGradForm(g)} {
			require.LessOrEqual(t, newForwardForm(form).forwardScratch(), newShiftedForm(form).forwardScratch(), "%+v", form)
		}
	}
	require.Equal(t, 30, newForwardForm(lenet1).wp, "conv1: 28 values and 2 zeros per row")
	require.Equal(t, 14, newForwardForm(inputGradForm(lenet2)).wp, "conv2 input gradient: 10 values and 4 zeros")
	require.Equal(t, 14, newForwardForm(lenet2).wp, "conv2 has no padding")
}

// TestConvGemm8AVX512 compares the 8-row kernels with convGemmAVX2 on rows 0-5 and on
// rows 2-7 of the same panel, added to C and set.
func TestConvGemm8AVX512(t *testing.T) {
	if !hasConvAVX512 {
		t.Skip("no AVX-512 convolution kernel on this CPU or build")
	}
	r := rand.New(rand.NewPCG(39, 40))
	for _, k := range []int{0, 1, 2, 7, 25, 150} {
		a8, b := randSlice[float32](r, k*8), randSlice[float32](r, 400)
		off := make([]int32, k)
		for i := range off {
			off[i] = int32(r.IntN(400 - 2*kernelNR + 1))
		}
		const ldc = 40
		for _, cols := range []int{kernelNR, 2 * kernelNR} {
			for _, add := range []bool{false, true} {
				init := randSlice[float32](r, 7*ldc+cols)
				got, check := guarded[float32](len(init))
				copy(got, init)
				flag := 0
				if add {
					flag = 1
				}
				if cols == kernelNR {
					convGemm8x16AVX512(k, a8, b, off, got, ldc, flag)
				} else {
					convGemm8x32AVX512(k, a8, b, off, got, ldc, flag)
				}
				check(t)
				for _, r0 := range []int{0, 2} {
					a6 := make([]float32, k*kernelMR)
					for p := range k {
						copy(a6[p*kernelMR:(p+1)*kernelMR], a8[p*8+r0:])
					}
					want := append([]float32(nil), init[r0*ldc:]...)
					for h := 0; h < cols; h += kernelNR {
						if !add {
							for i := range kernelMR {
								clear(want[i*ldc+h : i*ldc+h+kernelNR])
							}
						}
						if k > 0 {
							convGemmAVX2(k, a6, b[h:], off, want[h:], ldc)
						}
					}
					for i := range kernelMR {
						requireSameBits32(t, "convGemm8 row", got[(r0+i)*ldc:(r0+i)*ldc+cols], want[i*ldc:i*ldc+cols])
					}
				}
			}
		}
	}
}
