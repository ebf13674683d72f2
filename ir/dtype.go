package ir

import "fmt"

// DType is the element type of a value.
type DType uint8

// The dtypes. Invalid is the zero value and marks a value whose definition failed.
const (
	Invalid DType = iota
	F32
	F64
	I32
	I64
	Bool
)

var dtypeNames = [...]string{Invalid: "invalid", F32: "f32", F64: "f64", I32: "i32", I64: "i64", Bool: "bool"}

// String returns the dtype's name in the text form: f32, f64, i32, i64 or bool.
func (d DType) String() string {
	if int(d) < len(dtypeNames) {
		return dtypeNames[d]
	}
	return fmt.Sprintf("dtype(%d)", d)
}

// ParseDType returns the dtype named s, or an error naming s.
func ParseDType(s string) (DType, error) {
	for i, name := range dtypeNames {
		if name == s && DType(i) != Invalid {
			return DType(i), nil
		}
	}
	return Invalid, fmt.Errorf("unknown dtype %q (want f32, f64, i32, i64 or bool)", s)
}

// valid reports whether d is one of the named dtypes other than Invalid.
func (d DType) valid() bool { return d > Invalid && int(d) < len(dtypeNames) }

// IsFloat reports whether d is f32 or f64.
func (d DType) IsFloat() bool { return d == F32 || d == F64 }

// IsInt reports whether d is i32 or i64.
func (d DType) IsInt() bool { return d == I32 || d == I64 }

// Size returns the number of bytes of one element: 4 for f32 and i32, 8 for f64 and
// i64, 1 for bool.
func (d DType) Size() int {
	switch d {
	case F32, I32:
		return 4
	case F64, I64:
		return 8
	case Bool:
		return 1
	}
	return 0
}
