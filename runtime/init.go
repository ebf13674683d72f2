package runtime

import (
	"fmt"
	"math"
)

// Fill sets every element of dst to v.
func Fill[T Float](dst []T, v T) {
	for i := range dst {
		dst[i] = v
	}
}

// FillUniform fills dst with values drawn by r.Uniform(lo, hi), in order, each rounded
// to T.
func FillUniform[T Float](r *RNG, dst []T, lo, hi float64) {
	for i := range dst {
		dst[i] = T(r.Uniform(lo, hi))
	}
}

// FillNormal fills dst with values drawn by r.Normal(mean, std), in order, each rounded
// to T. It panics if std is negative or NaN.
func FillNormal[T Float](r *RNG, dst []T, mean, std float64) {
	for i := range dst {
		dst[i] = T(r.Normal(mean, std))
	}
}

// LinearBound returns 1/sqrt(fanIn), the bound b of PyTorch's default nn.Linear
// initialization: the weight is drawn from U(-b, b) (kaiming_uniform_ with a = √5 gives
// exactly this bound) and so is the bias. It panics if fanIn < 1.
func LinearBound(fanIn int) float64 {
	if fanIn < 1 {
		panic(fmt.Sprintf("nncc: LinearBound: fanIn = %d, want fanIn >= 1", fanIn))
	}
	return 1 / math.Sqrt(float64(fanIn))
}
