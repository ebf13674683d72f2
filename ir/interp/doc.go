// Package interp is a reference interpreter for ir graphs: plain index loops that
// follow the op semantics in ir/op.go, written to be checked by eye rather than to
// be fast. Tests compare passes, kernels and generated code against it.
//
// Every tensor stores its elements as float64 whatever its dtype: integers exactly
// (up to 2^53) and bool as 0 or 1. Results of dtype f32 are rounded to float32 after
// each op, so they track f32 kernels that round after each op.
package interp
