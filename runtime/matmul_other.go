//go:build !amd64 || purego

package runtime

// fastSgemmKernel returns nil: there is no assembly micro-kernel for this build.
func fastSgemmKernel() (string, sgemmKernel) { return "", nil }

// fastSgemmKernelSet returns nil: there is no assembly micro-kernel for this build.
func fastSgemmKernelSet() sgemmKernel { return nil }
