//go:build amd64 && !purego

package runtime

// packBTransAVX2 fills the first 8·blocks rows of a packB panel from 16 columns of
// op(B) stored as rows of src that start ld elements apart: dst[p*16+j] = src[j*ld+p]
// for p < 8·blocks and j < 16. It must only be called when hasSgemmAVX2 is set.
//
//go:noescape
func packBTransAVX2(dst, src []float32, blocks, ld int)

// packBTransFast fills rows 0.. of a full packB panel from an op(B) whose columns are
// contiguous and start ld elements apart, and returns the number of rows it filled, a
// multiple of 8 up to kc. It fills none without AVX2.
func packBTransFast(panel, b []float32, kc, ld int) int {
	blocks := kc / 8
	if !hasSgemmAVX2 || blocks == 0 {
		return 0
	}
	_ = panel[blocks*8*kernelNR-1]
	_ = b[(kernelNR-1)*ld+blocks*8-1]
	packBTransAVX2(panel, b, blocks, ld)
	return blocks * 8
}

// packARowsAVX2 fills the first 8·blocks columns of a packA panel from kernelMR rows
// of op(A) stored in src ld elements apart: dst[p*6+i] = src[i*ld+p] for p < 8·blocks
// and i < 6. It must only be called when hasSgemmAVX2 is set.
//
//go:noescape
func packARowsAVX2(dst, src []float32, blocks, ld int)

// packARowsFast fills columns 0.. of a full packA panel from kernelMR rows of op(A)
// that start rs elements apart, and returns the number of columns it filled, a
// multiple of 8 up to kc. It fills none without AVX2.
func packARowsFast(panel, a []float32, kc, rs int) int {
	blocks := kc / 8
	if !hasSgemmAVX2 || blocks == 0 {
		return 0
	}
	_ = panel[blocks*8*kernelMR-1]
	_ = a[(kernelMR-1)*rs+blocks*8-1]
	packARowsAVX2(panel, a, blocks, rs)
	return blocks * 8
}
