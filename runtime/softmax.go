package runtime

import (
	"fmt"
	"math"
	"unsafe"
)

// The log_softmax kernels. A tensor is seen as [outer, axisLen, inner], row-major,
// and the softmax runs along the middle axis: the axisLen elements of one slice lie
// inner apart. Per slice, with every step rounded to the element type,
//
//	mx = max(-Inf, x[0], ..., x[axisLen-1])   (the builtin max, so NaN propagates)
//	s  = x - mx
//	t  = 0 + exp(s[0]) + ... + exp(s[axisLen-1])   (summed in this order)
//	y  = s - log(t)
//
// These are the operations, in the same order, of the loops that generated code
// runs for the composite reduce_max, sub, exp, sum, log and sub, so the kernels give
// those loops' bits, up to the payload of a NaN. A slice of all -Inf gives NaN, a
// -Inf element among finite ones gives -Inf, and a +Inf or NaN element makes its
// slice NaN.
//
// The float32 kernel works on groups of slices in passes over the group: s into
// dst, one Exp32Slice over dst, the sums, one vector logarithm over the sums, and
// the results. A group holds at most softmaxSlices slices and, where its slices
// are contiguous rows, about softmaxGroup elements, so that it stays in the L1
// cache between the passes. The maxima and sums of a group live in arrays on the
// stack.
const (
	softmaxGroup  = 4096
	softmaxSlices = 256
)

// LogSoftmax32 sets dst to log_softmax of src along the middle axis of the layout
// [outer, axisLen, inner], with Exp32 and Log32 as the exponential and logarithm.
// It panics if a dimension is negative, if dst or src is shorter than
// outer*axisLen*inner, or if their first outer*axisLen*inner elements overlap. It
// does not allocate, and its results do not depend on the CPU's vector extensions.
func LogSoftmax32(dst, src []float32, outer, axisLen, inner int) {
	total := checkSoftmax("LogSoftmax32", dst, src, outer, axisLen, inner)
	if total == 0 {
		return
	}
	if inner == 1 {
		rows := max(1, min(softmaxGroup/axisLen, softmaxSlices))
		for lo := 0; lo < total; lo += rows * axisLen {
			hi := min(lo+rows*axisLen, total)
			logSoftmaxRows32(dst[lo:hi], src[lo:hi], axisLen)
		}
		return
	}
	block := axisLen * inner
	for base := 0; base < total; base += block {
		for i0 := 0; i0 < inner; i0 += softmaxSlices {
			i1 := min(i0+softmaxSlices, inner)
			logSoftmaxColumns32(dst[base:base+block], src[base:base+block], axisLen, inner, i0, i1)
		}
	}
}

// logSoftmaxRows32 computes the contiguous rows of k elements in src, at most
// softmaxSlices of them.
func logSoftmaxRows32(dst, src []float32, k int) {
	var maxima, logs [softmaxSlices]float32
	rows := len(src) / k
	for r := range rows {
		x, s := src[r*k:(r+1)*k], dst[r*k:(r+1)*k]
		mx := rowMax32(x)
		for j, v := range x {
			s[j] = v - mx
		}
		maxima[r] = mx
	}
	Exp32Slice(dst, dst)
	for r := range rows {
		t := float32(0)
		for _, v := range dst[r*k : (r+1)*k] {
			t += v
		}
		logs[r] = t
	}
	log32Stack(logs[:rows], logs[:rows])
	for r := range rows {
		x, y := src[r*k:(r+1)*k], dst[r*k:(r+1)*k]
		mx, l := maxima[r], logs[r]
		for j, v := range x {
			s := v - mx
			y[j] = s - l
		}
	}
}

// rowMax32 returns a maximum of x for the softmax, starting from -Inf, with plain
// compares, which run faster than the builtin max. Where x has no NaN it equals
// max(-Inf, x[0], ..., x[len(x)-1]) with the builtin, which gives one result in
// any order, up to the sign of a zero maximum. Neither difference changes the
// slice's results. A NaN makes the sum of exponentials NaN, so the results are NaN
// either way. A -0 maximum where the builtin gives +0 needs a +0 and a -0 in the
// slice, so the sum is at least 2, its log is not 0, and s - log(t) is the same.
func rowMax32(x []float32) float32 {
	ninf := float32(math.Inf(-1))
	m0, m1, m2, m3 := ninf, ninf, ninf, ninf
	j := 0
	for ; j+4 <= len(x); j += 4 {
		if x[j] > m0 {
			m0 = x[j]
		}
		if x[j+1] > m1 {
			m1 = x[j+1]
		}
		if x[j+2] > m2 {
			m2 = x[j+2]
		}
		if x[j+3] > m3 {
			m3 = x[j+3]
		}
	}
	for ; j < len(x); j++ {
		if x[j] > m0 {
			m0 = x[j]
		}
	}
	return max(max(m0, m1), max(m2, m3))
}

// logSoftmaxColumns32 computes the slices i0 <= i < i1 of one [k, inner] block, at
// most softmaxSlices of them. Each pass walks the block row by row, so that the
// inner loops run over contiguous columns and the slices' sums do not wait on each
// other.
func logSoftmaxColumns32(dst, src []float32, k, inner, i0, i1 int) {
	var maxima, logs [softmaxSlices]float32
	w := i1 - i0
	mx, lg := maxima[:w], logs[:w]
	for i := range mx {
		mx[i] = float32(math.Inf(-1))
	}
	for j := range k {
		for i, v := range src[j*inner+i0 : j*inner+i1] {
			mx[i] = max(mx[i], v)
		}
	}
	for j := range k {
		s := dst[j*inner+i0 : j*inner+i1]
		for i, v := range src[j*inner+i0 : j*inner+i1] {
			s[i] = v - mx[i]
		}
	}
	if w == inner {
		Exp32Slice(dst, dst)
	} else {
		for j := range k {
			run := dst[j*inner+i0 : j*inner+i1]
			Exp32Slice(run, run)
		}
	}
	for j := range k {
		for i, v := range dst[j*inner+i0 : j*inner+i1] {
			lg[i] += v
		}
	}
	log32Stack(lg, lg)
	for j := range k {
		y := dst[j*inner+i0 : j*inner+i1]
		for i, v := range src[j*inner+i0 : j*inner+i1] {
			s := v - mx[i]
			y[i] = s - lg[i]
		}
	}
}

// LogSoftmax64 sets dst to log_softmax of src along the middle axis of the layout
// [outer, axisLen, inner], with math.Exp and math.Log, in the order of operations
// that LogSoftmax32 documents. It panics as LogSoftmax32 does, and it does not
// allocate.
func LogSoftmax64(dst, src []float64, outer, axisLen, inner int) {
	total := checkSoftmax("LogSoftmax64", dst, src, outer, axisLen, inner)
	if total == 0 {
		return
	}
	dst, src = dst[:total], src[:total]
	for o := range outer {
		for i := range inner {
			base := o*axisLen*inner + i
			mx := math.Inf(-1)
			for j := range axisLen {
				mx = max(mx, src[base+j*inner])
			}
			t := 0.0
			for j := range axisLen {
				t += math.Exp(src[base+j*inner] - mx)
			}
			l := math.Log(t)
			for j := range axisLen {
				p := base + j*inner
				s := src[p] - mx
				dst[p] = s - l
			}
		}
	}
}

// checkSoftmax panics unless the dimensions are non-negative, dst and src hold
// outer*axisLen*inner elements, and those elements of dst and src are disjoint. It
// returns the element count.
func checkSoftmax[T float32 | float64](fn string, dst, src []T, outer, axisLen, inner int) int {
	if outer < 0 || axisLen < 0 || inner < 0 {
		panicSoftmax(fn, fmt.Sprintf("negative dimension in [%d, %d, %d]", outer, axisLen, inner))
	}
	total := outer * axisLen * inner
	if axisLen*inner != 0 && (total/(axisLen*inner) != outer || (axisLen*inner)/inner != axisLen) {
		panicSoftmax(fn, fmt.Sprintf("the element count of [%d, %d, %d] overflows int", outer, axisLen, inner))
	}
	if len(dst) < total || len(src) < total {
		panicSoftmax(fn, fmt.Sprintf("len(dst) = %d and len(src) = %d, want at least %d for [%d, %d, %d]",
			len(dst), len(src), total, outer, axisLen, inner))
	}
	if total == 0 {
		return 0
	}
	d := uintptr(unsafe.Pointer(unsafe.SliceData(dst)))
	s := uintptr(unsafe.Pointer(unsafe.SliceData(src)))
	size := uintptr(total) * unsafe.Sizeof(dst[0])
	if d < s+size && s < d+size {
		panicSoftmax(fn, "dst and src overlap")
	}
	return total
}

//go:noinline
func panicSoftmax(fn, problem string) {
	panic("nncc: " + fn + ": " + problem)
}
