package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// batchRecorder wraps a model and records the batch sizes TrainBatch receives.
type batchRecorder struct {
	*linearModel
	sizes []int
}

func (r *batchRecorder) TrainBatch(x []float32, labels []int32, values []float32, n int) (float32, int) {
	r.sizes = append(r.sizes, n)
	return r.linearModel.TrainBatch(x, labels, values, n)
}

func TestTrainSkipsBatchBelowMinimum(t *testing.T) {
	_, cfg := blobFiles(t)
	m := newClassifier(2, 2)
	m.info.MinTrainBatch = 2
	rec := &batchRecorder{linearModel: m}

	// 400 training samples in batches of 57 leave a last batch of 1.
	r := runSimple(rec, cfg, "train", "--epochs", "2", "--batch", "57", "--quiet")
	require.Equal(t, 0, r.status, "stderr:\n%s", r.stderr)
	require.NotEmpty(t, rec.sizes)
	for _, n := range rec.sizes {
		assert.GreaterOrEqual(t, n, 2, "TrainBatch got a batch below MinTrainBatch")
	}
	assert.Len(t, rec.sizes, 2*7, "7 full batches per epoch, the batch of 1 skipped")
}
