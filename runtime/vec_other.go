//go:build !amd64 || purego

package runtime

// fastVecKernels returns no kernels: the slice kernels of vec.go run their Go loops
// over every element in this build.
func fastVecKernels() vecKernels { return vecKernels{} }
