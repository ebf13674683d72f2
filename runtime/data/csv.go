package data

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// LoadCSV reads a numeric CSV file into a dataset. The first row is a header, and is
// skipped, when one of its cells is not a number. Every row must have the same number of
// cells. labelColumn selects the label column; a negative value counts from the end, so
// -1 is the last column.
//
// With classes > 0 the label column holds integer class labels in [0, classes), and
// targets is ignored. With classes == 0 the targets columns starting at labelColumn hold
// float regression targets. Every other column is a feature.
//
// LoadCSV returns an error if the file cannot be read, if classes < 0, if classes == 0
// and targets < 1, if the label columns fall outside the row or leave no feature column,
// if the file has no data rows, or if a cell is not a finite number or a label is not an
// integer in [0, classes). Errors about a cell name the file, line, column and value.
func LoadCSV(path string, labelColumn, classes, targets int) (*Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	return decodeCSV(f, path, labelColumn, classes, targets)
}

// decodeCSV is LoadCSV on a reader; name is the file name used in errors.
func decodeCSV(r io.Reader, name string, labelColumn, classes, targets int) (*Dataset, error) {
	if classes < 0 {
		return nil, fmt.Errorf("data: %s: classes = %d, want >= 0", name, classes)
	}
	if classes > 0 {
		targets = 1
	} else if targets < 1 {
		return nil, fmt.Errorf("data: %s: targets = %d with classes = 0, want >= 1 target column", name, targets)
	}
	src, err := openCSV(r, name)
	if err != nil {
		return nil, err
	}
	cols := src.columns()
	first := labelColumn
	if first < 0 {
		first += cols
	}
	if first < 0 || first+targets > cols {
		return nil, fmt.Errorf("data: %s: label column %d with %d label column(s) does not fit rows of %d columns",
			name, labelColumn, targets, cols)
	}
	if cols-targets < 1 {
		return nil, fmt.Errorf("data: %s: rows of %d columns leave no feature column after %d label column(s)",
			name, cols, targets)
	}

	ds := &Dataset{Features: cols - targets}
	if classes > 0 {
		ds.Classes, ds.Labels = classes, []int32{}
	} else {
		ds.Targets, ds.Values = targets, []float32{}
	}
	for {
		rec, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		for i := range rec {
			isLabel := i >= first && i < first+targets
			switch {
			case !isLabel:
				v, err := src.number(rec, i)
				if err != nil {
					return nil, err
				}
				ds.X = append(ds.X, v)
			case classes > 0:
				l, err := src.label(rec, i, classes)
				if err != nil {
					return nil, err
				}
				ds.Labels = append(ds.Labels, l)
			default:
				v, err := src.number(rec, i)
				if err != nil {
					return nil, err
				}
				ds.Values = append(ds.Values, v)
			}
		}
		ds.N++
	}
	if ds.N == 0 {
		return nil, fmt.Errorf("data: %s: no data rows", name)
	}
	return ds, nil
}

// ReadCSVFeatures reads numeric CSV rows of exactly features cells each, after an
// optional header row detected as in LoadCSV, and returns them row-major with the row
// count. name is the file name used in errors.
//
// It returns an error if r fails, if a row has a different number of cells, if there are
// no data rows, or if a cell is not a finite number. Errors about a cell name the line,
// column and value.
func ReadCSVFeatures(r io.Reader, name string, features int) (x []float32, n int, err error) {
	src, err := openCSV(r, name)
	if err != nil {
		return nil, 0, err
	}
	if src.columns() != features {
		return nil, 0, fmt.Errorf("data: %s: rows have %d columns, want %d features", name, src.columns(), features)
	}
	for {
		rec, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, 0, err
		}
		for i := range rec {
			v, err := src.number(rec, i)
			if err != nil {
				return nil, 0, err
			}
			x = append(x, v)
		}
		n++
	}
	if n == 0 {
		return nil, 0, fmt.Errorf("data: %s: no data rows", name)
	}
	return x, n, nil
}

// csvSource yields the data rows of a numeric CSV stream after its optional header.
type csvSource struct {
	name    string
	r       *csv.Reader
	cols    int
	pending []string // the first record when it is data, not a header
}

// openCSV reads the first record and decides whether it is a header.
func openCSV(r io.Reader, name string) (*csvSource, error) {
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	first, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("data: %s: file is empty", name)
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	src := &csvSource{name: name, r: cr, cols: len(first)}
	for _, cell := range first {
		if _, err := strconv.ParseFloat(strings.TrimSpace(cell), 64); err != nil {
			return src, nil // a header
		}
	}
	src.pending = first
	return src, nil
}

func (s *csvSource) columns() int { return s.cols }

// next returns the next data record, valid until the following call, or io.EOF.
func (s *csvSource) next() ([]string, error) {
	if s.pending != nil {
		rec := s.pending
		s.pending = nil
		return rec, nil
	}
	rec, err := s.r.Read()
	if err == io.EOF {
		return nil, io.EOF
	}
	if err != nil {
		return nil, csvError(s.name, err)
	}
	return rec, nil
}

// number parses cell i of the last record returned by next as a finite float32.
func (s *csvSource) number(rec []string, i int) (float32, error) {
	cell := strings.TrimSpace(rec[i])
	v, err := strconv.ParseFloat(cell, 32)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, s.cellError(i, cell, "is not a finite number")
	}
	return float32(v), nil
}

// label parses cell i of the last record returned by next as a class label.
func (s *csvSource) label(rec []string, i, classes int) (int32, error) {
	cell := strings.TrimSpace(rec[i])
	v, err := strconv.ParseFloat(cell, 64)
	if err != nil || v != math.Trunc(v) || v < 0 || v >= float64(classes) {
		return 0, s.cellError(i, cell, fmt.Sprintf("is not a class label (an integer in [0, %d))", classes))
	}
	return int32(v), nil
}

func (s *csvSource) cellError(i int, cell, problem string) error {
	line, _ := s.r.FieldPos(i)
	return fmt.Errorf("data: %s:%d: column %d: value %q %s", s.name, line, i+1, cell, problem)
}

// csvError names the file in an error from encoding/csv, which already names the line.
func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("data: %s:%d: %w", name, pe.Line, pe.Err)
	}
	return fmt.Errorf("data: %s: %w", name, err)
}
