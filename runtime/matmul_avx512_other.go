//go:build !amd64 || purego

package runtime

// fastSgemmWideKernel returns nil: there is no wide micro-kernel for this build.
func fastSgemmWideKernel() (string, sgemmWideKernel) { return "", nil }
