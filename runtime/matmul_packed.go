package runtime

import "unsafe"

// Packed float32 GEMM. Blocks of op(A) and op(B) are copied into contiguous panels laid
// out in the order a register-tile micro-kernel reads them, so the kernel streams both
// operands with unit stride whatever the transposes are. The loop nest follows the usual
// three-level blocking: a packedKC×packedNC block of op(B) stays in L2/L3 while
// packedMC×packedKC blocks of op(A) pass over it, and each kernel call adds a
// kernelMR×kernelNR tile of C, or a tile twice as wide with a wide kernel.
const (
	kernelMR = 6  // rows of the micro-kernel's register tile
	kernelNR = 16 // columns of the micro-kernel's register tile
	packedKC = 256
	packedMC = 16 * kernelMR // 96 rows: 96 KiB of packed A
	packedNC = 512           // 512 KiB of packed B
)

// sgemmKernel adds the product of a kernelMR×k panel of A and a k×kernelNR panel of B
// to a kernelMR×kernelNR tile of C whose rows start ldc elements apart. a contains the
// panel column by column (kernelMR values per step of k) and b row by row (kernelNR
// values per step). Each element of the tile receives its k-term sum in one addition.
type sgemmKernel func(k int, a, b, c []float32, ldc int)

// asFloat32 returns s reinterpreted as []float32. T must be float32 or a type defined
// on it, which the caller checks by the element size.
func asFloat32[T Float](s []T) []float32 {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// sgemmWideKernel is a micro-kernel for a kernelMR×2·kernelNR tile. It has the
// contract of sgemmKernel, except that the tile's first kernelNR columns come from the
// B panel at b and its last kernelNR columns from the panel bNext elements further on.
// Its result is bit for bit that of two calls of an sgemmKernel that fuses each
// multiply-add.
type sgemmWideKernel func(k int, a, b []float32, bNext int, c []float32, ldc int)

// sgemmWideName and sgemmWide are the wide assembly micro-kernel that float32
// products use beside sgemmFast for pairs of full B panels, chosen at start-up by CPU
// features. sgemmWide is nil where there is none.
var sgemmWideName, sgemmWide = fastSgemmWideKernel()

// sgemmInPlaceKernel is a wide micro-kernel that reads A in place: the contract of
// sgemmWideKernel, except that element (i, p) of the kernelMR×k block of A is
// a[i*lda+p] rather than a value of a packed panel. Its result is bit for bit that of
// the wide kernel on the packed panel.
type sgemmInPlaceKernel func(k int, a []float32, lda int, b []float32, bNext int,
	c []float32, ldc int)

// sgemmWideRows and sgemmWideRowsSet are the wide assembly micro-kernels that read A
// in place, adding and setting (see gemmKernels), nil where there are none.
var sgemmWideRows, sgemmWideRowsSet = fastSgemmWideRowsKernels()

// sgemmFastSet and sgemmWideSet are the variants of sgemmFast and sgemmWide that store
// 0 + their sums into C instead of adding them (see gemmKernels), nil where those are.
var (
	sgemmFastSet = fastSgemmKernelSet()
	sgemmWideSet = fastSgemmWideKernelSet()
)

// gemmPacked adds op(A)·op(B) to C (layouts as at MatMul) with the packed blocking and
// the given micro-kernel, on several goroutines when the product is large enough (see
// gemmJob). It does not allocate in steady state.
func gemmPacked(kernel sgemmKernel, c, a, b []float32, m, k, n int, transA, transB bool) {
	gemmPackedEpi(gemmKernels{kernel: kernel}, c, a, b, m, k, n, transA, transB, gemmEpilogue{})
}

// gemmPackedFast is gemmPacked with the adding assembly micro-kernels. sgemmFast must
// not be nil.
func gemmPackedFast(c, a, b []float32, m, k, n int, transA, transB bool) {
	gemmPackedEpi(fastAddKernels, c, a, b, m, k, n, transA, transB, gemmEpilogue{})
}

// gemmKernels are the micro-kernels of one packed product. The set kernels compute the
// first block of k of a product that overwrites C. They have the contracts of kernel
// and wide, except that they store 0 + the sums into C instead of adding them, which
// gives the bits of adding to a zeroed C. They are nil in a product that adds to C. wide
// and wideSet are nil where there is no wide kernel. wideRows and wideRowsSet, where
// not nil, compute the full tiles of wide without packing A when the rows of op(A)
// are contiguous.
type gemmKernels struct {
	kernel, kernelSet     sgemmKernel
	wide, wideSet         sgemmWideKernel
	wideRows, wideRowsSet sgemmInPlaceKernel
}

// inPlace returns the in-place kernels of ks, adding and setting, for an op(A) with
// element (i, p) at a[i*rsA+p*csA]: nil kernels unless its rows are contiguous
// (csA = 1) and ks has them.
func (ks gemmKernels) inPlace(csA int) (add, set sgemmInPlaceKernel) {
	if csA != 1 {
		return nil, nil
	}
	return ks.wideRows, ks.wideRowsSet
}

// macroKernel adds the packed mc×kc block ap times the packed kc×nc block bp to the
// mc×nc block of C at the start of c, or stores it there if first is set, which
// requires set kernels in ks. Where ks has a wide kernel, full tiles over two full B
// panels go through it. Tiles that stick out of C are computed into tile and only
// their valid part is added. The epilogue e of the block, if active, runs on each
// strip of columns as soon as the strip is done, while it is in cache. Where ad is not
// nil, the tiles of wide read the block of op(A) in place through ks.inPlace, element
// (i, p) at ad[i*rsA+p*csA], and ap is used only if mc < kernelMR.
func macroKernel(ks gemmKernels, first bool, c, ap, ad []float32, rsA, csA int,
	bp, tile []float32, mc, kc, nc, ldc int, e gemmEpilogue) {
	epi := e.active()
	kernel, wide := ks.kernel, ks.wide
	inPlace, inPlaceSet := ks.inPlace(csA)
	if first {
		kernel, wide, inPlace = ks.kernelSet, ks.wideSet, inPlaceSet
	}
	for jr := 0; jr < nc; {
		step := kernelNR
		if wide != nil && jr+2*kernelNR <= nc {
			step = 2 * kernelNR
		}
		for ir := 0; ir < mc; ir += kernelMR {
			mr := min(kernelMR, mc-ir)
			if ad != nil && mr == kernelMR && step == 2*kernelNR {
				inPlace(kc, ad[ir*rsA:], rsA, bp[jr*kc:], kc*kernelNR, c[ir*ldc+jr:], ldc)
				continue
			}
			if ad != nil && mc >= kernelMR && step == 2*kernelNR {
				// The last kernelMR rows of the block overlap the tile before. Compute
				// them all and keep the last mr.
				edgeTileInPlace(ks.wideRows, first, c[ir*ldc+jr:], ad[(mc-kernelMR)*rsA:],
					rsA, bp[jr*kc:], tile, kc, mr, ldc)
				continue
			}
			aPanel := ap[ir*kc : ir*kc+kc*kernelMR]
			if mr == kernelMR && step == 2*kernelNR {
				wide(kc, aPanel, bp[jr*kc:], kc*kernelNR, c[ir*ldc+jr:], ldc)
				continue
			}
			if step == 2*kernelNR {
				edgeTileWide(ks.wide, first, c[ir*ldc+jr:], aPanel, bp[jr*kc:], tile,
					kc, mr, ldc)
				continue
			}
			for j := jr; j < jr+step; j += kernelNR {
				bPanel := bp[j*kc : j*kc+kc*kernelNR]
				nr := min(kernelNR, nc-j)
				if mr == kernelMR && nr == kernelNR {
					kernel(kc, aPanel, bPanel, c[ir*ldc+j:], ldc)
					continue
				}
				edgeTile(ks.kernel, first, c[ir*ldc+j:], aPanel, bPanel, tile,
					kc, mr, nr, ldc)
			}
		}
		if epi {
			e.at(0, jr, ldc).apply(c[jr:], ldc, mc, min(step, nc-jr))
		}
		jr += step
	}
}

// edgeTile adds the mr×nr corner of the tile of the packed panels aPanel and bPanel to
// C, computing the whole tile in tile first with kernel, which adds. With first set,
// C's values are cleared before, so that they are replaced.
func edgeTile(kernel sgemmKernel, first bool, c, aPanel, bPanel, tile []float32,
	kc, mr, nr, ldc int) {
	tile = tile[:kernelMR*kernelNR]
	clear(tile)
	kernel(kc, aPanel, bPanel, tile, kernelNR)
	for i := range mr {
		row := c[i*ldc : i*ldc+nr]
		if first {
			clear(row)
		}
		for j, v := range tile[i*kernelNR : i*kernelNR+nr] {
			row[j] += v
		}
	}
}

// edgeTileWide adds the first mr rows of the tile of the wide kernel over the packed
// panel aPanel and the pair of full B panels at bp to C, computing the whole tile in
// tile first with wide, which adds. One wide call costs about what one narrow call
// does, so this takes half the time of two narrow edge tiles, with the same bits. With
// first set, C's values are cleared before, so that they are replaced.
func edgeTileWide(wide sgemmWideKernel, first bool, c, aPanel, bp, tile []float32,
	kc, mr, ldc int) {
	const w = 2 * kernelNR
	clear(tile)
	wide(kc, aPanel, bp, kc*kernelNR, tile, w)
	addTileRows(c, tile[:mr*w], first, ldc)
}

// edgeTileInPlace computes in tile the tile of the in-place kernel over the kernelMR
// rows of A at ad, lda elements apart, and the pair of full B panels at bp. It adds
// the last mr rows of the tile to the mr rows of C at c. With first set, C's values
// are cleared before, so that they are replaced.
func edgeTileInPlace(inPlace sgemmInPlaceKernel, first bool, c, ad []float32, lda int,
	bp, tile []float32, kc, mr, ldc int) {
	const w = 2 * kernelNR
	clear(tile)
	inPlace(kc, ad, lda, bp, kc*kernelNR, tile, w)
	addTileRows(c, tile[(kernelMR-mr)*w:kernelMR*w], first, ldc)
}

// addTileRows adds the rows of 2·kernelNR values in tile to the rows of C at c, ldc
// elements apart, clearing each row of C first if first is set.
func addTileRows(c, tile []float32, first bool, ldc int) {
	const w = 2 * kernelNR
	for i := range len(tile) / w {
		row := c[i*ldc : i*ldc+w]
		if first {
			clear(row)
		}
		for j, v := range tile[i*w : i*w+w] {
			row[j] += v
		}
	}
}

// sgemmKernelGoSet is the set variant of sgemmKernelGo (see gemmKernels): it clears
// the tile of C and adds to it.
func sgemmKernelGoSet(k int, a, b, c []float32, ldc int) {
	for i := range kernelMR {
		clear(c[i*ldc : i*ldc+kernelNR])
	}
	sgemmKernelGo(k, a, b, c, ldc)
}

// sgemmKernelGo is the portable micro-kernel. It accumulates the tile in a local array
// and adds it to C at the end, like the assembly kernels.
func sgemmKernelGo(k int, a, b, c []float32, ldc int) {
	var acc [kernelMR][kernelNR]float32
	a = a[:k*kernelMR]
	b = b[:k*kernelNR]
	for p := range k {
		bRow := (*[kernelNR]float32)(b[p*kernelNR:])
		for i, av := range a[p*kernelMR : p*kernelMR+kernelMR] {
			for j, bv := range bRow {
				acc[i][j] += av * bv
			}
		}
	}
	for i := range acc {
		row := c[i*ldc : i*ldc+kernelNR]
		for j, v := range acc[i] {
			row[j] += v
		}
	}
}
