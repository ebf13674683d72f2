//go:build !amd64 || purego

package runtime

// fastVmathKernels returns no kernels: the slice forms loop over the scalar functions
// in this build.
func fastVmathKernels() vmathKernels { return vmathKernels{} }
