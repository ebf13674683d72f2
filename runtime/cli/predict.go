package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/nncc/nncc/runtime/data"
)

func cmdPredict(args []string, m Model, info Info, e *env) error {
	output := fmt.Sprintf("the %d outputs", info.Outputs)
	switch {
	case info.Classes > 0:
		output = "the predicted class, then " + output
	case info.Binary && info.Outputs == 1:
		output = "the predicted label\n(1 for a positive logit, else 0), then the logit"
	case info.Binary:
		output = fmt.Sprintf("the %d predicted labels\n(1 for a positive logit, else 0), then the %d logits",
			info.Outputs, info.Outputs)
	}
	fs := newFlagSet(info, "predict", "[flags] [FILE.csv | -]",
		fmt.Sprintf("Reads one sample of %d features per CSV row from FILE.csv, or from standard input\n"+
			"for - or no file, and prints one CSV row per sample: %s.", info.Features, output), e)
	load := fs.String("load", "", "read weights from this safetensors `checkpoint`")
	threads := addThreadsFlag(fs)
	if err := parseFlags(fs, args, 1); err != nil {
		return err
	}
	if err := setThreads(*threads); err != nil {
		return err
	}

	name, in := "stdin", e.stdin
	if path := fs.Arg(0); path != "" && path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return badInput("%v", err)
		}
		defer f.Close()
		name, in = path, f
	}
	x, n, err := data.ReadCSVFeatures(in, name, info.Features)
	if err != nil {
		return &inputError{err}
	}
	if *load != "" {
		if err := loadCheckpoint(*load, m); err != nil {
			return err
		}
	}
	return writePredictions(e.stdout, m, info, x, n)
}

// writePredictions runs the model on x in batches of MaxBatch and prints one CSV row per
// sample: the predicted class or labels first if the model has them, then the outputs.
func writePredictions(w io.Writer, m Model, info Info, x []float32, n int) error {
	out := bufio.NewWriter(w)
	var row []byte
	for start := 0; start < n; start += info.MaxBatch {
		size := min(info.MaxBatch, n-start)
		batch := x[start*info.Features : (start+size)*info.Features]
		y := m.PredictBatch(batch, size)
		if len(y) != size*info.Outputs {
			return fmt.Errorf("PredictBatch returned %d values for %d samples of %d outputs",
				len(y), size, info.Outputs)
		}
		for i := range size {
			outputs := y[i*info.Outputs : (i+1)*info.Outputs]
			row = row[:0]
			switch {
			case info.Classes > 0:
				row = strconv.AppendInt(row, int64(argmax(outputs)), 10)
				row = append(row, ',')
			case info.Binary:
				for _, v := range outputs {
					row = append(row, binaryLabel(v), ',')
				}
			}
			for j, v := range outputs {
				if j > 0 {
					row = append(row, ',')
				}
				row = strconv.AppendFloat(row, float64(v), 'g', -1, 32)
			}
			row = append(row, '\n')
			if _, err := out.Write(row); err != nil {
				return err
			}
		}
	}
	return out.Flush()
}

// argmax returns the index of the first largest value, treating NaN as largest as
// PyTorch's argmax does.
func argmax(v []float32) int {
	best := 0
	for i, x := range v {
		if x != x { // NaN
			return i
		}
		if x > v[best] {
			best = i
		}
	}
	return best
}

// binaryLabel returns the label that logit v predicts, '1' when v is positive and '0'
// otherwise (NaN included), the threshold the models' correct counts use.
func binaryLabel(v float32) byte {
	if v > 0 {
		return '1'
	}
	return '0'
}
