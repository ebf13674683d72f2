//go:build amd64 && !purego

package runtime

import "golang.org/x/sys/cpu"

// hasVecAVX2 reports whether the CPU and OS support the AVX2 instructions of the
// kernels in vec_amd64.s. The kernels use no FMA, so that they round exactly as Go's
// float32 operators do.
var hasVecAVX2 = cpu.X86.HasAVX2

// The kernels in vec_amd64.s, each with the contract of its kernel type in vec.go:
// len(dst) is a multiple of 8 and the operands are at least as long and either equal
// to dst or disjoint from it. They must only be called when hasVecAVX2 is set,
// through the exported functions of vec.go, which check the lengths and the overlap.

//go:noescape
func addVVAVX2(dst, a, b []float32)

//go:noescape
func subVVAVX2(dst, a, b []float32)

//go:noescape
func mulVVAVX2(dst, a, b []float32)

//go:noescape
func divVVAVX2(dst, a, b []float32)

//go:noescape
func addVSAVX2(dst, a []float32, b float32)

//go:noescape
func subVSAVX2(dst, a []float32, b float32)

//go:noescape
func mulVSAVX2(dst, a []float32, b float32)

//go:noescape
func divVSAVX2(dst, a []float32, b float32)

//go:noescape
func subSVAVX2(dst []float32, a float32, b []float32)

//go:noescape
func divSVAVX2(dst []float32, a float32, b []float32)

//go:noescape
func negAVX2(dst, a []float32)

//go:noescape
func sqrtAVX2(dst, a []float32)

//go:noescape
func reluAVX2(dst, a []float32)

//go:noescape
func mulAddVSAVX2(dst, a []float32, s float32, b []float32)

//go:noescape
func subMulVSAVX2(dst, a []float32, s float32, b []float32)

//go:noescape
func adamAVX2(mOut, vOut, wOut, m, v, w, g []float32, c AdamCoef32)

// fastVecKernels returns the AVX2 kernels when the CPU supports them, else none.
func fastVecKernels() vecKernels {
	if !hasVecAVX2 {
		return vecKernels{}
	}
	return vecKernels{
		name:  "avx2",
		addVV: addVVAVX2, subVV: subVVAVX2, mulVV: mulVVAVX2, divVV: divVVAVX2,
		addVS: addVSAVX2, subVS: subVSAVX2, mulVS: mulVSAVX2, divVS: divVSAVX2,
		subSV: subSVAVX2, divSV: divSVAVX2,
		neg: negAVX2, sqrt: sqrtAVX2, relu: reluAVX2,
		mulAddVS: mulAddVSAVX2, subMulVS: subMulVSAVX2,
		adam: adamAVX2,
	}
}
