package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// maxIDXBytes bounds the data size that an IDX header may declare (2 GiB), so a corrupt
// header is rejected before any large allocation.
const maxIDXBytes = 1 << 31

// idxUnsignedByte is the IDX element-type code of unsigned bytes, the type of the MNIST
// family of datasets.
const idxUnsignedByte = 0x08

// ReadIDX reads an IDX file (the format of MNIST) of unsigned bytes and returns its
// dimensions and its data, row-major. The file is decompressed with gzip when its name
// ends in ".gz" or it starts with the gzip magic bytes.
//
// ReadIDX returns an error naming the file if the file cannot be read or its magic number
// is invalid. It also rejects an element type other than unsigned byte (0x08), a header
// that declares no dimensions or more than 2 GiB of data, and data shorter or longer than
// the dimensions require.
func ReadIDX(path string) (shape []int, data []byte, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	return decodeIDX(f, path)
}

// decodeIDX reads an IDX stream, gzip-compressed or not. name is used in errors and to
// detect compression by its ".gz" suffix.
func decodeIDX(r io.Reader, name string) ([]int, []byte, error) {
	br := bufio.NewReader(r)
	magic, _ := br.Peek(2)
	src := io.Reader(br)
	if strings.HasSuffix(name, ".gz") || bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("data: %s: invalid gzip data: %w", name, err)
		}
		defer gz.Close()
		src = gz
	}

	shape, size, err := readIDXHeader(src, name)
	if err != nil {
		return nil, nil, err
	}

	// Grow the buffer as data arrives rather than trusting the header with one allocation.
	var buf bytes.Buffer
	buf.Grow(min(size, 1<<20))
	if _, err := buf.ReadFrom(io.LimitReader(src, int64(size))); err != nil {
		return nil, nil, fmt.Errorf("data: %s: reading data: %w", name, err)
	}
	if buf.Len() != size {
		return nil, nil, fmt.Errorf("data: %s: file is truncated: %d data bytes, want %d for shape %v",
			name, buf.Len(), size, shape)
	}
	// Reading to the end also makes gzip verify its checksum.
	var extra [1]byte
	if n, err := io.ReadFull(src, extra[:]); n > 0 {
		return nil, nil, fmt.Errorf("data: %s: data continues past the %d bytes that shape %v needs",
			name, size, shape)
	} else if !errors.Is(err, io.EOF) {
		return nil, nil, fmt.Errorf("data: %s: reading data: %w", name, err)
	}
	return shape, buf.Bytes(), nil
}

// readIDXHeader reads the magic number and the dimensions and returns the shape and the
// data size in bytes.
func readIDXHeader(r io.Reader, name string) ([]int, int, error) {
	var magic [4]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, 0, fmt.Errorf("data: %s: reading IDX magic number: %w", name, noEOF(err))
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, 0, fmt.Errorf("data: %s: invalid IDX magic number % x, "+
			"want 00 00 08 followed by the number of dimensions",
			name, magic)
	}
	if magic[2] != idxUnsignedByte {
		return nil, 0, fmt.Errorf("data: %s: IDX element type 0x%02x is not supported, only unsigned byte (0x08)",
			name, magic[2])
	}
	ndims := int(magic[3])
	if ndims == 0 {
		return nil, 0, fmt.Errorf("data: %s: IDX file declares 0 dimensions", name)
	}

	dims := make([]byte, 4*ndims)
	if _, err := io.ReadFull(r, dims); err != nil {
		return nil, 0, fmt.Errorf("data: %s: reading %d IDX dimensions: %w", name, ndims, noEOF(err))
	}
	shape := make([]int, ndims)
	size := int64(1)
	for i := range shape {
		d := int64(binary.BigEndian.Uint32(dims[4*i:]))
		shape[i] = int(d)
		if size*d > maxIDXBytes { // both factors are at most 2^32, so no overflow
			return nil, 0, fmt.Errorf("data: %s: IDX dimensions %v declare more than %d bytes",
				name, shape[:i+1], maxIDXBytes)
		}
		size *= d
	}
	return shape, int(size), nil
}

// noEOF reports a clean end of file in the middle of a structure as a truncation.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("file is truncated")
	}
	return err
}

// LoadIDX reads an images file and a labels file in IDX format (see ReadIDX) into a
// classification dataset. Pixels are scaled to [0, 1] by dividing by 255 in float32, the
// scaling of torchvision's ToTensor. Classes is the largest label plus one, and at least 2.
//
// LoadIDX returns an error if either file cannot be read, if the images file has fewer
// than 2 dimensions or the labels file is not 1-dimensional, if the sample counts differ,
// or if there are no samples.
func LoadIDX(imagesPath, labelsPath string) (*Dataset, error) {
	imgShape, pixels, err := ReadIDX(imagesPath)
	if err != nil {
		return nil, err
	}
	lblShape, labels, err := ReadIDX(labelsPath)
	if err != nil {
		return nil, err
	}
	if len(imgShape) < 2 {
		return nil, fmt.Errorf("data: %s: images have shape %v, want at least 2 dimensions (samples, features...)",
			imagesPath, imgShape)
	}
	if len(lblShape) != 1 {
		return nil, fmt.Errorf("data: %s: labels have shape %v, want 1 dimension", labelsPath, lblShape)
	}
	n := imgShape[0]
	if lblShape[0] != n {
		return nil, fmt.Errorf("data: %s has %d images but %s has %d labels",
			imagesPath, n, labelsPath, lblShape[0])
	}
	if n == 0 {
		return nil, fmt.Errorf("data: %s: no samples", imagesPath)
	}

	ds := &Dataset{N: n, Features: len(pixels) / n, X: make([]float32, len(pixels)), Labels: make([]int32, n)}
	if ds.Features == 0 {
		return nil, fmt.Errorf("data: %s: images have shape %v, want a non-zero feature count",
			imagesPath, imgShape)
	}
	for i, p := range pixels {
		ds.X[i] = float32(p) / 255
	}
	maxLabel := 0
	for i, l := range labels {
		ds.Labels[i] = int32(l)
		maxLabel = max(maxLabel, int(l))
	}
	ds.Classes = max(maxLabel+1, 2)
	return ds, nil
}
