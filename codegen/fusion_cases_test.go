package codegen

import (
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/nncc/nncc/frontend"
)

// fusionCases returns models under testdata/fusion that once made fused code fail
// to compile, each followed by its unfused twin.
func fusionCases(t *testing.T) []*genCase {
	t.Helper()
	var cases []*genCase
	for _, name := range []string{"parallel_view", "shared_mask", "shared_relu", "single_elements", "two_products"} {
		m, err := frontend.ParseFile(filepath.Join("testdata", "fusion", name+".nnc"))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		c := newCase("fusion_"+name, buildProgram(t, m), caseOpts{
			x:     func(r *rand.Rand) float64 { return r.Float64() - 0.5 },
			steps: 1,
		})
		cases = append(cases, c, unfusedTwin(t, c))
	}
	return cases
}
