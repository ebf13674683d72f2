//go:build !amd64 || purego

package runtime

// This build has no small-product kernels, so small float32 products use the pure-Go
// loops and the functions below are never called.

const smallKernelName = ""

const hasSmallKernels = false

func smallDotKernel(k int, a, b, c *float32, ldb, ldc, nc int) {
	panic("nncc: no small-product kernels in this build")
}

func smallAxpyKernel(k int, a *float32, rsA, csA int, b *float32, ldb int, c *float32,
	ldc, nr, nc int) {
	panic("nncc: no small-product kernels in this build")
}

func smallRowKernel(k int, a *float32, csA int, b *float32, ldb int, c *float32) {
	panic("nncc: no small-product kernels in this build")
}
