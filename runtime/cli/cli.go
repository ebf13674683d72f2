package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/nncc/nncc/runtime"
)

// Model is the interface a generated model package is adapted to so that Main can drive
// it. Batches hold n samples, 1 <= n <= Info().MaxBatch; x is row-major n×Features.
// Classification models read labels (n class indices) and get nil values; models with
// float targets read values (n×Targets) and get nil labels.
//
// The correct count of a batch is the numerator of the accuracy. For class labels it
// counts the samples whose first highest output is the label, at most n. For 0/1
// targets (Info.Binary) it counts the targets matched by their thresholded output, at
// most n×Targets. A model that counts nothing, such as a regression model, returns -1.
type Model interface {
	// Info returns the model's shapes.
	Info() Info
	// TrainBatch runs one optimizer step on the batch and returns the mean loss over its
	// samples and the correct count, both computed from the weights before the update.
	TrainBatch(x []float32, labels []int32, values []float32, n int) (loss float32, correct int)
	// EvalBatch returns the mean loss over the batch and the correct count. It does not
	// change the weights.
	EvalBatch(x []float32, labels []int32, values []float32, n int) (loss float32, correct int)
	// PredictBatch returns the n×Outputs outputs for the batch, row-major. The slice may
	// be reused by the next call.
	PredictBatch(x []float32, n int) []float32
	// LearningRate returns the optimizer's current learning rate.
	LearningRate() float32
	// SetLearningRate sets the optimizer's learning rate.
	SetLearningRate(lr float32)
	// WriteTo writes a checkpoint of the weights and optimizer state.
	WriteTo(w io.Writer) (int64, error)
	// ReadFrom restores the state from a checkpoint written by WriteTo.
	ReadFrom(r io.Reader) (int64, error)
}

// Info describes a model's shapes.
type Info struct {
	Name     string // model name, used in messages and the JSON summary
	MaxBatch int    // largest batch the model accepts
	Features int    // input features per sample
	Outputs  int    // outputs per sample
	Classes  int    // number of classes, or 0 for a model with float targets
	Targets  int    // float targets per sample, or 0 for a classifier
	// Binary marks float targets that are 0/1 labels, one output logit each, as for a
	// model trained with BCE with logits. The predicted label of a logit is 1 when the
	// logit is positive; predict prints it.
	Binary bool
	// MinTrainBatch is the smallest batch TrainBatch accepts, 0 or 1 meaning any. Batch
	// norm over [N,C] needs 2, as PyTorch raises for one value per channel; the
	// training loop skips a smaller last batch of an epoch.
	MinTrainBatch int
}

// Config holds the data and training defaults compiled into a model binary; flags
// override them.
type Config struct {
	// Dataset is "mnist" for MNIST, located with data.LocateMNIST, "text" for
	// next-character samples of the text files matching the TrainFiles patterns
	// (data.LoadText), or "" to use Format.
	Dataset string
	// TrainFiles and TestFiles are the default data files: an images file and a labels
	// file for "idx", one file for "csv".
	TrainFiles, TestFiles []string
	// Format is "mnist", "idx" or "csv". When it and Dataset are empty, a --data path
	// ending in ".csv" selects "csv".
	Format string
	// LabelColumn is the CSV label column; negative values count from the end.
	LabelColumn int
	// BatchSize and Epochs default to MaxBatch and 1 when zero.
	BatchSize, Epochs int
	// Seed seeds the order in which samples are shuffled.
	Seed uint64
	// Shuffle visits the training samples in a new random order each epoch.
	Shuffle bool
	// Schedule sets the learning rate before each epoch from the rate at the start
	// of training (runtime.ScheduledLR); the zero value keeps the rate.
	Schedule runtime.LRSchedule
	// SampleLength is the number of characters that train generates and prints after
	// the last epoch, for a model over text (Dataset "text"); 0 prints none.
	SampleLength int
}

// Exit statuses of Main.
const (
	exitOK       = 0
	exitInternal = 1 // a failure of the model or of writing results
	exitInput    = 2 // invalid flags, data or checkpoint
)

// Main runs the command-line interface of a model binary on args (without the program
// name), writing results to stdout and messages to stderr. It returns the exit status:
// 0 on success, 2 for invalid flags or unreadable data or checkpoints, and 1 for internal
// failures, including a panic in the model. Commands are train, eval, predict, info,
// generate and help; the usage text lists their flags. predict reads standard input when its file
// argument is "-" or missing.
func Main(args []string, m Model, cfg Config, stdout, stderr io.Writer) int {
	e := &env{
		stdin:    os.Stdin,
		stdout:   stdout,
		stderr:   stderr,
		now:      time.Now,
		terminal: isTerminal(stderr),
	}
	return run(args, m, cfg, e)
}

// env holds the streams and the clock that commands use, replaceable in tests.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	now            func() time.Time
	terminal       bool // stderr is a terminal, so progress may redraw one line
}

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

func run(args []string, m Model, cfg Config, e *env) (status int) {
	info := m.Info()
	defer func() {
		if r := recover(); r != nil {
			// Data the model cannot take (a label or token id out of range) is bad
			// input, not a bug.
			if err, ok := r.(*runtime.InputError); ok {
				fmt.Fprintf(e.stderr, "%s: invalid data: %v\n", info.Name, err)
				status = exitInput
				return
			}
			fmt.Fprintf(e.stderr, "%s: internal error: %v\n%s", info.Name, r, debug.Stack())
			status = exitInternal
		}
	}()
	if err := checkInfo(info); err != nil {
		fmt.Fprintf(e.stderr, "%s: internal error: %v\n", info.Name, err)
		return exitInternal
	}
	if len(args) == 0 {
		printUsage(e.stderr, info.Name)
		return exitInput
	}

	var err error
	switch args[0] {
	case "train":
		err = cmdTrain(args[1:], m, info, cfg, e)
	case "eval":
		err = cmdEval(args[1:], m, info, cfg, e)
	case "predict":
		err = cmdPredict(args[1:], m, info, e)
	case "info":
		err = cmdInfo(args[1:], m, info, cfg, e)
	case "generate":
		err = cmdGenerate(args[1:], m, info, e)
	case "help", "-h", "-help", "--help":
		printUsage(e.stdout, info.Name)
		return exitOK
	default:
		fmt.Fprintf(e.stderr, "%s: unknown command %q\n", info.Name, args[0])
		printUsage(e.stderr, info.Name)
		return exitInput
	}

	var ie *inputError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errFlagParse):
		return exitInput // the flag package has printed the message and the flags
	case errors.As(err, &ie):
		fmt.Fprintf(e.stderr, "%s %s: %v\n", info.Name, args[0], err)
		return exitInput
	default:
		fmt.Fprintf(e.stderr, "%s %s: %v\n", info.Name, args[0], err)
		return exitInternal
	}
}

// checkInfo rejects model shapes that no data can match.
func checkInfo(info Info) error {
	if info.MaxBatch < 1 || info.Features < 1 || info.Outputs < 1 {
		return fmt.Errorf("model info %+v needs MaxBatch, Features and Outputs >= 1", info)
	}
	if (info.Classes > 0) == (info.Targets > 0) {
		return fmt.Errorf("model info %+v needs exactly one of Classes and Targets > 0", info)
	}
	if info.Binary && info.Outputs != info.Targets {
		return fmt.Errorf("model info %+v is binary, so it needs one output per target", info)
	}
	return nil
}

// inputError marks an error caused by the command line or its files: exit status 2.
type inputError struct{ err error }

func (e *inputError) Error() string { return e.err.Error() }
func (e *inputError) Unwrap() error { return e.err }

// badInput returns an inputError with a formatted message.
func badInput(format string, args ...any) error {
	return &inputError{fmt.Errorf(format, args...)}
}

// errFlagParse is returned after the flag package has reported a parse error.
var errFlagParse = errors.New("invalid flags")

// newFlagSet returns a flag set for command cmd whose usage message, printed on stderr
// for -h and after a parse error, starts with the synopsis args and the description.
func newFlagSet(info Info, cmd, args, description string, e *env) *flag.FlagSet {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: %s\n\n%s\n\nFlags:\n",
			strings.TrimSpace(info.Name+" "+cmd+" "+args), description)
		fs.PrintDefaults()
	}
	return fs
}

// float32Value is a flag.Value that prints a float32 in its shortest form.
type float32Value float32

func (v *float32Value) String() string { return strconv.FormatFloat(float64(*v), 'g', -1, 32) }

func (v *float32Value) Set(s string) error {
	f, err := strconv.ParseFloat(s, 32)
	if err != nil {
		return errors.New("parse error")
	}
	*v = float32Value(f)
	return nil
}

// parseFlags parses args with fs, which writes its messages to stderr, and rejects
// positional arguments beyond maxArgs.
func parseFlags(fs *flag.FlagSet, args []string, maxArgs int) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errFlagParse
	}
	if fs.NArg() > maxArgs {
		return badInput("unexpected argument %q", fs.Arg(maxArgs))
	}
	return nil
}

func printUsage(w io.Writer, name string) {
	fmt.Fprintf(w, `usage: %[1]s <command> [flags]

Commands:
  train    train the model; print one line per epoch and a JSON summary
  eval     evaluate the model on the test set
  predict  print the model's outputs for each row of a CSV file
  info     print the model's shapes and training defaults
  generate print text generated by a character-level language model
  help     print this help

Run "%[1]s <command> -h" for the flags of a command.
Exit status: 0 on success, 2 for invalid flags, data or checkpoints, 1 for internal errors.
`, name)
}
