//go:build amd64 && !purego

package runtime

// log32Stack sets dst[i] = Log32(src[i]) for every i < len(src), bit for bit, as
// Log32Slice does, for slices that the caller may keep on its stack: it calls the
// AVX2 kernel directly, which is marked noescape, while Log32Slice calls it through
// a function value, which makes its arguments escape to the heap. dst is src or
// disjoint from it and at least as long.
func log32Stack(dst, src []float32) {
	done := 0
	if vmathFast.log != nil {
		// The only log kernel this build sets is logAVX2. The field is nil when the
		// CPU lacks AVX2 or when a test runs the pure-Go loops.
		done = len(src) &^ 7
		if done > 0 {
			logAVX2(dst[:done], src[:done])
		}
	}
	dst = dst[:len(src)]
	for i := done; i < len(src); i++ {
		dst[i] = Log32(src[i])
	}
}
