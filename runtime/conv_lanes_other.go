//go:build !amd64 || purego

package runtime

// sumLanesAsm is false: this build has no assembly form of sumLanes.
var sumLanesAsm = false

func sumLanesAVX2(dst, src []float32, n int) {
	panic("nncc: sumLanesAVX2: no assembly kernel in this build")
}
