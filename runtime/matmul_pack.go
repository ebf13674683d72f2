package runtime

// Packing of the operands of the packed GEMM into the panel layout of the micro-kernels.
// Every variant copies values without arithmetic, so the layout of the source does not
// change the product's bits.

// packA copies the mc×kc block op(A)[i,p] = a[i*rs+p*cs] into panels of kernelMR rows.
// Panel r holds rows r*kernelMR.. column by column, and rows past mc are zero.
func packA(dst, a []float32, mc, kc, rs, cs int) {
	for i0 := 0; i0 < mc; i0 += kernelMR {
		mr := min(kernelMR, mc-i0)
		panel := dst[i0*kc : i0*kc+kc*kernelMR]
		switch {
		case mr == kernelMR && cs == 1:
			packAPanelRows(panel, a[i0*rs:], kc, rs)
		case mr == kernelMR && rs == 1:
			packAPanelColumns(panel, a[i0:], kc, cs)
		default:
			for p := range kc {
				col := panel[p*kernelMR : p*kernelMR+kernelMR]
				for i := range mr {
					col[i] = a[(i0+i)*rs+p*cs]
				}
				clear(col[mr:])
			}
		}
	}
}

// packAPanelRows fills a full panel of packA from kernelMR contiguous rows of op(A)
// that start rs elements apart, reading the rows side by side. Columns up to a
// multiple of 8 go through packARowsFast first.
func packAPanelRows(panel, a []float32, kc, rs int) {
	p0 := packARowsFast(panel, a, kc, rs)
	r0 := a[p0:kc]
	r1 := a[rs+p0 : rs+kc]
	r2 := a[2*rs+p0 : 2*rs+kc]
	r3 := a[3*rs+p0 : 3*rs+kc]
	r4 := a[4*rs+p0 : 4*rs+kc]
	r5 := a[5*rs+p0 : 5*rs+kc]
	panel = panel[p0*kernelMR : kc*kernelMR]
	for p, v := range r0 {
		col := (*[kernelMR]float32)(panel[p*kernelMR:])
		col[0], col[1], col[2], col[3], col[4], col[5] = v, r1[p], r2[p], r3[p], r4[p], r5[p]
	}
}

// packAPanelColumns fills a full panel of packA from an op(A) whose columns are
// contiguous and start cs elements apart.
func packAPanelColumns(panel, a []float32, kc, cs int) {
	for p := range kc {
		*(*[kernelMR]float32)(panel[p*kernelMR:]) = *(*[kernelMR]float32)(a[p*cs:])
	}
}

// packB copies the kc×nc block op(B)[p,j] = b[p*rs+j*cs] into panels of kernelNR
// columns. Panel r holds columns r*kernelNR.. row by row, and columns past nc are zero.
func packB(dst, b []float32, kc, nc, rs, cs int) {
	if cs == 1 {
		packBRows(dst, b, kc, nc, rs)
		return
	}
	for j0 := 0; j0 < nc; j0 += kernelNR {
		nr := min(kernelNR, nc-j0)
		packBColumns(dst[j0*kc:j0*kc+kc*kernelNR], b[j0*cs:], kc, nr, rs, cs)
	}
}

// packBRows is packB for an op(B) with contiguous rows. It reads op(B) row by row,
// sequentially, and spreads each row over the panels. The full panels go through
// packBRowsFast first.
func packBRows(dst, b []float32, kc, nc, rs int) {
	done := packBRowsFast(dst, b, kc, nc, rs)
	full := nc / kernelNR * kernelNR
	for p := range kc {
		src := b[p*rs : p*rs+nc]
		for j0 := done; j0 < full; j0 += kernelNR {
			*(*[kernelNR]float32)(dst[j0*kc+p*kernelNR:]) = *(*[kernelNR]float32)(src[j0:])
		}
		if full < nc {
			row := dst[full*kc+p*kernelNR : full*kc+p*kernelNR+kernelNR]
			copy(row, src[full:])
			clear(row[nc-full:])
		}
	}
}

// packBColumns fills one panel of packB from a strided op(B), reading along the stored
// rows of B (the columns of op(B)) so that each cache line of B is loaded once. Full
// panels of an op(B) with contiguous columns go through packBTransFast first.
func packBColumns(panel, b []float32, kc, nr, rs, cs int) {
	if nr < kernelNR {
		clear(panel)
	}
	p0 := 0
	if nr == kernelNR && rs == 1 {
		p0 = packBTransFast(panel, b, kc, cs)
	}
	for j := range nr {
		for p := p0; p < kc; p++ {
			panel[p*kernelNR+j] = b[p*rs+j*cs]
		}
	}
}
