package runtime

import (
	"sync"
	"unsafe"
)

// Packed float32 GEMM. Blocks of op(A) and op(B) are copied into contiguous panels laid
// out in the order a register-tile micro-kernel reads them, so the kernel streams both
// operands with unit stride whatever the transposes are. The loop nest follows the usual
// three-level blocking: a packedKC×packedNC block of op(B) stays in L2/L3 while
// packedMC×packedKC blocks of op(A) pass over it, and each kernel call adds a
// kernelMR×kernelNR tile of C.
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

// packedScratch is the packing storage shared by every packed product.
//
// NOTE: one static buffer serves all calls, so the mutex serializes concurrent packed
// products. The runtime is single-threaded today. A parallel GEMM needs a buffer per
// worker.
var packedScratch struct {
	mu   sync.Mutex
	a    [packedMC * packedKC]float32
	b    [packedKC * packedNC]float32
	tile [kernelMR * kernelNR]float32
}

// asFloat32 returns s reinterpreted as []float32. T must be float32 or a type defined
// on it, which the caller checks by the element size.
func asFloat32[T Float](s []T) []float32 {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// gemmPacked adds op(A)·op(B) to C (layouts as at MatMul) with the packed blocking and
// the given micro-kernel. It does not allocate.
func gemmPacked(kernel sgemmKernel, c, a, b []float32, m, k, n int, transA, transB bool) {
	// op(A)[i,p] = a[i*rsA+p*csA], op(B)[p,j] = b[p*rsB+j*csB].
	rsA, csA := k, 1
	if transA {
		rsA, csA = 1, m
	}
	rsB, csB := n, 1
	if transB {
		rsB, csB = 1, k
	}
	s := &packedScratch
	s.mu.Lock()
	defer s.mu.Unlock()
	for j0 := 0; j0 < n; j0 += packedNC {
		nc := min(packedNC, n-j0)
		for p0 := 0; p0 < k; p0 += packedKC {
			kc := min(packedKC, k-p0)
			packB(s.b[:], b[p0*rsB+j0*csB:], kc, nc, rsB, csB)
			for i0 := 0; i0 < m; i0 += packedMC {
				mc := min(packedMC, m-i0)
				packA(s.a[:], a[i0*rsA+p0*csA:], mc, kc, rsA, csA)
				macroKernel(kernel, c[i0*n+j0:], s.a[:], s.b[:], s.tile[:], mc, kc, nc, n)
			}
		}
	}
}

// macroKernel adds the packed mc×kc block ap times the packed kc×nc block bp to the
// mc×nc block of C at the start of c. Tiles that stick out of C are computed into tile
// and only their valid part is added.
func macroKernel(kernel sgemmKernel, c, ap, bp, tile []float32, mc, kc, nc, ldc int) {
	for jr := 0; jr < nc; jr += kernelNR {
		nr := min(kernelNR, nc-jr)
		bPanel := bp[jr*kc : jr*kc+kc*kernelNR]
		for ir := 0; ir < mc; ir += kernelMR {
			mr := min(kernelMR, mc-ir)
			aPanel := ap[ir*kc : ir*kc+kc*kernelMR]
			if mr == kernelMR && nr == kernelNR {
				kernel(kc, aPanel, bPanel, c[ir*ldc+jr:], ldc)
				continue
			}
			clear(tile)
			kernel(kc, aPanel, bPanel, tile, kernelNR)
			for i := range mr {
				row := c[(ir+i)*ldc+jr : (ir+i)*ldc+jr+nr]
				for j, v := range tile[i*kernelNR : i*kernelNR+nr] {
					row[j] += v
				}
			}
		}
	}
}

// packA copies the mc×kc block op(A)[i,p] = a[i*rs+p*cs] into panels of kernelMR rows.
// Panel r holds rows r*kernelMR.. column by column, and rows past mc are zero.
func packA(dst, a []float32, mc, kc, rs, cs int) {
	for i0 := 0; i0 < mc; i0 += kernelMR {
		mr := min(kernelMR, mc-i0)
		panel := dst[i0*kc : i0*kc+kc*kernelMR]
		for p := range kc {
			col := panel[p*kernelMR : p*kernelMR+kernelMR]
			for i := range mr {
				col[i] = a[(i0+i)*rs+p*cs]
			}
			clear(col[mr:])
		}
	}
}

// packB copies the kc×nc block op(B)[p,j] = b[p*rs+j*cs] into panels of kernelNR
// columns. Panel r holds columns r*kernelNR.. row by row, and columns past nc are zero.
func packB(dst, b []float32, kc, nc, rs, cs int) {
	for j0 := 0; j0 < nc; j0 += kernelNR {
		nr := min(kernelNR, nc-j0)
		panel := dst[j0*kc : j0*kc+kc*kernelNR]
		if cs != 1 {
			packBColumns(panel, b[j0*cs:], kc, nr, rs, cs)
			continue
		}
		for p := range kc {
			row := panel[p*kernelNR : p*kernelNR+kernelNR]
			copy(row, b[p*rs+j0:p*rs+j0+nr])
			clear(row[nr:])
		}
	}
}

// packBColumns fills one panel of packB from a strided op(B), reading along the stored
// rows of B (the columns of op(B)) so that each cache line of B is loaded once.
func packBColumns(panel, b []float32, kc, nr, rs, cs int) {
	if nr < kernelNR {
		clear(panel)
	}
	for j := range nr {
		for p := range kc {
			panel[p*kernelNR+j] = b[p*rs+j*cs]
		}
	}
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
