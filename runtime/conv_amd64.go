//go:build amd64 && !purego

package runtime

// hasConvAVX2 reports whether the assembly convolution kernels can run: they use the
// same AVX2 and FMA instructions as sgemmKernelAVX2.
var hasConvAVX2 = hasSgemmAVX2

// convGemmAVX2 is the assembly form of convGemmGo. The caller checks the bounds.
//
//go:noescape
func convGemmAVX2(k int, a, b []float32, off []int32, c []float32, ldc int)

// convDotAVX2 is the assembly form of convDotGo. The caller checks the bounds.
//
//go:noescape
func convDotAVX2(n int, base []float32, aOff *[6]int, bOff *[2]int, acc *[96]float32)
