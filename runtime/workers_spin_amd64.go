//go:build amd64 && !purego

package runtime

// spinPause executes a few PAUSE instructions, about 60 ns on the machine of
// docs/benchmarks.md, telling the processor that the caller is polling a variable.
// It is in workers_spin_amd64.s.
func spinPause()
