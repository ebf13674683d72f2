package runtime

import "sync"

// Split of the 2×2 max-pooling path across the worker pool. Each plane is computed the
// same way whichever worker runs it, so the results are the same bits for any number
// of workers. Only float32 is split, which keeps the job type free of type parameters.

// poolParallelMinElems is the least number of input elements for which a pooling op
// is split across workers.
// NOTE: an estimate made for the Go loop (about 100 µs of work on one core), not
// measured. The float32 assembly kernels take about 15 µs for this many elements
// (LeNet's first pool, 2.3 times as many, took 34 µs forward and 77 µs backward).
var poolParallelMinElems = 1 << 17

// poolPartsPerWorker is the number of parts per worker, so that uneven progress
// still balances.
const poolPartsPerWorker = 4

// poolJob is one split 2×2 max-pooling op in progress.
type poolJob struct {
	out, x, dy []float32 // y, x, nil for MaxPool2D; dx, x, dy for MaxPool2DGrad
	g          PoolGeom
	grad       bool
	parts      int
}

// poolJobs is the free list of poolJob values, one per op running at a time.
var poolJobs struct {
	mu   sync.Mutex
	free []*poolJob
}

// poolWorkers returns how many workers a pooling op of geometry g may use.
func poolWorkers(g PoolGeom) int {
	if g.N*g.C*g.H*g.W < poolParallelMinElems {
		return 1
	}
	return min(Threads(), g.N*g.C)
}

// runPoolParts runs the 2×2 max pooling of g, or its gradient when grad is set,
// split across workers.
func runPoolParts(out, x, dy []float32, g PoolGeom, grad bool) {
	poolJobs.mu.Lock()
	var j *poolJob
	if k := len(poolJobs.free); k > 0 {
		j = poolJobs.free[k-1]
		poolJobs.free = poolJobs.free[:k-1]
	} else {
		j = new(poolJob)
	}
	poolJobs.mu.Unlock()

	workers := poolWorkers(g)
	*j = poolJob{out: out, x: x, dy: dy, g: g, grad: grad,
		parts: min(g.N*g.C, poolPartsPerWorker*workers)}
	ParallelFor(j.parts, workers, j)

	*j = poolJob{}
	poolJobs.mu.Lock()
	poolJobs.free = append(poolJobs.free, j)
	poolJobs.mu.Unlock()
}

// Run computes the planes of part i.
func (j *poolJob) Run(i, _ int) {
	planes := j.g.N * j.g.C
	p0, p1 := i*planes/j.parts, (i+1)*planes/j.parts
	if j.grad {
		maxPool2x2GradPlanes(j.out, j.x, j.dy, j.g, p0, p1)
		return
	}
	maxPool2x2Planes(j.out, j.x, j.g, p0, p1)
}
