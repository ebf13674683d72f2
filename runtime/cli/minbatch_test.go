package cli

import (
	"testing"

	"github.com/nncc/nncc/runtime"
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

// badIDModel panics in TrainBatch as generated code does for a token id outside an
// embedding's vocabulary.
type badIDModel struct{ *linearModel }

func (m badIDModel) TrainBatch(x []float32, labels []int32, values []float32, n int) (float32, int) {
	runtime.PanicIndex("gather", 25, 20)
	return 0, 0
}

func TestInputErrorExitsTwo(t *testing.T) {
	_, cfg := blobFiles(t)
	r := runSimple(badIDModel{newClassifier(2, 2)}, cfg, "train", "--epochs", "1", "--quiet")
	assert.Equal(t, 2, r.status, "stderr:\n%s", r.stderr)
	assert.Contains(t, r.stderr, "invalid data: nncc: gather: index 25 out of range [0, 20)")
	assert.NotContains(t, r.stderr, "goroutine", "bad data is reported without a stack trace")
}
