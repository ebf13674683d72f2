package runtime

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheckLenMessage(t *testing.T) {
	msg := catchPanic(func() { CheckLen("Predict", "x", 100, 784, 2) })
	want := "nncc: Predict: x has length 100, want 784*n = 1568 (n=2)"
	if msg != want {
		t.Fatalf("panic = %q, want %q", msg, want)
	}
}

func TestCheckLenAccepts(t *testing.T) {
	if msg := catchPanic(func() { CheckLen("Predict", "x", 1568, 784, 2) }); msg != "" {
		t.Fatalf("CheckLen panicked on a correct length: %q", msg)
	}
}

func TestCheckBatchMessage(t *testing.T) {
	cases := []struct {
		n    int
		want string
	}{
		{0, "nncc: TrainStep: batch size n = 0, want 1 <= n <= 64"},
		{-1, "nncc: TrainStep: batch size n = -1, want 1 <= n <= 64"},
		{65, "nncc: TrainStep: batch size n = 65, want 1 <= n <= 64"},
	}
	for _, tc := range cases {
		if msg := catchPanic(func() { CheckBatch("TrainStep", tc.n, 64) }); msg != tc.want {
			t.Errorf("CheckBatch(n=%d) panic = %q, want %q", tc.n, msg, tc.want)
		}
	}
	for _, n := range []int{1, 17, 64} {
		if msg := catchPanic(func() { CheckBatch("TrainStep", n, 64) }); msg != "" {
			t.Errorf("CheckBatch(n=%d) panicked: %q", n, msg)
		}
	}
}

func TestChecksDoNotAllocate(t *testing.T) {
	x := make([]float32, 784*3)
	allocs := testing.AllocsPerRun(100, func() {
		CheckBatch("Predict", 3, 64)
		CheckLen("Predict", "x", len(x), 784, 3)
	})
	if allocs != 0 {
		t.Fatalf("CheckBatch and CheckLen allocate %v times per call, want 0", allocs)
	}
}

func TestCheckLabels(t *testing.T) {
	assert.NotPanics(t, func() { CheckLabels("TrainStep", []int32{0, 9, 3}, 10) })
	assert.PanicsWithError(t, "nncc: TrainStep: y[1] = 10, want a class in [0, 10)",
		func() { CheckLabels("TrainStep", []int32{0, 10}, 10) })
	assert.PanicsWithError(t, "nncc: Evaluate: y[0] = -1, want a class in [0, 3)",
		func() { CheckLabels("Evaluate", []int64{-1}, 3) })
	assert.PanicsWithError(t, "nncc: gather: index 25 out of range [0, 20)",
		func() { PanicIndex("gather", 25, 20) })
	func() {
		defer func() {
			_, ok := recover().(*InputError)
			assert.True(t, ok, "PanicIndex panics with an *InputError")
		}()
		PanicIndex("gather", 25, 20)
	}()

	y := []int32{1, 2, 0}
	allocs := testing.AllocsPerRun(100, func() { CheckLabels("TrainStep", y, 3) })
	assert.Zero(t, allocs)
}
