//go:build amd64 && !purego

package runtime

// packBTransAVX2 fills the first 8·blocks rows of a packB panel from 16 columns of
// op(B) stored as rows of src that start ld elements apart: dst[p*16+j] = src[j*ld+p]
// for p < 8·blocks and j < 16. It must only be called when hasSgemmAVX2 is set.
//
//go:noescape
func packBTransAVX2(dst, src []float32, blocks, ld int)

// packBTransAVX512 is packBTransAVX2 with steps of 16 along k: it fills the first
// 16·blocks rows of a packB panel, dst[p*16+j] = src[j*ld+p] for p < 16·blocks and
// j < 16. It must only be called when hasSgemmAVX512 is set.
//
//go:noescape
func packBTransAVX512(dst, src []float32, blocks, ld int)

// packBTransFast fills rows 0.. of a full packB panel from an op(B) whose columns are
// contiguous and start ld elements apart, and returns the number of rows it filled, a
// multiple of 8 up to kc. Steps of 16 rows use AVX-512 where the CPU has it, and
// steps of 8 AVX2. It fills none without AVX2.
func packBTransFast(panel, b []float32, kc, ld int) int {
	if !hasSgemmAVX2 {
		return 0
	}
	done := 0
	if blocks := kc / 16; hasSgemmAVX512 && blocks > 0 {
		_ = panel[blocks*16*kernelNR-1]
		_ = b[(kernelNR-1)*ld+blocks*16-1]
		packBTransAVX512(panel, b, blocks, ld)
		done = blocks * 16
	}
	if blocks := (kc - done) / 8; blocks > 0 {
		_ = panel[(done+blocks*8)*kernelNR-1]
		_ = b[(kernelNR-1)*ld+done+blocks*8-1]
		packBTransAVX2(panel[done*kernelNR:], b[done:], blocks, ld)
		done += blocks * 8
	}
	return done
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

// packBRowsAVX2 fills panels full packB panels from an op(B) with contiguous rows
// stored in src ld elements apart: dst[q*kc*16+p*16+j] = src[p*ld+q*16+j] for
// q < panels, p < kc and j < 16. It must only be called when hasSgemmAVX2 is set.
//
//go:noescape
func packBRowsAVX2(dst, src []float32, kc, panels, ld int)

// packBRowsFast fills the full panels of packBRows, the first nc/kernelNR, and returns
// how many columns they hold. It fills none without AVX2.
func packBRowsFast(dst, b []float32, kc, nc, rs int) int {
	panels := nc / kernelNR
	if !hasSgemmAVX2 || panels == 0 || kc <= 0 {
		return 0
	}
	_ = dst[panels*kc*kernelNR-1]
	_ = b[(kc-1)*rs+panels*kernelNR-1]
	packBRowsAVX2(dst, b, kc, panels, rs)
	return panels * kernelNR
}
