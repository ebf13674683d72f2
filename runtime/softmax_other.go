//go:build !amd64 || purego

package runtime

// log32Stack sets dst[i] = Log32(src[i]) for every i < len(src), as Log32Slice
// does in this build, for slices that the caller may keep on its stack. dst is src
// or disjoint from it and at least as long.
func log32Stack(dst, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = Log32(x)
	}
}
