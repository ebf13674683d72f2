package runtime

// The dot products of the shifted-window filter gradient (conv_shifted_run.go). Each
// weight's gradient is the dot product of a row of dy on the virtual columns with the
// buffer row of its tap. acc keeps it as convDotLanes partial sums, which are added up
// at the end of a part.

// weightOffsets writes the buffer offsets of taps t0.. of group 0 into off, in the
// order of the weights (c, ky, kx), unlike tap. In that order the offsets increase.
func (f *shiftedForm) weightOffsets(off []int32, t0 int) {
	g := f.g
	perC := g.KH * g.KW
	c, ky, kx := t0/perC, t0%perC/g.KW, t0%g.KW
	for i := range off {
		off[i] = int32(c*f.plane + ky*g.DilH*f.wp + kx*g.DilW)
		if kx++; kx == g.KW {
			kx = 0
			if ky++; ky == g.KH {
				ky = 0
				c++
			}
		}
	}
}

// dotTaps adds to the blocks of acc the dot products of the kernelMR rows of dy at aOff
// in base with the taps whose offsets from the group's first channel gb are taps. acc
// starts at the block of the first of them; a block holds 6×2 dot products, and the
// taps start at an even tap. Four taps at a time run on the AVX-512 kernel where
// convWideTiles holds. The bits do not depend on the kernel.
func (f *shiftedForm) dotTaps(acc, base []float32, aOff *[kernelMR]int, gb int, taps []int32) {
	n := f.jd / convDotLanes
	if n == 0 || len(taps) == 0 {
		return
	}
	t := 0
	if convWideTiles() {
		// One check for all calls: the offsets increase along taps.
		for _, o := range aOff {
			_ = base[o : o+convDotLanes*n]
		}
		_ = base[gb : gb+int(taps[len(taps)-1])+convDotLanes*n]
		var b4 [4]int
		for ; t+4 <= len(taps); t += 4 {
			for q := range b4 {
				b4[q] = gb + int(taps[t+q])
			}
			blk := (*[24 * convDotLanes]float32)(acc[t*kernelMR*convDotLanes:])
			convDot4AVX512(n, base, aOff, &b4, blk)
		}
	}
	var b2 [2]int
	for ; t < len(taps); t += 2 {
		b2[0] = gb + int(taps[t])
		b2[1] = b2[0] // an odd last tap fills both columns of its block
		if t+1 < len(taps) {
			b2[1] = gb + int(taps[t+1])
		}
		convDot(n, base, aOff, &b2, (*[12 * convDotLanes]float32)(acc[t*kernelMR*convDotLanes:]))
	}
}

// dotRows returns the number of rows of dy per block of the partial sums: 8 where the
// AVX-512 kernels run and blocks of 8 rows cover no more rows than blocks of kernelMR
// (f.rows), else kernelMR. The partial sums of either layout then fit acc.
func (f *shiftedForm) dotRows() int {
	if convWideTiles() && roundUp(f.og, 8) <= f.rows {
		return 8
	}
	return kernelMR
}

// dotTaps8 is dotTaps for blocks of 8×2 dot products, on the AVX-512 kernel, which
// must run.
func (f *shiftedForm) dotTaps8(acc, base []float32, aOff *[8]int, gb int, taps []int32) {
	n := f.jd / convDotLanes
	if n == 0 || len(taps) == 0 {
		return
	}
	for _, o := range aOff {
		_ = base[o : o+convDotLanes*n]
	}
	_ = base[gb : gb+int(taps[len(taps)-1])+convDotLanes*n]
	const blk = 16 * convDotLanes // floats per block of 8×2 dot products
	var b4 [4]int
	for t := 0; t < len(taps); t += 4 {
		for q := range b4 {
			b4[q] = gb + int(taps[min(t+q, len(taps)-1)])
		}
		// With three taps left the fourth column repeats the third, as an odd last
		// tap does in dotTaps; acc has room for it because it holds an even number
		// of taps.
		if t+3 <= len(taps) {
			convDot8AVX512(n, base, aOff, &b4, (*[2 * blk]float32)(acc[t*8*convDotLanes:]))
			continue
		}
		// One or two taps left: the kernel sums four, into a copy whose second block
		// is dropped.
		var tmp [2 * blk]float32
		copy(tmp[:blk], acc[t*8*convDotLanes:])
		convDot8AVX512(n, base, aOff, &b4, &tmp)
		copy(acc[t*8*convDotLanes:][:blk], tmp[:blk])
	}
}

// addLanes adds up the 8 partial sums of each dot product in acc, lane by lane, and
// writes the part's sum of dw to sums. acc holds blocks of mr×2 dot products, block
// (grp, r, t) covering output channels r.. and taps t, t+1 of group grp. The sums
// replace the first elements of acc (sumLanes) before they move to their weights.
func (f shiftedForm) addLanes(sums, acc []float32, mr int) {
	k2 := roundUp(f.k, 2)
	rows := roundUp(f.og, mr)
	dots := acc[:f.g.Groups*rows*k2]
	sumLanes(dots, acc)
	for grp := range f.g.Groups {
		for r := 0; r < rows; r += mr {
			for t := 0; t < f.k; t += 2 {
				blk := dots[(grp*rows+r)*k2+t*mr:][:2*mr]
				for i := range min(mr, f.og-r) {
					for dt := range min(2, f.k-t) {
						sums[(grp*f.og+r+i)*f.k+t+dt] = blk[2*i+dt]
					}
				}
			}
		}
	}
}
