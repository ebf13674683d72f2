package runtime

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	goruntime "runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sampleTensors() []Tensor {
	return []Tensor{
		{Name: "fc1.weight", Shape: []int{2, 3}, F32: []float32{1, -2, 3.5, float32(math.Inf(1)), 0, -0.25}},
		{Name: "fc1.bias", Shape: []int{3}, F64: []float64{math.Pi, -1e-300, 7}},
		{Name: "step", Shape: nil, I64: []int64{math.MinInt64}},
		{Name: "labels", Shape: []int{2, 2}, I32: []int32{1, -2, math.MaxInt32, 0}},
		{Name: "empty", Shape: []int{0, 4}, F32: []float32{}},
	}
}

func writeSample(t *testing.T, meta map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	n, err := WriteTensors(&buf, sampleTensors(), meta)
	if err != nil {
		t.Fatalf("WriteTensors: %v", err)
	}
	if n != int64(buf.Len()) {
		t.Fatalf("WriteTensors returned %d bytes, wrote %d", n, buf.Len())
	}
	return buf.Bytes()
}

func equalTensor(a, b Tensor) bool {
	return a.Name == b.Name && slices.Equal(a.Shape, b.Shape) &&
		slices.Equal(a.F32, b.F32) && slices.Equal(a.F64, b.F64) &&
		slices.Equal(a.I32, b.I32) && slices.Equal(a.I64, b.I64) &&
		(a.F32 == nil) == (b.F32 == nil) && (a.F64 == nil) == (b.F64 == nil) &&
		(a.I32 == nil) == (b.I32 == nil) && (a.I64 == nil) == (b.I64 == nil)
}

func TestTensorsRoundTrip(t *testing.T) {
	meta := map[string]string{"format": "pt", "model": "mlp <&>"}
	file := writeSample(t, meta)

	got, gotMeta, err := LoadTensors(bytes.NewReader(file))
	if err != nil {
		t.Fatalf("LoadTensors: %v", err)
	}
	want := sampleTensors()
	if len(got) != len(want) {
		t.Fatalf("LoadTensors returned %d tensors, want %d", len(got), len(want))
	}
	for i := range want {
		if want[i].Shape == nil {
			want[i].Shape = []int{}
		}
		if !equalTensor(got[i], want[i]) {
			t.Errorf("tensor %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if len(gotMeta) != 2 || gotMeta["format"] != "pt" || gotMeta["model"] != "mlp <&>" {
		t.Errorf("metadata = %v, want %v", gotMeta, meta)
	}

	into := []Tensor{
		{Name: "fc1.bias", Shape: []int{3}, F64: make([]float64, 3)},
		{Name: "step", I64: make([]int64, 1)},
		{Name: "empty", Shape: []int{0, 4}, F32: []float32{}},
	}
	gotMeta, n, err := ReadTensors(bytes.NewReader(file), into)
	if err != nil {
		t.Fatalf("ReadTensors: %v", err)
	}
	if n != int64(len(file)) {
		t.Errorf("ReadTensors read %d bytes, file has %d", n, len(file))
	}
	if gotMeta["format"] != "pt" {
		t.Errorf("ReadTensors metadata = %v", gotMeta)
	}
	if !slices.Equal(into[0].F64, want[1].F64) {
		t.Errorf("fc1.bias = %v, want %v", into[0].F64, want[1].F64)
	}
	if into[1].I64[0] != math.MinInt64 {
		t.Errorf("step = %v, want %v", into[1].I64, int64(math.MinInt64))
	}
}

// TestTensorsLayout decodes the file by hand to check the layout that other safetensors
// readers rely on.
func TestTensorsLayout(t *testing.T) {
	file := writeSample(t, map[string]string{"format": "pt"})
	headerLen := binary.LittleEndian.Uint64(file[:8])
	if (8+headerLen)%8 != 0 {
		t.Errorf("data starts at byte %d, want a multiple of 8", 8+headerLen)
	}
	header := file[8 : 8+headerLen]
	if header[0] != '{' {
		t.Errorf("header starts with %q, want '{'", header[0])
	}
	var parsed map[string]json.RawMessage
	if err := json.Unmarshal(header, &parsed); err != nil {
		t.Fatalf("header is not JSON: %v\n%s", err, header)
	}
	var info struct {
		Dtype       string   `json:"dtype"`
		Shape       []int    `json:"shape"`
		DataOffsets [2]int64 `json:"data_offsets"`
	}
	if err := json.Unmarshal(parsed["fc1.bias"], &info); err != nil {
		t.Fatalf("fc1.bias entry: %v", err)
	}
	if info.Dtype != "F64" || !slices.Equal(info.Shape, []int{3}) || info.DataOffsets != [2]int64{24, 48} {
		t.Errorf("fc1.bias entry = %+v, want F64 [3] [24 48]", info)
	}
	if !bytes.Contains(header, []byte(`"step":{"dtype":"I64","shape":[],`)) {
		t.Errorf("scalar shape is not written as []: %s", header)
	}
	data := file[8+headerLen:]
	if got := math.Float64frombits(binary.LittleEndian.Uint64(data[24:])); got != math.Pi {
		t.Errorf("first element of fc1.bias = %v, want pi", got)
	}
	if got := math.Float32frombits(binary.LittleEndian.Uint32(data[4:])); got != -2 {
		t.Errorf("second element of fc1.weight = %v, want -2", got)
	}
	if len(data) != 24+24+8+16 {
		t.Errorf("data buffer has %d bytes, want 72", len(data))
	}
}

// buildFile assembles a safetensors file from a header string and data bytes.
func buildFile(header string, data []byte) []byte {
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	out = append(out, header...)
	return append(out, data...)
}

// TestReadForeignLayout reads a file laid out as the Python safetensors package writes
// it: metadata first, header padded with spaces, tensors ordered by dtype size and not by
// name, and a BF16 tensor that ReadTensors must skip.
func TestReadForeignLayout(t *testing.T) {
	header := `{"__metadata__":{"format":"pt"},"b":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},` +
		`"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},` +
		`"h":{"dtype":"BF16","shape":[1,1],"data_offsets":[16,18]}}   `
	var data []byte
	data = binary.LittleEndian.AppendUint64(data, math.Float64bits(-1.5))
	data = binary.LittleEndian.AppendUint32(data, math.Float32bits(2))
	data = binary.LittleEndian.AppendUint32(data, math.Float32bits(3))
	data = append(data, 0x80, 0x3f)
	file := append(buildFile(header, data), "trailing"...)

	into := []Tensor{{Name: "a", Shape: []int{2}, F32: make([]float32, 2)}, {Name: "b", Shape: []int{1}, F64: make([]float64, 1)}}
	r := bytes.NewReader(file)
	meta, n, err := ReadTensors(r, into)
	if err != nil {
		t.Fatalf("ReadTensors: %v", err)
	}
	if !slices.Equal(into[0].F32, []float32{2, 3}) || into[1].F64[0] != -1.5 {
		t.Errorf("read a = %v, b = %v, want [2 3] and [-1.5]", into[0].F32, into[1].F64)
	}
	if meta["format"] != "pt" {
		t.Errorf("metadata = %v", meta)
	}
	if n != int64(len(file)-len("trailing")) || r.Len() != len("trailing") {
		t.Errorf("ReadTensors consumed %d bytes with %d left, want to stop before the trailing bytes", n, r.Len())
	}

	_, _, err = LoadTensors(bytes.NewReader(file))
	if err == nil || !strings.Contains(err.Error(), `"h" has dtype BF16`) {
		t.Errorf("LoadTensors error = %v, want one naming the BF16 tensor", err)
	}
}

func TestReadTensorsMismatch(t *testing.T) {
	file := writeSample(t, nil)
	cases := []struct {
		name string
		into Tensor
		want string
	}{
		{"missing", Tensor{Name: "fc2.weight", Shape: []int{1}, F32: make([]float32, 1)}, `tensor "fc2.weight" not found`},
		{"dtype", Tensor{Name: "fc1.bias", Shape: []int{3}, F32: make([]float32, 3)}, `tensor "fc1.bias" has dtype F64 in file, want F32`},
		{"shape", Tensor{Name: "fc1.weight", Shape: []int{3, 2}, F32: make([]float32, 6)}, `tensor "fc1.weight" has shape [2 3] in file, want [3 2]`},
		{"bad length", Tensor{Name: "fc1.weight", Shape: []int{2, 3}, F32: make([]float32, 5)}, `has 5 elements, shape [2 3] needs 6`},
		{"two slices", Tensor{Name: "x", F32: []float32{1}, I32: []int32{1}}, "2 data slices set"},
		{"no slice", Tensor{Name: "x"}, "0 data slices set"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ReadTensors(bytes.NewReader(file), []Tensor{tc.into})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}

	dup := []Tensor{
		{Name: "step", I64: make([]int64, 1)},
		{Name: "step", I64: make([]int64, 1)},
	}
	if _, _, err := ReadTensors(bytes.NewReader(file), dup); err == nil || !strings.Contains(err.Error(), "requested twice") {
		t.Errorf("duplicate request error = %v", err)
	}
}

func TestReadTensorsCorrupt(t *testing.T) {
	valid := writeSample(t, nil)
	headerLen := int(binary.LittleEndian.Uint64(valid[:8]))
	entry := func(dtype, shape, offsets string) string {
		return `{"x":{"dtype":"` + dtype + `","shape":` + shape + `,"data_offsets":` + offsets + `}}`
	}
	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "reading header length: file is truncated"},
		{"short length", valid[:5], "reading header length: file is truncated"},
		{"huge header", binary.LittleEndian.AppendUint64(nil, 1<<40), "header length 1099511627776 is outside"},
		{"truncated header", valid[:8+headerLen/2], "header: file is truncated"},
		{"truncated data", valid[:len(valid)-3], `tensor "labels": file is truncated`},
		{"not json", buildFile("{nope", nil), "invalid header JSON"},
		{"not object", buildFile("[1,2]", nil), "does not start with '{'"},
		{"duplicate", buildFile(`{"x":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"x":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}`, make([]byte, 4)), `duplicate key "x"`},
		{"unknown dtype", buildFile(entry("F128", "[1]", "[0,16]"), make([]byte, 16)), `unknown dtype "F128"`},
		{"negative dim", buildFile(entry("F32", "[-1]", "[0,4]"), make([]byte, 4)), "negative dimension"},
		{"size mismatch", buildFile(entry("F32", "[2]", "[0,4]"), make([]byte, 4)), "do not match F32 shape [2]"},
		{"reversed offsets", buildFile(entry("F32", "[0]", "[4,0]"), nil), "data_offsets [4, 0]"},
		{"gap", buildFile(entry("F32", "[1]", "[4,8]"), make([]byte, 8)), "starts at byte 4 of the data, want 0"},
		{"overlap", buildFile(`{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, make([]byte, 8)), "starts at byte 4 of the data, want 8"},
		{"missing field", buildFile(`{"x":{"dtype":"F32","shape":[1]}}`, nil), "needs dtype, shape and data_offsets"},
		{"three offsets", buildFile(entry("F32", "[1]", "[0,4,8]"), make([]byte, 4)), "data_offsets has 3 values"},
		{"overflow", buildFile(entry("F64", "[4611686018427387904,4]", "[0,8]"), nil), "overflows"},
		{"trailing json", buildFile(entry("F32", "[1]", "[0,4]")+`{}`, make([]byte, 4)), "data after the JSON object"},
		{"bad metadata", buildFile(`{"__metadata__":{"a":1}}`, nil), "__metadata__ is not a map of strings"},
		{"float shape", buildFile(entry("F32", "[1.5]", "[0,4]"), make([]byte, 4)), "invalid header entry"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ReadTensors(bytes.NewReader(tc.file), nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReadTensors error = %v, want it to contain %q", err, tc.want)
			}
			_, _, err = LoadTensors(bytes.NewReader(tc.file))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("LoadTensors error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestLoadTensorsHugeClaim checks that a header claiming a 32 GiB tensor in a short
// file fails without allocating memory for the claim.
func TestLoadTensorsHugeClaim(t *testing.T) {
	const count = 1 << 33
	header := `{"x":{"dtype":"F32","shape":[8589934592],"data_offsets":[0,34359738368]}}`
	file := buildFile(header, make([]byte, 1000))

	var before, after goruntime.MemStats
	goruntime.ReadMemStats(&before)
	_, _, err := LoadTensors(bytes.NewReader(file))
	goruntime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), `tensor "x": file is truncated`) {
		t.Fatalf("error = %v, want a truncation error naming x", err)
	}
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 4<<20 {
		t.Errorf("LoadTensors allocated %d bytes for a %d-byte file claiming %d elements", grown, len(file), count)
	}
}

func TestWriteTensorsRejects(t *testing.T) {
	cases := []struct {
		name    string
		tensors []Tensor
		want    string
	}{
		{"empty name", []Tensor{{Name: "", F32: []float32{1}}}, `invalid name ""`},
		{"reserved name", []Tensor{{Name: "__metadata__", F32: []float32{1}}}, `invalid name "__metadata__"`},
		{"duplicate", []Tensor{{Name: "a", F32: []float32{1}}, {Name: "a", F32: []float32{1}}}, `duplicate tensor name "a"`},
		{"no data", []Tensor{{Name: "a", Shape: []int{1}}}, "0 data slices set"},
		{"length", []Tensor{{Name: "a", Shape: []int{2, 2}, F64: make([]float64, 3)}}, "has 3 elements, shape [2 2] needs 4"},
		{"negative", []Tensor{{Name: "a", Shape: []int{-1}, F64: nil, I32: []int32{}}}, "negative dimension"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			n, err := WriteTensors(&buf, tc.tensors, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
			if n != 0 || buf.Len() != 0 {
				t.Errorf("wrote %d bytes (returned %d) before failing, want none", buf.Len(), n)
			}
		})
	}
}

// TestTensorsLargeRoundTrip crosses the chunk size of the encoder and decoder.
func TestTensorsLargeRoundTrip(t *testing.T) {
	r := NewRNG(13)
	w := make([]float32, 3*ioChunk/4+5)
	FillNormal(r, w, 0, 1)
	var buf bytes.Buffer
	if _, err := WriteTensors(&buf, []Tensor{{Name: "w", Shape: []int{len(w)}, F32: w}}, nil); err != nil {
		t.Fatal(err)
	}
	got := make([]float32, len(w))
	if _, _, err := ReadTensors(&buf, []Tensor{{Name: "w", Shape: []int{len(w)}, F32: got}}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, w) {
		t.Fatal("tensor read back differs from the one written")
	}
}

func TestReadTensorsOptionalMissing(t *testing.T) {
	var buf bytes.Buffer
	_, err := WriteTensors(&buf, []Tensor{{Name: "w", Shape: []int{2}, F32: []float32{1, 2}}}, nil)
	require.NoError(t, err)
	data := buf.Bytes()

	w := make([]float32, 2)
	kept := []float32{7}
	into := []Tensor{
		{Name: "w", Shape: []int{2}, F32: w},
		{Name: "momentum", Shape: []int{1}, F32: kept, Optional: true},
	}
	_, _, err = ReadTensors(bytes.NewReader(data), into)
	require.NoError(t, err)
	assert.Equal(t, []float32{1, 2}, w)
	assert.Equal(t, []float32{7}, kept, "a missing optional tensor keeps its values")

	into[1].Optional = false
	_, _, err = ReadTensors(bytes.NewReader(data), into)
	require.ErrorContains(t, err, `tensor "momentum" not found`)
}
