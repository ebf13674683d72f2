package frontend

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nncc/nncc/ir"
)

// Regression tests for inputs a careless or hostile user may write.

// parseErrorLines parses src, which must fail, and returns its error lines.
func parseErrorLines(t *testing.T, src string) []string {
	t.Helper()
	mod, err := Parse("m.nnc", []byte(src))
	if err == nil {
		t.Fatalf("no error; module %s", mod.Name)
	}
	return strings.Split(err.Error(), "\n")
}

func TestUnknownNamesAreNotSuggested(t *testing.T) {
	src := strings.Replace(validModel, "h = dense(x, 8)\n",
		"h = dense(x, 8)\na = relu(abc)\nb = relu(abd)\nc = relu(hh)\n", 1)
	got := parseErrorLines(t, src)
	want := []string{
		`m.nnc:5:10: unknown name "abc"`,
		`m.nnc:6:10: unknown name "abd"`, // not "did you mean abc?": abc is unknown too
		`m.nnc:7:10: unknown name "hh" (did you mean h?)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestUnknownNameHintsAreBounded(t *testing.T) {
	// Every typo is one edit away from a bound name, but only the first
	// maxNameHints errors search for one.
	var b strings.Builder
	typos := maxNameHints + 50
	for i := range typos {
		fmt.Fprintf(&b, "v%d = relu(x)\nw%d = relu(u%d)\n", i, i, i)
	}
	src := strings.Replace(validModel, "h = dense(x, 8)\n", "h = dense(x, 8)\n"+b.String(), 1)
	got := parseErrorLines(t, src)
	if len(got) != typos {
		t.Fatalf("%d errors, want %d:\n%s", len(got), typos, strings.Join(got, "\n"))
	}
	hints := 0
	for _, e := range got {
		if strings.Contains(e, "did you mean") {
			hints++
		}
	}
	if hints != maxNameHints {
		t.Errorf("%d errors with a hint, want %d", hints, maxNameHints)
	}
	if want := `m.nnc:6:11: unknown name "u0" (did you mean v0?)`; got[0] != want {
		t.Errorf("first error %q, want %q", got[0], want)
	}
}

func TestClosestSkipsLongNames(t *testing.T) {
	long := strings.Repeat("a", maxHintLen+1)
	if c := closest(long+"b", []string{long + "c"}); c != "" {
		t.Errorf("closest of a %d-byte name = %q, want no hint", len(long)+1, c)
	}
	if c := closest("ab", []string{long, "abc"}); c != "abc" {
		t.Errorf("closest(ab) = %q, want abc", c)
	}
	edge := strings.Repeat("a", maxHintLen)
	if c := closest(edge[1:]+"b", []string{edge}); c != edge {
		t.Errorf("closest of a %d-byte name = %q, want the %d-byte candidate", maxHintLen, c, maxHintLen)
	}
}

func TestParseFileRejectsHugeFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.nnc")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	// A sparse file: it reads as zeros without taking disk space.
	if err := errors.Join(f.Truncate(int64(maxFileSize)+1), f.Close()); err != nil {
		t.Fatal(err)
	}
	mod, err := ParseFile(path)
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Path != path || !strings.Contains(err.Error(), "larger than 16777216 bytes") {
		t.Fatalf("ParseFile = %v, %v; want a *fs.PathError about the size limit", mod, err)
	}

	// A file of exactly the limit is read and parsed; a smaller limit keeps the
	// parse short.
	defer func(n int) { maxFileSize = n }(maxFileSize)
	maxFileSize = len(validModel)
	if err := os.WriteFile(path, []byte(validModel), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseFile(path); err != nil {
		t.Fatalf("ParseFile of %d bytes with the limit at %d: %v", len(validModel), maxFileSize, err)
	}
	if err := os.WriteFile(path, []byte(validModel+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseFile(path); !errors.As(err, &pe) {
		t.Fatalf("ParseFile of %d bytes with the limit at %d = %v, want a *fs.PathError", len(validModel)+1, maxFileSize, err)
	}
}

func TestHyperparametersMustFitTheDType(t *testing.T) {
	for _, c := range []struct {
		opt, want string
	}{
		{"sgd(lr=1e-50)", `m.nnc:8:18: sgd: lr "1e-50" rounds to 0 in f32, the model's dtype`},
		{"sgd(lr=1e300)", `m.nnc:8:18: sgd: lr "1e300" rounds to +Inf in f32, the model's dtype`},
		{"sgd(lr=0.1, momentum=1e39)", `m.nnc:8:32: sgd: momentum "1e39" rounds to +Inf in f32, the model's dtype`},
		{"adam(eps=1e39)", `m.nnc:8:20: adam: eps "1e39" rounds to +Inf in f32, the model's dtype`},
	} {
		src := strings.Replace(validModel, "sgd(lr=0.1)", c.opt, 1)
		if got := strings.Join(parseErrorLines(t, src), "\n"); got != c.want {
			t.Errorf("%s: errors\n%s\nwant\n%s", c.opt, got, c.want)
		}
		// The same values fit f64.
		f64 := "dtype f64\n" + strings.Replace(src, "f32[4]", "[4]", 1)
		if _, err := Parse("m.nnc", []byte(f64)); err != nil {
			t.Errorf("%s under dtype f64: %v", c.opt, err)
		}
	}
	// A tiny weight decay that rounds to 0 is allowed: 0 is in its range.
	mustParse(t, strings.Replace(validModel, "sgd(lr=0.1)", "sgd(lr=0.1, weight_decay=1e-50)", 1))
}

func TestGoAPIHyperparametersMustFitTheDType(t *testing.T) {
	// model returns a complete model with the optimizer given before the dtype, which
	// may come later; Build checks against the final dtype.
	model := func(opt SGDConfig, dt ir.DType) *Model {
		m := NewModel("t")
		m.SGD(opt)
		m.SetDType(dt)
		x, y := m.Input(4), m.ClassLabels(3)
		logits := m.Dense(x, 3, "")
		m.Output(logits)
		m.CrossEntropy(logits, y)
		m.Train(ir.TrainConfig{BatchSize: 2, Epochs: 1})
		return m
	}
	got := buildErrors(t, model(SGDConfig{LR: 1e-50, WeightDecay: 1e300}, ir.F32))
	want := []string{"sgd: lr 1e-50 rounds to 0 in f32, the model's dtype",
		"sgd: weight_decay 1e+300 rounds to +Inf in f32, the model's dtype"}
	if len(got) != len(want) {
		t.Fatalf("errors %q, want %q", got, want)
	}
	for i := range want {
		if !strings.HasSuffix(got[i], want[i]) {
			t.Errorf("error %q, want one ending in %q", got[i], want[i])
		}
	}
	if _, err := model(SGDConfig{LR: 1e-50, WeightDecay: 1e300}, ir.F64).Build(); err != nil {
		t.Errorf("f64 model: %v", err)
	}
}

func TestEmptyDataFileName(t *testing.T) {
	src := validModel + "train {\n  data = csv(\"\")\n}\n"
	want := `m.nnc:10:14: csv: file must be a non-empty string in double quotes, got "\"\""`
	if got := strings.Join(parseErrorLines(t, src), "\n"); got != want {
		t.Errorf("errors\n%s\nwant\n%s", got, want)
	}
}

func TestBatchTimesSampleIsBounded(t *testing.T) {
	model := func(batch int) string {
		return strings.Replace(validModel, "f32[4]", "f32[200]", 1) + fmt.Sprintf("train {\n  batch = %d\n}\n", batch)
	}
	// 200 * 10737418 = 2147483600 elements is within the limit.
	mustParse(t, model(maxElems/200))
	got := parseErrorLines(t, model(maxElems/200+1))
	want := `m.nnc:2:10: a value of shape [N,200] has 2147483800 elements at batch size 10737419, ` +
		`more than 2147483647; lower the batch size to at most 10737418`
	if len(got) != 1 || got[0] != want {
		t.Errorf("errors %q, want %q", got, want)
	}
}
