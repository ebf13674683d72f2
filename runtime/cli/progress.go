package cli

import (
	"fmt"
	"strings"
	"time"
)

// Progress cadence. A terminal line is redrawn in place at most once a second. Other
// outputs, such as a log file, get a new line every five seconds.
const (
	terminalInterval = time.Second
	logInterval      = 5 * time.Second
)

// progress reports training progress on stderr while an epoch runs. A nil *progress
// reports nothing.
type progress struct {
	e          *env
	epochs     int
	perEpoch   int       // samples per epoch
	start      time.Time // start of the run
	epochStart time.Time // start of the current epoch's training pass
	last       time.Time // time of the last report
	lineLen    int       // length of the line drawn on the terminal, 0 if none
	doneBefore int       // samples of the run finished before the current epoch
}

func newProgress(e *env, epochs, perEpoch int) *progress {
	now := e.now()
	return &progress{e: e, epochs: epochs, perEpoch: perEpoch, start: now, last: now}
}

// startEpoch records now as the start of the next epoch's training pass, from which
// the samples/s of the reports count.
func (p *progress) startEpoch(now time.Time) {
	if p == nil {
		return
	}
	p.epochStart = now
}

// update reports that seen samples of epoch (1-based) are done with the given mean loss
// so far, if the last report is old enough.
func (p *progress) update(epoch, seen int, loss float64) {
	if p == nil {
		return
	}
	now := p.e.now()
	interval := logInterval
	if p.e.terminal {
		interval = terminalInterval
	}
	if now.Sub(p.last) < interval {
		return
	}
	p.last = now

	// The ETA extrapolates the wall time per sample of the whole run so far, so it
	// includes the test evaluations that samples/s leaves out.
	done := p.doneBefore + seen
	remaining := p.epochs*p.perEpoch - done
	eta := time.Duration(float64(remaining) / throughput(done, now.Sub(p.start)) * float64(time.Second))
	line := fmt.Sprintf("epoch %d/%d  %d/%d (%.0f%%)  loss %.4f  %.0f samples/s  ETA %s",
		epoch, p.epochs, seen, p.perEpoch, 100*float64(seen)/float64(max(p.perEpoch, 1)),
		loss, throughput(seen, now.Sub(p.epochStart)), formatDuration(eta))
	if p.e.terminal {
		pad := max(p.lineLen-len(line), 0)
		fmt.Fprintf(p.e.stderr, "\r%s%s", line, strings.Repeat(" ", pad))
		p.lineLen = len(line)
		return
	}
	fmt.Fprintln(p.e.stderr, line)
}

// endEpoch erases the terminal line, so the epoch summary on stdout starts on a clean
// line when both go to the same terminal, and counts the epoch's samples as done.
func (p *progress) endEpoch() {
	if p == nil {
		return
	}
	p.doneBefore += p.perEpoch
	if p.lineLen > 0 {
		fmt.Fprintf(p.e.stderr, "\r%s\r", strings.Repeat(" ", p.lineLen))
		p.lineLen = 0
	}
}

// formatDuration prints d rounded to seconds as 1h02m03s, 2m03s or 3s.
func formatDuration(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	switch {
	case s >= 3600:
		return fmt.Sprintf("%dh%02dm%02ds", s/3600, s/60%60, s%60)
	case s >= 60:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	default:
		return fmt.Sprintf("%ds", s)
	}
}
