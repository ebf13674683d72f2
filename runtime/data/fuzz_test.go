package data

import (
	"bytes"
	"testing"
)

// FuzzReadIDX feeds arbitrary bytes, plain or as a ".gz" file, to the IDX decoder. It
// must not panic, and what it accepts must have exactly as many bytes as its shape.
func FuzzReadIDX(f *testing.F) {
	f.Add(idxBytes([]int{2, 3}, []byte{1, 2, 3, 4, 5, 6}), false)
	f.Add([]byte{0, 0, 8, 1, 0, 0, 0, 1, 9}, true)
	f.Fuzz(func(t *testing.T, data []byte, gz bool) {
		name := "fuzz.idx"
		if gz {
			name += ".gz"
		}
		shape, out, err := decodeIDX(bytes.NewReader(data), name)
		if err != nil {
			return
		}
		size := 1
		for _, d := range shape {
			size *= d
		}
		if len(shape) == 0 || len(out) != size {
			t.Fatalf("accepted shape %v with %d data bytes", shape, len(out))
		}
	})
}

// FuzzLoadCSV feeds arbitrary text and label settings to the CSV decoder. It must not
// panic, every dataset it returns must pass Validate, and ReadCSVFeatures must accept the
// same text.
func FuzzLoadCSV(f *testing.F) {
	f.Add([]byte("a,b,y\n1,2,0\n3,4,1\n"), int8(-1), uint8(2), uint8(0))
	f.Add([]byte("1,10,20,2\n3,30,40,4\n"), int8(1), uint8(0), uint8(2))
	f.Add([]byte("1,\"2\n"), int8(0), uint8(3), uint8(1))
	f.Fuzz(func(t *testing.T, text []byte, labelColumn int8, classes, targets uint8) {
		ds, err := decodeCSV(bytes.NewReader(text), "fuzz.csv", int(labelColumn), int(classes), int(targets))
		if err != nil {
			return
		}
		if err := ds.Validate(); err != nil {
			t.Fatalf("decodeCSV returned an invalid dataset: %v", err)
		}
		// The same rows read as plain features must give every cell.
		cols := ds.Features + ds.Targets + min(ds.Classes, 1)
		x, n, err := ReadCSVFeatures(bytes.NewReader(text), "fuzz.csv", cols)
		if err != nil || n != ds.N || len(x) != n*cols {
			t.Fatalf("ReadCSVFeatures on accepted input: n = %d, len(x) = %d, err = %v; want n = %d",
				n, len(x), err, ds.N)
		}
	})
}
