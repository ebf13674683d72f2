package codegen

import (
	"github.com/dave/jennifer/jen"
	"github.com/nncc/nncc/ir"
	nnrt "github.com/nncc/nncc/runtime"
)

// Convolution and pooling call the kernels in runtime/conv.go and runtime/pool.go
// with their geometry as a struct literal of constants (and n for the batch).
//
// The convolution kernels need scratch: an im2col matrix, or the padded copy of a
// sample and the packed weights of the shifted-window form. That scratch lives at the
// end of the arena of its dtype, past every value the memory plan places.
// reserveScratch sizes it at compile time as the largest runtime.ConvGeom.ScratchLen of
// any convolution in any function. Each convolution overwrites the scratch before
// reading it, so it is dead between ops, and no planned value reaches past the plan's
// arena size: the planner needs no change.

// isConvOp reports whether op is a convolution op, which uses the scratch region.
func isConvOp(op ir.Op) bool {
	return op == ir.OpConv2D || op == ir.OpConv2DInputGrad || op == ir.OpConv2DFilterGrad
}

// reserveScratch grows each arena by the largest im2col matrix of its dtype and
// records where the scratch region starts.
func (g *generator) reserveScratch() {
	need := make(map[ir.DType]int)
	for _, f := range g.functions() {
		for _, v := range f.Schedule {
			if isConvOp(v.Op) {
				need[v.DType] = max(need[v.DType], convGeomOf(v).ScratchLen())
			}
		}
	}
	g.scratchAt = make(map[ir.DType]int)
	for dt, n := range need {
		g.scratchAt[dt] = g.arenaLen[dt]
		g.arenaLen[dt] += n
	}
}

// convGeom mirrors runtime.ConvGeom with the batch extent kept symbolic.
type convGeom struct {
	n                            extent
	c, h, w, o, kh, kw, oh, ow   int
	sh, sw, ph, pw, dh, dw, grps int
}

// ScratchLen is runtime.ConvGeom.ScratchLen, which does not depend on the batch.
func (g convGeom) ScratchLen() int {
	return nnrt.ConvGeom{
		N: 1, C: g.c, H: g.h, W: g.w, O: g.o, KH: g.kh, KW: g.kw, OH: g.oh, OW: g.ow,
		StrideH: g.sh, StrideW: g.sw, PadH: g.ph, PadW: g.pw, DilH: g.dh, DilW: g.dw, Groups: g.grps,
	}.ScratchLen()
}

// convGeomOf returns the geometry of a convolution op v from its input, weight and
// output shapes, whichever operands hold them.
func convGeomOf(v *ir.Value) convGeom {
	var xs, ws, ys ir.Shape
	switch v.Op {
	case ir.OpConv2D:
		xs, ws, ys = v.Args[0].Shape, v.Args[1].Shape, v.Shape
	case ir.OpConv2DInputGrad:
		xs, ws, ys = v.Shape, v.Args[1].Shape, v.Args[0].Shape
	default:
		xs, ws, ys = v.Args[0].Shape, v.Shape, v.Args[1].Shape
	}
	a := &v.Attrs
	return convGeom{
		n: dimExtent(xs, 0), c: xs[1], h: xs[2], w: xs[3], o: ws[0], kh: ws[2], kw: ws[3], oh: ys[2], ow: ys[3],
		sh: a.Stride[0], sw: a.Stride[1], ph: a.Padding[0], pw: a.Padding[1],
		dh: a.Dilation[0], dw: a.Dilation[1], grps: a.Groups,
	}
}

func (g convGeom) code() jen.Code {
	return jen.Qual(runtimePath, "ConvGeom").Values(jen.Dict{
		jen.Id("N"): g.n.code(), jen.Id("C"): jen.Lit(g.c), jen.Id("H"): jen.Lit(g.h), jen.Id("W"): jen.Lit(g.w),
		jen.Id("O"): jen.Lit(g.o), jen.Id("KH"): jen.Lit(g.kh), jen.Id("KW"): jen.Lit(g.kw),
		jen.Id("OH"): jen.Lit(g.oh), jen.Id("OW"): jen.Lit(g.ow),
		jen.Id("StrideH"): jen.Lit(g.sh), jen.Id("StrideW"): jen.Lit(g.sw),
		jen.Id("PadH"): jen.Lit(g.ph), jen.Id("PadW"): jen.Lit(g.pw),
		jen.Id("DilH"): jen.Lit(g.dh), jen.Id("DilW"): jen.Lit(g.dw), jen.Id("Groups"): jen.Lit(g.grps),
	})
}

// poolGeomCode returns the runtime.PoolGeom literal of a pooling op v on an input
// of shape xs with output shape ys.
func poolGeomCode(v *ir.Value, xs, ys ir.Shape) jen.Code {
	a := &v.Attrs
	return jen.Qual(runtimePath, "PoolGeom").Values(jen.Dict{
		jen.Id("N"): dimExtent(xs, 0).code(), jen.Id("C"): jen.Lit(xs[1]), jen.Id("H"): jen.Lit(xs[2]), jen.Id("W"): jen.Lit(xs[3]),
		jen.Id("OH"): jen.Lit(ys[2]), jen.Id("OW"): jen.Lit(ys[3]),
		jen.Id("KH"): jen.Lit(a.Kernel[0]), jen.Id("KW"): jen.Lit(a.Kernel[1]),
		jen.Id("StrideH"): jen.Lit(a.Stride[0]), jen.Id("StrideW"): jen.Lit(a.Stride[1]),
		jen.Id("PadH"): jen.Lit(a.Padding[0]), jen.Id("PadW"): jen.Lit(a.Padding[1]),
	})
}

// convPool returns the kernel call of a convolution or pooling op v.
func (e *funcEmitter) convPool(v *ir.Value) []jen.Code {
	out := e.slice(v)()
	arg := func(i int) jen.Code { return e.slice(v.Args[i])() }
	if isConvOp(v.Op) {
		geom := convGeomOf(v)
		at := e.g.scratchAt[v.DType]
		col := jen.Id("m").Dot(arenaField(v.DType)).Index(jen.Lit(at), jen.Lit(at+geom.ScratchLen()))
		name := map[ir.Op]string{ir.OpConv2D: "Conv2D", ir.OpConv2DInputGrad: "Conv2DInputGrad",
			ir.OpConv2DFilterGrad: "Conv2DFilterGrad"}[v.Op]
		return []jen.Code{jen.Qual(runtimePath, name).Call(out, arg(0), arg(1), col, geom.code())}
	}
	switch v.Op {
	case ir.OpMaxPool2D:
		return []jen.Code{jen.Qual(runtimePath, "MaxPool2D").Call(out, arg(0), poolGeomCode(v, v.Args[0].Shape, v.Shape))}
	case ir.OpMaxPool2DGrad:
		return []jen.Code{jen.Qual(runtimePath, "MaxPool2DGrad").Call(out, arg(0), arg(1), poolGeomCode(v, v.Shape, v.Args[1].Shape))}
	case ir.OpMaxPool2DGather:
		return []jen.Code{jen.Qual(runtimePath, "MaxPool2DGather").Call(out, arg(0), arg(1), poolGeomCode(v, v.Args[0].Shape, v.Shape))}
	case ir.OpAvgPool2D:
		return []jen.Code{jen.Qual(runtimePath, "AvgPool2D").Call(out, arg(0), poolGeomCode(v, v.Args[0].Shape, v.Shape))}
	}
	return []jen.Code{jen.Qual(runtimePath, "AvgPool2DGrad").Call(out, arg(0), poolGeomCode(v, v.Shape, v.Args[0].Shape))}
}
