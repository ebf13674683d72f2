package data

import (
	"errors"
	"fmt"
)

// Dataset is an in-memory dataset of N samples. X is row-major N×Features float32.
// Exactly one of two label kinds is present: integer class labels (Labels != nil, one per
// sample, each in [0, Classes)) or float regression targets (Values != nil, row-major
// N×Targets).
type Dataset struct {
	X        []float32
	Features int
	N        int

	Labels  []int32
	Classes int

	Values  []float32
	Targets int
}

// Validate returns an error describing the first inconsistency between the fields of d:
// a slice length that does not match N and Features or Targets, both or neither label
// kind present, or a label outside [0, Classes).
func (d *Dataset) Validate() error {
	if d.N < 0 || d.Features < 1 {
		return fmt.Errorf("data: dataset has N = %d, Features = %d, want N >= 0 and Features >= 1",
			d.N, d.Features)
	}
	if len(d.X) != d.N*d.Features {
		return fmt.Errorf("data: dataset X has length %d, want N*Features = %d*%d",
			len(d.X), d.N, d.Features)
	}
	switch {
	case d.Labels != nil && d.Values != nil:
		return errors.New("data: dataset has both Labels and Values, want exactly one")
	case d.Labels != nil:
		if len(d.Labels) != d.N {
			return fmt.Errorf("data: dataset has %d labels, want N = %d", len(d.Labels), d.N)
		}
		if d.Classes < 1 {
			return fmt.Errorf("data: dataset has Classes = %d, want >= 1", d.Classes)
		}
		for i, l := range d.Labels {
			if l < 0 || int(l) >= d.Classes {
				return fmt.Errorf("data: sample %d has label %d, want 0 <= label < %d", i, l, d.Classes)
			}
		}
	case d.Values != nil:
		if d.Targets < 1 || len(d.Values) != d.N*d.Targets {
			return fmt.Errorf("data: dataset Values has length %d with Targets = %d, "+
				"want N*Targets = %d*%d, Targets >= 1",
				len(d.Values), d.Targets, d.N, d.Targets)
		}
	default:
		return errors.New("data: dataset has neither Labels nor Values")
	}
	return nil
}
