package runtime

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"
)

// busyWait keeps the calling goroutine busy for d without yielding, standing in for
// serial work of known length.
func busyWait(d time.Duration) {
	if d <= 0 {
		return
	}
	for t0 := time.Now(); time.Since(t0) < d; {
	}
}

// busyBody is a ParallelFor body whose every part keeps its goroutine busy for work.
type busyBody struct {
	work  time.Duration
	parts [maxBenchWorkers]int64 // parts run by each worker
}

const maxBenchWorkers = 8

func (b *busyBody) Run(i, worker int) {
	busyWait(b.work)
	b.parts[worker%maxBenchWorkers]++
}

// helperShare returns the share of the parts that ran on helpers and resets the counts.
func (b *busyBody) helperShare() float64 {
	var all, helpers int64
	for w, k := range b.parts {
		all += k
		if w > 0 {
			helpers += k
		}
	}
	b.parts = [maxBenchWorkers]int64{}
	return float64(helpers) / float64(max(all, 1))
}

// BenchmarkParallelForRoundTrip measures one ParallelFor call of two parts, as a train
// step makes them back to back: gap is serial work on the caller between calls, and
// work the length of each part. ns/op includes the gap and the work, so the overhead
// of a call is ns/op minus gap minus work, ideally, with two threads. The helpers
// metric is the share of parts that ran on a helper. The "inline"
// variants run the same parts on the caller without ParallelFor, as a reference. Run
// it with -cpu 1,2.
func BenchmarkParallelForRoundTrip(b *testing.B) {
	for _, gap := range []time.Duration{0, 2 * time.Microsecond, 10 * time.Microsecond,
		100 * time.Microsecond} {
		for _, work := range []time.Duration{0, 2 * time.Microsecond} {
			name := fmt.Sprintf("gap%v/work%v", gap, work)
			b.Run(name+"/pool", func(b *testing.B) {
				body := &busyBody{work: work}
				for b.Loop() {
					busyWait(gap)
					ParallelFor(2, 0, body)
				}
				b.ReportMetric(body.helperShare(), "helpers")
			})
			b.Run(name+"/inline", func(b *testing.B) {
				body := &busyBody{work: work}
				for b.Loop() {
					busyWait(gap)
					body.Run(0, 0)
					body.Run(1, 0)
				}
			})
		}
	}
}

// chunkedAdd is a ParallelFor body that adds two vectors in chunks of 512 elements,
// as the generated code runs a large fused loop.
type chunkedAdd struct {
	dst, a, b []float32
}

const benchChunk = 512

func (l *chunkedAdd) Run(i, worker int) {
	lo := i * benchChunk
	hi := min(lo+benchChunk, len(l.dst))
	AddVV32(l.dst[lo:hi], l.a[lo:hi], l.b[lo:hi])
}

// BenchmarkSplitLoopBound compares an elementwise loop of N elements (AddVV32 in
// chunks of 512) run on the caller with the same loop handed to ParallelFor, as
// generated code splits loops of at least its bound. Before each call the caller
// writes both inputs and reads the previous output, as the steps around a loop of a
// train step do, so a helper has to fetch its share of the data from the caller's
// cache. ns/op includes that serial work. Run it with -cpu 2: the bound is worth
// setting to the least N at which "pool" beats "serial".
func BenchmarkSplitLoopBound(b *testing.B) {
	for _, n := range []int{16384, 32768, 65536, 131072, 262144, 524288} {
		l := &chunkedAdd{dst: make([]float32, n), a: make([]float32, n), b: make([]float32, n)}
		src, out := make([]float32, n), make([]float32, n)
		rounds := (n + benchChunk - 1) / benchChunk
		produce := func() {
			copy(l.a, src)
			copy(l.b, src)
			copy(out, l.dst)
		}
		b.Run(fmt.Sprintf("%d/serial", n), func(b *testing.B) {
			for b.Loop() {
				produce()
				for i := range rounds {
					l.Run(i, 0)
				}
			}
		})
		b.Run(fmt.Sprintf("%d/pool", n), func(b *testing.B) {
			for b.Loop() {
				produce()
				ParallelFor(rounds, 4, l)
			}
		})
	}
}

// BenchmarkSplitMatMulBound compares products run whole on the caller with the same
// products split across workers by the packed GEMM, whatever the value of
// parallelMinWork.
// Each call follows 5 µs of serial work on the caller. Run it with -cpu 2:
// parallelMinWork is worth lowering to the least m·k·n at which "split" wins.
func BenchmarkSplitMatMulBound(b *testing.B) {
	const gap = 5 * time.Microsecond
	cases := []struct {
		m, k, n        int
		transA, transB bool
	}{
		{64, 784, 128, false, true},
		{64, 784, 128, false, false},
		{128, 64, 784, true, false},
		{64, 128, 784, false, false},
		{128, 784, 512, false, true},
		{256, 256, 256, false, false},
		{64, 96, 384, false, true},
		{64, 128, 256, false, false},
		{64, 128, 128, false, false},
	}
	defer func(prev int) { parallelMinWork = prev }(parallelMinWork)
	for _, tc := range cases {
		m, k, n := tc.m, tc.k, tc.n
		r := rand.New(rand.NewPCG(7, 8))
		x := randomSlice[float32](r, m*k)
		y := randomSlice[float32](r, k*n)
		c := make([]float32, m*n)
		for _, v := range []struct {
			name    string
			minWork int
		}{{"whole", math.MaxInt}, {"split", 1}} {
			name := fmt.Sprintf("%dx%dx%d/%s/%s", m, k, n, transName(tc.transA, tc.transB), v.name)
			b.Run(name, func(b *testing.B) {
				parallelMinWork = v.minWork
				for b.Loop() {
					busyWait(gap)
					MatMul(c, x, y, m, k, n, tc.transA, tc.transB)
				}
			})
		}
	}
}

// meetPair is a ParallelFor body of two parts that each wait until both have started,
// so that a call finishes only once a helper has joined it.
type meetPair struct {
	arrived atomic.Int64
}

func (b *meetPair) Run(i, worker int) {
	round := b.arrived.Add(1)
	want := (round + 1) &^ 1 // the second arrival of this call's pair
	for b.arrived.Load() < want {
	}
}

// BenchmarkParallelForHandoff measures the latency of handing a part to a helper and
// waiting for it. Each call has two parts that wait for each other, so ns/op is the
// time from the call to the helper's start plus the time from the helper's finish to
// the return. Run it with -cpu 2.
func BenchmarkParallelForHandoff(b *testing.B) {
	if Threads() < 2 {
		b.Skip("needs two threads")
	}
	body := &meetPair{}
	for b.Loop() {
		ParallelFor(2, 2, body)
	}
}
