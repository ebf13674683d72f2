package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nncc/nncc/runtime"
)

// lrRecorder is a linearModel that records the learning rate of every TrainBatch.
type lrRecorder struct {
	*linearModel
	rates []float32
}

func (m *lrRecorder) TrainBatch(x []float32, labels []int32, values []float32, n int) (float32, int) {
	m.rates = append(m.rates, m.LearningRate())
	return m.linearModel.TrainBatch(x, labels, values, n)
}

// TestTrainFollowsSchedule checks that the train command sets the rate before each
// epoch to runtime.ScheduledLR of the rate it started with, here set by --lr, and
// keeps it for every batch of the epoch.
func TestTrainFollowsSchedule(t *testing.T) {
	_, cfg := blobFiles(t)
	cfg.Epochs = 5
	cfg.Schedule = runtime.LRSchedule{Kind: runtime.ScheduleCosine, TMax: 3, EtaMin: 0.01, Warmup: 1, WarmupStart: 0.5}
	m := &lrRecorder{linearModel: newClassifier(2, 2)}
	r := runSimple(m, cfg, "train", "--quiet", "--lr", "0.2")
	require.Equal(t, 0, r.status, r.stderr)

	perEpoch := len(m.rates) / cfg.Epochs
	require.Equal(t, perEpoch*cfg.Epochs, len(m.rates))
	require.Equal(t, 400/32+1, perEpoch)
	for epoch := range cfg.Epochs {
		want := float32(runtime.ScheduledLR(cfg.Schedule, float64(float32(0.2)), epoch))
		for _, got := range m.rates[epoch*perEpoch : (epoch+1)*perEpoch] {
			assert.Equal(t, want, got, "epoch %d", epoch)
		}
	}
	assert.Equal(t, float32(0.1), m.rates[0])
	assert.Equal(t, float32(0.2), m.rates[perEpoch])
}

// TestTrainConstantScheduleKeepsRate checks that without a schedule the rate stays.
func TestTrainConstantScheduleKeepsRate(t *testing.T) {
	_, cfg := blobFiles(t)
	m := &lrRecorder{linearModel: newClassifier(2, 2)}
	r := runSimple(m, cfg, "train", "--quiet", "--lr", "0.3")
	require.Equal(t, 0, r.status, r.stderr)
	require.NotEmpty(t, m.rates)
	for _, got := range m.rates {
		assert.Equal(t, float32(0.3), got)
	}
}
