package codegen

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var dumpDir = flag.String("dump", "", "write the generated packages of TestGeneratedCode under this directory")

// allOpTests returns every op test.
func allOpTests() []opTest {
	var tests []opTest
	tests = append(tests, unaryTests()...)
	tests = append(tests, binaryTests()...)
	tests = append(tests, compareTests()...)
	tests = append(tests, reduceTests()...)
	tests = append(tests, matmulTests()...)
	tests = append(tests, layoutTests()...)
	tests = append(tests, indexTests()...)
	tests = append(tests, convTests()...)
	tests = append(tests, constTests()...)
	tests = append(tests, inPlaceTests()...)
	tests = append(tests, hostileTest)
	return tests
}

// TestGeneratedCode generates a package per case, compiles them together with a
// harness and compares every method's results with the reference interpreter on
// full and partial batches, including allocation counts and checkpoints. The
// PyTorch parity cases (torchCases) are compared with PyTorch's results as well.
func TestGeneratedCode(t *testing.T) {
	var cases []*genCase
	for _, o := range allOpTests() {
		cases = append(cases, o.genCase(t))
	}
	cases = append(cases, moduleCases(t)...)
	cases = append(cases, exampleCases(t)...)
	cases = append(cases, fusionCases(t)...)
	cases = append(cases, torchCases(t)...)
	cases = append(cases, modeCases(t)...)
	cases = append(cases, optimizerTorchCases(t)...)
	cases = append(cases, layerTorchCases(t)...)
	cases = append(cases, saliencyCases(t)...)
	cases = append(cases, metricsCases(t)...)
	cases = append(cases, logSoftmaxCases(t)...)
	dir, results, files := runHarness(t, cases)
	if *dumpDir != "" {
		for pkg, fs := range files {
			for name, src := range fs {
				writeFile(t, filepath.Join(*dumpDir, pkg, name), src)
			}
		}
	}
	t.Run("main", func(t *testing.T) { checkCommand(t, dir, "mlp_sgd") })
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkSource(t, files[c.name])
			res, ok := results[c.name]
			if !ok {
				t.Fatal("no harness result")
			}
			checkCase(t, c, res)
			if c.check != nil {
				c.check(t, res)
			}
			if c.sameAs != "" {
				checkSameResults(t, c.sameAs, results[c.sameAs], res)
			}
		})
	}
}

// checkSource checks what every generated file must be: gofmt-clean, marked as
// generated on its first line, and importing only the runtime and the standard
// library. The methods that run the model must not allocate by construction: no
// make, new or append, no closures and no fmt.
func checkSource(t *testing.T, files map[string][]byte) {
	t.Helper()
	for name, src := range files {
		if !bytes.HasPrefix(src, []byte("// "+header+"\n")) {
			line, _, _ := strings.Cut(string(src), "\n")
			t.Errorf("%s: first line %q, want %q", name, line, "// "+header)
		}
		formatted, err := format.Source(src)
		if err != nil {
			t.Errorf("%s: gofmt: %v", name, err)
		} else if !bytes.Equal(formatted, src) {
			t.Errorf("%s is not gofmt-clean", name)
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, src, 0)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			first, _, _ := strings.Cut(path, "/")
			if name != "cmd/main.go" && path != runtimePath && strings.Contains(first, ".") {
				t.Errorf("%s imports %s", name, path)
			}
		}
		if name == "predict.go" || name == "evaluate.go" || name == "train.go" {
			checkNoAllocation(t, name, f)
		}
	}
}

// checkNoAllocation reports the constructs in f that allocate or may allocate.
func checkNoAllocation(t *testing.T, name string, f *ast.File) {
	t.Helper()
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			t.Errorf("%s has a function literal", name)
		case *ast.CallExpr:
			if id, ok := n.Fun.(*ast.Ident); ok && (id.Name == "make" || id.Name == "new" || id.Name == "append") {
				t.Errorf("%s calls %s", name, id.Name)
			}
		case *ast.SelectorExpr:
			if id, ok := n.X.(*ast.Ident); ok && id.Name == "fmt" {
				t.Errorf("%s uses fmt.%s", name, n.Sel.Name)
			}
		}
		return true
	})
}

// checkCommand builds the command that GenerateMain wrote for case name, a
// classifier of 6 features and 3 classes, and runs its info and train commands.
func checkCommand(t *testing.T, dir, name string) {
	if out, err := goCommand(t, dir, "build", "-o", "model-cmd", "./cmd/"+name); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	bin := filepath.Join(dir, "model-cmd")
	out, err := exec.Command(bin, "info").CombinedOutput()
	if err != nil {
		t.Fatalf("%s info: %v\n%s", name, err, out)
	}
	for _, want := range []string{"model          " + name, "features       6", "classes        3", "max_batch      4"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("%s info output lacks %q:\n%s", name, want, out)
		}
	}

	var csv strings.Builder
	for i := range 10 {
		fmt.Fprintf(&csv, "%d", i%3)
		for j := range 6 {
			fmt.Fprintf(&csv, ",%g", float64((i+1)*(j-2))/10)
		}
		csv.WriteByte('\n')
	}
	data := filepath.Join(dir, "train.csv")
	writeFile(t, data, []byte(csv.String()))
	ckpt := filepath.Join(dir, "model.safetensors")
	out, err = exec.Command(bin, "train", "--data", data, "--test", data, "--epochs", "2", "--quiet", "--save", ckpt).CombinedOutput()
	if err != nil {
		t.Fatalf("%s train: %v\n%s", name, err, out)
	}
	if !strings.Contains(string(out), `"test_loss"`) {
		t.Errorf("%s train printed no summary:\n%s", name, out)
	}
	out, err = exec.Command(bin, "eval", "--test", data, "--load", ckpt).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "test_acc") {
		t.Errorf("%s eval: %v\n%s", name, err, out)
	}
}
