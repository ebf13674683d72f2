//go:build amd64 && !purego

package runtime

// selectGtVSAVX2 is the kernel of SelectGtVS32 in vec_select_amd64.s, with the
// contract of the kernels in vec_amd64.go: len(dst) is a multiple of 8 and x and a
// are at least as long. It must only be called when hasVecAVX2 is set.
//
//go:noescape
func selectGtVSAVX2(dst, x []float32, c float32, a []float32, b float32)

// selectGtFast is the kernel SelectGtVS32 uses for whole groups of 8 elements, or
// nil where there is none.
var selectGtFast = func() func(dst, x []float32, c float32, a []float32, b float32) {
	if !hasVecAVX2 {
		return nil
	}
	return selectGtVSAVX2
}()
