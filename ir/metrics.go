package ir

// MetricSet is a set of evaluation metrics beyond the loss and the correct count
// that a module requests from the code generator. Each needs class labels.
type MetricSet uint8

// The metrics.
const (
	// MetricTopK requests top-k accuracy: the count of samples whose label is among
	// the k highest outputs.
	MetricTopK MetricSet = 1 << iota
	// MetricConfusion requests a confusion matrix of labels against predictions.
	MetricConfusion
)

// metricNames are the names of the metrics in the model language, by bit.
var metricNames = []string{"topk", "confusion"}

// MetricNamed returns the metric called name in the model language, or 0.
func MetricNamed(name string) MetricSet {
	for i, n := range metricNames {
		if n == name {
			return 1 << i
		}
	}
	return 0
}

// MetricNames returns the model-language names of all metrics.
func MetricNames() []string { return append([]string(nil), metricNames...) }
