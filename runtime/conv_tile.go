package runtime

// Tiles of the shifted-window forward form (conv_shifted.go). A tile is the rows of
// one panel of packed weights (kernelMR, or 8) of the virtual output by kernelNR or
// 2·kernelNR virtual columns. One micro-kernel
// call computes it and overwrites it, so the virtual output needs no clearing. Where
// the CPU has AVX-512, every tile runs on the AVX-512 kernels, which give the bits of
// the AVX2 kernel, and wide tiles replace pairs of narrow ones.

// convUseAVX512 selects the AVX-512 kernels. It starts as hasConvAVX512; tests clear
// it to compare with the AVX2 kernels.
var convUseAVX512 = hasConvAVX512

// convWideTiles reports whether the AVX-512 kernels run: the forward form then
// computes tiles of 2·kernelNR columns where both halves sum the same taps, and the
// filter gradient four taps per kernel call.
func convWideTiles() bool { return convUseAsm && convUseAVX512 }

// convGemmTile sets a tile of C to the product of the packed mr×k panel a and the
// k×cols matrix whose row p is b[off[p]:off[p]+cols], as convGemmGo does. With add
// set, it adds the product instead. The tile has mr rows, ldc apart, of cols columns.
// cols is kernelNR, or 2·kernelNR where convWideTiles holds, and mr is kernelMR, or 8
// where convWideTiles holds. maxOff is at least every offset.
func convGemmTile(k int, a, b []float32, off []int32, maxOff int, c []float32, ldc, mr, cols int, add bool) {
	if mr != kernelMR || cols == 2*kernelNR || convWideTiles() {
		if k > 0 {
			_ = a[k*mr-1]
			_ = off[k-1]
			_ = b[maxOff+cols-1]
		}
		_ = c[(mr-1)*ldc+cols-1]
		flag := 0
		if add {
			flag = 1
		}
		switch {
		case mr == 8 && cols == 2*kernelNR:
			convGemm8x32AVX512(k, a, b, off, c, ldc, flag)
		case mr == 8:
			convGemm8x16AVX512(k, a, b, off, c, ldc, flag)
		case cols == 2*kernelNR:
			convGemmAVX512(k, a, b, off, c, ldc, flag)
		default:
			convGemm16AVX512(k, a, b, off, c, ldc, flag)
		}
		return
	}
	if !add {
		for i := range kernelMR {
			clear(c[i*ldc : i*ldc+kernelNR])
		}
	}
	convGemm(k, a, b, off, maxOff, c, ldc)
}
