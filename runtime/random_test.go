package runtime

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheckTrainBatch(t *testing.T) {
	assert.PanicsWithValue(t,
		"nncc: TrainStep: batch size n = 1, but batch norm expects more than 1 value per channel when training (want n >= 2)",
		func() { CheckTrainBatch("TrainStep", 1, 2) })
	assert.NotPanics(t, func() { CheckTrainBatch("TrainStep", 2, 2) })
	assert.NotPanics(t, func() { CheckTrainBatch("TrainStep", 1, 0) })
	assert.Zero(t, testing.AllocsPerRun(10, func() { CheckTrainBatch("TrainStep", 3, 2) }))
}

// TestRandomUniformRange checks that the values lie in [0, 1) and are spread:
// the mean of many draws is 1/2 within five standard deviations, and the streams
// of two neighbouring counters agree in fewer than 10 of 16384 elements.
func TestRandomUniformRange(t *testing.T) {
	const n = 1 << 14
	a, b := make([]float64, n), make([]float64, n)
	FillRandomUniform64(a, 3, 10)
	FillRandomUniform64(b, 3, 11)
	sum := 0.0
	same := 0
	for i := range a {
		assert.True(t, a[i] >= 0 && a[i] < 1)
		sum += a[i]
		if a[i] == b[i] {
			same++
		}
	}
	assert.InDelta(t, 0.5, sum/n, 5*0.2887/128) // sigma of the mean: sqrt(1/12)/sqrt(n)
	assert.Less(t, same, 10)
}
