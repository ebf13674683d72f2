package runtime

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"slices"
)

// maxHeaderSize bounds the JSON header that a reader accepts (100 MiB), so a corrupt
// length cannot make it allocate without limit.
const maxHeaderSize = 100 << 20

// dtypeSizes maps the safetensors dtypes of whole-byte width to their size in bytes.
// Readers skip tensors of any of these dtypes that they were not asked for.
var dtypeSizes = map[string]int{
	"BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1,
	"I16": 2, "U16": 2, "F16": 2, "BF16": 2,
	"I32": 4, "U32": 4, "F32": 4,
	"I64": 8, "U64": 8, "F64": 8,
}

// entry is one validated tensor of a header, with its byte range in the data buffer.
type entry struct {
	name       string
	dtype      string
	shape      []int
	count      int // number of elements
	begin, end int64
}

// ReadTensors reads a safetensors file (written by WriteTensors or by the Python
// safetensors package) and copies the tensors named in into into their data slices,
// which must already have the right dtype and length. Tensors of the file that into does
// not name are skipped. ReadTensors reads exactly the header and the data buffer, so r
// is left at the first byte after the file. It returns the metadata map (nil if the file
// has none) and the number of bytes read.
//
// It returns an error naming the tensor when a tensor of into that is not Optional is
// missing from the file, or when a tensor differs in dtype or shape, and an error when the file is truncated or its header is
// invalid: a header over 100 MiB, malformed JSON, duplicate names, an unknown dtype, or
// byte ranges that do not tile the data buffer exactly. Shapes and dtypes are checked
// before any data is read; a read error in the data leaves into partly filled.
func ReadTensors(r io.Reader, into []Tensor) (meta map[string]string, n int64, err error) {
	want := make(map[string]*Tensor, len(into))
	for i := range into {
		t := &into[i]
		if _, err := t.check(); err != nil {
			return nil, 0, err
		}
		if _, dup := want[t.Name]; dup {
			return nil, 0, fmt.Errorf("safetensors: tensor %q requested twice", t.Name)
		}
		want[t.Name] = t
	}

	cr := &countingReader{r: r}
	entries, meta, err := readHeader(cr)
	if err != nil {
		return nil, cr.n, err
	}
	found := make(map[string]bool, len(into))
	for _, e := range entries {
		t := want[e.name]
		if t == nil {
			continue
		}
		dtype, _, _ := t.dtype()
		if dtype != e.dtype {
			return nil, cr.n, fmt.Errorf("safetensors: tensor %q has dtype %s in file, want %s",
				e.name, e.dtype, dtype)
		}
		if !slices.Equal(e.shape, t.Shape) {
			return nil, cr.n, fmt.Errorf("safetensors: tensor %q has shape %v in file, want %v",
				e.name, e.shape, t.Shape)
		}
		found[e.name] = true
	}
	for i := range into {
		if !found[into[i].Name] && !into[i].Optional {
			return nil, cr.n, fmt.Errorf("safetensors: tensor %q not found in file", into[i].Name)
		}
	}

	buf := make([]byte, ioChunk)
	for _, e := range entries {
		t := want[e.name]
		if t == nil {
			if _, err := io.CopyN(io.Discard, cr, e.end-e.begin); err != nil {
				return nil, cr.n, fmt.Errorf("safetensors: tensor %q: %w", e.name, truncated(err))
			}
			continue
		}
		if err := readTensorData(cr, t, buf); err != nil {
			return nil, cr.n, fmt.Errorf("safetensors: tensor %q: %w", e.name, truncated(err))
		}
	}
	return meta, cr.n, nil
}

// readTensorData fills the data slice of t from r.
func readTensorData(r io.Reader, t *Tensor, buf []byte) error {
	switch {
	case t.F32 != nil:
		return readElements(r, t.F32, 4, buf)
	case t.F64 != nil:
		return readElements(r, t.F64, 8, buf)
	case t.I32 != nil:
		return readElements(r, t.I32, 4, buf)
	default:
		return readElements(r, t.I64, 8, buf)
	}
}

// LoadTensors reads every tensor of a safetensors file into new Tensor values, in the
// order of their data in the file, and returns them with the metadata map (nil if the
// file has none). Memory grows with the data actually read, so a header that claims huge
// tensors in a short file costs no more than the file.
//
// It returns an error for a tensor whose dtype is not F32, F64, I32 or I64 and for the
// invalid or truncated files that ReadTensors rejects.
func LoadTensors(r io.Reader) ([]Tensor, map[string]string, error) {
	entries, meta, err := readHeader(r)
	if err != nil {
		return nil, nil, err
	}
	buf := make([]byte, ioChunk)
	tensors := make([]Tensor, 0, len(entries))
	for _, e := range entries {
		t := Tensor{Name: e.name, Shape: e.shape}
		switch e.dtype {
		case "F32":
			t.F32, err = loadElements[float32](r, e.count, 4, buf)
		case "F64":
			t.F64, err = loadElements[float64](r, e.count, 8, buf)
		case "I32":
			t.I32, err = loadElements[int32](r, e.count, 4, buf)
		case "I64":
			t.I64, err = loadElements[int64](r, e.count, 8, buf)
		default:
			return nil, nil, fmt.Errorf("safetensors: tensor %q has dtype %s; "+
				"only F32, F64, I32 and I64 are supported",
				e.name, e.dtype)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: %w", e.name, truncated(err))
		}
		tensors = append(tensors, t)
	}
	return tensors, meta, nil
}

// readHeader reads and validates the header length and the JSON header, and returns the
// tensors sorted by data offset.
func readHeader(r io.Reader) ([]entry, map[string]string, error) {
	var size [8]byte
	if _, err := io.ReadFull(r, size[:]); err != nil {
		return nil, nil, fmt.Errorf("safetensors: reading header length: %w", truncated(err))
	}
	headerLen := binary.LittleEndian.Uint64(size[:])
	if headerLen < 2 || headerLen > maxHeaderSize {
		return nil, nil, fmt.Errorf("safetensors: header length %d is outside [2, %d]; "+
			"the file is not in safetensors format or is corrupt",
			headerLen, maxHeaderSize)
	}

	// Copy rather than allocate headerLen bytes up front: a short file stops early.
	var header bytes.Buffer
	if _, err := io.CopyN(&header, r, int64(headerLen)); err != nil {
		return nil, nil, fmt.Errorf("safetensors: reading %d-byte header: %w",
			headerLen, truncated(err))
	}
	if header.Bytes()[0] != '{' {
		return nil, nil, fmt.Errorf("safetensors: header does not start with '{'")
	}
	entries, meta, err := parseHeader(header.Bytes())
	if err != nil {
		return nil, nil, err
	}
	if err := checkOffsets(entries); err != nil {
		return nil, nil, err
	}
	return entries, meta, nil
}

// rawTensor is a header entry as decoded, with pointers so that missing fields show.
type rawTensor struct {
	Dtype       *string   `json:"dtype"`
	Shape       *[]int64  `json:"shape"`
	DataOffsets *[]uint64 `json:"data_offsets"`
}

// parseHeader decodes the JSON object of a header, rejecting duplicate keys, which
// encoding/json would otherwise resolve silently.
func parseHeader(header []byte) ([]entry, map[string]string, error) {
	dec := json.NewDecoder(bytes.NewReader(header))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, fmt.Errorf("safetensors: header is not a JSON object")
	}
	var entries []entry
	var meta map[string]string
	seen := make(map[string]bool)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, fmt.Errorf("safetensors: invalid header JSON: %w", err)
		}
		name := tok.(string) // object keys are always strings
		if seen[name] {
			return nil, nil, fmt.Errorf("safetensors: duplicate key %q in header", name)
		}
		seen[name] = true
		if name == metadataKey {
			if err := dec.Decode(&meta); err != nil {
				return nil, nil, fmt.Errorf("safetensors: %s is not a map of strings to strings: %w",
					metadataKey, err)
			}
			continue
		}
		var raw rawTensor
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: invalid header entry: %w",
				name, err)
		}
		e, err := raw.validate(name)
		if err != nil {
			return nil, nil, err
		}
		entries = append(entries, e)
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return nil, nil, fmt.Errorf("safetensors: invalid header JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, fmt.Errorf("safetensors: header has data after the JSON object")
	}
	return entries, meta, nil
}

// validate checks one decoded header entry and converts it.
func (raw *rawTensor) validate(name string) (entry, error) {
	if raw.Dtype == nil || raw.Shape == nil || raw.DataOffsets == nil {
		return entry{}, fmt.Errorf("safetensors: tensor %q: header entry needs dtype, shape and "+
			"data_offsets",
			name)
	}

	size, ok := dtypeSizes[*raw.Dtype]
	if !ok {
		return entry{}, fmt.Errorf("safetensors: tensor %q has unknown dtype %q", name, *raw.Dtype)
	}
	if len(*raw.DataOffsets) != 2 {
		return entry{}, fmt.Errorf("safetensors: tensor %q: data_offsets has %d values, want 2",
			name, len(*raw.DataOffsets))
	}

	e := entry{name: name, dtype: *raw.Dtype, shape: make([]int, len(*raw.Shape))}
	count := int64(1)
	for i, d := range *raw.Shape {
		if d < 0 {
			return entry{}, fmt.Errorf("safetensors: tensor %q has negative dimension in shape %v",
				name, *raw.Shape)
		}
		count, ok = mulInt64(count, d)
		if !ok || int64(int(count)) != count {
			return entry{}, fmt.Errorf("safetensors: tensor %q: shape %v overflows",
				name, *raw.Shape)
		}
		e.shape[i] = int(d)
	}

	nbytes, ok := mulInt64(count, int64(size))
	if !ok {
		return entry{}, fmt.Errorf("safetensors: tensor %q: shape %v overflows", name, *raw.Shape)
	}

	begin, end := (*raw.DataOffsets)[0], (*raw.DataOffsets)[1]
	if begin > end || end-begin != uint64(nbytes) {
		return entry{}, fmt.Errorf("safetensors: tensor %q: data_offsets [%d, %d] do not match "+
			"%s shape %v (%d bytes)",
			name, begin, end, e.dtype, e.shape, nbytes)
	}
	if end > 1<<62 {
		return entry{}, fmt.Errorf("safetensors: tensor %q: data offset %d is too large", name, end)
	}
	e.count, e.begin, e.end = int(count), int64(begin), int64(end)
	return e, nil
}

// checkOffsets sorts entries by offset and checks that their byte ranges tile the data
// buffer from 0 with no gap and no overlap.
func checkOffsets(entries []entry) error {
	slices.SortStableFunc(entries, func(a, b entry) int {
		if c := cmp.Compare(a.begin, b.begin); c != 0 {
			return c
		}
		return cmp.Compare(a.end, b.end)
	})
	var next int64
	for _, e := range entries {
		if e.begin != next {
			return fmt.Errorf("safetensors: tensor %q starts at byte %d of the data, want %d "+
				"(tensors must cover the data without gaps or overlaps)",
				e.name, e.begin, next)
		}
		next = e.end
	}
	return nil
}
