package runtime

import "sync"

// Multi-core driver of the packed GEMM. A product large enough to gain is split into
// one part per worker along m or n, on the grid of kernelMR rows or 2·kernelNR
// columns. Each part runs the whole blocked loop nest on its slice of C with its
// own packing storage. One fork and join per product keeps the cost of waking helpers
// small next to the work.
//
// The result does not depend on the split. Every element of C receives the same
// operations wherever its part starts: one fused multiply-add chain from zero over
// each packedKC block of k, added to C once per block, blocks in increasing order.
// Packing only copies values, and the wide micro-kernel gives the bits of two narrow
// ones. A kernel reading A in place does the arithmetic of one reading a packed panel.
// A set kernel stores the bits that adding its sums to a zeroed C gives. So neither
// the part an element falls in, nor its place in a tile, nor the block sizes along m
// and n change it.

// parallelMinWork is the least m·k·n for which a product is split across workers:
// about 60 µs of work on one core at 140 GFLOP/s. With helpers that poll between
// calls, it splits the batch-64 MNIST products (64·784·128), which took the 2-thread
// MNIST train step from about 350 to 290 µs on the 2-core machine of
// docs/benchmarks.md (1 thread: about 320 µs). A bound of 2^21 also split the
// 64·96·384 products of the LSTM model and made its 2-thread train step 5% slower.
// Tests lower it to split small products.
// NOTE: an estimate between measured points; the crossover depends on how fast a
// parked helper wakes, which varies with the machine's load.
var parallelMinWork = 1 << 22

const (
	// colUnit is the width of the column grid of a product split along n, so that
	// every part but the last keeps the wide micro-kernel's pairs of panels.
	colUnit = 2 * kernelNR
)

// gemmScratch is the packing storage of one worker.
type gemmScratch struct {
	a    [packedMC * packedKC]float32
	b    [packedKC * packedNC]float32
	tile [kernelMR * 2 * kernelNR]float32 // an edge tile of the narrow or wide kernel
}

// gemmJob holds one packed product in progress and the packing storage of its
// workers. It is the Body of the product's ParallelFor call.
type gemmJob struct {
	ks                 gemmKernels
	c, a, b            []float32
	m, k, n            int
	rsA, csA, rsB, csB int            // op(A)[i,p] = a[i*rsA+p*csA], op(B)[p,j] = b[p*rsB+j*csB]
	byCols             bool           // split along n, else along m
	units, parts       int            // grid units along the split dimension, and parts
	scratch            []*gemmScratch // one per worker
	epi                gemmEpilogue   // applied to C after its last block of k
}

// gemmJobs is the free list of gemmJob values, one per product running at a time. It
// starts with a job that has storage for one worker, so single-threaded products never
// allocate.
var gemmJobs = struct {
	mu   sync.Mutex
	free []*gemmJob
}{free: []*gemmJob{&firstGemmJob}}

// firstGemmJob is the job with storage for one worker.
//
// NOTE: its storage comes from the heap, which starts a block this large on a
// page boundary, not from a package-level array, whose address depends on the
// layout of the binary. In the same benchmark binary, the array made the 256³
// product take 227 µs instead of 211 and the MNIST train step 261 µs instead of
// 245. Why the address matters is not found; 4K aliasing between the packed
// panels and page-aligned operands is a candidate.
var firstGemmJob = gemmJob{scratch: []*gemmScratch{new(gemmScratch)}}

// getGemmJob returns an unused gemmJob, allocating one only when every job is busy.
func getGemmJob() *gemmJob {
	gemmJobs.mu.Lock()
	defer gemmJobs.mu.Unlock()
	if k := len(gemmJobs.free); k > 0 {
		j := gemmJobs.free[k-1]
		gemmJobs.free = gemmJobs.free[:k-1]
		return j
	}
	return new(gemmJob)
}

// putGemmJob returns j to the free list, dropping its references to the operands.
func putGemmJob(j *gemmJob) {
	j.c, j.a, j.b, j.ks = nil, nil, nil, gemmKernels{}
	j.epi = gemmEpilogue{}
	gemmJobs.mu.Lock()
	gemmJobs.free = append(gemmJobs.free, j)
	gemmJobs.mu.Unlock()
}

// run adds op(A)·op(B) to C with the given micro-kernels, or stores it into C where
// ks has set kernels, and applies e to every element of C after its last block of k.
func (j *gemmJob) run(ks gemmKernels, c, a, b []float32, m, k, n int, transA, transB bool,
	e gemmEpilogue) {
	j.ks, j.c, j.a, j.b, j.m, j.k, j.n, j.epi = ks, c, a, b, m, k, n, e
	j.rsA, j.csA = k, 1
	if transA {
		j.rsA, j.csA = 1, m
	}
	j.rsB, j.csB = n, 1
	if transB {
		j.rsB, j.csB = 1, k
	}

	// Each part packs all of the operand that is not split, so split the dimension
	// whose other operand is smaller, unless it has too few units.
	rowUnits := (m + kernelMR - 1) / kernelMR
	colUnits := (n + colUnit - 1) / colUnit
	j.byCols = (n >= m && colUnits > 1) || rowUnits == 1
	j.units = rowUnits
	if j.byCols {
		j.units = colUnits
	}
	j.parts = 1
	if m*k*n >= parallelMinWork {
		j.parts = min(Threads(), j.units)
	}
	for len(j.scratch) < j.parts {
		j.scratch = append(j.scratch, new(gemmScratch))
	}
	ParallelFor(j.parts, j.parts, j)
}

// Run computes part i of the product on the scratch storage of worker.
func (j *gemmJob) Run(i, worker int) {
	u0 := i * j.units / j.parts
	u1 := (i + 1) * j.units / j.parts
	s := j.scratch[worker]
	if j.byCols {
		j0 := u0 * colUnit
		n := min(u1*colUnit, j.n) - j0
		packedBlocks(j.ks, s, j.c[j0:], j.a, j.b[j0*j.csB:],
			j.m, j.k, n, j.n, j.rsA, j.csA, j.rsB, j.csB, j.epi.at(0, j0, j.n))
		return
	}
	i0 := u0 * kernelMR
	m := min(u1*kernelMR, j.m) - i0
	packedBlocks(j.ks, s, j.c[i0*j.n:], j.a[i0*j.rsA:], j.b,
		m, j.k, j.n, j.n, j.rsA, j.csA, j.rsB, j.csB, j.epi.at(i0, 0, j.n))
}

// packedBlocks adds op(A)·op(B) to the m×n block of C at the start of c, whose rows
// start ldc elements apart, with the packed loop nest, the micro-kernels ks and the
// storage of s, followed by the epilogue e of the block, whose pre output has rows ldc
// elements apart like C. The operands are strided as at gemmJob. Where ks
// has set kernels, the first block of k stores into C instead of adding, so that C
// need not be cleared. Each block of C gets e right after its last block of k, in
// macroKernel.
func packedBlocks(ks gemmKernels, s *gemmScratch, c, a, b []float32,
	m, k, n, ldc, rsA, csA, rsB, csB int, e gemmEpilogue) {
	blockM, blockN := packedBlockSizes(k)
	add, set := ks.inPlace(csA)
	canInPlace := add != nil && ks.wide != nil &&
		(ks.kernelSet == nil || set != nil && ks.wideSet != nil)
	for j0 := 0; j0 < n; j0 += blockN {
		nc := min(blockN, n-j0)
		// A block whose strips are all wide reads op(A) in place. Only a block of fewer
		// than kernelMR rows is packed.
		inPlace := canInPlace && nc%colUnit == 0
		for p0 := 0; p0 < k; p0 += packedKC {
			kc := min(packedKC, k-p0)
			packB(s.b[:], b[p0*rsB+j0*csB:], kc, nc, rsB, csB)
			for i0 := 0; i0 < m; i0 += blockM {
				mc := min(blockM, m-i0)
				var ad []float32
				if inPlace {
					ad = a[i0*rsA+p0*csA:]
					if mc < kernelMR {
						packA(s.a[:], ad, mc, kc, rsA, csA)
					}
				} else {
					packA(s.a[:], a[i0*rsA+p0*csA:], mc, kc, rsA, csA)
				}
				var eb gemmEpilogue
				if p0+kc == k {
					eb = e.at(i0, j0, ldc)
				}
				first := p0 == 0 && ks.kernelSet != nil
				macroKernel(ks, first, c[i0*ldc+j0:], s.a[:], ad, rsA, csA, s.b[:],
					s.tile[:], mc, kc, nc, ldc, eb)
			}
		}
	}
}

// packedBlockSizes returns the rows of op(A) and the columns of op(B) per packed block
// for a product with k terms. A k below packedKC leaves the packing storage part
// empty, so the blocks grow to fill it, keeping blockM a multiple of kernelMR and
// blockN one of colUnit. Larger blocks mean fewer passes: op(A) is packed once per
// block of columns. Only the blocking of k decides the bits of the result, so the
// other block sizes change its speed alone.
func packedBlockSizes(k int) (blockM, blockN int) {
	kc := min(max(k, 1), packedKC)
	blockM = packedMC * packedKC / kc / kernelMR * kernelMR
	blockN = packedNC * packedKC / kc / colUnit * colUnit
	return blockM, blockN
}
