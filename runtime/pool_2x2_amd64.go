//go:build amd64 && !purego

package runtime

// hasPoolAVX2 reports whether the assembly 2×2 max-pooling kernels can run. They use
// AVX2, which the CPUs with the GEMM kernel's AVX2 and FMA have.
var hasPoolAVX2 = hasSgemmAVX2

// maxPool2x2AVX2 is the assembly form of maxPool2x2Planes for float32 (pool_2x2_vec.go
// describes the arguments). The caller checks the bounds.
//
//go:noescape
func maxPool2x2AVX2(y, x []float32, planes, hw, w, oh, ow int)

// maxPool2x2GradAVX2 is the assembly form of maxPool2x2GradPlanes for float32. The
// caller checks the bounds.
//
//go:noescape
func maxPool2x2GradAVX2(dx, x, dy []float32, planes, hw, w, oh, ow int)
