//go:build amd64 && !purego

package runtime

// copyRowsAsm selects the assembly form of copyRows; tests clear it to run the Go loop.
var copyRowsAsm = hasSgemmAVX2

// copyRowsAVX2 is the assembly form of copyRows. The caller checks the bounds.
//
//go:noescape
func copyRowsAVX2(dst, src []float32, rows, width, dstStride, srcStride int)
