package runtime

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// withSpinWindow runs f with spinWindow set to d and restores it afterwards.
func withSpinWindow(d time.Duration, f func()) {
	prev := spinWindow.Swap(int64(d))
	defer spinWindow.Store(prev)
	f()
}

// spinWindowCases are the polling windows the pool is tested with: none, so that every
// wait parks at once, the default, and one longer than any test's pauses, so that
// helpers rarely park.
var spinWindowCases = []time.Duration{0, defaultSpinWindow, 20 * time.Millisecond}

// TestParallelForSpinWindows repeats the checks of the pool's guarantees with each
// polling window. Every part runs once on a worker number of its own, and all helpers
// join when the parts wait for each other. Nested and concurrent calls finish, and a
// panic on the caller waits for the helpers.
func TestParallelForSpinWindows(t *testing.T) {
	for _, window := range spinWindowCases {
		for _, threads := range []int{2, 3, 7} {
			t.Run(fmt.Sprintf("window%v/threads%d", window, threads), func(t *testing.T) {
				withSpinWindow(window, func() {
					withThreads(t, threads, func() { checkPoolGuarantees(t, threads) })
				})
			})
		}
	}
}

// checkPoolGuarantees runs the checks of TestParallelForSpinWindows with Threads() ==
// threads.
func checkPoolGuarantees(t *testing.T, threads int) {
	t.Helper()
	for _, parts := range []int{1, 2, 3, 13, 100} {
		// Back-to-back calls, as a train step makes them, with and without a pause.
		for round := range 20 {
			b := newCountBody(parts, threads)
			ParallelFor(parts, 0, b)
			b.check(t)
			if round%5 == 4 {
				time.Sleep(100 * time.Microsecond)
			}
		}
	}

	var meet meetBody
	meet.arrived.Add(threads)
	ParallelFor(threads, 0, &meet)

	// Two callers at once, each with nested calls in its parts.
	var nested [2]*nestedBody
	var wg sync.WaitGroup
	for g := range nested {
		nested[g] = &nestedBody{}
		for i := range 5 {
			nested[g].inner = append(nested[g].inner, newCountBody(2+i, threads))
		}
		wg.Go(func() { ParallelFor(len(nested[g].inner), 0, nested[g]) })
	}
	wg.Wait()
	for _, b := range nested {
		for _, in := range b.inner {
			in.check(t)
		}
	}

	p := &panicBody{}
	func() {
		defer func() {
			if r := recover(); r != "part failed" {
				t.Errorf("recovered %v, want the part's panic", r)
			}
		}()
		ParallelFor(200, 0, p)
	}()
	after := p.helperRuns.Load()
	time.Sleep(time.Millisecond)
	if got := p.helperRuns.Load(); got != after {
		t.Errorf("helpers ran %d parts after the panic returned, then %d", after, got)
	}
}

// TestParallelForStopsPolling checks that the pool's goroutines stop polling once calls
// stop, so that an idle process uses no CPU. The deadline is far beyond the polling
// window, so that only a loop that never parks fails.
func TestParallelForStopsPolling(t *testing.T) {
	withThreads(t, 3, func() {
		b := &sumBody{}
		for range 100 {
			ParallelFor(64, 0, b)
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for spinning.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines still polling 10 s after the last call", spinning.Load())
		}
		time.Sleep(time.Millisecond)
	}
}
