package runtime

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestPackBLayout compares packB with the panel layout written out element by
// element, for op(B) with contiguous rows and with contiguous columns. The block sizes
// include multiples and non-multiples of the panel width and of the 8-row steps of the
// assembly transposition.
func TestPackBLayout(t *testing.T) {
	r := rand.New(rand.NewPCG(27, 28))
	for _, kc := range []int{1, 7, 8, 17, 24, 40, 64, 256} {
		for _, nc := range []int{1, 15, 16, 33, 64, 80, 100, 512} {
			for _, transB := range []bool{false, true} {
				name := fmt.Sprintf("kc%d/nc%d/transB=%v", kc, nc, transB)
				t.Run(name, func(t *testing.T) {
					ld := nc + 3 // stored rows longer than the block
					rs, cs := ld, 1
					if transB {
						ld = kc + 5
						rs, cs = 1, ld
					}
					b := randomSlice[float32](r, kc*rs+nc*cs+ld)
					panels := (nc + kernelNR - 1) / kernelNR
					got := randomSlice[float32](r, panels*kc*kernelNR) // stale contents
					packB(got, b, kc, nc, rs, cs)
					for q := range panels {
						for p := range kc {
							for j := range kernelNR {
								want := float32(0)
								if col := q*kernelNR + j; col < nc {
									want = b[p*rs+col*cs]
								}
								if v := got[q*kc*kernelNR+p*kernelNR+j]; v != want {
									t.Fatalf("panel %d [%d,%d] = %v, want %v", q, p, j, v, want)
								}
							}
						}
					}
				})
			}
		}
	}
}

// TestPackALayout compares packA with the panel layout written out element by
// element, for op(A) with contiguous rows and with contiguous columns. The block sizes
// include multiples and non-multiples of the panel height and of the 8-column steps of
// the assembly transposition.
func TestPackALayout(t *testing.T) {
	r := rand.New(rand.NewPCG(29, 30))
	for _, mc := range []int{1, 5, 6, 13, 96} {
		for _, kc := range []int{1, 7, 8, 17, 64, 256} {
			for _, transA := range []bool{false, true} {
				name := fmt.Sprintf("mc%d/kc%d/transA=%v", mc, kc, transA)
				t.Run(name, func(t *testing.T) {
					ld := kc + 3 // stored rows longer than the block
					rs, cs := ld, 1
					if transA {
						ld = mc + 5
						rs, cs = 1, ld
					}
					a := randomSlice[float32](r, mc*rs+kc*cs+ld)
					panels := (mc + kernelMR - 1) / kernelMR
					got := randomSlice[float32](r, panels*kc*kernelMR+8) // stale contents
					tail := append([]float32(nil), got[panels*kc*kernelMR:]...)
					packA(got, a, mc, kc, rs, cs)
					for q := range panels {
						for p := range kc {
							for i := range kernelMR {
								want := float32(0)
								if row := q*kernelMR + i; row < mc {
									want = a[row*rs+p*cs]
								}
								if v := got[q*kc*kernelMR+p*kernelMR+i]; v != want {
									t.Fatalf("panel %d [%d,%d] = %v, want %v", q, p, i, v, want)
								}
							}
						}
					}
					for i, v := range got[panels*kc*kernelMR:] {
						if v != tail[i] {
							t.Fatalf("packA wrote %v at %d past the panels", v, i)
						}
					}
				})
			}
		}
	}
}
