package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/nncc/nncc/runtime/data"
)

// classMetrics are eval's optional metrics of a model with class labels, computed
// from PredictBatch: top-k accuracy and the confusion matrix.
type classMetrics struct {
	k, classes int
	samples    int   // samples with a label in [0, classes)
	topK       int   // of those, the samples whose label is among the k highest outputs
	confusion  []int // classes×classes, row = label, column = prediction; nil if not asked
}

// checkMetricFlags rejects --topk and --confusion for a model without class labels
// and a k outside [0, Classes].
func checkMetricFlags(info Info, k int, confusion bool) error {
	if (k != 0 || confusion) && info.Classes == 0 {
		return badInput("--topk and --confusion need a model with class labels")
	}
	if k < 0 || k > info.Classes {
		return badInput("--topk %d: want 1 to %d, the number of classes", k, info.Classes)
	}
	if info.Classes > 0 && info.Outputs != info.Classes {
		return badInput("--topk and --confusion need one output per class, but the model has %d outputs for %d classes", info.Outputs, info.Classes)
	}
	return nil
}

// measureClasses runs PredictBatch over ds and returns the top-k count (when k > 0)
// and the confusion matrix (when confusion is set). Samples whose label is outside
// [0, Classes) are left out of both.
func measureClasses(m Model, info Info, ds *data.Dataset, batch, k int, confusion bool) *classMetrics {
	c := &classMetrics{k: k, classes: info.Classes}
	if confusion {
		c.confusion = make([]int, info.Classes*info.Classes)
	}
	b := data.NewBatcher(ds, batch, false, nil)
	for {
		x, labels, _, n, ok := b.Next()
		if !ok {
			return c
		}
		out := m.PredictBatch(x, n)
		for i := range n {
			label := int(labels[i])
			if label < 0 || label >= info.Classes {
				continue
			}
			row := out[i*info.Classes : (i+1)*info.Classes]
			c.samples++
			if k > 0 && rankOf(row, label) < k {
				c.topK++
			}
			if confusion {
				c.confusion[label*info.Classes+firstMax(row)]++
			}
		}
	}
}

// rankOf returns how many classes rank above class c by the scores row: those with
// a higher score and the earlier ones with an equal score. A NaN counts as higher
// than every number and equal to another NaN, so rank 0 is the first maximum.
func rankOf(row []float32, c int) int {
	s, rank := row[c], 0
	for j, e := range row {
		above := e > s || e != e && s == s
		tie := e == s || e != e && s != s
		if above || tie && j < c {
			rank++
		}
	}
	return rank
}

// firstMax returns the index of the first maximum of row; the first NaN wins.
func firstMax(row []float32) int {
	for j := range row {
		if rankOf(row, j) == 0 {
			return j
		}
	}
	return 0
}

// accuracy returns the top-k accuracy over the samples with a valid label.
func (c *classMetrics) accuracy() float64 {
	if c.samples == 0 {
		return 0
	}
	return float64(c.topK) / float64(c.samples)
}

// matrix returns the confusion matrix as rows, for the JSON summary.
func (c *classMetrics) matrix() [][]int {
	if c.confusion == nil {
		return nil
	}
	rows := make([][]int, c.classes)
	for i := range rows {
		rows[i] = c.confusion[i*c.classes : (i+1)*c.classes]
	}
	return rows
}

// writeConfusion prints the confusion matrix as a table with right-aligned
// columns: one row per label, one column per predicted class.
func (c *classMetrics) writeConfusion(w io.Writer) {
	width := len(fmt.Sprint(c.classes - 1))
	for _, n := range c.confusion {
		width = max(width, len(fmt.Sprint(n)))
	}
	var b strings.Builder
	b.WriteString("confusion matrix (rows: label, columns: predicted class)\n")
	fmt.Fprintf(&b, "%*s", width+1, "")
	for j := range c.classes {
		fmt.Fprintf(&b, " %*d", width, j)
	}
	b.WriteString("\n")
	for i, row := range c.matrix() {
		fmt.Fprintf(&b, "%*d:", width, i)
		for _, n := range row {
			fmt.Fprintf(&b, " %*d", width, n)
		}
		b.WriteString("\n")
	}
	io.WriteString(w, b.String())
}
