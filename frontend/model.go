package frontend

import (
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/nncc/nncc/ir"
)

// maxElems bounds the elements of one sample or one parameter, so that shape
// arithmetic in later stages cannot overflow.
const maxElems = math.MaxInt32

// maxBatchSize bounds the batch size, which is also the compiled MaxBatch.
const maxBatchSize = 1 << 24

// Model builds an ir.Module in Go code: the forward graph, the loss, the optimizer
// and the training setup. Methods that add values return *ir.Value handles to pass
// to later methods.
//
// A mistake in the model, such as a shape that does not fit, an invalid argument or
// a second loss, does not panic. The method records an error at its position and
// returns a value of dtype ir.Invalid, which later methods accept without further
// errors. Build returns all recorded errors at once as an ir.ErrorList.
//
// Positions are the caller's Go file and line unless At sets them explicitly, as the
// model-file parser does.
type Model struct {
	name  string
	file  string
	dtype ir.DType
	g     *ir.Graph
	b     *ir.Builder

	explicit bool // positions come from At, not from the caller's stack

	// Each has* flag is set by the first call, even one that fails, so that Build
	// does not report a failed statement a second time as missing.
	hasInput  bool
	inputPos  ir.Pos
	hasLabels bool
	labelsPos ir.Pos
	x, y      *ir.Value
	classes   int // class labels: the number of classes; float targets: 0
	hasOutput bool
	output    *ir.Value
	outputPos ir.Pos

	lossKind    ir.LossKind
	loss        *ir.Value
	correct     *ir.Value
	lossPos     ir.Pos
	hasOpt      bool
	opt         ir.Optimizer
	hasTrain    bool
	train       ir.TrainConfig
	trainPos    ir.Pos
	layers      map[string]ir.Pos // layer names in use, for duplicate checks
	denseLayers int               // dense layers so far, for default names
	layerCounts map[string]int    // other layers so far per function, for default names
	saliency    ir.SaliencyKind   // set by Saliency
	saliencyPos ir.Pos            // position of the Saliency call
	metrics     ir.MetricSet      // set by Metrics
	hasMetrics  bool              // Metrics was called
	metricsPos  ir.Pos            // position of the Metrics call
	gradWork    int               // values of the graphs that Grad differentiated so far
	modes       modeState         // dropout and batch norm (layers_modes.go)
}

// NewModel returns an empty model called name, with float dtype f32. The name must
// be an identifier ([A-Za-z_][A-Za-z0-9_]*) that is not a Go keyword once
// lower-cased; the module's Name is its lower-case form. An invalid name is recorded
// as an error. The module's File is the Go file that calls NewModel, unless SetFile
// sets it.
func NewModel(name string) *Model {
	m := newModel()
	m.enter()
	m.file = m.b.Pos.File
	m.setName(name)
	return m
}

func newModel() *Model {
	g := ir.NewGraph("forward", 1)
	return &Model{dtype: ir.F32, g: g, b: ir.NewBuilder(g), layers: map[string]ir.Pos{}}
}

// setName sets the model's name, recording an error if it is not valid.
func (m *Model) setName(name string) {
	m.name = name
	if _, reason := checkModelName(name); reason != "" {
		m.errorf("model: name %q is not valid: %s", name, reason)
	}
}

// At sets the source position of the values and errors that follow and returns m.
// After the first call, positions are no longer taken from the caller's stack.
func (m *Model) At(pos ir.Pos) *Model {
	m.explicit = true
	m.b.At(pos)
	return m
}

// SetFile sets the module's File: the model file the module came from.
func (m *Model) SetFile(path string) { m.file = path }

// SetDType sets the float dtype of every value the model adds: ir.F32 (the default)
// or ir.F64. It records an error for another dtype or after the first value.
func (m *Model) SetDType(dt ir.DType) {
	m.enter()
	switch {
	case dt != ir.F32 && dt != ir.F64:
		m.errorf("dtype: %s is not a float dtype, want f32 or f64", dt)
	case len(m.g.Values) > 0:
		m.errorf("dtype: must be set before the first value")
	default:
		m.dtype = dt
	}
}

// DType returns the model's float dtype.
func (m *Model) DType() ir.DType { return m.dtype }

// Builder returns the builder the model appends to, for ops the Model does not wrap.
// Values it adds belong to the model like any other.
func (m *Model) Builder() *ir.Builder {
	m.enter()
	return m.b
}

// Input adds the features input "x" with per-sample shape dims: a value of the
// model's dtype and shape [N, dims...]. It records an error for a second input, an
// empty shape or a non-positive dimension.
func (m *Model) Input(dims ...int) *ir.Value {
	m.enter()
	return m.input(m.dtype, dims)
}

// input adds the features input "x" of dtype dt and shape [N, dims...].
func (m *Model) input(dt ir.DType, dims []int) *ir.Value {
	if m.hasInput {
		return m.fail("input: the model already has an input (declared at %s)", m.inputPos)
	}
	m.hasInput, m.inputPos = true, m.b.Pos
	if !m.checkDims("input", dims) {
		return m.invalid()
	}
	m.x = m.b.Input("x", dt, append(ir.Shape{ir.Batch}, dims...))
	return m.x
}

// ClassLabels adds the labels input "y" for cross_entropy: i32 class indices of shape
// [N] in [0, classes). It records an error for second labels or classes < 2.
func (m *Model) ClassLabels(classes int) *ir.Value {
	m.enter()
	if m.hasLabels {
		return m.fail("labels: the model already has labels (declared at %s)", m.labelsPos)
	}
	m.hasLabels, m.labelsPos = true, m.b.Pos
	if classes < 2 {
		return m.fail("labels: classes must be at least 2, got %d", classes)
	}
	m.classes = classes
	m.y = m.b.Input("y", ir.I32, ir.Shape{ir.Batch})
	return m.y
}

// TargetLabels adds the labels input "y" for mse and bce_with_logits: float targets
// of the model's dtype and shape [N, dims...]. It records an error for second labels,
// an empty shape or a non-positive dimension.
func (m *Model) TargetLabels(dims ...int) *ir.Value {
	m.enter()
	if m.hasLabels {
		return m.fail("labels: the model already has labels (declared at %s)", m.labelsPos)
	}
	m.hasLabels, m.labelsPos = true, m.b.Pos
	if !m.checkDims("labels", dims) {
		return m.invalid()
	}
	m.y = m.b.Input("y", m.dtype, append(ir.Shape{ir.Batch}, dims...))
	return m.y
}

// Output makes v the model's prediction, the output "output" that Predict returns.
// It records an error for a second output, a value without a leading batch
// dimension, an integer value such as the token ids of an IntInput, or a value that
// depends on the labels (Predict has none).
func (m *Model) Output(v *ir.Value) {
	m.enter()
	if m.hasOutput {
		m.errorf("output: the model already has an output (declared at %s)", m.outputPos)
		return
	}
	m.hasOutput, m.outputPos = true, m.b.Pos
	if !m.operand("output", "value", v) {
		return
	}
	switch {
	case !v.Shape.HasBatch():
		m.errorf("output: value has shape %v, want a leading batch dimension N", v.Shape)
	case !v.DType.IsFloat():
		m.errorf("output: value has dtype %s, want the model's float dtype %s", v.DType, m.dtype)
	case m.y != nil && dependsOn(v, m.y):
		m.errorf("output: value depends on the labels, which Predict does not have")
	default:
		m.output = v
	}
}

// Build checks that the model is complete and returns its module. Build reports a
// missing input, output, loss, optimizer or training setup, and a dataset that does
// not fit the model. It also reports an optimizer hyperparameter that the model's
// dtype cannot hold: an f32 model's lr must not round to 0 or to infinity in f32.
// A value with more than 2^31-1 elements at the batch size is an error too. These errors and those recorded while building come back
// together as an ir.ErrorList with a nil module. They are in call order, or sorted
// by position if positions were set with At.
func (m *Model) Build() (*ir.Module, error) {
	m.enter()
	for _, miss := range []struct {
		missing bool
		part    string
	}{
		{!m.hasInput, "input (call Input)"},
		{!m.hasOutput, "output (call Output)"},
		{m.lossKind == ir.LossNone, "loss (call MSE, CrossEntropy or BCEWithLogits)"},
		{!m.hasOpt, "optimizer (call SGD, Adam or SetOptimizer)"},
		{!m.hasTrain, "training setup (call Train)"},
	} {
		if miss.missing {
			m.errorf("model has no %s", miss.part)
		}
	}
	m.checkDataset()
	m.checkMetrics()
	m.checkSaliency()
	m.checkOptimizerDType()
	m.checkBatchElems()
	if !m.hasErrors() && (m.output == nil || m.loss == nil) {
		// Only a hand-made value of dtype ir.Invalid, which no call reported, gets here.
		m.errorf("model: the output or the loss is an invalid value")
	}
	if m.hasErrors() {
		return nil, m.sortedErrors()
	}

	m.g.MaxBatch = m.train.BatchSize
	m.g.SetOutput("output", m.output)
	m.g.SetOutput("loss", m.loss)
	if m.correct != nil {
		m.g.SetOutput("correct", m.correct)
	}
	name, _ := checkModelName(m.name)
	return &ir.Module{
		Name:      name,
		File:      m.file,
		Forward:   m.g,
		Loss:      m.lossKind,
		Classes:   m.classes,
		Optimizer: m.opt,
		Train:     m.train,
		Saliency:  m.saliency,
		Metrics:   m.metrics,

		InferenceValues: m.modes.inference,
		MinTrainBatch:   m.modes.minTrainBatch,
	}, nil
}

// checkDims records an error unless dims is a non-empty list of positive extents
// with a bounded product.
func (m *Model) checkDims(fn string, dims []int) bool {
	if len(dims) == 0 {
		m.errorf("%s: shape needs at least one dimension", fn)
		return false
	}
	elems := 1
	for i, d := range dims {
		if d < 1 {
			m.errorf("%s: dimension %d is %d, want a positive extent", fn, i, d)
			return false
		}
		if elems > maxElems/d {
			m.errorf("%s: shape %v has more than %d elements per sample", fn, ir.Shape(dims), maxElems)
			return false
		}
		elems *= d
	}
	return true
}

// enter sets the position of what follows to the caller's Go source line, unless
// the positions are explicit.
func (m *Model) enter() {
	if !m.explicit {
		m.b.Pos = callerPos()
	}
}

// callerPos returns the position of the innermost caller outside this package's
// non-test files.
func callerPos() ir.Pos {
	pcs := make([]uintptr, 16)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
	for {
		f, more := frames.Next()
		inside := strings.HasPrefix(f.Function, "github.com/nncc/nncc/frontend.") &&
			!strings.HasSuffix(f.File, "_test.go")
		if !inside && f.File != "" {
			return ir.Pos{File: filepath.Base(f.File), Line: f.Line}
		}
		if !more {
			return ir.Pos{}
		}
	}
}

func (m *Model) errorf(format string, args ...any) {
	m.b.Errs.Add(m.b.Pos, format, args...)
}

// fail records an error and returns an invalid value.
func (m *Model) fail(format string, args ...any) *ir.Value {
	m.errorf(format, args...)
	return m.invalid()
}

func (m *Model) invalid() *ir.Value { return &ir.Value{DType: ir.Invalid, Pos: m.b.Pos} }

func (m *Model) hasErrors() bool { return len(m.b.Errs) > 0 }

// sortedErrors returns the recorded errors: sorted by position when positions were
// set with At (they are in one model file, which is not evaluated in line order),
// else in the order of the calls.
func (m *Model) sortedErrors() ir.ErrorList {
	errs := slices.Clone(m.b.Errs)
	if !m.explicit {
		return errs
	}
	slices.SortStableFunc(errs, func(a, b *ir.Error) int {
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line - b.Pos.Line
		}
		return a.Pos.Col - b.Pos.Col
	})
	return errs
}

// operand reports whether v can be used as an operand of fn. A nil value or one
// from another model is an error; an invalid value was reported where it was made.
func (m *Model) operand(fn, role string, v *ir.Value) bool {
	switch {
	case v == nil:
		m.errorf("%s: %s is nil", fn, role)
		return false
	case v.DType == ir.Invalid:
		return false
	case !m.owns(v):
		m.errorf("%s: %s %s belongs to another model", fn, role, v)
		return false
	}
	return true
}

// floatOperand is operand plus a check that v has the model's float dtype.
func (m *Model) floatOperand(fn, role string, v *ir.Value) bool {
	if !m.operand(fn, role, v) {
		return false
	}
	if v.DType != m.dtype {
		m.errorf("%s: %s has dtype %s, want %s", fn, role, v.DType, m.dtype)
		return false
	}
	return true
}

func (m *Model) owns(v *ir.Value) bool {
	if v.ID >= 0 && v.ID < len(m.g.Values) && m.g.Values[v.ID] == v {
		return true
	}
	return slices.Contains(m.g.Values, v)
}

// dependsOn reports whether v is computed from w.
func dependsOn(v, w *ir.Value) bool {
	seen := map[*ir.Value]bool{}
	stack := []*ir.Value{v}
	for len(stack) > 0 {
		u := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if u == w {
			return true
		}
		for _, a := range u.Args {
			if !seen[a] {
				seen[a] = true
				stack = append(stack, a)
			}
		}
	}
	return false
}

// comment sets c as the comment of the values added since index start that have
// none, so generated code can name the layer a value came from.
func (m *Model) comment(start int, c string) {
	for _, v := range m.g.Values[start:] {
		if v.Comment == "" {
			v.Comment = c
		}
	}
}

func (m *Model) checkDataset() {
	if !m.hasTrain || m.train.Dataset != "mnist" || m.x == nil || m.x.DType == ir.Invalid {
		return
	}
	if m.x.Shape.StaticElems() != 28*28 {
		m.b.Errs.Add(m.trainPos, "train: dataset mnist has 784 features per image, but the input has shape %v", m.x.Shape)
	}
	if m.lossKind != ir.LossNone && m.classes != 10 {
		m.b.Errs.Add(m.trainPos, "train: dataset mnist has 10 class labels, but the loss is %s with %s", m.lossKind, m.labelsDesc())
	}
}

func (m *Model) labelsDesc() string {
	switch {
	case m.y == nil:
		return "no labels"
	case m.classes > 0:
		return fmt.Sprintf("%d classes", m.classes)
	}
	return "float targets " + m.y.Type()
}
