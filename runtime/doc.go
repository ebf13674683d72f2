// Package runtime is the kernel library that nncc-generated model packages and
// standalone binaries link against. It imports only the standard library, so a compiled
// model pulls in no compiler code.
//
// It provides:
//
//   - GEMM: MatMul, MatMulAcc and BatchMatMul over row-major float32 or float64 slices,
//     with either operand transposed. The current implementation is cache-blocked pure Go
//     and does not allocate, so it can run inside allocation-free train steps.
//   - A deterministic RNG (PCG from math/rand/v2) whose stream for a seed is the same on
//     every platform, with the fill functions and PyTorch-compatible bounds that
//     initializers use.
//   - Argument checks for generated entry points (CheckBatch, CheckLen) that panic with
//     a message naming the function, the argument and the expected length.
//   - Checkpoints in the safetensors layout (WriteTensors, ReadTensors, LoadTensors), so
//     that PyTorch's safetensors package can read nncc weights and the reverse.
//
// Subpackage data reads datasets (IDX, CSV) and batches them; subpackage cli is the
// command-line driver of standalone model binaries.
//
// Kernels panic on caller errors, such as a slice shorter than its shape or a negative
// dimension, with a message that starts with "nncc: " and the function name. Readers of
// external data return errors instead.
package runtime
