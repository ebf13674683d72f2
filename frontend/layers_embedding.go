package frontend

import (
	"github.com/nncc/nncc/ir"
)

// IntInput adds the features input "x" as i32 values of per-sample shape dims, shape
// [N, dims...]: token ids for Embedding. It records an error for a second input, an
// empty shape or a non-positive dimension.
func (m *Model) IntInput(dims ...int) *ir.Value {
	m.enter()
	return m.input(ir.I32, dims)
}

// Embedding adds a lookup table of vocab rows of dim features named name ("" picks
// embedding1, embedding2, ...), like PyTorch's nn.Embedding(vocab, dim). The result
// contains the rows of the parameter "<name>.weight" [vocab, dim] picked by the
// integer ids, so its shape is ids' shape followed by dim. The weight is initialized
// from N(0, 1), as nn.Embedding does. Its gradient adds up the gradients of the rows
// each id picked. An id outside [0, vocab) is not checked here: the interpreter
// returns an error and generated code panics with a runtime.InputError. It records an error for ids that are not an integer value, vocab or dim
// below 1, a table of more than 2^31-1 elements, or an invalid or duplicate name.
func (m *Model) Embedding(ids *ir.Value, vocab, dim int, name string) *ir.Value {
	m.enter()
	name, ok := m.layerName("embedding", name)
	if !ok || !m.operand("embedding", "ids", ids) {
		return m.invalid()
	}
	if !ids.DType.IsInt() {
		return m.fail("embedding: ids have dtype %s, want integer ids (input ids: i32[T])", ids.DType)
	}
	if vocab < 1 || dim < 1 {
		return m.fail("embedding: vocab and dim must be positive integers, got %d and %d", vocab, dim)
	}
	if dim > maxElems/vocab {
		return m.fail("embedding: weight [%d,%d] has more than %d elements", vocab, dim, maxElems)
	}
	start := len(m.g.Values)
	w := m.b.Param(name+".weight", m.dtype, ir.Shape{vocab, dim}, ir.Init{Kind: ir.InitNormal, Std: 1})
	y := m.b.Gather(w, ids, 0)
	m.comment(start, name)
	return y
}
