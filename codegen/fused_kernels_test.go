package codegen

import (
	"strings"
	"testing"
)

// TestFusedKernelsReached checks that the example models' generated code calls
// the combined kernels of fused steps, so that TestGeneratedCode, which requires
// the bits of unfused code, covers them.
func TestFusedKernelsReached(t *testing.T) {
	for _, c := range []struct{ model, file, call string }{
		{"mnist", "train.go", "runtime.MatMulBias32("},   // fc1 with its ReLU
		{"mnist", "predict.go", "runtime.MatMulBias32("}, // without storing the sum
		{"mnist", "train.go", "runtime.MulAddVS32("},     // SGD momentum
		{"mnist", "train.go", "runtime.SubMulVS32("},     // SGD step
		{"binary", "train.go", "runtime.MatMulBias32("},  // a bias without activation
		{"mnist", "train.go", "runtime.LogSoftmax32("},   // cross-entropy
		{"lenet", "train.go", "runtime.AdamStep32("},     // the dense layers' Adam steps
	} {
		files, err := Generate(exampleProgram(t, c.model), Options{Package: c.model, Source: c.model + ".nnc"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(files[c.file]), c.call) {
			t.Errorf("%s %s: no call of %s", c.model, c.file, strings.TrimSuffix(c.call, "("))
		}
	}
}
