//go:build amd64 && !purego

package runtime

import "golang.org/x/sys/cpu"

// hasConvAVX512 reports whether the AVX-512 convolution kernels can run besides the
// AVX2 ones.
var hasConvAVX512 = hasConvAVX2 && cpu.X86.HasAVX512F

// convGemmAVX512 is convGemmAVX2 on a tile of kernelMR×2·kernelNR: it adds the product
// to C if add is not zero and overwrites C with it if add is zero. The caller checks
// the bounds.
//
//go:noescape
func convGemmAVX512(k int, a, b []float32, off []int32, c []float32, ldc int, add int)

// convDot4AVX512 is convDotAVX2 for four taps: it updates the two blocks of acc for
// the tap pairs bOff[0:2] and bOff[2:4] with the bits convDotAVX2 gives for each. The
// caller checks the bounds.
//
//go:noescape
func convDot4AVX512(n int, base []float32, aOff *[6]int, bOff *[4]int, acc *[24 * convDotLanes]float32)

// convGemm16AVX512 is convGemmAVX512 on a tile of kernelMR×kernelNR, the tile of
// convGemmAVX2. The caller checks the bounds.
//
//go:noescape
func convGemm16AVX512(k int, a, b []float32, off []int32, c []float32, ldc int, add int)

// convDot8AVX512 is convDot4AVX512 for eight rows of dy: it updates the two blocks of
// 8×2 dot products in acc, for the tap pairs bOff[0:2] and bOff[2:4], with the bits
// convDotAVX2 gives for each dot product. The caller checks the bounds.
//
//go:noescape
func convDot8AVX512(n int, base []float32, aOff *[8]int, bOff *[4]int, acc *[32 * convDotLanes]float32)

// convGemm8x32AVX512 is convGemmAVX512 for weights packed in panels of 8 rows: it
// computes a tile of 8×2·kernelNR. The caller checks the bounds.
//
//go:noescape
func convGemm8x32AVX512(k int, a, b []float32, off []int32, c []float32, ldc int, add int)

// convGemm8x16AVX512 is convGemm8x32AVX512 on a tile of 8×kernelNR. The caller checks
// the bounds.
//
//go:noescape
func convGemm8x16AVX512(k int, a, b []float32, off []int32, c []float32, ldc int, add int)
