package runtime

import (
	"fmt"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testThreadCounts are the worker counts the parallel tests run with.
var testThreadCounts = []int{1, 2, 3, 4, 7}

// withThreads runs f with Threads() == n, raising GOMAXPROCS if needed, and restores
// both settings afterwards.
func withThreads(t *testing.T, n int, f func()) {
	t.Helper()
	procs := goruntime.GOMAXPROCS(max(n, goruntime.GOMAXPROCS(0)))
	limit := SetThreads(n)
	defer func() {
		SetThreads(limit)
		goruntime.GOMAXPROCS(procs)
	}()
	if got := Threads(); got != n {
		t.Fatalf("Threads() = %d after SetThreads(%d)", got, n)
	}
	f()
}

// countBody records how often each part ran and checks that no two goroutines use the
// same worker number at once.
type countBody struct {
	runs    []atomic.Int32
	busy    []atomic.Bool
	workers int
	bad     atomic.Int32 // runs with an out-of-range or shared worker number
}

func (b *countBody) Run(i, worker int) {
	if worker < 0 || worker >= b.workers || !b.busy[worker].CompareAndSwap(false, true) {
		b.bad.Add(1)
		b.runs[i].Add(1)
		return
	}
	b.runs[i].Add(1)
	for range 50 { // widen the window in which two workers could collide
		goruntime.Gosched()
	}
	b.busy[worker].Store(false)
}

func newCountBody(parts, workers int) *countBody {
	return &countBody{
		runs:    make([]atomic.Int32, parts),
		busy:    make([]atomic.Bool, workers),
		workers: workers,
	}
}

func (b *countBody) check(t *testing.T) {
	t.Helper()
	for i := range b.runs {
		if got := b.runs[i].Load(); got != 1 {
			t.Errorf("part %d ran %d times, want 1", i, got)
		}
	}
	if bad := b.bad.Load(); bad != 0 {
		t.Errorf("%d parts ran with a worker number out of range or in use", bad)
	}
}

func TestParallelForRunsEachPartOnce(t *testing.T) {
	for _, threads := range testThreadCounts {
		for _, limit := range []int{0, 1, 2, 5} {
			for _, parts := range []int{0, 1, 2, 3, 13, 100} {
				name := fmt.Sprintf("threads%d/max%d/parts%d", threads, limit, parts)
				t.Run(name, func(t *testing.T) {
					withThreads(t, threads, func() {
						workers := threads
						if limit > 0 {
							workers = min(workers, limit)
						}
						b := newCountBody(parts, workers)
						ParallelFor(parts, limit, b)
						b.check(t)
					})
				})
			}
		}
	}
}

// meetBody blocks each of its parts until all of them have started, so it finishes
// only if every part runs on its own goroutine.
type meetBody struct {
	arrived sync.WaitGroup
}

func (b *meetBody) Run(i, worker int) {
	b.arrived.Done()
	b.arrived.Wait()
}

// TestParallelForUsesHelpers checks that parts run on as many goroutines as Threads()
// allows: each part waits for all the others to start. A pool that ran the parts on
// fewer goroutines would hang here.
func TestParallelForUsesHelpers(t *testing.T) {
	for _, threads := range testThreadCounts {
		t.Run(fmt.Sprint(threads), func(t *testing.T) {
			withThreads(t, threads, func() {
				var b meetBody
				b.arrived.Add(threads)
				ParallelFor(threads, 0, &b)
			})
		})
	}
}

// nestedBody runs an inner ParallelFor in each of its parts.
type nestedBody struct {
	inner []*countBody
}

func (b *nestedBody) Run(i, worker int) {
	ParallelFor(len(b.inner[i].runs), 0, b.inner[i])
}

// TestParallelForNested checks that parts may call ParallelFor themselves without
// deadlock, and that every inner part runs once.
func TestParallelForNested(t *testing.T) {
	for _, threads := range testThreadCounts {
		t.Run(fmt.Sprint(threads), func(t *testing.T) {
			withThreads(t, threads, func() {
				b := &nestedBody{}
				for i := range 9 {
					b.inner = append(b.inner, newCountBody(3+i, threads))
				}
				ParallelFor(len(b.inner), 0, b)
				for _, in := range b.inner {
					in.check(t)
				}
			})
		})
	}
}

// TestParallelForConcurrentCallers runs ParallelFor from several goroutines at once.
func TestParallelForConcurrentCallers(t *testing.T) {
	withThreads(t, 3, func() {
		var wg sync.WaitGroup
		bodies := make([]*countBody, 6)
		for g := range bodies {
			bodies[g] = newCountBody(40+g, 3)
			wg.Go(func() {
				ParallelFor(len(bodies[g].runs), 0, bodies[g])
			})
		}
		wg.Wait()
		for _, b := range bodies {
			b.check(t)
		}
	})
}

// sumBody adds each part's index to a per-worker total; it allocates nothing.
type sumBody struct {
	sums [8]atomic.Int64
}

func (b *sumBody) Run(i, worker int) { b.sums[worker].Add(int64(i)) }

func TestParallelForAllocs(t *testing.T) {
	for _, threads := range []int{2, 4} {
		withThreads(t, threads, func() {
			b := &sumBody{}
			allocs := testing.AllocsPerRun(50, func() { ParallelFor(64, 0, b) })
			if allocs != 0 {
				t.Errorf("threads %d: %v allocations per call, want 0", threads, allocs)
			}
			var total int64
			for i := range b.sums {
				total += b.sums[i].Load()
			}
			if want := int64(51 * 64 * 63 / 2); total != want {
				t.Errorf("threads %d: sum of parts %d, want %d", threads, total, want)
			}
		})
	}
}

func TestSetThreads(t *testing.T) {
	prev := SetThreads(1)
	defer SetThreads(prev)
	if got := Threads(); got != 1 {
		t.Errorf("Threads() = %d after SetThreads(1), want 1", got)
	}
	if got := SetThreads(-3); got != 1 {
		t.Errorf("SetThreads returned %d, want the previous limit 1", got)
	}
	if got, want := Threads(), goruntime.GOMAXPROCS(0); got != want {
		t.Errorf("Threads() = %d without a limit, want GOMAXPROCS %d", got, want)
	}
	SetThreads(1 << 40)
	if got, want := Threads(), goruntime.GOMAXPROCS(0); got != want {
		t.Errorf("Threads() = %d with a huge limit, want GOMAXPROCS %d", got, want)
	}
}

// panicBody panics in every part that runs on the calling goroutine and counts the
// parts that run on helpers. A part on a helper waits until the caller has started a
// part, so that the helpers cannot take every part of a call with more parts than
// helpers.
type panicBody struct {
	helperRuns atomic.Int32
	callerRan  atomic.Bool
}

func (b *panicBody) Run(i, worker int) {
	if worker == 0 {
		b.callerRan.Store(true)
		panic("part failed")
	}
	b.helperRuns.Add(1)
	for !b.callerRan.Load() {
		time.Sleep(10 * time.Microsecond)
	}
}

// TestParallelForCallerPanic checks that a panic in a part on the caller reaches the
// caller only after the helpers have stopped, and that the pool works afterwards.
func TestParallelForCallerPanic(t *testing.T) {
	withThreads(t, 3, func() {
		b := &panicBody{}
		func() {
			defer func() {
				if r := recover(); r != "part failed" {
					t.Errorf("recovered %v, want the part's panic", r)
				}
			}()
			ParallelFor(1000, 0, b)
		}()
		after := b.helperRuns.Load()
		c := newCountBody(50, 3)
		ParallelFor(50, 0, c)
		c.check(t)
		if got := b.helperRuns.Load(); got != after {
			t.Errorf("helpers ran %d parts after the panic returned, then %d", after, got)
		}
	})
}

// BenchmarkParallelFor measures the fork and join overhead of the pool: the cost of
// one call whose parts do almost nothing. Run it with -cpu 1,2.
func BenchmarkParallelFor(b *testing.B) {
	body := &sumBody{}
	for b.Loop() {
		ParallelFor(Threads(), 0, body)
	}
}
