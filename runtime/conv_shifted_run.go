package runtime

import "sync"

// Drivers of the shifted-window convolution (conv_shifted.go) and their split across
// the worker pool.
//
// The forward form (Conv2D and Conv2DInputGrad) splits the batch into parts of whole
// samples. A part runs on any worker, in the scratch slot of that worker, and every
// sample is computed the same way wherever it runs. The filter gradient sums over the
// samples. It splits the batch into a number of parts that depends only on the
// geometry and N (filterGradParts), each part with its own slot and partial sums, and
// adds the parts in order at the end. Both give the same bits for any number of
// workers.

// convSlots is the number of scratch slots of the shifted-window kernels. At most this
// many workers run one convolution, and the filter gradient sums at most this many
// parts.
const convSlots = 4

// convParallelMinWork is the least number of multiply-adds for which a convolution is
// split across workers.
// NOTE: chosen by analogy with the packed GEMM's threshold, not measured on
// convolutions. It is a variable so that tests can split small convolutions.
var convParallelMinWork = 1 << 19

// shiftedJob is one shifted-window convolution in progress. Its two kinds of parts are
// the Bodies shiftedForwardParts and shiftedFilterParts, which are shiftedJob under
// other names.
type shiftedJob struct {
	f              shiftedForm
	out, in, other []float32 // y, x, packed weights; or dw, x, dy
	scratch        []float32 // the slots
	parts          int
}

// shiftedJobs is the free list of shiftedJob values, one per convolution running at a
// time.
var shiftedJobs struct {
	mu   sync.Mutex
	free []*shiftedJob
}

// getShiftedJob takes a job from the free list, allocating one if it is empty.
func getShiftedJob() *shiftedJob {
	shiftedJobs.mu.Lock()
	defer shiftedJobs.mu.Unlock()
	if k := len(shiftedJobs.free); k > 0 {
		j := shiftedJobs.free[k-1]
		shiftedJobs.free = shiftedJobs.free[:k-1]
		return j
	}
	return new(shiftedJob)
}

// putShiftedJob returns j to the free list, dropping its references to the operands.
func putShiftedJob(j *shiftedJob) {
	*j = shiftedJob{}
	shiftedJobs.mu.Lock()
	shiftedJobs.free = append(shiftedJobs.free, j)
	shiftedJobs.mu.Unlock()
}

// convWorkers returns how many workers a convolution of macs multiply-adds may use.
func convWorkers(macs int) int {
	if macs < convParallelMinWork {
		return 1
	}
	return min(Threads(), convSlots)
}

// runParts runs the parts of body on up to workers goroutines.
func runParts(parts, workers int, body Body) {
	if workers == 1 {
		for i := range parts {
			body.Run(i, 0)
		}
		return
	}
	ParallelFor(parts, workers, body)
}

// shiftedForward computes y = conv(x, w) for the form f, with the weights already
// packed by packWeights in wpk; slots holds convSlots slots of f.forwardSlot().
func (f shiftedForm) shiftedForward(y, x, wpk, slots []float32) {
	g := f.g
	workers := convWorkers(g.N * g.O * g.OH * g.OW * f.k)
	j := getShiftedJob()
	j.f, j.out, j.in, j.other, j.scratch = f, y, x, wpk, slots
	j.parts = 1
	if workers > 1 {
		j.parts = min(g.N, 4*workers)
	}
	runParts(j.parts, workers, (*shiftedForwardParts)(j))
	putShiftedJob(j)
}

// shiftedForwardParts is the Body of the forward form.
type shiftedForwardParts shiftedJob

// Run computes the samples of part i in the slot of worker.
func (j *shiftedForwardParts) Run(i, worker int) {
	f, g := j.f, j.f.g
	slot := j.scratch[worker*f.forwardSlot() : (worker+1)*f.forwardSlot()]
	buf, yv := slot[:f.bufLen], slot[f.bufLen:]
	clear(buf)
	// The offsets of the taps are the same for every sample and group.
	var off [shiftedKC]int32
	hi := 0
	if f.k <= shiftedKC {
		hi = f.tapOffsets(off[:f.k], 0)
	}
	for n := i * g.N / j.parts; n < (i+1)*g.N/j.parts; n++ {
		padPlanes(buf, j.in[n*g.C*g.H*g.W:], g.C, g.H, g.W, f.hp, f.wp, g.PadH, g.PadW)
		for grp := range g.Groups {
			f.forwardGroup(yv, buf[grp*f.cg*f.plane:], j.other[grp*f.rows*f.k:], &off, hi)
			for o := range f.og {
				out := j.out[((n*g.O+grp*f.og+o)*g.OH)*g.OW:]
				copyRows(out, yv[o*f.jt:], g.OH, g.OW, g.OW, f.wp)
			}
		}
	}
}

// forwardGroup computes the virtual output yv of one group from the group's channels
// in base and its packed weights wpk. Where all taps fit one convGemm call, off holds
// their offsets, the largest hi. Where f.skipRows is set as well, each tile sums only
// the kernel rows that reach input rows (kernelRows). The other rows read padding,
// which adds nothing. Every tile of yv is overwritten.
func (f shiftedForm) forwardGroup(yv, base, wpk []float32, off *[shiftedKC]int32, hi int) {
	if f.k > shiftedKC || !f.skipRows {
		f.forwardChunks(yv, base, wpk, off, hi)
		return
	}
	perRow := f.cg * f.g.KW // taps per kernel row
	wide := convWideTiles()

	// The output rows of a tile's first and last columns advance without a division
	// per tile.
	var first, last rowCursor
	last.advance(kernelNR-1, f.wp)
	for j0 := 0; j0 < f.jt; {
		t0, t1 := f.tileTaps(first, last, perRow)
		first.advance(kernelNR, f.wp)
		last.advance(kernelNR, f.wp)
		cols := kernelNR
		if wide && j0+2*kernelNR <= f.jt {
			// A wide tile where the next tile sums the same taps.
			if u0, u1 := f.tileTaps(first, last, perRow); u0 == t0 && u1 == t1 {
				cols = 2 * kernelNR
				first.advance(kernelNR, f.wp)
				last.advance(kernelNR, f.wp)
			}
		}
		for r := 0; r < f.rows; r += f.mr {
			a := wpk[r*f.k+t0*f.mr:]
			convGemmTile(t1-t0, a, base[j0:], off[t0:t1], hi, yv[r*f.jt+j0:], f.jt, f.mr, cols, false)
		}
		j0 += cols
	}
}

// tileTaps returns the range of taps [t0, t1) that a tile whose first and last columns
// are at first and last sums: the taps of the kernel rows that reach input for some of
// its output rows. perRow is the number of taps per kernel row.
func (f shiftedForm) tileTaps(first, last rowCursor, perRow int) (t0, t1 int) {
	lo, hi := f.kernelRows(first.row, min(last.row, f.g.OH-1))
	return lo * perRow, hi * perRow
}

// rowCursor is the row and column of a virtual column.
type rowCursor struct{ row, col int }

// advance moves the cursor n virtual columns on, in rows of width wp.
func (c *rowCursor) advance(n, wp int) {
	c.col += n
	for c.col >= wp {
		c.col -= wp
		c.row++
	}
}

// skipsRows reports whether at least a tenth of the kernel rows of all output rows
// read only padding, so that forwardGroup gains by skipping them. Below that, finding
// the rows per tile costs more than the skipped taps save on small kernels.
func (f shiftedForm) skipsRows() bool {
	skipped := 0
	for oy := range f.g.OH {
		lo, hi := f.kernelRows(oy, oy)
		skipped += f.g.KH - (hi - lo)
	}
	return 10*skipped >= f.g.OH*f.g.KH
}

// forwardChunks is forwardGroup without skipping kernel rows: it sums the taps in
// chunks of shiftedKC, all of them for every tile. Where all taps fit one chunk, off
// already holds their offsets, the largest hi.
func (f shiftedForm) forwardChunks(yv, base, wpk []float32, off *[shiftedKC]int32, hi int) {
	step := kernelNR
	if convWideTiles() {
		step = 2 * kernelNR
	}
	for k0 := 0; k0 < f.k; k0 += shiftedKC {
		kc := min(shiftedKC, f.k-k0)
		if f.k > shiftedKC {
			hi = f.tapOffsets(off[:kc], k0)
		}
		for j0 := 0; j0 < f.jt; j0 += step {
			cols := min(step, f.jt-j0)
			for r := 0; r < f.rows; r += f.mr {
				a := wpk[r*f.k+k0*f.mr:]
				convGemmTile(kc, a, base[j0:], off[:kc], hi, yv[r*f.jt+j0:], f.jt, f.mr, cols, k0 > 0)
			}
		}
	}
}

// shiftedConv2D is Conv2D in the shifted-window form; scratch holds at least
// f.forwardScratch() elements.
func shiftedConv2D(y, x, w, scratch []float32, g ConvGeom) {
	f := newForwardForm(g)
	wpk, slots := split(scratch, f.packedLen())
	f.packWeights(wpk, w, false)
	f.shiftedForward(y, x, wpk, slots)
}

// shiftedInputGrad is Conv2DInputGrad in the shifted-window form; scratch holds at
// least the forwardScratch of the input gradient's form.
func shiftedInputGrad(dx, dy, w, scratch []float32, g ConvGeom) {
	f := newForwardForm(inputGradForm(g))
	wpk, slots := split(scratch, f.packedLen())
	f.packWeights(wpk, w, true)
	f.shiftedForward(dx, dy, wpk, slots)
}

// shiftedFilterGrad is Conv2DFilterGrad in the shifted-window form; scratch holds at
// least f.filterGradScratch() elements.
func shiftedFilterGrad(dw, x, dy, scratch []float32, g ConvGeom) {
	f := newShiftedForm(g)
	j := getShiftedJob()
	j.f, j.out, j.in, j.other, j.scratch = f, dw, x, dy, scratch
	j.parts = f.filterGradParts()
	runParts(j.parts, convWorkers(g.N*g.O*g.OH*g.OW*f.k), (*shiftedFilterParts)(j))

	// Add the parts' sums in order.
	sums := func(part int) []float32 {
		return scratch[(part+1)*f.filterGradSlot()-g.O*f.k : (part+1)*f.filterGradSlot()]
	}
	copy(dw[:g.O*f.k], sums(0))
	for part := 1; part < j.parts; part++ {
		for i, v := range sums(part) {
			dw[i] += v
		}
	}
	putShiftedJob(j)
}

// filterGradParts returns the number of parts the filter gradient splits the batch
// into, which depends only on the geometry and N. Each part clears and adds up its own
// partial sums, 8 per weight, so a part should hold at least filterPartColumns virtual
// columns of dy.
func (f shiftedForm) filterGradParts() int {
	return min(max(f.g.N*f.jd/filterPartColumns, 1), f.filterSlots())
}

// filterPartColumns is the least number of virtual columns per part of the filter
// gradient.
// NOTE: an estimate from the cost of one part's partial sums (about 96 operations per
// block of 6×2 dot products) against 0.75 multiply-add steps per column and block. It
// is a variable so that tests can split small batches.
var filterPartColumns = 1280

// shiftedFilterParts is the Body of the filter gradient.
type shiftedFilterParts shiftedJob

// Run sums the samples of part i in slot i. In a slot, the buffer of x and the rows
// of dy share one slice, which convDot reads through offsets.
func (j *shiftedFilterParts) Run(i, _ int) {
	f, g := j.f, j.f.g
	slot := j.scratch[i*f.filterGradSlot() : (i+1)*f.filterGradSlot()]
	base := slot[:f.bufLen+g.O*f.jd]
	buf, dyv := base[:f.bufLen], base[f.bufLen:]
	acc := slot[len(base) : len(base)+f.accLen()]
	clear(base)
	clear(acc)

	// The offsets of the taps of group 0 in the order of the weights, the same for
	// every sample, or of a chunk of shiftedKC taps of larger groups.
	var taps [shiftedKC]int32
	if f.k <= shiftedKC {
		f.weightOffsets(taps[:f.k], 0)
	}
	mr := f.dotRows()
	rows := roundUp(f.og, mr)
	var aOff [8]int
	for n := i * g.N / j.parts; n < (i+1)*g.N/j.parts; n++ {
		padPlanes(buf, j.in[n*g.C*g.H*g.W:], g.C, g.H, g.W, f.hp, f.wp, g.PadH, g.PadW)
		f.spreadRows(dyv, j.other[n*g.O*g.OH*g.OW:])

		// Rows r.. of dy against the taps, in the order of the blocks of acc.
		for grp := range g.Groups {
			for r := 0; r < rows; r += mr {
				for q := range mr {
					aOff[q] = f.bufLen + (grp*f.og+min(r+q, f.og-1))*f.jd
				}
				blk := acc[(grp*rows+r)*roundUp(f.k, 2)*convDotLanes:]
				for t0 := 0; t0 < f.k; t0 += shiftedKC {
					kc := min(shiftedKC, f.k-t0)
					if f.k > shiftedKC {
						f.weightOffsets(taps[:kc], t0)
					}
					gb, b := grp*f.cg*f.plane, blk[t0*mr*convDotLanes:]
					if mr == 8 {
						f.dotTaps8(b, base, &aOff, gb, taps[:kc])
					} else {
						f.dotTaps(b, base, (*[kernelMR]int)(aOff[:kernelMR]), gb, taps[:kc])
					}
				}
			}
		}
	}

	f.addLanes(slot[len(base)+len(acc):], acc, mr)
}

// spreadRows copies the O planes of one sample of dy onto the virtual columns: row oy
// of channel o goes to dyv[o*f.jd+oy*f.wp:]. The dropped columns keep their zeros.
func (f shiftedForm) spreadRows(dyv, dy []float32) {
	g := f.g
	for o := range g.O {
		copyRows(dyv[o*f.jd:], dy[o*g.OH*g.OW:], g.OH, g.OW, f.wp, g.OW)
	}
}

// split returns the first n elements of s and the rest.
func split(s []float32, n int) (head, rest []float32) { return s[:n], s[n:] }
