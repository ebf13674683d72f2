//go:build !amd64 || purego

package runtime

// hasConvAVX512 is false: this build has no assembly convolution kernels.
const hasConvAVX512 = false

func convGemmAVX512(k int, a, b []float32, off []int32, c []float32, ldc int, add int) {
	panic("nncc: convGemmAVX512: no assembly kernel in this build")
}

func convDot4AVX512(n int, base []float32, aOff *[6]int, bOff *[4]int, acc *[24 * convDotLanes]float32) {
	panic("nncc: convDot4AVX512: no assembly kernel in this build")
}

func convGemm16AVX512(k int, a, b []float32, off []int32, c []float32, ldc int, add int) {
	panic("nncc: convGemm16AVX512: no assembly kernel in this build")
}

func convDot8AVX512(n int, base []float32, aOff *[8]int, bOff *[4]int, acc *[32 * convDotLanes]float32) {
	panic("nncc: convDot8AVX512: no assembly kernel in this build")
}

func convGemm8x32AVX512(k int, a, b []float32, off []int32, c []float32, ldc int, add int) {
	panic("nncc: convGemm8x32AVX512: no assembly kernel in this build")
}

func convGemm8x16AVX512(k int, a, b []float32, off []int32, c []float32, ldc int, add int) {
	panic("nncc: convGemm8x16AVX512: no assembly kernel in this build")
}
