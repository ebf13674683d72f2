package passes

import (
	"path/filepath"
	"testing"

	"github.com/nncc/nncc/frontend"
	"github.com/nncc/nncc/ir"
)

// exampleModels are the model files of the repository's examples and benchmarks.
var exampleModels = []string{
	"examples/mnist/mnist.nnc",
	"examples/binary/binary.nnc",
	"examples/lenet/lenet.nnc",
	"examples/charlm/charlm.nnc",
	"examples/generate/model.nnc",
	"bench/models/lenet_sgd.nnc",
	"bench/models/mlp512.nnc",
}

// functionsOf returns p's functions that exist.
func functionsOf(p *Program) []*Function {
	var fns []*Function
	for _, f := range []*Function{p.Predict, p.Eval, p.Train, p.Saliency} {
		if f != nil {
			fns = append(fns, f)
		}
	}
	return fns
}

// TestPlanExampleModelsNearLowerBound checks that the arena of every function of
// every example model is at most 5% above the lower bound, and that each plan
// passes CheckPlan.
func TestPlanExampleModelsNearLowerBound(t *testing.T) {
	for _, path := range exampleModels {
		m, err := frontend.ParseFile(filepath.Join("..", path))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, f := range functionsOf(mustBuild(t, m, Options{})) {
			if err := CheckPlan(f); err != nil {
				t.Errorf("%s %s: CheckPlan: %v", path, f.Name, err)
			}
			pl := f.Plan
			ratio := float64(pl.ArenaBytes) / float64(pl.LowerBoundBytes)
			t.Logf("%s %s: arena %d, naive %d, lower bound %d, ratio %.3f",
				path, f.Name, pl.ArenaBytes, pl.NaiveBytes, pl.LowerBoundBytes, ratio)
			if 100*pl.ArenaBytes > 105*pl.LowerBoundBytes {
				t.Errorf("%s %s: arena %d bytes is %.3f times the lower bound %d, want at most 1.05",
					path, f.Name, pl.ArenaBytes, ratio, pl.LowerBoundBytes)
			}
		}
	}
}

// TestPlanUnfusedModelsNearDTypeBound checks the placement of the example models
// compiled without the fuse pass, where large bool masks peak at other steps than
// the float values. Each dtype's arena must be at most 5% above the largest number
// of bytes of that dtype live at one step.
func TestPlanUnfusedModelsNearDTypeBound(t *testing.T) {
	for _, path := range exampleModels {
		m, err := frontend.ParseFile(filepath.Join("..", path))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, f := range functionsOf(mustBuild(t, m, Options{Disable: []string{"fuse"}})) {
			steps := f.StepsOf()
			byType := map[ir.DType][]*block{}
			for _, b := range newLiveness(f.Graph, steps).blocks(f.Graph.MaxBatch) {
				byType[b.dtype] = append(byType[b.dtype], b)
			}
			for dt, bs := range byType {
				peak := peakElems(bs, len(steps))
				if got := f.Plan.ArenaElems[dt]; 100*got > 105*peak {
					t.Errorf("%s %s: the %s arena has %d elements, %.3f times the peak %d, want at most 1.05",
						path, f.Name, dt, got, float64(got)/float64(peak), peak)
				}
			}
			pl := f.Plan
			t.Logf("%s %s: arena %d, naive %d, lower bound %d, ratio %.3f", path, f.Name,
				pl.ArenaBytes, pl.NaiveBytes, pl.LowerBoundBytes, float64(pl.ArenaBytes)/float64(pl.LowerBoundBytes))
		}
	}
}
