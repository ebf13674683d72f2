package runtime

import (
	"bytes"
	"math"
	"slices"
	"testing"
)

// FuzzReadTensors feeds arbitrary bytes to ReadTensors and LoadTensors. Neither may
// panic, and a file that LoadTensors accepts must survive a write and a second load.
func FuzzReadTensors(f *testing.F) {
	var buf bytes.Buffer
	if _, err := WriteTensors(&buf, sampleTensors(), map[string]string{"format": "pt"}); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(buildFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, make([]byte, 8)))

	f.Fuzz(func(t *testing.T, data []byte) {
		into := []Tensor{
			{Name: "a", Shape: []int{2}, F32: make([]float32, 2)},
			{Name: "step", I64: make([]int64, 1)},
		}
		_, n, err := ReadTensors(bytes.NewReader(data), into)
		if err == nil && n > int64(len(data)) {
			t.Fatalf("ReadTensors read %d bytes from %d", n, len(data))
		}

		tensors, meta, err := LoadTensors(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, tensor := range tensors {
			if tensor.Name == "" {
				return // valid in a file, but WriteTensors rejects empty names
			}
		}
		var out bytes.Buffer
		if _, err := WriteTensors(&out, tensors, meta); err != nil {
			t.Fatalf("WriteTensors rejected tensors that LoadTensors returned: %v", err)
		}
		again, meta2, err := LoadTensors(&out)
		if err != nil {
			t.Fatalf("LoadTensors rejected its own output: %v", err)
		}
		if len(again) != len(tensors) || len(meta2) != len(meta) {
			t.Fatalf("round trip changed the file: %d tensors and %d metadata keys, want %d and %d",
				len(again), len(meta2), len(tensors), len(meta))
		}
		for i := range tensors {
			if !sameBits(again[i], tensors[i]) {
				t.Fatalf("round trip changed tensor %q", tensors[i].Name)
			}
		}
	})
}

// sameBits compares tensors bit for bit, so NaNs with equal payloads compare equal.
func sameBits(a, b Tensor) bool {
	f32 := func(x, y float32) bool { return math.Float32bits(x) == math.Float32bits(y) }
	f64 := func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) }
	return a.Name == b.Name && slices.Equal(a.Shape, b.Shape) &&
		slices.EqualFunc(a.F32, b.F32, f32) && slices.EqualFunc(a.F64, b.F64, f64) &&
		slices.Equal(a.I32, b.I32) && slices.Equal(a.I64, b.I64)
}
