//go:build !amd64 || purego

package runtime

// hasPoolAVX2 is false: this build has no assembly pooling kernels.
const hasPoolAVX2 = false

func maxPool2x2AVX2(y, x []float32, planes, hw, w, oh, ow int) {
	panic("nncc: maxPool2x2AVX2: no assembly kernel in this build")
}

func maxPool2x2GradAVX2(dx, x, dy []float32, planes, hw, w, oh, ow int) {
	panic("nncc: maxPool2x2GradAVX2: no assembly kernel in this build")
}
