package runtime

// Slice kernels for a product by a scalar followed by an add or a subtract: the
// momentum of SGD (buf*momentum + g) and its step (w - buf*lr) are the common cases.
// They round the product before the add or subtract, as Go's float32(a*s) does, and
// never use a fused multiply-add, so they give the bits of the two separate kernels
// in one pass over memory. Lengths, overlap and NaN payloads are as for the kernels
// in vec.go.

// vecMulAddKernel computes one of these kernels over len(dst) elements, a multiple
// of 8, with operands at least as long as dst and either equal to it or disjoint
// from it.
type vecMulAddKernel func(dst, a []float32, s float32, b []float32)

// MulAddVS32 sets dst[i] = float32(a[i]*s) + b[i] for every i < len(dst). It panics
// if a or b is shorter than dst or partly overlaps it.
func MulAddVS32(dst, a []float32, s float32, b []float32) {
	checkVecVV("MulAddVS32", dst, a, b)
	if k := vecFast.mulAddVS; k != nil && len(dst) >= 8 {
		i := vecBody(len(dst))
		k(dst[:i], a, s, b)
		dst, a, b = dst[i:], a[i:], b[i:]
	}
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = float32(a[i]*s) + b[i]
	}
}

// SubMulVS32 sets dst[i] = b[i] - float32(a[i]*s) for every i < len(dst). It panics
// if a or b is shorter than dst or partly overlaps it.
func SubMulVS32(dst, b, a []float32, s float32) {
	checkVecVV("SubMulVS32", dst, a, b)
	if k := vecFast.subMulVS; k != nil && len(dst) >= 8 {
		i := vecBody(len(dst))
		k(dst[:i], a, s, b)
		dst, a, b = dst[i:], a[i:], b[i:]
	}
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = b[i] - float32(a[i]*s)
	}
}
