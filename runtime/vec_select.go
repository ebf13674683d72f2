package runtime

// SelectGtVS32 sets dst[i] = a[i] if x[i] > c, else b, for every i < len(dst): the
// backward pass of a ReLU, where x is the ReLU's input, c and b are 0 and a is the
// gradient of its output. The comparison is Go's: false when x[i] is NaN, and -0
// is not greater than +0. It copies the bits of a[i] or b unchanged. dst may be x or
// a itself but must not partly overlap either. It panics if x or a is shorter than
// dst, and does not allocate.
func SelectGtVS32(dst, x []float32, c float32, a []float32, b float32) {
	checkVec("SelectGtVS32", "x", dst, x)
	checkVec("SelectGtVS32", "a", dst, a)
	if selectGtFast != nil && len(dst) >= 8 {
		i := vecBody(len(dst))
		selectGtFast(dst[:i], x, c, a, b)
		dst, x, a = dst[i:], x[i:], a[i:]
	}
	x, a = x[:len(dst)], a[:len(dst)]
	for i := range dst {
		if x[i] > c {
			dst[i] = a[i]
		} else {
			dst[i] = b
		}
	}
}
