package codegen

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"math/rand/v2"
	"strconv"

	"github.com/nncc/nncc/frontend"
	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/passes"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// exampleProgram parses and builds the example model examples/<name>/<name>.nnc,
// with positions relative to the example's directory.
func exampleProgram(t *testing.T, name string) *passes.Program {
	t.Helper()
	return exampleProgramWith(t, name, nil)
}

// exampleProgramWith is exampleProgram with edit applied to the parsed module
// before it is built.
func exampleProgramWith(t *testing.T, name string, edit func(*ir.Module)) *passes.Program {
	t.Helper()
	return buildProgram(t, exampleModule(t, name, edit))
}

// exampleModule parses examples/<name>/<name>.nnc and applies edit when it is set.
func exampleModule(t *testing.T, name string, edit func(*ir.Module)) *ir.Module {
	t.Helper()
	return exampleFile(t, name, name+".nnc", edit)
}

// exampleFile parses the model file examples/<dir>/<file> and applies edit when it
// is set.
func exampleFile(t *testing.T, dir, file string, edit func(*ir.Module)) *ir.Module {
	t.Helper()
	name := dir
	dir = filepath.Join(repoRoot(t), "examples", dir)
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	m, err := frontend.ParseFile(file)
	t.Chdir(wd)
	if err != nil {
		t.Fatalf("parsing the %s example: %v", name, err)
	}
	if edit != nil {
		edit(m)
	}
	return m
}

// withSaliency adds the input-gradient function of the loss, so the harness checks
// that InputGradient allocates nothing on the example models with float inputs.
func withSaliency(m *ir.Module) { m.Saliency = ir.SaliencyLoss }

// exampleCases returns the example models as harness cases, each followed by its
// unfused twin.
func exampleCases(t *testing.T) []*genCase {
	var cases []*genCase
	for _, c := range exampleModelCases(t) {
		cases = append(cases, c, unfusedTwin(t, c))
	}
	return cases
}

// unfusedTwin returns a case of c's module built without the fuse pass, with c's
// data, whose results must equal c's bit for bit: fusion must not change what the
// code computes.
func unfusedTwin(t *testing.T, c *genCase) *genCase {
	t.Helper()
	p, err := passes.Build(c.prog.Module, passes.Options{VerifyEach: true, Disable: []string{"fuse"}})
	if err != nil {
		t.Fatalf("building %s without fusion: %v", c.name, err)
	}
	twin := *c
	twin.name = c.name + "_unfused"
	twin.prog = p
	twin.check = nil
	twin.sameAs = c.name
	return &twin
}

// exampleModelCases returns the example models as harness cases.
func exampleModelCases(t *testing.T) []*genCase {
	return []*genCase{
		newCase("example_binary", exampleProgramWith(t, "binary", withSaliency), caseOpts{y: smallInts(0, 1)}),
		newCase("example_mnist", exampleProgramWith(t, "mnist", withSaliency), caseOpts{
			x:     func(r *rand.Rand) float64 { return r.Float64() },
			y:     smallInts(0, 9),
			sizes: []int{64, 1, 63},
		}),
		newCase("example_lenet", exampleProgramWith(t, "lenet", withSaliency), caseOpts{
			x:     func(r *rand.Rand) float64 { return r.Float64() },
			y:     smallInts(0, 9),
			sizes: []int{5, 1},
		}),
		newCase("example_generate", buildProgram(t, exampleFile(t, "generate", "model.nnc", withSaliency)), caseOpts{
			y: smallInts(0, 1),
		}),
		newCase("example_charlm", exampleProgram(t, "charlm"), caseOpts{
			x:     smallInts(0, 97), // character ids
			y:     smallInts(0, 97),
			sizes: []int{3, 1},
		}),
	}
}

// TestGolden compares the package generated for examples/binary with the files
// under testdata/golden/binary; -update rewrites them.
func TestGolden(t *testing.T) {
	files, err := Generate(exampleProgram(t, "binary"), Options{Package: "binary", Source: "binary.nnc"})
	if err != nil {
		t.Fatal(err)
	}

	dir := filepath.Join("testdata", "golden", "binary")
	if *update {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		for name, src := range files {
			writeFile(t, filepath.Join(dir, name+".golden"), src)
		}
		return
	}

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("%v (run go test -update to create the golden files)", err)
	}
	var golden []string
	for _, e := range entries {
		golden = append(golden, strings.TrimSuffix(e.Name(), ".golden"))
	}
	var names []string
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	if !slices.Equal(names, golden) {
		t.Fatalf("generated files %v, golden files %v", names, golden)
	}

	for _, name := range names {
		want, err := os.ReadFile(filepath.Join(dir, name+".golden"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(files[name], want) {
			t.Errorf("%s differs from its golden file (run go test -update and review the diff):\n%s", name, firstDiff(string(files[name]), string(want)))
		}
	}
}

// firstDiff returns the first line where got and want differ, with its number.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + gl + "\nwant: " + wl
		}
	}
	return ""
}

// checkSameResults fails t unless got equals want in every number the harness
// reports, compared as exact decimal strings.
func checkSameResults(t *testing.T, wantName string, want, got harnessResult) {
	t.Helper()
	if !reflect.DeepEqual(want, got) {
		wantJSON, _ := json.MarshalIndent(want, "", " ")
		gotJSON, _ := json.MarshalIndent(got, "", " ")
		t.Errorf("results differ from those of %s:\n%s", wantName, firstDiff(string(gotJSON), string(wantJSON)))
	}
}
