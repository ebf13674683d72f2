package main

import (
	"math"

	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/passes"
)

// maxModelBytes bounds the memory the generated Model holds: its arenas, sized for
// the maximum batch, and its parameters and optimizer state. A model beyond it is
// rejected when compiled, because on most machines its New would run out of memory.
const maxModelBytes = 16 << 30

// maxArenaElems bounds each arena, which generated code indexes with int: beyond
// it the code would not compile for 32-bit targets.
const maxArenaElems = math.MaxInt32

// checkModelSize returns an input error if the Model generated for p would hold
// more than maxModelBytes or an arena of more than maxArenaElems elements.
func checkModelSize(p *passes.Program) error {
	arena := map[ir.DType]int{}
	for _, f := range functions(p) {
		for dt, n := range f.Plan.ArenaElems {
			arena[dt] = max(arena[dt], n)
		}
	}
	total := 0
	for _, dt := range []ir.DType{ir.F32, ir.F64, ir.I32, ir.I64, ir.Bool} {
		n := arena[dt]
		if n > maxArenaElems {
			return inputErrorf("%s: the %s arena would hold %d elements at batch size %d, more than %d; "+
				"make the model smaller or lower the batch size", p.Module.File, dt, n, p.Predict.Graph.MaxBatch, maxArenaElems)
		}
		total += n * dt.Size()
	}
	// The functions share the parameters and state, by name.
	seen := map[string]bool{}
	for _, f := range functions(p) {
		for _, v := range append(f.Graph.Params(), f.Graph.States()...) {
			if !seen[v.Attrs.Name] {
				seen[v.Attrs.Name] = true
				total += v.Shape.Elems(1) * v.DType.Size()
			}
		}
	}
	if total > maxModelBytes {
		return inputErrorf("%s: the model would need %.1f GiB for its arenas, parameters and optimizer state "+
			"at batch size %d, more than the limit of %d GiB; make the model smaller or lower the batch size",
			p.Module.File, float64(total)/(1<<30), p.Predict.Graph.MaxBatch, maxModelBytes>>30)
	}
	return nil
}
