package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/nncc/nncc/runtime"
	"github.com/nncc/nncc/runtime/data"
)

// trainOptions are the settings of one train command.
type trainOptions struct {
	epochs, batch int
	seed          uint64
	shuffle       bool
	quiet         bool
	schedule      runtime.LRSchedule
	baseLR        float64 // the rate the schedule scales
}

// epochResult holds the metrics of one epoch. Accuracies apply only when the model
// counted correct predictions, and test metrics only when there is a test set.
type epochResult struct {
	trainCounted, testCounted bool
	tested                    bool
	trainLoss, trainAcc       float64
	testLoss, testAcc         float64
	samples                   int           // training samples of the epoch
	trainTime                 time.Duration // wall time of the training pass over them
	elapsed                   time.Duration // wall time of the epoch, evaluation included
}

// throughputHelp defines samples/s for the help text. The progress line, the epoch
// lines and the summary all compute it by throughput over wall time so measured.
const throughputHelp = "samples/s is training samples per second of wall time spent in training\n" +
	"passes, batching the data included and the test evaluation excluded: over the\n" +
	"current epoch in the progress and epoch lines, over all epochs in the summary."

// throughput returns samples per second of d, the rate that samples/s reports.
func throughput(samples int, d time.Duration) float64 {
	return float64(samples) / max(d.Seconds(), 1e-9)
}

func cmdTrain(args []string, m Model, info Info, cfg Config, e *env) error {
	fs := newFlagSet(info, "train", "[flags]",
		"Trains the model, printing one line per epoch and a JSON summary on stdout and\n"+
			"progress on stderr. Accuracy is reported for models that count correct\n"+
			"predictions; training accuracy counts each batch before its update step.\n"+
			throughputHelp, e)
	epochs := fs.Int("epochs", defaultInt(cfg.Epochs, 1), "number of `passes` over the training data")
	batch := fs.Int("batch", defaultInt(cfg.BatchSize, info.MaxBatch),
		fmt.Sprintf("`samples` per training step, 1 to %d", info.MaxBatch))
	lr := float32Value(m.LearningRate())
	fs.Var(&lr, "lr", "learning `rate` of the optimizer")
	seed := fs.Uint64("seed", cfg.Seed, "`seed` of the order in which samples are shuffled")
	shuffle := fs.Bool("shuffle", cfg.Shuffle, "visit the training samples in a new random order each epoch")
	dataFlag := fs.String("data", "",
		"training data: a `path` (MNIST directory, CSV file, or IMAGES,LABELS for IDX)")
	testFlag := fs.String("test", "", "test data: a CSV `file`, or IMAGES,LABELS for IDX")
	save := fs.String("save", "", "write the trained weights to this safetensors `checkpoint`")
	load := fs.String("load", "", "read weights from this `checkpoint` before training")
	quiet := fs.Bool("quiet", false, "print only the JSON summary")
	threads := addThreadsFlag(fs)
	if err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	if err := setThreads(*threads); err != nil {
		return err
	}
	if *epochs < 1 {
		return badInput("--epochs %d: want at least 1", *epochs)
	}
	if *batch < 1 || *batch > info.MaxBatch {
		return badInput("--batch %d: want 1 to %d, the model's maximum batch size", *batch, info.MaxBatch)
	}
	if !(lr > 0) || math.IsInf(float64(lr), 0) {
		return badInput("--lr %v: want a finite positive number", lr.String())
	}
	if *save != "" {
		if err := checkSavePath(*save); err != nil {
			return err
		}
	}

	train, test, err := loadData(cfg, info, dataPaths{train: *dataFlag, test: *testFlag}, true, false)
	if err != nil {
		return err
	}
	if *load != "" {
		if err := loadCheckpoint(*load, m); err != nil {
			return err
		}
	}
	// Set the rate after loading, so an explicit --lr overrides a checkpoint.
	if isSet(fs, "lr") {
		m.SetLearningRate(float32(lr))
	}

	opts := trainOptions{epochs: *epochs, batch: *batch, seed: *seed, shuffle: *shuffle, quiet: *quiet,
		schedule: cfg.Schedule, baseLR: float64(m.LearningRate())}
	summary := trainEpochs(m, info, train, test, opts, e)
	if cfg.Dataset == "text" && !*quiet {
		if err := printTrainSample(m, info, cfg, e); err != nil {
			return err
		}
	}
	if *save != "" {
		if err := saveCheckpoint(*save, m); err != nil {
			return err
		}
	}
	return writeJSON(e, summary)
}

// trainEpochs runs the training loop, printing one line per epoch unless quiet, and
// returns the JSON summary.
func trainEpochs(m Model, info Info, train, test *data.Dataset, opts trainOptions, e *env) trainSummary {
	batcher := data.NewBatcher(train, opts.batch, opts.shuffle, runtime.NewRNG(opts.seed))
	var prog *progress
	if !opts.quiet {
		prog = newProgress(e, opts.epochs, train.N)
	}
	start := e.now()
	var last epochResult
	var trainTime time.Duration
	for epoch := 1; epoch <= opts.epochs; epoch++ {
		if !opts.schedule.Constant() {
			m.SetLearningRate(float32(runtime.ScheduledLR(opts.schedule, opts.baseLR, epoch-1)))
		}
		epochStart := e.now()
		prog.startEpoch(epochStart)
		res := trainEpoch(m, info, batcher, epoch, prog)
		res.trainTime = e.now().Sub(epochStart)
		trainTime += res.trainTime
		prog.endEpoch()

		if test != nil {
			res.tested = true
			res.testLoss, res.testAcc, res.testCounted = evaluate(m, info, test, opts.batch)
		}
		res.elapsed = e.now().Sub(epochStart)
		if !opts.quiet {
			fmt.Fprintln(e.stdout, epochLine(epoch, opts.epochs, res))
		}
		last = res
	}

	return trainSummary{
		Model:         info.Name,
		Epochs:        opts.epochs,
		BatchSize:     opts.batch,
		TrainSamples:  train.N,
		TrainLoss:     jsonNumber(last.trainLoss, true),
		TrainAccuracy: jsonNumber(last.trainAcc, last.trainCounted),
		TestLoss:      jsonNumber(last.testLoss, last.tested),
		TestAccuracy:  jsonNumber(last.testAcc, last.tested && last.testCounted),
		SamplesPerSec: jsonNumber(throughput(train.N*opts.epochs, trainTime), true),
		Seconds:       jsonNumber(e.now().Sub(start).Seconds(), true),
	}
}

// trainSummary is the JSON line printed after training, with the metrics of the last
// epoch. A metric that does not apply, such as the accuracy of a model that counts no
// correct predictions or test metrics without test data, is null, and so is one that
// is not finite. SamplesPerSec is the throughput over the training passes of all
// epochs; Seconds is the wall time of the whole loop, evaluation included.
type trainSummary struct {
	Model         string `json:"model"`
	Epochs        int    `json:"epochs"`
	BatchSize     int    `json:"batch_size"`
	TrainSamples  int    `json:"train_samples"`
	TrainLoss     any    `json:"train_loss"`
	TrainAccuracy any    `json:"train_accuracy"`
	TestLoss      any    `json:"test_loss"`
	TestAccuracy  any    `json:"test_accuracy"`
	SamplesPerSec any    `json:"samples_per_sec"`
	Seconds       any    `json:"seconds"`
}

// trainEpoch runs one epoch and returns its training metrics. The training accuracy
// is the correct count that TrainBatch reports for each batch before its update, so it
// averages over the weights as they change during the epoch. It applies only when
// every batch was counted.
func trainEpoch(m Model, info Info, b *data.Batcher, epoch int, prog *progress) epochResult {
	b.Reset()
	var lossSum float64
	var seen, correct int
	counted := true
	for {
		x, labels, values, n, ok := b.Next()
		if !ok {
			break
		}
		if n < info.MinTrainBatch {
			// NOTE: like a DataLoader with drop_last, the skipped samples of this
			// batch are not trained on in this epoch; shuffling varies which ones.
			continue
		}
		loss, c := m.TrainBatch(x, labels, values, n)
		lossSum += float64(loss) * float64(n)
		seen += n
		if c < 0 {
			counted = false
		}
		correct += c
		prog.update(epoch, seen, lossSum/float64(seen))
	}
	res := epochResult{samples: seen, trainLoss: lossSum / float64(seen), trainCounted: counted}
	if counted {
		res.trainAcc = accuracy(correct, seen, info)
	}
	return res
}

// evaluate returns the mean loss of the model on ds, in batches of batch samples, and
// the accuracy when the model counted correct predictions in every batch (counted).
// The model's losses are batch means, so the mean over ds weights each batch by its
// size.
func evaluate(m Model, info Info, ds *data.Dataset, batch int) (loss, acc float64, counted bool) {
	b := data.NewBatcher(ds, batch, false, nil)
	var lossSum float64
	var correct int
	counted = true
	for {
		x, labels, values, n, ok := b.Next()
		if !ok {
			break
		}
		l, c := m.EvalBatch(x, labels, values, n)
		lossSum += float64(l) * float64(n)
		if c < 0 {
			counted = false
		}
		correct += c
	}
	if counted {
		acc = accuracy(correct, ds.N, info)
	}
	return lossSum / float64(ds.N), acc, counted
}

// accuracy returns the fraction of the predictions counted in samples that were
// correct: one per sample for class labels, one per target for 0/1 targets.
func accuracy(correct, samples int, info Info) float64 {
	perSample := 1
	if info.Classes == 0 {
		perSample = info.Targets
	}
	return float64(correct) / float64(samples*perSample)
}

// epochLine formats the stdout line of one epoch, leaving out metrics that do not apply.
func epochLine(epoch, epochs int, r epochResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "epoch %d/%d  train_loss %.4f", epoch, epochs, r.trainLoss)
	if r.trainCounted {
		fmt.Fprintf(&b, "  train_acc %.4f", r.trainAcc)
	}
	if r.tested {
		fmt.Fprintf(&b, "  test_loss %.4f", r.testLoss)
	}
	if r.tested && r.testCounted {
		fmt.Fprintf(&b, "  test_acc %.4f", r.testAcc)
	}
	fmt.Fprintf(&b, "  %.0f samples/s  %.1fs", throughput(r.samples, r.trainTime), r.elapsed.Seconds())
	return b.String()
}

// jsonNumber returns v, or nil (JSON null) when the metric does not apply or v is NaN or
// infinite, which JSON cannot represent.
func jsonNumber(v float64, applies bool) any {
	if !applies || math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}

// writeJSON prints v as one line of JSON on stdout.
func writeJSON(e *env, v any) error {
	line, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "%s\n", line)
	return err
}

func defaultInt(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// isSet reports whether the flag name was given on the command line.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}
