// Package ir defines nncc's intermediate representation: a graph of values in SSA
// form, each defined once by one primitive op, with a dtype and a shape.
//
// A graph has inputs (supplied by the caller each call), parameters (trainable state),
// other persistent state (optimizer moments, step counters, the learning rate),
// constants, named outputs and in-place updates of parameters and state that take
// effect after the outputs are computed.
//
// The leading dimension of a shape may be the batch dimension, written N in the text
// form and Batch in Go. Its extent n is known only at run time, with 1 <= n <= MaxBatch.
// All other dimensions are static.
//
// Values are built with a Builder, which infers result shapes and dtypes and records
// positioned errors for invalid operands. Verify checks the invariants every pass must
// keep. Print and Parse convert a graph to and from its text form.
package ir
