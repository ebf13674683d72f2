package runtime

import (
	"fmt"
	"unsafe"
)

// The slice forms of the float32 elementwise functions. Each writes f(src[i]) to
// dst[i] for every i < len(src) with the same bits as the scalar function, so that a
// fused loop calling Exp32 and an unfused Exp32Slice agree exactly. On amd64 CPUs
// with AVX2 they run the kernels in vmath_amd64.s over 8 elements at a time and the
// scalar function over the last len(src)%8. Elsewhere, and under the purego build
// tag, they loop over the scalar function.

// vmathKernel writes f(src[i]) to dst[i] for len(src) elements, a multiple of 8, with
// len(dst) == len(src) and dst either equal to src or disjoint from it.
type vmathKernel func(dst, src []float32)

// vmathKernels are the vector kernels of one build and CPU. A field is nil where the
// build has no kernel for that function.
type vmathKernels struct {
	name                    string
	exp, log, tanh, sigmoid vmathKernel
}

// vmathFast is the set of kernels that the slice forms use, chosen at start-up by CPU
// features.
var vmathFast = fastVmathKernels()

// Exp32Slice sets dst[i] = Exp32(src[i]) for every i < len(src), bit for bit. dst may
// be src itself. It panics if len(dst) < len(src) or if dst[:len(src)] and src overlap
// without being the same slice. It does not allocate.
func Exp32Slice(dst, src []float32) {
	vmathApply("Exp32Slice", vmathFast.exp, Exp32, dst, src)
}

// Log32Slice sets dst[i] = Log32(src[i]) for every i < len(src), bit for bit. dst may
// be src itself. It panics if len(dst) < len(src) or if dst[:len(src)] and src overlap
// without being the same slice. It does not allocate.
func Log32Slice(dst, src []float32) {
	vmathApply("Log32Slice", vmathFast.log, Log32, dst, src)
}

// Tanh32Slice sets dst[i] = Tanh32(src[i]) for every i < len(src), bit for bit. dst
// may be src itself. It panics if len(dst) < len(src) or if dst[:len(src)] and src
// overlap without being the same slice. It does not allocate.
func Tanh32Slice(dst, src []float32) {
	vmathApply("Tanh32Slice", vmathFast.tanh, Tanh32, dst, src)
}

// Sigmoid32Slice sets dst[i] = Sigmoid32(src[i]) for every i < len(src), bit for bit.
// dst may be src itself. It panics if len(dst) < len(src) or if dst[:len(src)] and src
// overlap without being the same slice. It does not allocate.
func Sigmoid32Slice(dst, src []float32) {
	vmathApply("Sigmoid32Slice", vmathFast.sigmoid, Sigmoid32, dst, src)
}

// vmathApply checks dst and src for fn, runs kernel (when not nil) over the longest
// prefix whose length is a multiple of 8 and scalar over the rest.
func vmathApply(fn string, kernel vmathKernel, scalar func(float32) float32,
	dst, src []float32) {
	checkVmath(fn, dst, src)
	done := 0
	if kernel != nil {
		done = len(src) &^ 7
		if done > 0 {
			kernel(dst[:done], src[:done])
		}
	}
	dst = dst[:len(src)]
	for i := done; i < len(src); i++ {
		dst[i] = scalar(src[i])
	}
}

// checkVmath panics unless dst is at least as long as src and dst[:len(src)] is
// either src itself or disjoint from it.
func checkVmath(fn string, dst, src []float32) {
	if len(dst) < len(src) {
		panicVmathLen(fn, len(dst), len(src))
	}
	if len(src) == 0 {
		return
	}
	d := uintptr(unsafe.Pointer(unsafe.SliceData(dst)))
	s := uintptr(unsafe.Pointer(unsafe.SliceData(src)))
	size := uintptr(len(src)) * 4
	if d != s && d < s+size && s < d+size {
		panicVmathOverlap(fn)
	}
}

//go:noinline
func panicVmathLen(fn string, lenDst, lenSrc int) {
	panic(fmt.Sprintf("nncc: %s: len(dst) = %d, want >= len(src) = %d", fn, lenDst, lenSrc))
}

//go:noinline
func panicVmathOverlap(fn string) {
	panic(fmt.Sprintf("nncc: %s: dst and src overlap without being the same slice", fn))
}
