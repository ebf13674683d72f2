package data

import (
	"fmt"

	"github.com/nncc/nncc/runtime"
)

// Batcher yields the samples of a dataset in mini-batches, in order or in a new random
// order each epoch. It copies each batch into buffers allocated once, so iterating
// allocates nothing. The last batch of an epoch holds the remaining samples and may be
// smaller than the batch size. A Batcher is not safe for concurrent use.
type Batcher struct {
	ds      *Dataset
	size    int
	shuffle bool
	rng     *runtime.RNG

	order []int // sample indices of the current epoch
	pos   int   // position in order of the next batch

	x      []float32
	labels []int32
	values []float32
}

// NewBatcher returns a Batcher over ds with batches of batchSize samples, positioned at
// the start of the first epoch. With shuffle set, each epoch visits the samples in an
// order drawn from rng.
//
// NewBatcher panics if ds is nil or fails Validate, if batchSize < 1, or if shuffle is
// set and rng is nil.
func NewBatcher(ds *Dataset, batchSize int, shuffle bool, rng *runtime.RNG) *Batcher {
	if ds == nil {
		panic("nncc: NewBatcher: nil dataset")
	}
	if err := ds.Validate(); err != nil {
		panic(fmt.Sprintf("nncc: NewBatcher: %v", err))
	}
	if batchSize < 1 {
		panic(fmt.Sprintf("nncc: NewBatcher: batch size %d, want >= 1", batchSize))
	}
	if shuffle && rng == nil {
		panic("nncc: NewBatcher: shuffle needs a non-nil RNG")
	}
	b := &Batcher{
		ds:      ds,
		size:    batchSize,
		shuffle: shuffle,
		rng:     rng,
		order:   make([]int, ds.N),
		x:       make([]float32, batchSize*ds.Features),
	}
	if ds.Labels != nil {
		b.labels = make([]int32, batchSize)
	}
	if ds.Values != nil {
		b.values = make([]float32, batchSize*ds.Targets)
	}
	b.Reset()
	return b
}

// Reset starts a new epoch. With shuffle set it draws a new order from the RNG; the
// order depends only on the RNG state, not on earlier epochs.
func (b *Batcher) Reset() {
	b.pos = 0
	for i := range b.order {
		b.order[i] = i
	}
	if b.shuffle {
		b.rng.Shuffle(b.order)
	}
}

// Next returns the next batch of the epoch: n samples as row-major features x
// (n×Features), and either labels (n) or values (n×Targets), the other being nil.
// ok is false, and the slices nil, when the epoch is over. The slices are reused by the
// following call.
func (b *Batcher) Next() (x []float32, labels []int32, values []float32, n int, ok bool) {
	if b.pos >= len(b.order) {
		return nil, nil, nil, 0, false
	}
	n = min(b.size, len(b.order)-b.pos)
	f, t := b.ds.Features, b.ds.Targets
	for row, sample := range b.order[b.pos : b.pos+n] {
		copy(b.x[row*f:(row+1)*f], b.ds.X[sample*f:(sample+1)*f])
		if b.labels != nil {
			b.labels[row] = b.ds.Labels[sample]
		}
		if b.values != nil {
			copy(b.values[row*t:(row+1)*t], b.ds.Values[sample*t:(sample+1)*t])
		}
	}
	b.pos += n

	x = b.x[:n*f]
	if b.labels != nil {
		labels = b.labels[:n]
	}
	if b.values != nil {
		values = b.values[:n*t]
	}
	return x, labels, values, n, true
}

// Batches returns the number of batches per epoch, the last one possibly partial.
func (b *Batcher) Batches() int {
	return (len(b.order) + b.size - 1) / b.size
}
