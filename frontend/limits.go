package frontend

import "github.com/nncc/nncc/ir"

// checkBatchElems records an error if a value of the graph has more than maxElems
// elements at the batch size, so that the memory planner and the generated code
// index every tensor with 32-bit-safe arithmetic. Each sample is bounded when the
// value is made; this bounds the batch of them. Only the largest value is reported,
// at its position, since it names the layer to shrink or the batch size to lower.
func (m *Model) checkBatchElems() {
	batch := m.train.BatchSize
	if !m.hasTrain || batch < 1 || batch > maxBatchSize {
		return
	}
	var largest *ir.Value
	for _, v := range m.g.Values {
		if v.DType != ir.Invalid && v.Shape.HasBatch() &&
			(largest == nil || v.Shape.StaticElems() > largest.Shape.StaticElems()) {
			largest = v
		}
	}
	if largest == nil || largest.Shape.Elems(batch) <= maxElems {
		return
	}
	m.b.Errs.Add(largest.Pos, "a value of shape %v has %d elements at batch size %d, more than %d; "+
		"lower the batch size to at most %d", largest.Shape, largest.Shape.Elems(batch), batch, maxElems,
		maxElems/largest.Shape.StaticElems())
}
