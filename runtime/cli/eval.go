package cli

import "fmt"

// evalSummary is the JSON line printed by eval. Its test_accuracy is null for a model
// that counts no correct predictions, such as a regression model.
type evalSummary struct {
	Model        string `json:"model"`
	TestSamples  int    `json:"test_samples"`
	TestLoss     any    `json:"test_loss"`
	TestAccuracy any    `json:"test_accuracy"`
	Seconds      any    `json:"seconds"`
	// TopK and TestTopK are set by --topk: k and the top-k accuracy.
	TopK     int `json:"topk,omitempty"`
	TestTopK any `json:"test_topk_accuracy,omitempty"`
	// Confusion is set by --confusion: row i counts the samples of label i by
	// predicted class.
	Confusion [][]int `json:"confusion,omitempty"`
}

func cmdEval(args []string, m Model, info Info, cfg Config, e *env) error {
	fs := newFlagSet(info, "eval", "[flags]",
		"Evaluates the model on the test set, printing the loss, the accuracy for a model\n"+
			"that counts correct predictions and a JSON summary on stdout.", e)
	load := fs.String("load", "", "read weights from this safetensors `checkpoint`")
	testFlag := fs.String("test", "", "test data: a CSV `file`, or IMAGES,LABELS for IDX")
	dataFlag := fs.String("data", "", "MNIST `directory`, for models trained on MNIST")
	batch := fs.Int("batch", defaultInt(cfg.BatchSize, info.MaxBatch),
		fmt.Sprintf("`samples` per evaluation step, 1 to %d", info.MaxBatch))
	topK := fs.Int("topk", 0, "also report the top-`k` accuracy (class labels only)")
	confusion := fs.Bool("confusion", false, "also print the confusion matrix (class labels only)")
	threads := addThreadsFlag(fs)
	if err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	if err := setThreads(*threads); err != nil {
		return err
	}
	if err := checkMetricFlags(info, *topK, *confusion); err != nil {
		return err
	}
	if *batch < 1 || *batch > info.MaxBatch {
		return badInput("--batch %d: want 1 to %d, the model's maximum batch size", *batch, info.MaxBatch)
	}
	_, test, err := loadData(cfg, info, dataPaths{train: *dataFlag, test: *testFlag}, false, true)
	if err != nil {
		return err
	}
	if *load != "" {
		if err := loadCheckpoint(*load, m); err != nil {
			return err
		}
	}

	start := e.now()
	loss, acc, counted := evaluate(m, info, test, *batch)
	var metrics *classMetrics
	if *topK > 0 || *confusion {
		metrics = measureClasses(m, info, test, *batch, *topK, *confusion)
	}
	seconds := e.now().Sub(start).Seconds()
	line := fmt.Sprintf("test_loss %.4f", loss)
	if counted {
		line += fmt.Sprintf("  test_acc %.4f", acc)
	}
	if *topK > 0 {
		line += fmt.Sprintf("  test_top%d %.4f", *topK, metrics.accuracy())
	}
	fmt.Fprintf(e.stdout, "%s  %d samples  %.1fs\n", line, test.N, seconds)
	summary := evalSummary{
		Model:        info.Name,
		TestSamples:  test.N,
		TestLoss:     jsonNumber(loss, true),
		TestAccuracy: jsonNumber(acc, counted),
		Seconds:      jsonNumber(seconds, true),
	}
	if metrics != nil {
		if *confusion {
			metrics.writeConfusion(e.stdout)
			summary.Confusion = metrics.matrix()
		}
		if *topK > 0 {
			summary.TopK, summary.TestTopK = *topK, metrics.accuracy()
		}
	}
	return writeJSON(e, summary)
}
