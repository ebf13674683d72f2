package data

import (
	"slices"
	"strings"
	"testing"
)

func TestLoadCSVClassesWithHeader(t *testing.T) {
	path := writeFile(t, t.TempDir(), "iris.csv", []byte(
		"sepal,petal,label\n"+
			"5.1, 3.5 ,0\n"+
			"\n"+
			"4.9,3.0,2\r\n"+
			"\"6.2\",2.2,1\n"))
	ds, err := LoadCSV(path, -1, 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	if ds.N != 3 || ds.Features != 2 || ds.Classes != 3 {
		t.Errorf("N, Features, Classes = %d, %d, %d, want 3, 2, 3", ds.N, ds.Features, ds.Classes)
	}
	if want := []float32{5.1, 3.5, 4.9, 3.0, 6.2, 2.2}; !slices.Equal(ds.X, want) {
		t.Errorf("X = %v, want %v", ds.X, want)
	}
	if !slices.Equal(ds.Labels, []int32{0, 2, 1}) {
		t.Errorf("Labels = %v, want [0 2 1]", ds.Labels)
	}
	if ds.Values != nil {
		t.Errorf("Values = %v, want nil for a classification dataset", ds.Values)
	}
	if err := ds.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestLoadCSVLabelFirstNoHeader(t *testing.T) {
	path := writeFile(t, t.TempDir(), "d.csv", []byte("1,0.5,0.25\n0,-1,2e3\n"))
	ds, err := LoadCSV(path, 0, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	if ds.N != 2 || ds.Features != 2 {
		t.Errorf("N, Features = %d, %d, want 2, 2", ds.N, ds.Features)
	}
	if want := []float32{0.5, 0.25, -1, 2000}; !slices.Equal(ds.X, want) {
		t.Errorf("X = %v, want %v", ds.X, want)
	}
	if !slices.Equal(ds.Labels, []int32{1, 0}) {
		t.Errorf("Labels = %v, want [1 0]", ds.Labels)
	}
}

func TestLoadCSVRegressionTargets(t *testing.T) {
	path := writeFile(t, t.TempDir(), "r.csv", []byte("x1,y1,y2,x2\n1,10,20,2\n3,30,40,4\n"))
	ds, err := LoadCSV(path, 1, 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	if ds.Features != 2 || ds.Targets != 2 || ds.Labels != nil {
		t.Errorf("Features, Targets, Labels = %d, %d, %v, want 2, 2, nil", ds.Features, ds.Targets, ds.Labels)
	}
	if want := []float32{1, 2, 3, 4}; !slices.Equal(ds.X, want) {
		t.Errorf("X = %v, want %v", ds.X, want)
	}
	if want := []float32{10, 20, 30, 40}; !slices.Equal(ds.Values, want) {
		t.Errorf("Values = %v, want %v", ds.Values, want)
	}
	if err := ds.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestLoadCSVErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name                       string
		text                       string
		labelCol, classes, targets int
		want                       []string
	}{
		{"non-numeric cell", "a,b,y\n1,2,0\n3,abc,1\n", -1, 2, 0, []string{":3: column 2: value \"abc\" is not a finite number"}},
		{"nan cell", "1,2,0\nNaN,2,1\n", -1, 2, 0, []string{":2: column 1: value \"NaN\""}},
		{"label out of range", "1,2,0\n1,2,5\n", -1, 3, 0, []string{":2: column 3: value \"5\" is not a class label (an integer in [0, 3))"}},
		{"negative label", "1,2,-1\n", -1, 3, 0, []string{":1: column 3: value \"-1\""}},
		{"fractional label", "1,2,0.5\n", -1, 3, 0, []string{"value \"0.5\" is not a class label"}},
		{"ragged row", "1,2,0\n1,0\n", -1, 2, 0, []string{":2: wrong number of fields"}},
		{"empty file", "", -1, 2, 0, []string{"file is empty"}},
		{"header only", "a,b,c\n", -1, 2, 0, []string{"no data rows"}},
		{"label column outside", "1,2,0\n", 3, 2, 0, []string{"label column 3 with 1 label column(s) does not fit rows of 3 columns"}},
		{"negative column outside", "1,2,0\n", -4, 2, 0, []string{"label column -4"}},
		{"targets too wide", "1,2,0\n", 1, 0, 3, []string{"does not fit rows of 3 columns"}},
		{"no features", "1\n2\n", 0, 2, 0, []string{"leave no feature column"}},
		{"negative classes", "1,2\n", -1, -1, 0, []string{"classes = -1"}},
		{"no targets", "1,2\n", -1, 0, 0, []string{"targets = 0"}},
		{"bad quote", "1,\"2,0\n", -1, 2, 0, []string{":1: ", "quote"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, dir, strings.ReplaceAll(tc.name, " ", "_")+".csv", []byte(tc.text))
			_, err := LoadCSV(path, tc.labelCol, tc.classes, tc.targets)
			if err == nil {
				t.Fatal("LoadCSV accepted invalid input")
			}
			for _, want := range append(tc.want, path) {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error = %q, want it to contain %q", err, want)
				}
			}
		})
	}
}

func TestReadCSVFeatures(t *testing.T) {
	x, n, err := ReadCSVFeatures(strings.NewReader("f1,f2\n1,2\n3,4.5\n"), "stdin", 2)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 || !slices.Equal(x, []float32{1, 2, 3, 4.5}) {
		t.Errorf("x, n = %v, %d, want [1 2 3 4.5], 2", x, n)
	}

	_, _, err = ReadCSVFeatures(strings.NewReader("1,2,3\n"), "stdin", 2)
	if err == nil || !strings.Contains(err.Error(), "rows have 3 columns, want 2 features") {
		t.Errorf("error = %v, want a column-count error", err)
	}
	_, _, err = ReadCSVFeatures(strings.NewReader("1,2\n3,x\n"), "in.csv", 2)
	if err == nil || !strings.Contains(err.Error(), `in.csv:2: column 2: value "x"`) {
		t.Errorf("error = %v, want one naming in.csv line 2 column 2", err)
	}
}

func TestLoadCSVMissingFile(t *testing.T) {
	if _, err := LoadCSV("/nonexistent/x.csv", -1, 2, 0); err == nil || !strings.Contains(err.Error(), "/nonexistent/x.csv") {
		t.Errorf("error = %v, want it to name the path", err)
	}
}
