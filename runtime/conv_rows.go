package runtime

// Copies of strided rows for the shifted-window convolution, which moves planes into
// and out of its padded buffers row by row. LeNet's rows hold 10 to 28 values, so one
// call of copy per row costs more than the copying itself. The assembly form copies
// all rows of a plane in one call.

// copyRows copies rows rows of width elements from src, rows srcStride apart, to dst,
// rows dstStride apart. dst and src must not overlap.
func copyRows(dst, src []float32, rows, width, dstStride, srcStride int) {
	if rows <= 0 || width <= 0 {
		return
	}
	_ = dst[(rows-1)*dstStride+width-1]
	_ = src[(rows-1)*srcStride+width-1]
	if copyRowsAsm {
		copyRowsAVX2(dst, src, rows, width, dstStride, srcStride)
		return
	}
	for r := range rows {
		copy(dst[r*dstStride:r*dstStride+width], src[r*srcStride:r*srcStride+width])
	}
}
