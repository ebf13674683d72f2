package runtime

import (
	"fmt"
	"math"
	"unsafe"
)

// The float32 slice kernels of fused elementwise loops over large arrays, such as an
// optimizer's update of a whole parameter. Each writes one result per element of
// dst, for i < len(dst), with exactly the bits of Go's float32 expression on the
// same operands: IEEE single precision, rounded to nearest even, with subnormals
// kept. A loop that calls them therefore gives the bits of the element loop it
// replaces. The one permitted difference is the payload of a NaN computed from two
// NaN operands. The x86 instructions copy the payload of their first operand, and
// Go's compiler may put either operand of a commutative op first, so the payload
// can come from either NaN.
//
// Every kernel panics if an operand slice is shorter than dst or if dst[:len(dst)]
// partly overlaps an operand's first len(dst) elements; dst may be an operand
// itself (the same first element). None allocates. On amd64 CPUs with AVX2 they run
// the assembly in vec_amd64.s over the longest prefix whose length is a multiple of
// 8, and a Go loop over the rest; elsewhere, and under the purego build tag, the Go
// loop does all of it. The assembly uses VADDPS, VSUBPS, VMULPS, VDIVPS and VSQRTPS
// only, never a fused multiply-add, so that it rounds as the Go operators do.

// vecVVKernel, vecVSKernel, vecSVKernel and vecUnaryKernel compute one kernel over
// len(dst) elements, a multiple of 8, with operands at least as long as dst and
// either equal to it or disjoint from it.
type (
	vecVVKernel    func(dst, a, b []float32)
	vecVSKernel    func(dst, a []float32, b float32)
	vecSVKernel    func(dst []float32, a float32, b []float32)
	vecUnaryKernel func(dst, a []float32)
)

// vecKernels are the vector kernels of one build and CPU. A field is nil where the
// build has no kernel for it, and then the Go loop computes every element.
type vecKernels struct {
	name                       string
	addVV, subVV, mulVV, divVV vecVVKernel
	addVS, subVS, mulVS, divVS vecVSKernel
	subSV, divSV               vecSVKernel
	neg, sqrt, relu            vecUnaryKernel
	mulAddVS, subMulVS         vecMulAddKernel
	adam                       vecAdamKernel
}

// vecFast is the set of kernels that the slice kernels use, chosen at start-up by
// CPU features.
var vecFast = fastVecKernels()

// vecBody returns the number of leading elements of n that a vector kernel computes.
func vecBody(n int) int { return n &^ 7 }

// AddVV32 sets dst[i] = a[i] + b[i] for every i < len(dst). It panics if a or b is
// shorter than dst or partly overlaps it.
func AddVV32(dst, a, b []float32) {
	checkVecVV("AddVV32", dst, a, b)
	if k := vecFast.addVV; k != nil && len(dst) >= 8 {
		i := vecBody(len(dst))
		k(dst[:i], a, b)
		dst, a, b = dst[i:], a[i:], b[i:]
	}
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] + b[i]
	}
}

// SubVV32 sets dst[i] = a[i] - b[i] for every i < len(dst). It panics if a or b is
// shorter than dst or partly overlaps it.
func SubVV32(dst, a, b []float32) {
	checkVecVV("SubVV32", dst, a, b)
	if k := vecFast.subVV; k != nil && len(dst) >= 8 {
		i := vecBody(len(dst))
		k(dst[:i], a, b)
		dst, a, b = dst[i:], a[i:], b[i:]
	}
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] - b[i]
	}
}

// MulVV32 sets dst[i] = a[i] * b[i] for every i < len(dst). It panics if a or b is
// shorter than dst or partly overlaps it.
func MulVV32(dst, a, b []float32) {
	checkVecVV("MulVV32", dst, a, b)
	if k := vecFast.mulVV; k != nil && len(dst) >= 8 {
		i := vecBody(len(dst))
		k(dst[:i], a, b)
		dst, a, b = dst[i:], a[i:], b[i:]
	}
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] * b[i]
	}
}

// DivVV32 sets dst[i] = a[i] / b[i] for every i < len(dst). It panics if a or b is
// shorter than dst or partly overlaps it.
func DivVV32(dst, a, b []float32) {
	checkVecVV("DivVV32", dst, a, b)
	if k := vecFast.divVV; k != nil && len(dst) >= 8 {
		i := vecBody(len(dst))
		k(dst[:i], a, b)
		dst, a, b = dst[i:], a[i:], b[i:]
	}
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] / b[i]
	}
}

// AddVS32 sets dst[i] = a[i] + b for every i < len(dst). It panics if a is shorter
// than dst or partly overlaps it.
func AddVS32(dst, a []float32, b float32) {
	checkVec("AddVS32", "a", dst, a)
	if k := vecFast.addVS; k != nil && len(dst) >= 8 {
		i := vecBody(len(dst))
		k(dst[:i], a, b)
		dst, a = dst[i:], a[i:]
	}
	a = a[:len(dst)]
	for i := range dst {
		dst[i] = a[i] + b
	}
}

// SubVS32 sets dst[i] = a[i] - b for every i < len(dst). It panics if a is shorter
// than dst or partly overlaps it.
func SubVS32(dst, a []float32, b float32) {
	checkVec("SubVS32", "a", dst, a)
	if k := vecFast.subVS; k != nil && len(dst) >= 8 {
		i := vecBody(len(dst))
		k(dst[:i], a, b)
		dst, a = dst[i:], a[i:]
	}
	a = a[:len(dst)]
	for i := range dst {
		dst[i] = a[i] - b
	}
}

// MulVS32 sets dst[i] = a[i] * b for every i < len(dst). It panics if a is shorter
// than dst or partly overlaps it.
func MulVS32(dst, a []float32, b float32) {
	checkVec("MulVS32", "a", dst, a)
	if k := vecFast.mulVS; k != nil && len(dst) >= 8 {
		i := vecBody(len(dst))
		k(dst[:i], a, b)
		dst, a = dst[i:], a[i:]
	}
	a = a[:len(dst)]
	for i := range dst {
		dst[i] = a[i] * b
	}
}

// DivVS32 sets dst[i] = a[i] / b for every i < len(dst). It divides by b rather
// than multiplying by 1/b, so that the result is that of the Go expression. It
// panics if a is shorter than dst or partly overlaps it.
func DivVS32(dst, a []float32, b float32) {
	checkVec("DivVS32", "a", dst, a)
	if k := vecFast.divVS; k != nil && len(dst) >= 8 {
		i := vecBody(len(dst))
		k(dst[:i], a, b)
		dst, a = dst[i:], a[i:]
	}
	a = a[:len(dst)]
	for i := range dst {
		dst[i] = a[i] / b
	}
}

// SubSV32 sets dst[i] = a - b[i] for every i < len(dst). It panics if b is shorter
// than dst or partly overlaps it.
func SubSV32(dst []float32, a float32, b []float32) {
	checkVec("SubSV32", "b", dst, b)
	if k := vecFast.subSV; k != nil && len(dst) >= 8 {
		i := vecBody(len(dst))
		k(dst[:i], a, b)
		dst, b = dst[i:], b[i:]
	}
	b = b[:len(dst)]
	for i := range dst {
		dst[i] = a - b[i]
	}
}

// DivSV32 sets dst[i] = a / b[i] for every i < len(dst). It panics if b is shorter
// than dst or partly overlaps it.
func DivSV32(dst []float32, a float32, b []float32) {
	checkVec("DivSV32", "b", dst, b)
	if k := vecFast.divSV; k != nil && len(dst) >= 8 {
		i := vecBody(len(dst))
		k(dst[:i], a, b)
		dst, b = dst[i:], b[i:]
	}
	b = b[:len(dst)]
	for i := range dst {
		dst[i] = a / b[i]
	}
}

// Neg32 sets dst[i] = -a[i] for every i < len(dst): it flips the sign bit, as Go's
// unary minus does, so that 0 gives -0 and a NaN gives a NaN of the other sign. It
// panics if a is shorter than dst or partly overlaps it.
func Neg32(dst, a []float32) {
	checkVec("Neg32", "a", dst, a)
	if k := vecFast.neg; k != nil && len(dst) >= 8 {
		i := vecBody(len(dst))
		k(dst[:i], a)
		dst, a = dst[i:], a[i:]
	}
	a = a[:len(dst)]
	for i := range dst {
		dst[i] = -a[i]
	}
}

// Sqrt32 sets dst[i] to the correctly rounded square root of a[i] for every
// i < len(dst), the bits of float32(math.Sqrt(float64(a[i]))): -0 for -0, +Inf for
// +Inf and NaN for NaN and for inputs below zero. It panics if a is shorter than dst
// or partly overlaps it.
func Sqrt32(dst, a []float32) {
	checkVec("Sqrt32", "a", dst, a)
	if k := vecFast.sqrt; k != nil && len(dst) >= 8 {
		i := vecBody(len(dst))
		k(dst[:i], a)
		dst, a = dst[i:], a[i:]
	}
	a = a[:len(dst)]
	for i := range dst {
		dst[i] = sqrt32(a[i])
	}
}

// Relu32 sets dst[i] = a[i] where a[i] > 0 or a[i] is NaN, and +0 elsewhere (-0
// included), for every i < len(dst). It panics if a is shorter than dst or partly
// overlaps it.
func Relu32(dst, a []float32) {
	checkVec("Relu32", "a", dst, a)
	if k := vecFast.relu; k != nil && len(dst) >= 8 {
		i := vecBody(len(dst))
		k(dst[:i], a)
		dst, a = dst[i:], a[i:]
	}
	a = a[:len(dst)]
	for i := range dst {
		dst[i] = relu32(a[i])
	}
}

// sqrt32 is the element function of Sqrt32. Go's compiler turns it into one
// single-precision square root on amd64.
func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }

// relu32 is the element function of Relu32.
func relu32(x float32) float32 {
	if x > 0 || x != x {
		return x
	}
	return 0
}

// checkVecVV checks the operands of a kernel with two array operands.
func checkVecVV(fn string, dst, a, b []float32) {
	checkVec(fn, "a", dst, a)
	checkVec(fn, "b", dst, b)
}

// checkVec panics unless operand x of kernel fn is at least as long as dst
// and its first len(dst) elements are either dst itself or disjoint from it.
func checkVec(fn, name string, dst, x []float32) {
	n := len(dst)
	if len(x) < n {
		panicVecLen(fn, name, len(x), n)
	}
	if n == 0 {
		return
	}
	d := uintptr(unsafe.Pointer(unsafe.SliceData(dst)))
	s := uintptr(unsafe.Pointer(unsafe.SliceData(x)))
	size := uintptr(n) * 4
	if d != s && d < s+size && s < d+size {
		panicVecOverlap(fn, name)
	}
}

//go:noinline
func panicVecLen(fn, name string, lenX, lenDst int) {
	panic(fmt.Sprintf("nncc: %s: len(%s) = %d, want >= len(dst) = %d", fn, name, lenX, lenDst))
}

//go:noinline
func panicVecOverlap(fn, name string) {
	panic(fmt.Sprintf("nncc: %s: dst and %s overlap without being the same slice", fn, name))
}
