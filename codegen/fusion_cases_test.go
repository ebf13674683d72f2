package codegen

import (
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nncc/nncc/frontend"
)

// fusionCases returns models under testdata/fusion, each followed by its unfused
// twin: models that once made fused code fail to compile, and variants of the
// optimizer expressions that fused loops compute with one kernel.
func fusionCases(t *testing.T) []*genCase {
	t.Helper()
	var cases []*genCase
	for _, name := range []string{"adam_decay", "adamw", "momentum_parallel", "parallel_view", "shared_mask", "shared_relu", "single_elements", "two_products"} {
		m, err := frontend.ParseFile(filepath.Join("testdata", "fusion", name+".nnc"))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		c := newCase("fusion_"+name, buildProgram(t, m), caseOpts{
			x:     func(r *rand.Rand) float64 { return r.Float64() - 0.5 },
			steps: 3, // past the first step of momentum and Adam
		})
		cases = append(cases, c, unfusedTwin(t, c))
	}
	return cases
}

// TestAdamKernelReached checks that the Adam variants of testdata/fusion compute
// their large weight's step with runtime.AdamStep32, so that fusionCases compares
// that kernel with unfused code.
func TestAdamKernelReached(t *testing.T) {
	for _, name := range []string{"adam_decay", "adamw"} {
		m, err := frontend.ParseFile(filepath.Join("testdata", "fusion", name+".nnc"))
		if err != nil {
			t.Fatal(err)
		}
		files, err := Generate(buildProgram(t, m), Options{Package: name, Source: name + ".nnc"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(files["train.go"]), "runtime.AdamStep32(") {
			t.Errorf("%s: no call of runtime.AdamStep32", name)
		}
	}
}
