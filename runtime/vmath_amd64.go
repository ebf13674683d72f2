//go:build amd64 && !purego

package runtime

import "golang.org/x/sys/cpu"

// hasVmathAVX2 reports whether the CPU and OS support the AVX2 instructions of the
// kernels in vmath_amd64.s. They use no FMA, so that they round exactly as the scalar
// Go functions do.
var hasVmathAVX2 = cpu.X86.HasAVX2

// The kernels in vmath_amd64.s, each with the contract of vmathKernel and the
// operation sequence of its scalar function. They must only be called when
// hasVmathAVX2 is set, through vmathApply, which checks the lengths and the overlap.

//go:noescape
func expAVX2(dst, src []float32)

//go:noescape
func logAVX2(dst, src []float32)

//go:noescape
func tanhAVX2(dst, src []float32)

//go:noescape
func sigmoidAVX2(dst, src []float32)

// fastVmathKernels returns the AVX2 kernels when the CPU supports them, else none.
func fastVmathKernels() vmathKernels {
	if !hasVmathAVX2 {
		return vmathKernels{}
	}
	return vmathKernels{"avx2", expAVX2, logAVX2, tanhAVX2, sigmoidAVX2}
}
