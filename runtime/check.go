package runtime

import "fmt"

// CheckBatch panics unless 1 <= n <= maxBatch. fn names the calling function in the
// message, for example "nncc: Predict: batch size n = 0, want 1 <= n <= 64".
// It does not allocate when n is in range.
func CheckBatch(fn string, n, maxBatch int) {
	if n < 1 || n > maxBatch {
		panicBatch(fn, n, maxBatch)
	}
}

// CheckLen panics unless got == perSample*n. fn and arg name the calling function and
// the argument in the message, for example
// "nncc: Predict: x has length 100, want 784*n = 1568 (n=2)".
// It does not allocate when the length is right.
func CheckLen(fn, arg string, got, perSample, n int) {
	if got != perSample*n {
		panicLen(fn, arg, got, perSample, n)
	}
}

// panicBatch and panicLen build the message only on the failure path, so the checks
// above stay small enough to inline and never allocate.

//go:noinline
func panicBatch(fn string, n, maxBatch int) {
	panic(fmt.Sprintf("nncc: %s: batch size n = %d, want 1 <= n <= %d", fn, n, maxBatch))
}

//go:noinline
func panicLen(fn, arg string, got, perSample, n int) {
	panic(fmt.Sprintf("nncc: %s: %s has length %d, want %d*n = %d (n=%d)",
		fn, arg, got, perSample, perSample*n, n))
}

// CheckLabels panics unless every class label in y is in [0, classes), as PyTorch's
// cross-entropy raises for a target out of bounds. fn names the calling function in
// the message, for example "nncc: TrainStep: y[3] = 10, want a class in [0, 10)".
// It does not allocate when every label is in range.
func CheckLabels[T ~int32 | ~int64](fn string, y []T, classes int) {
	for i, c := range y {
		if c < 0 || int64(c) >= int64(classes) {
			panicLabel(fn, i, int64(c), classes)
		}
	}
}

//go:noinline
func panicLabel(fn string, i int, c int64, classes int) {
	panic(&InputError{Msg: fmt.Sprintf("nncc: %s: y[%d] = %d, want a class in [0, %d)", fn, i, c, classes)})
}

// InputError is the panic value of generated code for a value of the input data that
// the model cannot take, such as a class label or a token id out of range. A program
// that feeds data from a file can recover it and report bad data, as opposed to a
// bug.
type InputError struct {
	Msg string
}

// Error returns the message.
func (e *InputError) Error() string { return e.Msg }

// PanicIndex panics with an *InputError because index k of op is outside
// [0, extent), for example a token id outside an embedding's vocabulary.
//
//go:noinline
func PanicIndex(op string, k int64, extent int) {
	panic(&InputError{Msg: fmt.Sprintf("nncc: %s: index %d out of range [0, %d)", op, k, extent)})
}
