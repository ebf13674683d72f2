//go:build !amd64 || purego

package runtime

// selectGtFast is nil in this build: SelectGtVS32 runs its Go loop.
var selectGtFast func(dst, x []float32, c float32, a []float32, b float32)
