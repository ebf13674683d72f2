//go:build amd64 && !purego

package runtime

// Flags of epilogueAVX2.
const (
	epiFlagBias = 1 << iota // add the bias row
	epiFlagPre              // store the values before the activation
	epiFlagReLU             // apply ReLU
)

// epilogueAVX2 runs the epilogue in matmul_epilogue_amd64.s on the first cols
// columns, a positive multiple of 8, of rows rows of C at c whose rows, and those of
// pre, start ld elements apart. The bits of flags select bias, pre and ReLU. It checks no bounds and must only be called when hasVecAVX2 is set.
//
//go:noescape
func epilogueAVX2(c, pre, bias *float32, ld, rows, cols, flags int)

// epilogueFast runs the epilogue of gemmEpilogue.apply with AVX2 on the leading
// columns of the block, a multiple of 8, and returns how many it did: none without
// AVX2. The slices are as at gemmEpilogue.apply, which has cut them to the block.
func epilogueFast(c, pre, bias []float32, ld, rows, cols int, act Act) int {
	n8 := cols &^ 7
	if !hasVecAVX2 || n8 == 0 {
		return 0
	}
	flags := 0
	var pp, pb *float32
	if bias != nil {
		_ = bias[n8-1]
		pb, flags = &bias[0], flags|epiFlagBias
	}
	if pre != nil {
		_ = pre[(rows-1)*ld+n8-1]
		pp, flags = &pre[0], flags|epiFlagPre
	}
	if act == ActReLU {
		flags |= epiFlagReLU
	}
	_ = c[(rows-1)*ld+n8-1]
	epilogueAVX2(&c[0], pp, pb, ld, rows, n8, flags)
	return n8
}
