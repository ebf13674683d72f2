//go:build linux

package runtime

import (
	"math/rand/v2"
	"runtime"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// The convolution and pooling benchmarks time each kernel with each algorithm on the
// shapes of the tables in docs/convolution.md. Besides ns/op they report the CPU time of
// the benchmark's thread, which on a shared machine varies much less than the wall time
// because it leaves out the time the thread waits for a core.

// threadCPU returns the CPU time the calling OS thread has used, from
// CLOCK_THREAD_CPUTIME_ID, which counts nanoseconds (getrusage counts scheduler ticks).
func threadCPU() time.Duration {
	const clockThreadCPUTime = 3
	var ts syscall.Timespec
	_, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0)
	if errno != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}

// benchAlternate runs each variant once per iteration, alternating, on one locked OS
// thread with one worker. It reports the least thread CPU time of each variant over
// the iterations in microseconds, the figure that other processes on a shared machine
// disturb least.
func benchAlternate(b *testing.B, names []string, fs ...func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	defer SetThreads(SetThreads(1))
	best := make([]time.Duration, len(fs))
	for i := range best {
		best[i] = time.Hour
	}
	for b.Loop() {
		for i, f := range fs {
			start := threadCPU()
			f()
			best[i] = min(best[i], threadCPU()-start)
		}
	}
	for i, name := range names {
		b.ReportMetric(float64(best[i].Nanoseconds())/1e3, name+"-us")
	}
}

// convBenchShapes are the LeNet-5 convolutions at batch 64 and a few common ones.
var convBenchShapes = []struct {
	name string
	g    ConvGeom
}{
	{"lenet1_1x28x28_6x5x5_p2", ConvGeom{N: 64, C: 1, H: 28, W: 28, O: 6, KH: 5, KW: 5, OH: 28, OW: 28, StrideH: 1, StrideW: 1, PadH: 2, PadW: 2, DilH: 1, DilW: 1, Groups: 1}},
	{"lenet2_6x14x14_16x5x5", ConvGeom{N: 64, C: 6, H: 14, W: 14, O: 16, KH: 5, KW: 5, OH: 10, OW: 10, StrideH: 1, StrideW: 1, DilH: 1, DilW: 1, Groups: 1}},
	{"3x3p1_32x16x16_32", ConvGeom{N: 16, C: 32, H: 16, W: 16, O: 32, KH: 3, KW: 3, OH: 16, OW: 16, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, DilH: 1, DilW: 1, Groups: 1}},
	{"3x3p1_64x8x8_64", ConvGeom{N: 16, C: 64, H: 8, W: 8, O: 64, KH: 3, KW: 3, OH: 8, OW: 8, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, DilH: 1, DilW: 1, Groups: 1}},
	{"3x3p1_64x4x4_64", ConvGeom{N: 16, C: 64, H: 4, W: 4, O: 64, KH: 3, KW: 3, OH: 4, OW: 4, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, DilH: 1, DilW: 1, Groups: 1}},
	{"1x1_64x16x16_32", ConvGeom{N: 16, C: 64, H: 16, W: 16, O: 32, KH: 1, KW: 1, OH: 16, OW: 16, StrideH: 1, StrideW: 1, DilH: 1, DilW: 1, Groups: 1}},
	{"dw3x3p1_32x16x16", ConvGeom{N: 16, C: 32, H: 16, W: 16, O: 32, KH: 3, KW: 3, OH: 16, OW: 16, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, DilH: 1, DilW: 1, Groups: 32}},
}

// BenchmarkConvAlgos times both algorithms of each kernel on each shape
// (benchAlternate).
func BenchmarkConvAlgos(b *testing.B) {
	for _, s := range convBenchShapes {
		g := s.g
		r := rand.New(rand.NewPCG(1, 2))
		x := randSlice[float32](r, g.N*g.C*g.H*g.W)
		w := randSlice[float32](r, g.O*g.C/g.Groups*g.KH*g.KW)
		y := randSlice[float32](r, g.N*g.O*g.OH*g.OW)
		col := make([]float32, max(g.ScratchLen(), shiftedScratchLen(g)))
		names := []string{"im2col", "shifted"}
		b.Run(s.name+"/fwd", func(b *testing.B) {
			benchAlternate(b, names,
				func() { conv2DIm2col(y, x, w, col, g) }, func() { shiftedConv2D(y, x, w, col, g) })
		})
		b.Run(s.name+"/dx", func(b *testing.B) {
			benchAlternate(b, names,
				func() { conv2DInputGradIm2col(x, y, w, col, g) }, func() { shiftedInputGrad(x, y, w, col, g) })
		})
		b.Run(s.name+"/dw", func(b *testing.B) {
			benchAlternate(b, names,
				func() { conv2DFilterGradIm2col(w, x, y, col, g) }, func() { shiftedFilterGrad(w, x, y, col, g) })
		})
	}
}

// BenchmarkMaxPool2x2 times the general window loops and the 2×2 path on the pools of
// LeNet-5 at batch 64, on normal random values and on the same values after a ReLU.
func BenchmarkMaxPool2x2(b *testing.B) {
	pools := []struct {
		name string
		g    PoolGeom
	}{
		{"lenet1", PoolGeom{N: 64, C: 6, H: 28, W: 28, OH: 14, OW: 14, KH: 2, KW: 2, StrideH: 2, StrideW: 2}},
		{"lenet2", PoolGeom{N: 64, C: 16, H: 10, W: 10, OH: 5, OW: 5, KH: 2, KW: 2, StrideH: 2, StrideW: 2}},
	}
	for _, p := range pools {
		g := p.g
		r := rand.New(rand.NewPCG(1, 2))
		random := randSlice[float32](r, g.N*g.C*g.H*g.W)
		relu := make([]float32, len(random))
		for i, v := range random {
			relu[i] = max(v, 0)
		}
		dx := make([]float32, len(random))
		y := randSlice[float32](r, g.N*g.C*g.OH*g.OW)
		names := []string{"general", "2x2"}
		for _, in := range []struct {
			name string
			x    []float32
		}{{"random", random}, {"relu", relu}} {
			x := in.x
			b.Run(p.name+"/"+in.name+"/max", func(b *testing.B) {
				benchAlternate(b, names, func() { maxPoolWindows(y, x, g) }, func() { maxPool2x2(y, x, g) })
			})
			b.Run(p.name+"/"+in.name+"/grad", func(b *testing.B) {
				benchAlternate(b, names,
					func() { maxPoolGradWindows(dx, x, y, g) }, func() { maxPool2x2Grad(dx, x, y, g) })
			})
		}
	}
}
