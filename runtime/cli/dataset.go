package cli

import (
	"fmt"
	"strings"

	"github.com/nncc/nncc/runtime/data"
)

// dataFormat returns the data format for cfg, falling back to the extension of path.
func dataFormat(cfg Config, path string) (string, error) {
	switch {
	case cfg.Dataset == "mnist" || cfg.Format == "mnist":
		return "mnist", nil
	case cfg.Dataset == "text":
		return "text", nil
	case cfg.Dataset != "":
		return "", fmt.Errorf("unknown dataset %q in the model's configuration", cfg.Dataset)
	case cfg.Format == "idx" || cfg.Format == "csv":
		return cfg.Format, nil
	case cfg.Format != "":
		return "", fmt.Errorf("unknown data format %q in the model's configuration", cfg.Format)
	case strings.HasSuffix(strings.ToLower(path), ".csv"):
		return "csv", nil
	default:
		return "", badInput("the model has no default data; pass --data FILE.csv")
	}
}

// dataPaths are the data locations chosen by flags and defaults.
type dataPaths struct {
	train, test string // flag values, empty when not given
}

// loadData loads the training set (when wantTrain is set) and the test set for a model.
// The test set is nil when none is configured, or an error when requireTest is set.
func loadData(cfg Config, info Info, p dataPaths, wantTrain, requireTest bool) (
	train, test *data.Dataset, err error) {
	path := p.train
	if path == "" {
		path = p.test
	}
	format, err := dataFormat(cfg, path)
	if err != nil {
		return nil, nil, err
	}
	switch format {
	case "mnist":
		train, test, err = loadMNIST(p)
	case "text":
		train, test, err = loadText(p, cfg, info)
	case "idx":
		train, test, err = loadSplits(p, cfg, wantTrain, func(files []string) (*data.Dataset, error) {
			if len(files) != 2 {
				return nil, badInput("idx data needs two files, IMAGES,LABELS; got %q", strings.Join(files, ","))
			}
			return data.LoadIDX(files[0], files[1])
		})
	case "csv":
		train, test, err = loadSplits(p, cfg, wantTrain, func(files []string) (*data.Dataset, error) {
			if len(files) != 1 {
				return nil, badInput("csv data needs one file; got %q", strings.Join(files, ","))
			}
			return data.LoadCSV(files[0], cfg.LabelColumn, info.Classes, info.Targets)
		})
	}
	if err != nil {
		return nil, nil, err
	}
	if !wantTrain {
		train = nil
	}
	if test == nil && requireTest {
		return nil, nil, badInput("no test data: pass --test")
	}
	for _, ds := range []*data.Dataset{train, test} {
		if ds == nil {
			continue
		}
		if err := checkDataset(ds, info); err != nil {
			return nil, nil, err
		}
	}
	return train, test, nil
}

// loadMNIST loads MNIST from --data DIR or the located default directory.
func loadMNIST(p dataPaths) (train, test *data.Dataset, err error) {
	if p.test != "" {
		return nil, nil, badInput("--test is not used with MNIST; --data DIR names the directory of all four files")
	}
	dir := p.train
	if dir == "" {
		if dir, err = data.LocateMNIST(); err != nil {
			return nil, nil, &inputError{err}
		}
	}
	train, test, err = data.LoadMNIST(dir)
	if err != nil {
		return nil, nil, &inputError{err}
	}
	return train, test, nil
}

// loadSplits loads the training and test files, each from its flag (a comma-separated
// list) or from the configured default.
func loadSplits(p dataPaths, cfg Config, wantTrain bool, load func([]string) (*data.Dataset, error)) (
	train, test *data.Dataset, err error) {
	pick := func(flag string, def []string) []string {
		if flag != "" {
			return strings.Split(flag, ",")
		}
		return def
	}
	if wantTrain {
		files := pick(p.train, cfg.TrainFiles)
		if len(files) == 0 {
			return nil, nil, badInput("no training data: pass --data")
		}
		if train, err = load(files); err != nil {
			return nil, nil, asInput(err)
		}
	}
	if files := pick(p.test, cfg.TestFiles); len(files) > 0 {
		if test, err = load(files); err != nil {
			return nil, nil, asInput(err)
		}
	}
	return train, test, nil
}

// asInput marks err as caused by the input unless it already is.
func asInput(err error) error {
	if _, ok := err.(*inputError); ok {
		return err
	}
	return &inputError{err}
}

// checkDataset rejects data whose shape does not fit the model.
func checkDataset(ds *data.Dataset, info Info) error {
	if ds.Features != info.Features {
		return badInput("data has %d features per sample, the model expects %d", ds.Features, info.Features)
	}
	if info.Classes > 0 {
		if ds.Labels == nil {
			return badInput("data has regression targets, the model is a classifier")
		}
		if ds.Classes > info.Classes {
			return badInput("data has labels up to %d, the model has %d classes", ds.Classes-1, info.Classes)
		}
		return nil
	}
	if ds.Values == nil || ds.Targets != info.Targets {
		return badInput("data has %d regression targets per sample, the model expects %d", ds.Targets, info.Targets)
	}
	return nil
}
