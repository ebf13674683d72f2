package frontend

import (
	"github.com/nncc/nncc/ir"
)

// Training defaults for settings a train block leaves out (Keras's fit defaults for
// the batch size, epochs and shuffling).
const (
	DefaultBatchSize   = 32
	DefaultEpochs      = 1
	DefaultLabelColumn = -1 // csv: the last column
)

var trainSettings = []string{"data", "test", "batch", "epochs", "seed", "shuffle", "schedule", "warmup", "warmup_start"}

// dataset is the value of a data or test setting.
type dataset struct {
	kind     string
	files    []string
	label    int // csv: label column
	labelSet bool
	at       token
}

// trainSetup evaluates the train block, or applies the defaults when there is none.
func (e *evaluator) trainSetup(stmts []stmt, eof ir.Pos) {
	// Duplicate blocks were reported and dropped by run.
	cfg := ir.TrainConfig{BatchSize: DefaultBatchSize, Epochs: DefaultEpochs, Shuffle: true, LabelColumn: DefaultLabelColumn}
	var block *trainStmt
	for _, s := range stmts {
		if t, ok := s.(*trainStmt); ok && block == nil {
			block = t
		}
	}
	if block == nil {
		e.m.At(eof).Train(cfg)
		return
	}

	seen := map[string]token{}
	var data, test *dataset
	warmupStart := DefaultWarmupStart
	for _, s := range block.settings {
		name := s.name.text
		if first, dup := seen[name]; dup {
			e.errorAt(s.name.pos, "train: %s is set twice (the first is at %s)", name, first.pos)
			continue
		}
		seen[name] = s.name
		switch name {
		case "batch":
			if n := e.intOr(cfg.BatchSize, "batch", s.value); n <= maxBatchSize {
				cfg.BatchSize = n
			} else {
				e.errorAt(s.value.first().pos, "train: batch must be at most %d, got %q", maxBatchSize, e.text(s.value))
			}
		case "epochs":
			cfg.Epochs = e.intOr(cfg.Epochs, "epochs", s.value)
		case "seed":
			if seed, ok := e.uintArg("train", "seed", s.value); ok {
				cfg.Seed = seed
			}
		case "shuffle":
			if shuffle, ok := e.boolArg("train", "shuffle", s.value); ok {
				cfg.Shuffle = shuffle
			}
		case "schedule":
			e.schedule(&cfg.Schedule, s.value)
		case "warmup":
			n, ok := e.intArg("train", "warmup", argInt, s.value)
			switch {
			case ok && n < 0:
				e.errorAt(s.value.first().pos, "train: warmup must be a non-negative number of epochs, got %q", e.text(s.value))
			case ok:
				cfg.Schedule.Warmup = n
			}
		case "warmup_start":
			f, ok := e.floatArg("train", "warmup_start", argPosFloat, s.value)
			switch {
			case ok && f > 1:
				e.errorAt(s.value.first().pos, "train: warmup_start must be in (0, 1], got %q", e.text(s.value))
			case ok:
				warmupStart = f
			}
		case "data":
			data = e.dataset(s)
		case "test":
			test = e.dataset(s)
		default:
			hint := didYouMean(name, trainSettings)
			if hint == "" {
				hint = " (want " + oneOf(trainSettings) + ")"
			}
			e.errorAt(s.name.pos, "train: unknown setting %q%s", name, hint)
		}
	}
	if cfg.Schedule.Warmup > 0 {
		cfg.Schedule.WarmupStart = warmupStart
	} else if start, ok := seen["warmup_start"]; ok {
		if _, hasWarmup := seen["warmup"]; !hasWarmup {
			e.errorAt(start.pos, "train: warmup_start has no effect without warmup; set warmup to a number of epochs")
		}
	}
	_, hasData := seen["data"]
	e.applyData(&cfg, hasData, data, test)
	e.m.At(block.kw.pos).Train(cfg)
}

// intOr returns the positive integer x, or def after recording an error.
func (e *evaluator) intOr(def int, name string, x expr) int {
	if n, ok := e.intArg("train", name, argPosInt, x); ok {
		return n
	}
	return def
}

// dataset evaluates mnist, csv(FILE, label=COLUMN) or idx(IMAGES, LABELS); it
// returns nil after recording an error.
func (e *evaluator) dataset(s setting) *dataset {
	d := &dataset{label: DefaultLabelColumn, at: s.value.first()}
	switch x := s.value.(type) {
	case *identExpr:
		if x.tok.text == "mnist" {
			d.kind = "mnist"
			return d
		}
	case *callExpr:
		switch x.fn.text {
		case "csv":
			args, ok := e.bind(x, []param{{"file", argString, true}, {"label", argInt, false}})
			if !ok {
				return nil
			}
			file, ok := e.stringArg("csv", "file", argString, args[0])
			if args[1] != nil {
				label, labelOK := e.intArg("csv", "label", argInt, args[1])
				d.label, d.labelSet, ok = label, true, ok && labelOK
			}
			d.kind, d.files = "csv", []string{e.resolve(file)}
			return orNil(d, ok)
		case "text":
			return e.textDataset(d, x)
		case "idx":
			args, ok := e.bind(x, []param{{"images", argString, true}, {"labels", argString, true}})
			if !ok {
				return nil
			}
			images, okI := e.stringArg("idx", "images", argString, args[0])
			labels, okL := e.stringArg("idx", "labels", argString, args[1])
			d.kind, d.files = "idx", []string{e.resolve(images), e.resolve(labels)}
			return orNil(d, okI && okL)
		}
	}
	e.errorAt(s.value.first().pos, "train: %s must be mnist, csv(FILE), idx(IMAGES, LABELS) or text(PATTERN), got %q",
		s.name.text, e.text(s.value))
	return nil
}

func orNil(d *dataset, ok bool) *dataset {
	if !ok {
		return nil
	}
	return d
}

// applyData stores the data and test sets in cfg; both must be of one kind, and a
// csv label column given for both must agree. A nil set was not given or was
// reported as invalid.
func (e *evaluator) applyData(cfg *ir.TrainConfig, hasData bool, data, test *dataset) {
	if !hasData && test != nil {
		e.errorAt(test.at.pos, "train: test needs a data setting")
	}
	if data == nil {
		return
	}
	cfg.Dataset, cfg.TrainFiles, cfg.LabelColumn = data.kind, data.files, data.label
	if test == nil {
		return
	}
	switch {
	case data.kind == "text":
		e.errorAt(test.at.pos, "train: text data holds out the end of the text as its test set; remove test")
	case test.kind != data.kind:
		e.errorAt(test.at.pos, "train: test is %s but data is %s; both must be of one kind", test.kind, data.kind)
	case test.labelSet && test.label != data.label:
		e.errorAt(test.at.pos, "train: test has label column %d but data has %d", test.label, data.label)
	case test.kind != "mnist":
		cfg.TestFiles = test.files
	}
}
