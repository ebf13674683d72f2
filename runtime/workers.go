package runtime

import (
	goruntime "runtime"
	"sync"
	"sync/atomic"
)

// Worker pool. Kernels split large operations into parts and hand them to ParallelFor,
// which runs the parts on the calling goroutine and on helper goroutines that are
// started once. Between calls a helper polls for work for a short while (see
// workers_spin.go) and then parks. A call allocates nothing: the caller passes a Body
// that it keeps (a pointer to a struct it reuses), and the pool reuses its own call
// records.

// Body is the loop body of ParallelFor. Run executes part i on the goroutine identified
// by worker. Worker numbers are dense and start at 0, the calling goroutine. No two
// goroutines running parts of one ParallelFor call at the same moment share a number,
// so a body may index per-worker scratch storage by it.
//
// ParallelFor receives the Body as an interface value. To keep the call free of
// allocations, pass a pointer to a struct that outlives the call (a field of a
// long-lived value or a package variable), not a struct value or a closure.
type Body interface {
	Run(i, worker int)
}

// threadLimit is the value of the last SetThreads call, 0 meaning GOMAXPROCS.
var threadLimit atomic.Int32

// SetThreads limits the number of goroutines that ParallelFor runs parts on, the caller
// included, to n. n <= 0 removes the limit, so that the number follows GOMAXPROCS (the
// default). A limit above GOMAXPROCS has no effect. SetThreads returns the previous
// limit, 0 if there was none. It may be called at any time from any goroutine, and
// calls already running keep the number of goroutines they started with.
func SetThreads(n int) int {
	n = max(n, 0)
	n = min(n, maxThreads)
	return int(threadLimit.Swap(int32(n)))
}

// Threads returns the number of goroutines a ParallelFor call may use now: GOMAXPROCS,
// lowered to the limit set by SetThreads.
func Threads() int {
	n := goruntime.GOMAXPROCS(0)
	if lim := int(threadLimit.Load()); lim > 0 {
		n = min(n, lim)
	}
	return min(max(n, 1), maxThreads)
}

// ParallelFor calls body.Run(i, worker) once for every part i in [0, n) and returns
// when all calls have returned. The parts run on at most min(n, maxWorkers, Threads())
// goroutines: the caller, which is worker 0, and idle helpers of the pool.
// maxWorkers <= 0 means Threads(); a caller with scratch storage for w workers passes
// w. With one goroutine the parts run on the caller in increasing order of i.
//
// Parts are handed out in increasing order of i to whichever goroutine is free, so a
// body must not depend on which worker runs a part or on the order in which parts
// finish. Results are then the same for every number of workers when each part writes
// its own disjoint output and computes it the same way on every worker.
//
// ParallelFor does not allocate in steady state, because helpers are started the
// first time they are needed and call records are reused. It may be called from
// several goroutines at once and from inside a part. A nested call runs its parts on
// the helpers that are free at the time, or on its caller alone, and never waits for a
// helper busy elsewhere. A panic in a part on the calling goroutine propagates to the
// caller once the helpers have finished their current parts. A panic in a part on a
// helper ends the program.
//
// After a call the helpers keep polling for the next one for about 100 µs, so that
// calls in quick succession wake no goroutine. Then they park, so a process that stops
// calling ParallelFor uses no CPU for the pool after that.
func ParallelFor(n, maxWorkers int, body Body) {
	if n <= 0 {
		return
	}
	workers := Threads()
	if maxWorkers > 0 {
		workers = min(workers, maxWorkers)
	}
	workers = min(workers, n)
	if workers == 1 {
		for i := range n {
			body.Run(i, 0)
		}
		return
	}
	thePool.run(n, workers, body)
}

// pool holds the helper goroutines and the records of calls in progress.
type pool struct {
	tickets chan ticket // offers of work to parked helpers

	mu      sync.Mutex
	helpers int     // helper goroutines started
	free    []*call // call records not in use
	gens    uint32  // generations handed to call records
}

// ticket offers the call with record c to one helper. gen distinguishes a ticket that
// stayed in the channel past the end of its call from one for the record's current use.
type ticket struct {
	c   *call
	gen uint32
}

// call is the record of one ParallelFor call with helpers.
//
// state packs the generation (bits 32-63), a closed flag (bit 31), the number of
// goroutines the call may use (bits 16-30) and the number of helpers that joined (bits
// 0-15). A helper joins with one compare-and-swap on state, which checks the
// generation, the flag and the room left. Before it, the helper reads only atomic
// fields, so a stale ticket for a record reused by a later call races with nothing.
// The caller sets the flag when every part has been
// handed out. From then on the number of joined helpers is fixed, and the caller waits
// until finished counts that many.
type call struct {
	state    atomic.Uint64
	next     atomic.Int64  // next part to hand out
	n        atomic.Int64  // number of parts, atomic so that join may read it
	finished atomic.Uint32 // joined helpers that have finished, and finParked
	body     Body
	done     chan struct{} // the token of the last helper to finish, if finParked is set
}

const (
	callClosed     = 1 << 31
	callJoinMask   = 1<<16 - 1
	callLimitShift = 16
	maxThreads     = 1<<15 - 1 // the largest number of goroutines state can count

	// finParked is the flag of finished that the caller sets when it stops polling and
	// parks on done.
	finParked = 1 << 31
)

// poolTickets is the capacity of the ticket channel. A ticket that finds it full is
// dropped, and the call runs with fewer helpers.
const poolTickets = 256

var thePool = pool{tickets: make(chan ticket, poolTickets)}

// run executes the n parts of body on the caller and up to workers-1 helpers.
func (p *pool) run(n, workers int, body Body) {
	c, gen := p.acquire(workers)
	c.body = body
	c.n.Store(int64(n))
	c.next.Store(0)
	c.finished.Store(0)
	c.state.Store(uint64(gen)<<32 | uint64(workers)<<callLimitShift)
	for range workers - 1 {
		select {
		case p.tickets <- ticket{c, gen}:
		default:
		}
	}

	defer p.finish(c)
	c.work(0)
}

// finish closes the call c, so that no helper may join any more, waits for the
// helpers that joined and returns the record to the free list. It runs deferred, so a
// panic in a part on the caller also waits for the helpers, which stop after their
// current part.
func (p *pool) finish(c *call) {
	c.next.Store(c.n.Load())
	joined := int(c.state.Or(callClosed) & callJoinMask)
	c.await(joined)
	c.body = nil
	p.release(c)
}

// await returns when joined helpers have finished, polling for up to spinWindow
// before it parks. A helper that finishes while the caller polls wakes no goroutine.
func (c *call) await(joined int) {
	var s spinner
	for int(c.finished.Load()) != joined {
		if !s.next() {
			// From here on, the helper that finishes last sends a token.
			if int(c.finished.Or(finParked)) != joined {
				<-c.done
			}
			return
		}
	}
	s.stop()
}

// leave records that a helper that joined c has finished its parts. The last helper
// to finish wakes the caller if it has parked. Otherwise a helper does not touch c
// after the count, because the caller may reuse the record at once.
func (c *call) leave() {
	v := c.finished.Add(1)
	if v&finParked != 0 && int(v&^finParked) == int(c.state.Load()&callJoinMask) {
		c.done <- struct{}{}
	}
}

// work runs parts of c until none is left.
func (c *call) work(worker int) {
	for {
		i := c.next.Add(1) - 1
		if i >= c.n.Load() {
			return
		}
		c.body.Run(int(i), worker)
	}
}

// join makes the calling helper a worker of c if the ticket's generation is current,
// the call is open, it has room and parts are left. It returns the worker number, or 0
// if it does not join. A helper that joined makes the caller wait for it, so one that
// arrives after the caller has taken every part stays out.
func (c *call) join(gen uint32) int {
	for {
		s := c.state.Load()
		if uint32(s>>32) != gen || s&callClosed != 0 || c.next.Load() >= c.n.Load() {
			return 0
		}
		joined := int(s & callJoinMask)
		limit := int(s>>callLimitShift) & maxThreads
		if joined+1 >= limit {
			return 0
		}
		if c.state.CompareAndSwap(s, s+1) {
			return joined + 1
		}
	}
}

// helper is the loop of one pool goroutine.
func (p *pool) helper() {
	for {
		t := p.nextTicket()
		w := t.c.join(t.gen)
		if w == 0 {
			continue
		}
		t.c.work(w)
		t.c.leave()
	}
}

// nextTicket receives the next ticket, polling for up to spinWindow before it parks.
// A caller that sends to a polling helper finds room in the channel's buffer and wakes
// no goroutine.
func (p *pool) nextTicket() ticket {
	var s spinner
	for {
		select {
		case t := <-p.tickets:
			s.stop()
			return t
		default:
		}
		if !s.next() {
			return <-p.tickets
		}
	}
}

// acquire returns a call record with a fresh generation and makes sure that enough
// helpers are running for workers goroutines in all.
func (p *pool) acquire(workers int) (*call, uint32) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.helpers < workers-1 {
		go p.helper()
		p.helpers++
	}
	var c *call
	if k := len(p.free); k > 0 {
		c = p.free[k-1]
		p.free = p.free[:k-1]
	} else {
		c = new(call)
	}
	if c.done == nil {
		c.done = make(chan struct{}, 1)
	}
	p.gens++
	return c, p.gens
}

// release returns a finished call record to the free list.
func (p *pool) release(c *call) {
	p.mu.Lock()
	p.free = append(p.free, c)
	p.mu.Unlock()
}
