//go:build !amd64 || purego

package runtime

// packBTransFast fills no rows: this build has no assembly packing.
func packBTransFast(panel, b []float32, kc, ld int) int { return 0 }

// packARowsFast fills no columns: this build has no assembly packing.
func packARowsFast(panel, a []float32, kc, rs int) int { return 0 }

// packBRowsFast fills no panels: this build has no assembly packing.
func packBRowsFast(dst, b []float32, kc, nc, rs int) int { return 0 }
