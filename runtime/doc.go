// Package runtime is the kernel library that nncc-generated model packages and
// standalone binaries link against. It imports only the standard library, so a compiled
// model pulls in no compiler code.
//
// It provides:
//
//   - GEMM: MatMul, MatMulAcc and BatchMatMul over row-major float32 or float64 slices,
//     with either operand transposed, allocation-free after the first calls. Float32
//     products use packed, cache-blocked AVX-512 or AVX2/FMA micro-kernels in assembly,
//     and products with few rows or a small right operand use unpacked AVX2 kernels
//     that read the operands in place. Float64, purego builds and other CPUs use
//     cache-blocked pure Go.
//   - Convolution and pooling over NCHW float32 or float64 tensors: im2col over the
//     GEMM, or for stride-1 float32 convolutions on AVX2 a shifted-window kernel that
//     reads a padded copy of each sample without building the im2col matrix, on
//     AVX-512 kernels with the same bits where the CPU has them. Float32 max pooling
//     over 2×2 windows runs AVX2 kernels.
//   - Elementwise float32 kernels for generated loops: Exp32, Log32, Tanh32 and
//     Sigmoid32 (with slice forms that give the same bits) and the slice kernels of
//     vec.go (AddVV32, MulVS32, Relu32, SelectGtVS32, ...), which give the bits of Go's
//     float32 operators. AdamStep32 computes the Adam step of a parameter in one pass,
//     with the bits of the slice kernels of its formula.
//   - LogSoftmax32 and LogSoftmax64: log_softmax along one axis, with the bits of the
//     generated loops of its composite (maximum, difference, exp, sum, log).
//   - A worker pool: ParallelFor runs the parts of a loop on the caller and on helper
//     goroutines started once, without allocating, and SetThreads limits how many run
//     (GOMAXPROCS by default). Large float32 GEMMs split across it and give the same
//     bits for every number of workers.
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
