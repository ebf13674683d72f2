//go:build amd64 && !purego

package runtime

// sumLanesAsm selects the assembly form of sumLanes; tests clear it to run the Go loop.
var sumLanesAsm = hasSgemmAVX2

// sumLanesAVX2 is the assembly form of sumLanes for 8n sums. The caller checks the
// bounds.
//
//go:noescape
func sumLanesAVX2(dst, src []float32, n int)
