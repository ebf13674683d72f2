//go:build !amd64 || purego

package runtime

// fastSgemmWideKernel returns nil: there is no wide micro-kernel for this build.
func fastSgemmWideKernel() (string, sgemmWideKernel) { return "", nil }

// fastSgemmWideKernelSet returns nil: there is no wide micro-kernel for this build.
func fastSgemmWideKernelSet() sgemmWideKernel { return nil }

// fastSgemmWideRowsKernels returns nil: there is no wide micro-kernel for this build.
func fastSgemmWideRowsKernels() (add, set sgemmInPlaceKernel) { return nil, nil }
