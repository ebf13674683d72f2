package cli

import (
	"strings"

	"github.com/nncc/nncc/runtime/data"
)

// loadText loads a text dataset from the --data patterns (comma-separated) or the
// configured ones, with the model's features as the window. The test set is the end
// of the same text, so --test is rejected.
func loadText(p dataPaths, cfg Config, info Info) (train, test *data.Dataset, err error) {
	if p.test != "" {
		return nil, nil, badInput("--test is not used with text data; the last %d%% of the text is the test set",
			int(data.TextTestFraction*100))
	}
	patterns := cfg.TrainFiles
	if p.train != "" {
		patterns = strings.Split(p.train, ",")
	}
	if len(patterns) == 0 {
		return nil, nil, badInput("no text files: pass --data PATTERN")
	}
	if train, test, err = data.LoadText(patterns, info.Features); err != nil {
		return nil, nil, &inputError{err}
	}
	return train, test, nil
}
