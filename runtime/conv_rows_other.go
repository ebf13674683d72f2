//go:build !amd64 || purego

package runtime

// copyRowsAsm is false: this build has no assembly form of copyRows.
var copyRowsAsm = false

func copyRowsAVX2(dst, src []float32, rows, width, dstStride, srcStride int) {
	panic("nncc: copyRowsAVX2: no assembly kernel in this build")
}
