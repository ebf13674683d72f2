package runtime

import (
	goruntime "runtime"
	"sync/atomic"
	"time"
)

// Bounded spinning. A goroutine that parks on a channel costs its waker a wake-up of
// the scheduler, several microseconds or more on Linux, while a train step makes many
// parallel calls a few microseconds apart. So an idle helper polls for a new ticket,
// and a caller for its helpers to finish, for spinWindow before it parks. Once a
// process stops calling ParallelFor, every helper has parked within about spinWindow
// and uses no CPU.

// spinWindow is the time in nanoseconds that a goroutine of the pool polls before it
// parks. Tests change it, so goroutines read it atomically.
var spinWindow atomic.Int64

func init() { spinWindow.Store(int64(defaultSpinWindow)) }

// defaultSpinWindow covers most of the serial work between the parallel calls of one
// train step. On the MNIST model of docs/benchmarks.md with two threads, windows of
// 50, 100 and 200 µs gave train steps of about 280, 275 and 265 µs. A longer window
// burns more CPU after the last call, and on a loaded machine a polling helper
// competes with other processes for its core, so 2-thread steps got slower there.
const defaultSpinWindow = 100 * time.Microsecond

// spinCheckRounds is the number of polls between two looks at the clock, about 1 µs.
// Every spinYieldRounds polls the goroutine also yields its processor with Gosched, so
// that goroutines waiting for one run even when more goroutines poll than there are
// processors. Gosched wakes an idle processor's thread, so it is not called on every
// look.
const (
	spinCheckRounds = 16
	spinYieldRounds = 8 * spinCheckRounds
)

// spinning counts the goroutines of the pool that are polling now. Tests read it to
// check that polling stops.
var spinning atomic.Int32

// spinner is the state of one bounded polling loop. Its zero value is ready to use.
type spinner struct {
	start  time.Time
	rounds int
}

// next pauses briefly and reports whether the caller may poll again. It reports false
// once spinWindow has passed since the first call, and then the caller must park.
func (s *spinner) next() bool {
	if s.rounds == 0 {
		s.start = time.Now()
		spinning.Add(1)
	}
	s.rounds++
	spinPause()
	if s.rounds%spinCheckRounds != 0 {
		return true
	}
	if time.Since(s.start) >= time.Duration(spinWindow.Load()) {
		s.stop()
		return false
	}
	if s.rounds%spinYieldRounds == 0 {
		goruntime.Gosched()
	}
	return true
}

// stop ends the polling loop of s, if it had started, and resets s.
func (s *spinner) stop() {
	if s.rounds > 0 {
		spinning.Add(-1)
	}
	s.rounds = 0
}
