package runtime

// sumLanes sets dst[d], for d < len(dst), to the sum of the convDotLanes partial sums
// src[8d:8d+8], added from +0 in lane order. dst may be src itself, so that the sums
// replace the partial sums in place.
func sumLanes(dst, src []float32) {
	n := len(dst)
	_ = src[:convDotLanes*n]
	done := 0
	if sumLanesAsm && n >= convDotLanes {
		done = n / convDotLanes * convDotLanes
		sumLanesAVX2(dst, src, done/convDotLanes)
	}
	for d := done; d < n; d++ {
		var s float32
		for _, v := range src[convDotLanes*d : convDotLanes*(d+1)] {
			s += v
		}
		dst[d] = s
	}
}
