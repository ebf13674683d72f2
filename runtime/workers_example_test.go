package runtime_test

import (
	"fmt"

	"github.com/nncc/nncc/runtime"
)

// rowSums computes the sums of the rows of a matrix with ParallelFor. It is the Body:
// the caller keeps one rowSums and reuses it, so a call allocates nothing. Each part
// writes its own output row, so the result is the same for any number of workers, and
// scratch gives every worker its own storage.
type rowSums struct {
	x, out  []float32
	cols    int
	scratch [][]float32 // one buffer per worker
}

func (r *rowSums) Run(i, worker int) {
	buf := r.scratch[worker]
	copy(buf, r.x[i*r.cols:(i+1)*r.cols])
	var s float32
	for _, v := range buf {
		s += v
	}
	r.out[i] = s
}

func ExampleParallelFor() {
	const rows, cols = 6, 4
	r := &rowSums{x: make([]float32, rows*cols), out: make([]float32, rows), cols: cols}
	for i := range r.x {
		r.x[i] = float32(i)
	}
	workers := runtime.Threads()
	for range workers {
		r.scratch = append(r.scratch, make([]float32, cols))
	}

	// Worker numbers stay below workers, the number of scratch buffers.
	runtime.ParallelFor(rows, workers, r)
	fmt.Println(r.out)
	// Output: [6 22 38 54 70 86]
}
