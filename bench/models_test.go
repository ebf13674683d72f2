// Package bench holds the benchmark setup described in README.md; its test checks
// that the benchmark models compile and that the benchmark templates are Go.
package bench

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nncc/nncc/codegen"
	"github.com/nncc/nncc/frontend"
	"github.com/nncc/nncc/passes"
)

// TestModelsCompile compiles each model in models/ to Go and checks the batch
// size that the PyTorch side of the comparison assumes.
func TestModelsCompile(t *testing.T) {
	batches := map[string]int{"mlp512.nnc": 128, "lenet_sgd.nnc": 64}
	for file, batch := range batches {
		t.Run(file, func(t *testing.T) {
			m, err := frontend.ParseFile(filepath.Join("models", file))
			if err != nil {
				t.Fatal(err)
			}
			if m.Train.BatchSize != batch {
				t.Errorf("batch = %d, torch_bench.py uses %d", m.Train.BatchSize, batch)
			}
			p, err := passes.Build(m, passes.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if p.Train == nil {
				t.Fatal("no train function")
			}
			files, err := codegen.Generate(p, codegen.Options{Package: "model"})
			if err != nil {
				t.Fatal(err)
			}
			if len(files) == 0 {
				t.Fatal("no files generated")
			}
		})
	}
}

// TestTemplatesParse checks that the benchmark templates run.sh copies into the
// generated packages are Go source once their package clause is filled in.
func TestTemplatesParse(t *testing.T) {
	for _, name := range []string{"model_bench_test.go.tmpl", "sgemm_bench_test.go.tmpl"} {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		src := strings.Replace(string(data), "package PKG\n", "package mnist\n", 1)
		if _, err := parser.ParseFile(token.NewFileSet(), name, src, parser.AllErrors); err != nil {
			t.Error(err)
		}
	}
}
