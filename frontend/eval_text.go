package frontend

import "strings"

// goRootPrefix marks a text pattern relative to the Go installation's root directory.
// The standalone binary expands it where it runs (data.GOROOTPrefix in runtime/data).
const goRootPrefix = "goroot:"

// textDataset evaluates text(PATTERN): next-character samples of the files matching
// the glob PATTERN, relative to the model file, or to the Go root when it starts with
// "goroot:". It returns nil after recording an error.
func (e *evaluator) textDataset(d *dataset, x *callExpr) *dataset {
	args, ok := e.bind(x, []param{{"pattern", argString, true}})
	if !ok {
		return nil
	}
	pattern, ok := e.stringArg("text", "pattern", argString, args[0])
	if !ok {
		return nil
	}
	if strings.TrimPrefix(pattern, goRootPrefix) == "" {
		e.errorAt(args[0].first().pos, "text: pattern is empty")
		return nil
	}
	if !strings.HasPrefix(pattern, goRootPrefix) {
		pattern = e.resolve(pattern)
	}
	d.kind, d.files = "text", []string{pattern}
	return d
}
