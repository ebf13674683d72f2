//go:build !amd64 || purego

package runtime

// hasConvAVX2 is false: this build has no assembly convolution kernels.
const hasConvAVX2 = false

func convGemmAVX2(k int, a, b []float32, off []int32, c []float32, ldc int) {
	panic("nncc: convGemmAVX2: no assembly kernel in this build")
}

func convDotAVX2(n int, base []float32, aOff *[6]int, bOff *[2]int, acc *[96]float32) {
	panic("nncc: convDotAVX2: no assembly kernel in this build")
}
