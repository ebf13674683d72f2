package passes

import (
	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/ir/interp"
)

// maxFoldElems bounds the size of a folded constant (256 KiB in f32), so that
// folding a broadcast of a scalar to a large shape does not put a large block of
// data into the generated code.
const maxFoldElems = 1 << 16

// foldConstants is the "fold-constants" pass. It evaluates, with the reference
// interpreter, every op whose operands are all constants, and computes every size
// over static axes. Each such value becomes a constant in place. Because it keeps
// its ID, position and place in the graph, its uses need no rewriting. Results
// with more than maxFoldElems elements or with a batch dimension stay ops.
func foldConstants(ctx *Context) error {
	for _, v := range ctx.Func.Graph.Values {
		if v.Op.IsSource() {
			continue
		}
		if v.Op == ir.OpSize {
			foldSize(v)
			continue
		}
		if v.Shape.HasBatch() || v.Shape.Elems(1) > maxFoldElems || !allConst(v.Args) {
			continue
		}
		args := make([]*interp.Tensor, len(v.Args))
		for i, a := range v.Args {
			args[i] = &interp.Tensor{DType: a.DType, Shape: a.Shape.Clone(), Data: a.Attrs.Data}
		}
		t, err := interp.EvalOp(v, args, 1)
		if err != nil {
			// The op fails on these operands (an index out of range, an integer
			// division by zero). Leave it to fail where the generated code runs it.
			continue
		}
		makeConst(v, t.Data)
	}
	return nil
}

// foldSize turns a size over axes without the batch dimension into a constant.
func foldSize(v *ir.Value) {
	x := v.Args[0]
	n := 1
	for _, a := range v.Attrs.Axes {
		if x.Shape[a] == ir.Batch {
			return
		}
		n *= x.Shape[a]
	}
	size := float64(n)
	if v.DType == ir.F32 {
		size = float64(float32(size))
	}
	makeConst(v, []float64{size})
}

func allConst(vs []*ir.Value) bool {
	for _, v := range vs {
		if v.Op != ir.OpConst {
			return false
		}
	}
	return true
}

// makeConst turns v into a constant holding data, keeping its dtype and shape.
func makeConst(v *ir.Value, data []float64) {
	v.Op = ir.OpConst
	v.Args = nil
	v.Attrs = ir.Attrs{Data: data}
}
