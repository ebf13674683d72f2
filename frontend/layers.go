package frontend

import (
	"fmt"
	"math"

	"github.com/nncc/nncc/ir"
)

// DenseConfig configures a fully connected layer.
type DenseConfig struct {
	Units  int    // output features; at least 1
	Name   string // layer name; "" picks dense1, dense2, ... by the layer's position
	NoBias bool   // leave out the bias (PyTorch's bias=False)
}

// Dense adds a fully connected layer with units outputs named name ("" for the
// default name): x·Wᵀ + b with x of shape [N, in], like PyTorch's nn.Linear. See
// DenseWith.
func (m *Model) Dense(x *ir.Value, units int, name string) *ir.Value {
	m.enter()
	return m.dense(x, DenseConfig{Units: units, Name: name})
}

// DenseWith adds a fully connected layer: matmul(x, W, transB) + b for x of shape
// [N, in], with parameters "<name>.weight" of shape [units, in] (PyTorch's layout)
// and "<name>.bias" of shape [units], both initialized uniformly in ±1/sqrt(in) as
// nn.Linear does. The k-th dense layer of the model is called dense<k> unless c.Name
// is set. It records an error for units < 1, an input that is not [N, in] of the
// model's dtype, an invalid name or a name already used.
func (m *Model) DenseWith(x *ir.Value, c DenseConfig) *ir.Value {
	m.enter()
	return m.dense(x, c)
}

func (m *Model) dense(x *ir.Value, c DenseConfig) *ir.Value {
	m.denseLayers++
	name := c.Name
	if name == "" {
		name = fmt.Sprintf("dense%d", m.denseLayers)
	}
	if !IsParamName(name) {
		return m.fail("dense: layer name %q is not valid: want identifiers separated by dots", name)
	}
	if prev, ok := m.layers[name]; ok {
		if c.Name == "" {
			return m.fail("dense: default layer name %q is already used (at %s); give this layer a name", name, prev)
		}
		return m.fail("dense: layer name %q is already used (at %s)", name, prev)
	}
	m.layers[name] = m.b.Pos
	if c.Units < 1 {
		return m.fail("dense: units must be a positive integer, got %d", c.Units)
	}
	if !m.floatOperand("dense", "input", x) {
		return m.invalid()
	}
	if x.Shape.Rank() != 2 || !x.Shape.HasBatch() {
		return m.fail("dense: input has shape %v, want [N,features] (flatten it first)", x.Shape)
	}
	in := x.Shape[1]
	if c.Units > maxElems/in {
		return m.fail("dense: weight [%d,%d] has more than %d elements", c.Units, in, maxElems)
	}

	start := len(m.g.Values)
	bound := 1 / math.Sqrt(float64(in))
	init := ir.Init{Kind: ir.InitUniform, Lo: -bound, Hi: bound}
	w := m.b.Param(name+".weight", m.dtype, ir.Shape{c.Units, in}, init)
	var bias *ir.Value
	if !c.NoBias {
		bias = m.b.Param(name+".bias", m.dtype, ir.Shape{c.Units}, init)
	}
	h := m.b.MatMul(x, w, false, true)
	if bias != nil {
		h = m.b.Add(h, bias)
	}
	m.comment(start, name)
	return h
}

// ReLU adds max(x, 0), with gradient 0 at 0 as in PyTorch.
func (m *Model) ReLU(x *ir.Value) *ir.Value { m.enter(); return m.unary("relu", ir.OpRelu, x) }

// Sigmoid adds 1/(1+exp(-x)).
func (m *Model) Sigmoid(x *ir.Value) *ir.Value {
	m.enter()
	return m.unary("sigmoid", ir.OpSigmoid, x)
}

// Tanh adds tanh(x).
func (m *Model) Tanh(x *ir.Value) *ir.Value { m.enter(); return m.unary("tanh", ir.OpTanh, x) }

// Exp adds exp(x).
func (m *Model) Exp(x *ir.Value) *ir.Value { m.enter(); return m.unary("exp", ir.OpExp, x) }

// Log adds the natural logarithm of x.
func (m *Model) Log(x *ir.Value) *ir.Value { m.enter(); return m.unary("log", ir.OpLog, x) }

// Abs adds |x|.
func (m *Model) Abs(x *ir.Value) *ir.Value { m.enter(); return m.unary("abs", ir.OpAbs, x) }

// Neg adds -x.
func (m *Model) Neg(x *ir.Value) *ir.Value { m.enter(); return m.unary("neg", ir.OpNeg, x) }

// Sqrt adds the square root of x.
func (m *Model) Sqrt(x *ir.Value) *ir.Value { m.enter(); return m.unary("sqrt", ir.OpSqrt, x) }

// unary adds an elementwise op on a value of the model's dtype; it records an error
// for another dtype.
func (m *Model) unary(fn string, op ir.Op, x *ir.Value) *ir.Value {
	if !m.floatOperand(fn, "operand", x) {
		return m.invalid()
	}
	return m.b.Unary(op, x)
}

// Add adds a + b with NumPy broadcasting. It records an error for operands that do
// not broadcast or are not of the model's dtype; so do Sub, Mul and Div.
func (m *Model) Add(a, b *ir.Value) *ir.Value { m.enter(); return m.binary("add", ir.OpAdd, a, b) }

// Sub adds a - b with broadcasting.
func (m *Model) Sub(a, b *ir.Value) *ir.Value { m.enter(); return m.binary("sub", ir.OpSub, a, b) }

// Mul adds a * b with broadcasting.
func (m *Model) Mul(a, b *ir.Value) *ir.Value { m.enter(); return m.binary("mul", ir.OpMul, a, b) }

// Div adds a / b with broadcasting.
func (m *Model) Div(a, b *ir.Value) *ir.Value { m.enter(); return m.binary("div", ir.OpDiv, a, b) }

func (m *Model) binary(fn string, op ir.Op, a, b *ir.Value) *ir.Value {
	okA := m.floatOperand(fn, "left operand", a)
	okB := m.floatOperand(fn, "right operand", b)
	if !okA || !okB {
		return m.invalid()
	}
	return m.b.Binary(op, a, b)
}

// Const adds the scalar constant c in the model's dtype; it broadcasts against any
// shape.
func (m *Model) Const(c float64) *ir.Value {
	m.enter()
	return m.b.Scalar(m.dtype, c)
}

// Softmax adds exp(x)/sum(exp(x)) over axis (negative counts from the end), computed
// from x minus its maximum over axis so that large inputs do not overflow. It
// records an error for an axis out of range.
func (m *Model) Softmax(x *ir.Value, axis int) *ir.Value {
	m.enter()
	ax, ok := m.axis("softmax", x, axis)
	if !ok {
		return m.invalid()
	}
	start := len(m.g.Values)
	e := m.b.Exp(m.shiftByMax(x, ax))
	y := m.b.Div(e, m.b.Sum(e, []int{ax}, true))
	m.comment(start, "softmax")
	return y
}

// LogSoftmax adds x - log(sum(exp(x))) over axis (negative counts from the end) as
// the IR op log_softmax, which computes s - log(sum(exp(s))) with s = x - max(x),
// so that it stays finite for large inputs and gives -Inf exactly where x is -Inf.
// It records an error for an axis out of range.
func (m *Model) LogSoftmax(x *ir.Value, axis int) *ir.Value {
	m.enter()
	ax, ok := m.axis("log_softmax", x, axis)
	if !ok {
		return m.invalid()
	}
	start := len(m.g.Values)
	y := m.logSoftmax(x, ax)
	m.comment(start, "log_softmax")
	return y
}

// logSoftmax adds the log_softmax op of x over axis ax. One op instead of its
// composite runs as one kernel, and its gradient needs no gradient of the maximum.
func (m *Model) logSoftmax(x *ir.Value, ax int) *ir.Value {
	return m.b.LogSoftmax(x, ax)
}

// shiftByMax returns x - max(x) over axis ax.
func (m *Model) shiftByMax(x *ir.Value, ax int) *ir.Value {
	return m.b.Sub(x, m.b.Reduce(ir.OpReduceMax, x, []int{ax}, true))
}

// axis checks x and normalizes axis against its rank.
func (m *Model) axis(fn string, x *ir.Value, axis int) (int, bool) {
	if !m.floatOperand(fn, "operand", x) {
		return 0, false
	}
	r := x.Shape.Rank()
	if axis < -r || axis >= r {
		m.errorf("%s: axis %d out of range for shape %v", fn, axis, x.Shape)
		return 0, false
	}
	if axis < 0 {
		axis += r
	}
	return axis, true
}

// Flatten reshapes x of shape [N, d1, d2, ...] to [N, d1*d2*...]. It records an
// error for a value without a leading batch dimension.
func (m *Model) Flatten(x *ir.Value) *ir.Value {
	m.enter()
	if !m.operand("flatten", "operand", x) {
		return m.invalid()
	}
	if !x.Shape.HasBatch() {
		return m.fail("flatten: operand has shape %v, want a leading batch dimension N", x.Shape)
	}
	if x.Shape.Rank() == 2 {
		return x
	}
	return m.b.Reshape(x, ir.Shape{ir.Batch, x.Shape.StaticElems()})
}
