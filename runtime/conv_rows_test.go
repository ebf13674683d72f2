package runtime

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCopyRows checks copyRows, with the assembly form where the CPU has it, against
// copies row by row: every width up to 20 with rows packed and strided, and the
// elements of dst between and after the rows untouched.
func TestCopyRows(t *testing.T) {
	defer func(saved bool) { copyRowsAsm = saved }(copyRowsAsm)
	r := rand.New(rand.NewPCG(41, 42))
	for _, asm := range []bool{false, copyRowsAsm} {
		copyRowsAsm = asm
		for width := 1; width <= 20; width++ {
			for _, rows := range []int{1, 2, 5} {
				for _, pad := range []int{0, 3, 9} {
					dstStride, srcStride := width+pad, width+2*pad+1
					src := randSlice[float32](r, (rows-1)*srcStride+width)
					n := (rows-1)*dstStride + width
					dst, check := guarded[float32](n)
					for i := range dst {
						dst[i] = guard
					}
					want := append([]float32(nil), dst...)
					for row := range rows {
						copy(want[row*dstStride:row*dstStride+width], src[row*srcStride:])
					}
					copyRows(dst, src, rows, width, dstStride, srcStride)
					check(t)
					require.Equal(t, want, dst, "asm %v width %d rows %d pad %d", asm, width, rows, pad)
				}
			}
		}
	}
}
