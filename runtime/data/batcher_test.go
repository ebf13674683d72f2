package data

import (
	"slices"
	"strings"
	"testing"

	"github.com/nncc/nncc/runtime"
)

// rampDataset has n samples whose features are [i, i+0.5], label i%3 and target 10*i, so
// each row shows which sample it came from.
func rampDataset(n int, regression bool) *Dataset {
	ds := &Dataset{N: n, Features: 2, X: make([]float32, 2*n)}
	for i := range n {
		ds.X[2*i], ds.X[2*i+1] = float32(i), float32(i)+0.5
	}
	if regression {
		ds.Targets, ds.Values = 1, make([]float32, n)
		for i := range n {
			ds.Values[i] = 10 * float32(i)
		}
	} else {
		ds.Classes, ds.Labels = 3, make([]int32, n)
		for i := range n {
			ds.Labels[i] = int32(i % 3)
		}
	}
	return ds
}

// epoch runs one epoch and returns the sample indices in the order seen, checking that
// every row's features and labels belong to the same sample.
func epoch(t *testing.T, b *Batcher, batchSize int) (order []int, sizes []int) {
	t.Helper()
	for {
		x, labels, values, n, ok := b.Next()
		if !ok {
			if x != nil || labels != nil || values != nil || n != 0 {
				t.Fatalf("Next after the epoch returned n = %d and non-nil slices", n)
			}
			return order, sizes
		}
		if len(x) != 2*n || (labels != nil && len(labels) != n) || (values != nil && len(values) != n) {
			t.Fatalf("batch of %d has len(x) = %d, len(labels) = %d, len(values) = %d", n, len(x), len(labels), len(values))
		}
		if n < 1 || n > batchSize {
			t.Fatalf("batch size %d outside [1, %d]", n, batchSize)
		}
		for row := range n {
			sample := int(x[2*row])
			if x[2*row+1] != float32(sample)+0.5 {
				t.Fatalf("row %d mixes samples: %v", row, x[2*row:2*row+2])
			}
			if labels != nil && labels[row] != int32(sample%3) {
				t.Fatalf("row %d: label %d, want %d for sample %d", row, labels[row], sample%3, sample)
			}
			if values != nil && values[row] != 10*float32(sample) {
				t.Fatalf("row %d: value %v, want %v for sample %d", row, values[row], 10*float32(sample), sample)
			}
			order = append(order, sample)
		}
		sizes = append(sizes, n)
	}
}

func TestBatcherInOrder(t *testing.T) {
	b := NewBatcher(rampDataset(10, false), 4, false, nil)
	if got := b.Batches(); got != 3 {
		t.Errorf("Batches = %d, want 3", got)
	}
	order, sizes := epoch(t, b, 4)
	if want := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}; !slices.Equal(order, want) {
		t.Errorf("order = %v, want %v", order, want)
	}
	if want := []int{4, 4, 2}; !slices.Equal(sizes, want) {
		t.Errorf("batch sizes = %v, want %v", sizes, want)
	}
	b.Reset()
	if again, _ := epoch(t, b, 4); !slices.Equal(again, order) {
		t.Errorf("second epoch order = %v, want %v", again, order)
	}
}

func TestBatcherShuffle(t *testing.T) {
	const n = 50
	b := NewBatcher(rampDataset(n, true), 8, true, runtime.NewRNG(1))
	first, _ := epoch(t, b, 8)
	b.Reset()
	second, _ := epoch(t, b, 8)
	for _, order := range [][]int{first, second} {
		sorted := slices.Sorted(slices.Values(order))
		for i, v := range sorted {
			if v != i {
				t.Fatalf("epoch does not visit every sample exactly once: %v", order)
			}
		}
	}
	if slices.Equal(first, second) {
		t.Errorf("two shuffled epochs have the same order %v", first)
	}
	if slices.IsSorted(first) {
		t.Errorf("shuffled epoch is in order")
	}

	// The same seed gives the same epochs.
	c := NewBatcher(rampDataset(n, true), 8, true, runtime.NewRNG(1))
	if again, _ := epoch(t, c, 8); !slices.Equal(again, first) {
		t.Errorf("same seed gave order %v, want %v", again, first)
	}
}

func TestBatcherDoesNotAllocate(t *testing.T) {
	b := NewBatcher(rampDataset(100, false), 16, true, runtime.NewRNG(2))
	allocs := testing.AllocsPerRun(10, func() {
		b.Reset()
		for {
			if _, _, _, _, ok := b.Next(); !ok {
				break
			}
		}
	})
	if allocs != 0 {
		t.Fatalf("an epoch allocates %v times, want 0", allocs)
	}
}

func TestNewBatcherPanics(t *testing.T) {
	cases := []struct {
		name string
		f    func()
		want string
	}{
		{"nil dataset", func() { NewBatcher(nil, 4, false, nil) }, "nil dataset"},
		{"zero batch", func() { NewBatcher(rampDataset(3, false), 0, false, nil) }, "batch size 0"},
		{"nil rng", func() { NewBatcher(rampDataset(3, false), 2, true, nil) }, "non-nil RNG"},
		{"invalid", func() { NewBatcher(&Dataset{N: 1, Features: 2}, 2, false, nil) }, "X has length 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if !strings.Contains(msg, tc.want) {
					t.Fatalf("panic = %v, want it to contain %q", r, tc.want)
				}
			}()
			tc.f()
		})
	}
}

func TestDatasetValidate(t *testing.T) {
	valid := rampDataset(4, false)
	if err := valid.Validate(); err != nil {
		t.Fatalf("Validate on a valid dataset: %v", err)
	}
	cases := []struct {
		name   string
		modify func(d *Dataset)
		want   string
	}{
		{"short X", func(d *Dataset) { d.X = d.X[:5] }, "X has length 5"},
		{"no features", func(d *Dataset) { d.Features = 0 }, "Features = 0"},
		{"both labels", func(d *Dataset) { d.Values, d.Targets = make([]float32, 4), 1 }, "both Labels and Values"},
		{"no labels", func(d *Dataset) { d.Labels = nil }, "neither Labels nor Values"},
		{"label count", func(d *Dataset) { d.Labels = d.Labels[:3] }, "3 labels, want N = 4"},
		{"label range", func(d *Dataset) { d.Labels[2] = 3 }, "sample 2 has label 3"},
		{"values length", func(d *Dataset) { d.Labels, d.Values, d.Targets = nil, make([]float32, 3), 1 }, "Values has length 3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := rampDataset(4, false)
			tc.modify(d)
			if err := d.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
