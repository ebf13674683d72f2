package cli

import (
	goruntime "runtime"
	"strings"
	"testing"

	"github.com/nncc/nncc/runtime"
)

// TestThreadsFlag checks that --threads sets the runtime's worker limit on the commands
// that run the model and that a value below 1 is rejected.
func TestThreadsFlag(t *testing.T) {
	defer runtime.SetThreads(runtime.SetThreads(0))
	_, cfg := blobFiles(t)
	for _, cmd := range []string{"train", "eval"} {
		runtime.SetThreads(0)
		r := runSimple(newClassifier(2, 2), cfg, cmd, "--threads", "1")
		if r.status != 0 {
			t.Fatalf("%s --threads 1: status %d, stderr:\n%s", cmd, r.status, r.stderr)
		}
		if got := runtime.Threads(); got != 1 {
			t.Errorf("%s --threads 1: runtime.Threads() = %d, want 1", cmd, got)
		}
		r = runSimple(newClassifier(2, 2), cfg, cmd)
		if got, want := runtime.Threads(), goruntime.GOMAXPROCS(0); r.status != 0 || got != want {
			t.Errorf("%s: status %d, runtime.Threads() = %d, want GOMAXPROCS %d by default",
				cmd, r.status, got, want)
		}
	}
	for _, cmd := range []string{"train", "eval", "predict"} {
		r := runSimple(newClassifier(2, 2), cfg, cmd, "--threads", "0")
		if r.status != 2 || !strings.Contains(r.stderr, "--threads 0: want at least 1") {
			t.Errorf("%s --threads 0: status %d, stderr %q; want 2 and a message", cmd,
				r.status, r.stderr)
		}
	}
}
