package cli

import (
	"flag"
	goruntime "runtime"

	"github.com/nncc/nncc/runtime"
)

// addThreadsFlag defines the --threads flag of the commands that run the model.
func addThreadsFlag(fs *flag.FlagSet) *int {
	return fs.Int("threads", goruntime.GOMAXPROCS(0),
		"number of `goroutines` that large kernels are split across, at most GOMAXPROCS")
}

// setThreads checks the --threads value and passes it to runtime.SetThreads.
func setThreads(n int) error {
	if n < 1 {
		return badInput("--threads %d: want at least 1", n)
	}
	runtime.SetThreads(n)
	return nil
}
