package passes

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nncc/nncc/frontend"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// TestGolden compiles the example models and compares the IR text after every
// pass, and the memory plans, with testdata/golden/MODEL.PASS.ir. Run
// `go test ./passes -run Golden -update` to rewrite the files after an intended
// change, and review the diff.
func TestGolden(t *testing.T) {
	for _, model := range []string{"mnist", "binary"} {
		m, err := frontend.ParseFile(filepath.Join("..", "examples", model, model+".nnc"))
		if err != nil {
			t.Fatalf("%s: %v", model, err)
		}
		for _, pass := range Passes() {
			var out bytes.Buffer
			p := mustBuild(t, m, Options{PrintAfter: []string{pass.Name}, Out: &out})
			if pass.Name == "plan-memory" {
				writePlans(&out, p)
			}
			if pass.Name == "fuse" {
				writeSteps(&out, p)
			}
			checkGolden(t, filepath.Join("testdata", "golden", model+"."+pass.Name+".ir"), out.Bytes())
		}
	}
}

// writePlans appends each function's schedule with offsets and its byte counts
// to the golden text, as comments.
func writePlans(out *bytes.Buffer, p *Program) {
	for _, f := range []*Function{p.Predict, p.Eval, p.Train} {
		fmt.Fprintf(out, "// plan of %s:", f.Name)
		for i, v := range f.Schedule {
			if i%8 == 0 {
				out.WriteString("\n//  ")
			}
			fmt.Fprintf(out, " %s@%d", v.Ref(), f.Plan.Offsets[v])
		}
		out.WriteString("\n")
		for _, dt := range f.Plan.DTypes() {
			fmt.Fprintf(out, "//   %s arena: %d elements\n", dt, f.Plan.ArenaElems[dt])
		}
		fmt.Fprintf(out, "//   arena %d bytes, naive sum %d bytes, lower bound %d bytes\n",
			f.Plan.ArenaBytes, f.Plan.NaiveBytes, f.Plan.LowerBoundBytes)
	}
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./passes -run Golden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output; rerun with -update if the change is intended.\ngot:\n%s", path, firstDiff(got, want))
	}
}

// firstDiff returns the lines around the first difference of got and want.
func firstDiff(got, want []byte) string {
	gl, wl := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := 0; i < len(gl) || i < len(wl); i++ {
		var g, w []byte
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if !bytes.Equal(g, w) {
			return fmt.Sprintf("line %d:\n  got:  %s\n  want: %s", i+1, g, w)
		}
	}
	return ""
}

// writeSteps appends each function's steps to the golden text, as comments, in
// the notation of stepText.
func writeSteps(out *bytes.Buffer, p *Program) {
	for _, f := range []*Function{p.Predict, p.Eval, p.Train} {
		fmt.Fprintf(out, "// steps of %s (* in a local, > written into a param or state):\n", f.Name)
		for _, line := range strings.Split(stepText(f), "\n") {
			fmt.Fprintf(out, "//   %s\n", line)
		}
	}
}
