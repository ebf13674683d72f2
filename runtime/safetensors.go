package runtime

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
)

// Tensor is a named, shaped array of one dtype, as stored in a checkpoint. Exactly one
// of F32, F64, I32 and I64 is non-nil, and its length is the product of Shape (1 for an
// empty Shape, which is a scalar). A tensor with a zero dimension has a non-nil empty
// slice.
type Tensor struct {
	Name  string
	Shape []int
	F32   []float32
	F64   []float64
	I32   []int32
	I64   []int64
	// Optional marks a tensor that ReadTensors may find missing from a file: it is
	// then left as it was. WriteTensors ignores the field.
	Optional bool
}

// metadataKey is the header key of the optional string-to-string metadata map.
const metadataKey = "__metadata__"

// ioChunk is the size in bytes of the buffer through which tensor data is encoded and
// decoded.
const ioChunk = 64 << 10

// dtype returns the safetensors dtype name of the set slice and its length. It fails
// unless exactly one slice is non-nil.
func (t *Tensor) dtype() (string, int, error) {
	name, length, set := "", 0, 0
	if t.F32 != nil {
		name, length, set = "F32", len(t.F32), set+1
	}
	if t.F64 != nil {
		name, length, set = "F64", len(t.F64), set+1
	}
	if t.I32 != nil {
		name, length, set = "I32", len(t.I32), set+1
	}
	if t.I64 != nil {
		name, length, set = "I64", len(t.I64), set+1
	}
	if set != 1 {
		return "", 0, fmt.Errorf("safetensors: tensor %q has %d data slices set, "+
			"want exactly one of F32, F64, I32, I64",
			t.Name, set)
	}
	return name, length, nil
}

// check validates t for writing or as a destination for reading and returns its dtype.
func (t *Tensor) check() (string, error) {
	dtype, length, err := t.dtype()
	if err != nil {
		return "", err
	}
	count, ok := int64(1), true
	for _, d := range t.Shape {
		if d < 0 {
			return "", fmt.Errorf("safetensors: tensor %q has negative dimension in shape %v",
				t.Name, t.Shape)
		}
		count, ok = mulInt64(count, int64(d))
		if !ok {
			return "", fmt.Errorf("safetensors: tensor %q: shape %v overflows", t.Name, t.Shape)
		}
	}
	if count != int64(length) {
		return "", fmt.Errorf("safetensors: tensor %q has %d elements, shape %v needs %d",
			t.Name, length, t.Shape, count)
	}
	return dtype, nil
}

// mulInt64 returns x*y for non-negative x and y and whether it did not overflow.
func mulInt64(x, y int64) (int64, bool) {
	if x == 0 || y == 0 {
		return 0, true
	}
	p := x * y
	return p, p/y == x && p >= 0
}

// headerTensor is one tensor entry of a safetensors header.
type headerTensor struct {
	Dtype       string   `json:"dtype"`
	Shape       []int    `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// WriteTensors writes tensors in the safetensors layout and returns the number of bytes
// written. The layout starts with an 8-byte little-endian header length. A JSON header
// follows that maps each name to its dtype, shape and byte range, padded with spaces to a
// multiple of 8 bytes. Then comes the data of each tensor in order, little-endian. meta,
// if non-empty, is stored under "__metadata__".
//
// It returns an error, before writing anything, if a name is empty, repeated or
// "__metadata__", or if a tensor does not have exactly one data slice of the length its
// shape needs; otherwise it returns the first error from w.
func WriteTensors(w io.Writer, tensors []Tensor, meta map[string]string) (int64, error) {
	header, err := encodeHeader(tensors, meta)
	if err != nil {
		return 0, err
	}
	cw := &countingWriter{w: w}
	var size [8]byte
	binary.LittleEndian.PutUint64(size[:], uint64(len(header)))
	if _, err := cw.Write(size[:]); err != nil {
		return cw.n, err
	}
	if _, err := cw.Write(header); err != nil {
		return cw.n, err
	}
	buf := make([]byte, ioChunk)
	for i := range tensors {
		if err := writeData(cw, &tensors[i], buf); err != nil {
			return cw.n, err
		}
	}
	return cw.n, nil
}

// encodeHeader validates tensors and returns the padded JSON header.
func encodeHeader(tensors []Tensor, meta map[string]string) ([]byte, error) {
	entries := make(map[string]any, len(tensors)+1)
	if len(meta) > 0 {
		entries[metadataKey] = meta
	}
	var offset int64
	for i := range tensors {
		t := &tensors[i]
		if t.Name == "" || t.Name == metadataKey {
			return nil, fmt.Errorf("safetensors: tensor %d has invalid name %q", i, t.Name)
		}
		if _, dup := entries[t.Name]; dup {
			return nil, fmt.Errorf("safetensors: duplicate tensor name %q", t.Name)
		}
		dtype, err := t.check()
		if err != nil {
			return nil, err
		}
		_, length, _ := t.dtype()
		end := offset + int64(length)*int64(dtypeSizes[dtype])
		shape := append(make([]int, 0, len(t.Shape)), t.Shape...) // [] rather than null
		entries[t.Name] = headerTensor{Dtype: dtype, Shape: shape, DataOffsets: [2]int64{offset, end}}
		offset = end
	}

	header, err := json.Marshal(entries)
	if err != nil {
		return nil, fmt.Errorf("safetensors: encoding header: %w", err)
	}
	// Pad so that the data starts at a multiple of 8 bytes, which keeps every tensor
	// aligned to its element size when the file is memory-mapped.
	for (8+len(header))%8 != 0 {
		header = append(header, ' ')
	}
	return header, nil
}

// writeData writes the elements of t little-endian through buf.
func writeData(w io.Writer, t *Tensor, buf []byte) error {
	switch {
	case t.F32 != nil:
		return writeElements(w, t.F32, 4, buf)
	case t.F64 != nil:
		return writeElements(w, t.F64, 8, buf)
	case t.I32 != nil:
		return writeElements(w, t.I32, 4, buf)
	default:
		return writeElements(w, t.I64, 8, buf)
	}
}

// element is the set of Go types a Tensor can hold.
type element interface {
	float32 | float64 | int32 | int64
}

func writeElements[E element](w io.Writer, src []E, size int, buf []byte) error {
	per := len(buf) / size
	for off := 0; off < len(src); off += per {
		chunk := src[off:min(off+per, len(src))]
		nb, err := binary.Encode(buf, binary.LittleEndian, chunk)
		if err != nil {
			return fmt.Errorf("safetensors: encoding data: %w", err)
		}
		if _, err := w.Write(buf[:nb]); err != nil {
			return err
		}
	}
	return nil
}

// readElements fills dst from size-byte little-endian elements read from r through buf.
func readElements[E element](r io.Reader, dst []E, size int, buf []byte) error {
	per := len(buf) / size
	for off := 0; off < len(dst); off += per {
		chunk := dst[off:min(off+per, len(dst))]
		b := buf[:len(chunk)*size]
		if _, err := io.ReadFull(r, b); err != nil {
			return err
		}
		if _, err := binary.Decode(b, binary.LittleEndian, chunk); err != nil {
			return err
		}
	}
	return nil
}

// loadElements reads count size-byte little-endian elements from r into a new slice. The
// slice grows as data arrives, so a header that claims more data than r contains costs
// memory in proportion to the data, not to the claim.
func loadElements[E element](r io.Reader, count, size int, buf []byte) ([]E, error) {
	per := len(buf) / size
	out := make([]E, 0, min(count, per))
	for len(out) < count {
		step := min(count-len(out), per)
		out = slices.Grow(out, step)[:len(out)+step]
		if err := readElements(r, out[len(out)-step:], size, buf); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// truncated turns the end-of-file errors of io.ReadFull into one message.
func truncated(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("file is truncated")
	}
	return err
}
