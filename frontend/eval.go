package frontend

import (
	"fmt"
	"path/filepath"
	"slices"

	"github.com/nncc/nncc/ir"
)

// evaluator turns the syntax tree of a model file into calls of the Model API, so
// that a model file and the equivalent Go code build the same graph.
type evaluator struct {
	m        *Model
	src      []byte
	dir      string               // directory of the model file, for data paths
	env      map[string]*ir.Value // names bound so far
	declared map[string]ir.Pos    // position of each name's first definition
	unknown  map[string]bool      // names used but never defined, bound to invalid values
	hints    int                  // did-you-mean searches over env so far

	// lossCalls is set while a loss expression is evaluated: its loss call by source
	// text (see lossExpr). lossKw is that loss statement's keyword.
	lossCalls map[string]*ir.Value
	lossKw    token
}

// missingHints gives, for each statement every model needs, an example to add.
var missingHints = []struct{ kw, example string }{
	{"model", "model mnist_mlp"},
	{"input", "input x: f32[784]"},
	{"labels", "labels y: classes(10)"},
	{"output", "output logits"},
	{"loss", "loss cross_entropy(logits, y)"},
	{"optimizer", "optimizer sgd(lr=0.1)"},
}

// run evaluates the statements; eof is the position of the end of the file.
func (e *evaluator) run(stmts []stmt, eof ir.Pos) (*ir.Module, error) {
	stmts = e.dropDuplicates(stmts)
	present := map[string]bool{}
	for _, s := range stmts {
		present[s.start().text] = true
		switch s := s.(type) {
		case *assignStmt:
			e.declare(s.name)
		case *declStmt:
			e.declare(s.name)
		}
	}
	e.header(stmts)
	for _, s := range stmts {
		e.statement(s)
	}
	e.trainSetup(stmts, eof)
	for _, h := range missingHints {
		if !present[h.kw] {
			e.errorAt(eof, "missing %s statement, for example: %s", h.kw, h.example)
		}
	}
	if e.m.hasErrors() {
		// Build checks the dataset too, but is not called when there are errors.
		e.m.checkDataset()
		return nil, e.m.sortedErrors()
	}
	e.m.At(eof)
	return e.m.Build()
}

// dropDuplicates reports every statement other than an assignment that repeats an
// earlier one's keyword, and returns the statements without them. The name a
// duplicate input or labels statement declares is bound to an invalid value, so its
// uses are not reported as unknown.
func (e *evaluator) dropDuplicates(stmts []stmt) []stmt {
	first := map[string]token{}
	var kept []stmt
	for _, s := range stmts {
		kw := s.start()
		if _, ok := s.(*assignStmt); ok {
			kept = append(kept, s)
			continue
		}
		prev, dup := first[kw.text]
		if !dup {
			first[kw.text] = kw
			kept = append(kept, s)
			continue
		}
		e.errorAt(kw.pos, "duplicate %s statement (the first is at %s)", kw.text, prev.pos)
		if d, ok := s.(*declStmt); ok {
			e.env[d.name.text] = e.m.invalid()
		}
	}
	return kept
}

func (e *evaluator) declare(name token) {
	if _, ok := e.declared[name.text]; !ok {
		e.declared[name.text] = name.pos
	}
}

// header applies the model and dtype statements, which must come first in effect:
// the dtype applies to every value, whatever line it is on.
func (e *evaluator) header(stmts []stmt) {
	for _, s := range stmts {
		k, ok := s.(*keywordStmt)
		if !ok {
			continue
		}
		if k.kw.text == "model" {
			e.m.At(k.name.pos).setName(k.name.text)
			continue
		}
		if k.kw.text == "saliency" {
			e.saliencyStmt(k)
			continue
		}
		switch k.name.text {
		case "f32":
			e.m.SetDType(ir.F32)
		case "f64":
			e.m.SetDType(ir.F64)
		default:
			e.errorAt(k.name.pos, "dtype: want f32 or f64, got %q", k.name.text)
		}
	}
}

func (e *evaluator) statement(s stmt) {
	switch s := s.(type) {
	case *declStmt:
		e.decl(s)
	case *metricsStmt:
		e.metrics(s)
	case *assignStmt:
		e.env[s.name.text] = e.tensor(s.value)
	case *exprStmt:
		switch s.kw.text {
		case "output":
			v := e.tensor(s.value)
			e.m.At(s.kw.pos).Output(v)
		case "loss":
			e.loss(s)
		case "optimizer":
			e.optimizer(s)
		}
	}
}

// decl evaluates an input or labels statement and binds its name.
func (e *evaluator) decl(s *declStmt) {
	kw := s.kw.text
	if prev, ok := e.env[s.name.text]; ok && prev.Op == ir.OpInput {
		e.errorAt(s.name.pos, "%s: %s is already the name of the %s", kw, s.name.text, sourceRole(prev))
		return
	}
	var v *ir.Value
	switch {
	case s.typ.classes != nil && kw == "labels":
		v = e.classes(s.typ.classes)
	case s.typ.classes != nil:
		e.errorAt(s.typ.pos, "input: classes(...) is a labels type; want a type such as f32[784]")
	case kw == "input" && s.typ.dtype != nil && s.typ.dtype.text == "i32":
		v = e.intInput(s.typ)
	default:
		dims, ok := e.tensorType(kw, s.typ)
		if !ok {
			break
		}
		e.m.At(s.typ.pos)
		if kw == "input" {
			v = e.m.Input(dims...)
		} else {
			v = e.m.TargetLabels(dims...)
		}
	}
	if v == nil {
		v = e.m.invalid()
	}
	e.env[s.name.text] = v
}

func (e *evaluator) classes(call *callExpr) *ir.Value {
	if call.fn.text != "classes" {
		e.errorAt(call.fn.pos, "labels: want classes(N) or a type such as f32[1], got %q", e.text(call))
		return nil
	}
	args, ok := e.bind(call, []param{{"n", argPosInt, true}})
	if !ok {
		return nil
	}
	n, ok := e.intArg("classes", "n", argPosInt, args[0])
	if !ok {
		return nil
	}
	return e.m.At(args[0].first().pos).ClassLabels(n)
}

// tensorType checks the element type of DTYPE[DIMS] against the model's dtype and
// returns the dimensions.
func (e *evaluator) tensorType(kw string, t *typeExpr) ([]int, bool) {
	ok := true
	if t.dtype != nil {
		dt := t.dtype.text
		switch {
		case dt != "f32" && dt != "f64" && kw == "input":
			e.errorAt(t.dtype.pos, "input: element type must be f32, f64 or i32 (token ids), got %q", dt)
			ok = false
		case dt != "f32" && dt != "f64":
			e.errorAt(t.dtype.pos, "%s: element type must be f32 or f64, got %q", kw, dt)
			ok = false
		case dt != e.m.dtype.String():
			e.errorAt(t.dtype.pos, "%s: element type %s differs from the model's dtype %s (write %s or leave the element type out)",
				kw, dt, e.m.dtype, e.m.dtype)
			ok = false
		}
	}
	dims := make([]int, len(t.dims))
	for i, d := range t.dims {
		n, dimOK := e.intArg(kw, fmt.Sprintf("dimension %d", i), argPosInt, d)
		dims[i] = n
		ok = ok && dimOK
	}
	return dims, ok
}

// sourceRole names what an input value of the model is.
func sourceRole(v *ir.Value) string {
	if v.Attrs.Name == "y" {
		return "labels"
	}
	return "input"
}

// losses and optimizers name the functions the loss and optimizer statements take.
var (
	losses     = []string{"mse", "l1", "huber", "cross_entropy", "nll", "bce", "bce_with_logits"}
	optimizers = []string{"sgd", "adam", "adamw", "rmsprop", "adagrad"}
)

func (e *evaluator) loss(s *exprStmt) {
	call, ok := s.value.(*callExpr)
	if !ok || !slices.Contains(losses, call.fn.text) {
		if e.lossExpr(s) {
			return
		}
		e.errorAt(s.value.first().pos, "loss: want %s of the prediction and the labels, got %q%s",
			oneOf(losses), e.text(s.value), e.suggestion(s.value, losses))
		return
	}
	f := lossFuncs[call.fn.text]
	params := append([]param{{"prediction", argTensor, true}, {"labels", argTensor, true}}, f.extra...)
	args, ok := e.bind(call, params)
	if !ok {
		e.checkTensorArgs(params, args)
		return
	}
	pred, y := e.tensor(args[0]), e.tensor(args[1])
	e.m.At(call.fn.pos)
	f.apply(e, call, pred, y, args[2:])
}

// suggestion returns a did-you-mean hint when x is a call of a misspelled name.
func (e *evaluator) suggestion(x expr, names []string) string {
	if call, ok := x.(*callExpr); ok {
		return didYouMean(call.fn.text, names)
	}
	return ""
}

// resolve returns path relative to the model file's directory unless it is absolute.
func (e *evaluator) resolve(path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(e.dir, path)
}
