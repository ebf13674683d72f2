package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// idxBytes encodes an unsigned-byte IDX file with the given dimensions and data.
func idxBytes(dims []int, data []byte) []byte {
	out := []byte{0, 0, idxUnsignedByte, byte(len(dims))}
	for _, d := range dims {
		out = binary.BigEndian.AppendUint32(out, uint32(d))
	}
	return append(out, data...)
}

func gzipBytes(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadIDXPlainAndGzip(t *testing.T) {
	dir := t.TempDir()
	pixels := []byte{0, 51, 102, 153, 204, 255, 1, 2, 3, 4, 5, 6}
	file := idxBytes([]int{2, 3, 2}, pixels)
	paths := []string{
		writeFile(t, dir, "plain.idx", file),
		writeFile(t, dir, "packed.idx.gz", gzipBytes(t, file)),
		writeFile(t, dir, "packed-no-suffix", gzipBytes(t, file)), // detected by magic
	}
	for _, path := range paths {
		shape, data, err := ReadIDX(path)
		if err != nil {
			t.Fatalf("ReadIDX(%s): %v", path, err)
		}
		if !slices.Equal(shape, []int{2, 3, 2}) {
			t.Errorf("ReadIDX(%s) shape = %v, want [2 3 2]", path, shape)
		}
		if !bytes.Equal(data, pixels) {
			t.Errorf("ReadIDX(%s) data = %v, want %v", path, data, pixels)
		}
	}
}

func TestReadIDXCorrupt(t *testing.T) {
	dir := t.TempDir()
	good := idxBytes([]int{2, 3}, []byte{1, 2, 3, 4, 5, 6})
	badGzip := gzipBytes(t, good)
	badGzip[len(badGzip)-6] ^= 0xff // corrupt the CRC-32 in the trailer
	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "reading IDX magic number: file is truncated"},
		{"bad magic", append([]byte{1, 2}, good[2:]...), "invalid IDX magic number 01 02 08 02"},
		{"float type", append([]byte{0, 0, 0x0d}, good[3:]...), "element type 0x0d is not supported"},
		{"zero dims", []byte{0, 0, 8, 0}, "declares 0 dimensions"},
		{"truncated dims", good[:9], "reading 2 IDX dimensions: file is truncated"},
		{"truncated data", good[:len(good)-1], "file is truncated: 5 data bytes, want 6 for shape [2 3]"},
		{"wrong dims", idxBytes([]int{2, 2}, good[12:]), "data continues past the 4 bytes that shape [2 2] needs"},
		{"huge dims", idxBytes([]int{1 << 16, 1 << 16}, nil), "declare more than 2147483648 bytes"},
		{"bad checksum", badGzip, "reading data: gzip: invalid checksum"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, dir, strings.ReplaceAll(tc.name, " ", "-")+".idx", tc.file)
			_, _, err := ReadIDX(path)
			if err == nil {
				t.Fatalf("ReadIDX accepted a corrupt file")
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("error = %q, want it to name %s and contain %q", err, path, tc.want)
			}
		})
	}
}

func TestReadIDXNotGzip(t *testing.T) {
	path := writeFile(t, t.TempDir(), "images.gz", idxBytes([]int{1}, []byte{7}))
	_, _, err := ReadIDX(path)
	if err == nil || !strings.Contains(err.Error(), "invalid gzip data") {
		t.Fatalf("error = %v, want an invalid gzip error", err)
	}
}

func TestReadIDXMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.idx")
	_, _, err := ReadIDX(path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("error = %v, want it to name %s", err, path)
	}
}

func TestLoadIDX(t *testing.T) {
	dir := t.TempDir()
	images := writeFile(t, dir, "img.gz", gzipBytes(t, idxBytes([]int{3, 2, 2}, []byte{
		0, 255, 51, 102,
		1, 2, 3, 4,
		255, 255, 0, 0,
	})))
	labels := writeFile(t, dir, "lbl", idxBytes([]int{3}, []byte{0, 2, 1}))
	ds, err := LoadIDX(images, labels)
	if err != nil {
		t.Fatal(err)
	}
	if ds.N != 3 || ds.Features != 4 || ds.Classes != 3 {
		t.Errorf("N, Features, Classes = %d, %d, %d, want 3, 4, 3", ds.N, ds.Features, ds.Classes)
	}
	if want := []float32{0, 1, 0.2, 0.4}; !slices.Equal(ds.X[:4], want) {
		t.Errorf("first image = %v, want %v", ds.X[:4], want)
	}
	if ds.X[4] != float32(1)/255 {
		t.Errorf("pixel 1 scaled to %v, want 1/255 in float32", ds.X[4])
	}
	if !slices.Equal(ds.Labels, []int32{0, 2, 1}) {
		t.Errorf("labels = %v, want [0 2 1]", ds.Labels)
	}
	if err := ds.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestLoadIDXMinimumTwoClasses(t *testing.T) {
	dir := t.TempDir()
	images := writeFile(t, dir, "img", idxBytes([]int{2, 1}, []byte{1, 2}))
	labels := writeFile(t, dir, "lbl", idxBytes([]int{2}, []byte{0, 0}))
	ds, err := LoadIDX(images, labels)
	if err != nil {
		t.Fatal(err)
	}
	if ds.Classes != 2 {
		t.Errorf("Classes = %d for all-zero labels, want 2", ds.Classes)
	}
}

func TestLoadIDXMismatch(t *testing.T) {
	dir := t.TempDir()
	img3 := writeFile(t, dir, "img3", idxBytes([]int{3, 2}, make([]byte, 6)))
	img1d := writeFile(t, dir, "img1d", idxBytes([]int{3}, make([]byte, 3)))
	img0 := writeFile(t, dir, "img0", idxBytes([]int{0, 2}, nil))
	lbl2 := writeFile(t, dir, "lbl2", idxBytes([]int{2}, make([]byte, 2)))
	lbl3 := writeFile(t, dir, "lbl3", idxBytes([]int{3}, make([]byte, 3)))
	lbl0 := writeFile(t, dir, "lbl0", idxBytes([]int{0}, nil))
	lbl2d := writeFile(t, dir, "lbl2d", idxBytes([]int{3, 1}, make([]byte, 3)))
	cases := []struct {
		name, images, labels, want string
	}{
		{"count", img3, lbl2, "has 3 images but"},
		{"1-d images", img1d, lbl3, "want at least 2 dimensions"},
		{"2-d labels", img3, lbl2d, "want 1 dimension"},
		{"no samples", img0, lbl0, "no samples"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadIDX(tc.images, tc.labels)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
