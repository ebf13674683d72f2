package runtime

import "sync"

// Column split of small products. A product with a few rows of op(A) and a large
// op(B), such as a dense layer applied to one sample, streams op(B) from the cache once
// and is bound by the bandwidth of one core's cache. Splitting the columns of C across
// workers lets each core stream its own share of op(B).
//
// Each part runs the kernels of the small path on a range of columns of C with the
// strides of the whole product. An element of C gets the same arithmetic in every
// block of the small kernels (see matmul_small.go), so the bits of the result do not
// depend on the number of parts or on where they start.

// splitMinWork is the least m·k·n for which a small product is split. Each part of a
// split with two workers then has at least splitMinWork/2 multiply-adds; for a one-row
// product that is at least 192 KiB of op(B) streamed, about 1.5 µs of work.
// Handing a part to a polling helper and waiting for it takes about 1 µs. On the
// machine of docs/benchmarks.md with two threads, 1×256·256 A·Bᵀ took 2.6 µs split
// and 2.4 µs whole, and 1×784·128 took 2.8 µs split and 3.3 µs whole.
// NOTE: waking a helper that has parked costs several microseconds, more than such a
// product takes, so the split pays only when parallel calls come close together.
var splitMinWork = 3 << 15

// splitJob is one small product in progress, split by columns of C. It is the Body of
// the product's ParallelFor call.
type splitJob struct {
	c, a, b        []float32
	m, k, n        int
	transA, transB bool
	unit           int // width of the column grid
	units, parts   int
}

// splitJobs is the free list of splitJob values, one per split product running at a
// time, so that a product allocates only when more run at once than ever before.
var splitJobs = struct {
	mu   sync.Mutex
	free []*splitJob
}{free: []*splitJob{new(splitJob)}}

// gemmSmallSplit adds op(A)·op(B) to C like gemmSmall, splitting the columns of C across
// workers when the product is large enough and its layout allows.
func gemmSmallSplit(c, a, b []float32, m, k, n int, transA, transB bool) {
	unit := splitUnit(m, k, n, transA, transB)
	parts := 1
	if unit > 0 {
		parts = min(Threads(), n/unit)
	}
	if parts <= 1 {
		gemmSmall(c, a, b, m, k, n, transA, transB)
		return
	}

	// The kernels check no bounds, so check once that the matrices fit.
	_, _, _ = a[m*k-1], b[k*n-1], c[m*n-1]
	j := getSplitJob()
	*j = splitJob{c: c, a: a, b: b, m: m, k: k, n: n, transA: transA, transB: transB,
		unit: unit, units: (n + unit - 1) / unit, parts: parts}
	ParallelFor(parts, parts, j)
	putSplitJob(j)
}

// splitUnit returns the width of the column grid on which gemmSmallSplit splits an
// m×k×n product, or 0 if it does not split it: the product is below splitMinWork, has
// packedMinRows rows or more, or is Aᵀ·Bᵀ. The widths are those of the kernels' blocks
// of one row of C.
func splitUnit(m, k, n int, transA, transB bool) int {
	if m >= packedMinRows || m*k*n < splitMinWork {
		return 0
	}
	switch {
	case transB && !transA:
		return smallDotCols
	case !transB:
		return smallRowCols
	}
	return 0
}

// getSplitJob returns an unused splitJob, allocating one only when every job is busy.
func getSplitJob() *splitJob {
	splitJobs.mu.Lock()
	defer splitJobs.mu.Unlock()
	if k := len(splitJobs.free); k > 0 {
		j := splitJobs.free[k-1]
		splitJobs.free = splitJobs.free[:k-1]
		return j
	}
	return new(splitJob)
}

// putSplitJob returns j to the free list, dropping its references to the operands.
func putSplitJob(j *splitJob) {
	*j = splitJob{}
	splitJobs.mu.Lock()
	splitJobs.free = append(splitJobs.free, j)
	splitJobs.mu.Unlock()
}

// Run computes the columns of part i of C.
func (j *splitJob) Run(i, worker int) {
	j0 := i * j.units / j.parts * j.unit
	j1 := min((i+1)*j.units/j.parts*j.unit, j.n)
	if j.transB {
		smallDotRange(j.c, j.a, j.b, j.m, j.k, j.n, j0, j1)
		return
	}
	rsA, csA := j.k, 1
	if j.transA {
		rsA, csA = 1, j.m
	}
	smallAxpyRange(j.c, j.a, j.b, j.m, j.k, j.n, j0, j1, rsA, csA)
}

// smallDotRange adds columns j0 to j1-1 of A·Bᵀ to C, where A is stored m×k and B is
// stored n×k, with the dot kernel sharing a row of A across eight rows of B.
func smallDotRange(c, a, b []float32, m, k, n, j0, j1 int) {
	for j := j0; j < j1; j += smallDotCols {
		nc := min(smallDotCols, j1-j)
		for i := range m {
			smallDotKernel(k, &a[i*k], &b[j*k], &c[i*n+j], k, 1, nc)
		}
	}
}

// smallAxpyRange adds columns j0 to j1-1 of op(A)·B to C, where B is stored k×n and
// op(A)[i,p] = a[i*rsA+p*csA]. Blocks of one or two rows would leave the 4×16 kernel
// waiting on the latency of its few accumulation chains, so their rows take the 1×64
// kernel on full strips of 64 columns. Both kernels compute an element the same way.
func smallAxpyRange(c, a, b []float32, m, k, n, j0, j1, rsA, csA int) {
	for i0 := 0; i0 < m; i0 += smallAxpyRows {
		nr := min(smallAxpyRows, m-i0)
		j := j0
		if nr <= 2 {
			for ; j+smallRowCols <= j1; j += smallRowCols {
				for i := i0; i < i0+nr; i++ {
					smallRowKernel(k, &a[i*rsA], csA, &b[j], n, &c[i*n+j])
				}
			}
		}
		for ; j < j1; j += smallAxpyCols {
			nc := min(smallAxpyCols, j1-j)
			smallAxpyKernel(k, &a[i0*rsA], rsA, csA, &b[j], n, &c[i0*n+j], n, nr, nc)
		}
	}
}
