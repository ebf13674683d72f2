package frontend

import (
	"github.com/nncc/nncc/ir"
)

// defaultLayerNormEps is PyTorch's default eps of nn.LayerNorm.
const defaultLayerNormEps = 1e-5

// LayerNormConfig configures a layer normalization.
type LayerNormConfig struct {
	Name     string  // layer name; "" picks layer_norm1, layer_norm2, ...
	Eps      float64 // added to the variance; 0 selects PyTorch's default 1e-5
	NoAffine bool    // leave out weight and bias (PyTorch's elementwise_affine=False)
}

// LayerNorm adds a layer normalization over the last axis of x named name ("" for
// the default name), with PyTorch's defaults. See LayerNormWith.
func (m *Model) LayerNorm(x *ir.Value, name string) *ir.Value {
	m.enter()
	return m.layerNorm(x, LayerNormConfig{Name: name})
}

// LayerNormWith adds (x - mean) / sqrt(var + eps) · weight + bias over the last
// axis of x, with the biased variance, like PyTorch's nn.LayerNorm(D, eps) for a
// last axis of extent D. The parameters "<name>.weight" (ones) and "<name>.bias"
// (zeros) have shape [D]; c.NoAffine leaves them out. It records an error for an
// input that is not of the model's dtype or whose last axis is the batch
// dimension, a negative or NaN eps, or an invalid or duplicate name.
func (m *Model) LayerNormWith(x *ir.Value, c LayerNormConfig) *ir.Value {
	m.enter()
	return m.layerNorm(x, c)
}

func (m *Model) layerNorm(x *ir.Value, c LayerNormConfig) *ir.Value {
	name, ok := m.layerName("layer_norm", c.Name)
	if !ok || !m.floatOperand("layer_norm", "input", x) {
		return m.invalid()
	}
	eps := c.Eps
	if eps == 0 {
		eps = defaultLayerNormEps
	}
	if !(eps > 0) {
		return m.fail("layer_norm: eps must be a positive number, got %v", c.Eps)
	}
	r := x.Shape.Rank()
	if r == 0 || x.Shape[r-1] == ir.Batch {
		return m.fail("layer_norm: input has shape %v, want a last axis of features after the batch dimension", x.Shape)
	}
	d := x.Shape[r-1]

	start := len(m.g.Values)
	last := []int{r - 1}
	centered := m.b.Sub(x, m.b.Mean(x, last, true))
	variance := m.b.Mean(m.b.Mul(centered, centered), last, true)
	y := m.b.Div(centered, m.b.Unary(ir.OpSqrt, m.b.Add(variance, m.b.ScalarLike(x, eps))))
	if !c.NoAffine {
		w := m.b.Param(name+".weight", m.dtype, ir.Shape{d}, ir.Init{Kind: ir.InitConst, Value: 1})
		b := m.b.Param(name+".bias", m.dtype, ir.Shape{d}, ir.Init{Kind: ir.InitZeros})
		y = m.b.Add(m.b.Mul(y, w), b)
	}
	m.comment(start, name)
	return y
}
