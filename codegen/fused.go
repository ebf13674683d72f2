package codegen

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/dave/jennifer/jen"
	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/passes"
)

// A fused step computes several elementwise values of one shape in one loop nest.
// Each iteration first loads the element of every operand from outside the step
// and then computes the values in schedule order into locals. Last it stores the
// values that live on: in the arena, or straight into the param or state they
// update. Loading before storing lets a result share memory with an operand that
// dies at the step, and lets an update overwrite its target in place. Large steps
// run chunk by chunk instead (fused_vector.go), with the same guarantee: a result
// goes straight to its memory only when no later value of the step reads that
// memory, and waits for the end of the chunk otherwise.
//
// Every float local is written through an explicit conversion to its type, which
// the Go specification makes round to that precision. The compiler may therefore
// not fuse a multiply and an add into one instruction across values, so a fused
// step gives the bits of one loop per value.

// emitStep adds the blocks computing step s.
func (e *funcEmitter) emitStep(s *passes.Step) error {
	if s.Epilogue {
		e.emitEpilogue(s)
		return nil
	}
	if len(s.Values) == 1 && s.Placed(s.Values[0]) {
		return e.emitValue(s.Values[0])
	}
	return e.emitFused(s)
}

// isFusedReduction reports whether v is a reduction computed in a fused loop.
func isFusedReduction(v *ir.Value) bool {
	switch v.Op {
	case ir.OpSum, ir.OpMean, ir.OpReduceMax:
		return true
	}
	return false
}

// emitFused adds the loop nest of a fused step. The loop runs over the shape of
// the step's elementwise values. A reduction in the step folds its operand's
// elements into its result as the loop computes them, in the order in which an
// unfused reduction's loop visits them.
func (e *funcEmitter) emitFused(s *passes.Step) error {
	var shape ir.Shape
	members := memberSet(s)
	for _, v := range s.Values {
		if isFusedReduction(v) {
			continue
		}
		if shape == nil {
			shape = v.Shape
		} else if !v.Shape.Equal(shape) {
			return fmt.Errorf("fused step mixes shapes %s and %s", shape, v.Shape)
		}
	}

	e.add(jen.Line(), jen.Comment(lineComment("one loop over %s computes:", shape)))
	for _, v := range s.Values {
		switch {
		case s.Internal[v]:
			e.add(jen.Comment(lineComment("%s, in a local", describe(v))))
		case s.Into[v] != nil:
			e.add(jen.Comment(lineComment("%s, into %q", describe(v), s.Into[v].Attrs.Name)))
		default:
			e.add(jen.Comment(lineComment("%s", describe(v))))
		}
	}
	chunked := chunkable(s, e.fn.Graph.MaxBatch)
	parallel := chunked && runsParallel(s, e.fn)
	var outs, reduceOuts []access
	var stored, reductions []*ir.Value
	var after []jen.Code
	for _, v := range s.Values {
		switch {
		case s.Internal[v]:
		case s.Into[v] != nil:
			outs = append(outs, access{slice: e.slice(s.Into[v]), strides: contiguousStrides(shape)})
			stored = append(stored, v)
		case isFusedReduction(v):
			if !v.Args[0].Shape.Equal(shape) || !members[v.Args[0]] {
				return fmt.Errorf("fused step reduces %s, which is not a value of its loop", v.Args[0].Ref())
			}
			e.declareView(v)
			e.add(reduceInit(v, e.slice(v))...)
			reduceOuts = append(reduceOuts, access{slice: e.slice(v), strides: reduceStrides(v)})
			reductions = append(reductions, v)
			after = append(after, reduceFinish(v, e.slice(v))...)
		default:
			// A loop on the worker pool declares its views again in its own
			// method, so the method needs v's view only for a later reader.
			if !parallel || e.readAfterStep(s, v) {
				e.declareView(v)
			}
			outs = append(outs, access{slice: e.slice(v), strides: contiguousStrides(shape)})
			stored = append(stored, v)
		}
	}
	if chunked {
		dests := make(map[*ir.Value]func() *jen.Statement)
		for _, v := range stored {
			if t := s.Into[v]; t != nil {
				dests[v] = e.slice(t)
			} else {
				dests[v] = e.slice(v)
			}
		}
		e.emitChunked(s, dests)
		return nil
	}

	// The stored values come first, so the nest's main output is a row.
	outs = append(outs, reduceOuts...)
	if len(outs) == 0 {
		return fmt.Errorf("fused step %s stores no value", describe(s.Values[len(s.Values)-1]))
	}

	// The operands from outside the step, each read once per element.
	ext := externalOperands(s)
	ns := &nest{
		out:   outs[0],
		more:  outs[1:],
		names: func(j int) string { return "r" + strconv.Itoa(j) },
	}
	for d := range shape {
		ns.dims = append(ns.dims, dimExtent(shape, d))
	}
	for _, a := range ext {
		ns.ins = append(ns.ins, e.operand(a, broadcastStrides(a.Shape, shape)))
	}
	if rowVector(s, e.fn.Graph.MaxBatch) {
		ns.vector = e.rowBody(s, ns, ext, stored)
		e.add(ns.emit()...)
		e.add(after...)
		return nil
	}
	var err error
	ns.multiBody = func(dsts, srcs []jen.Code) []jen.Code {
		var stmts []jen.Code
		local := make(map[*ir.Value]jen.Code, len(ext)+len(s.Values))
		for j, a := range ext {
			name := "x" + strconv.Itoa(j)
			stmts = append(stmts, jen.Id(name).Op(":=").Add(srcs[j]))
			local[a] = jen.Id(name)
		}
		for _, v := range s.Values {
			if isFusedReduction(v) {
				continue
			}
			args := make([]jen.Code, len(v.Args))
			for k, a := range v.Args {
				args[k] = local[a]
			}
			name := "t" + strconv.Itoa(v.ID)
			code, cerr := e.elementStmts(v, name, args)
			if cerr != nil && err == nil {
				err = cerr
			}
			stmts = append(stmts, code...)
			local[v] = jen.Id(name)
		}
		for j, v := range stored {
			stmts = append(stmts, assign(dsts[j], local[v]))
		}
		for j, v := range reductions {
			stmts = append(stmts, reduceStep(v, dsts[len(stored)+j], local[v.Args[0]]))
		}
		return stmts
	}
	code := ns.emit()
	if err != nil {
		return err
	}
	e.add(code...)
	e.add(after...)
	return nil
}

// roundsArithmetic reports whether op is float arithmetic whose result Go could
// otherwise keep unrounded and fuse with a later add into a multiply-add. The
// other ops' expressions are conversions, calls or copies.
func roundsArithmetic(op ir.Op) bool {
	switch op {
	case ir.OpAdd, ir.OpSub, ir.OpMul, ir.OpDiv, ir.OpNeg:
		return true
	}
	return false
}

// onPool reports whether emitStep emits step s as a chunked loop on the worker
// pool, with the code in a method of its own.
func (e *funcEmitter) onPool(s *passes.Step) bool {
	if s.Epilogue || len(s.Values) == 1 && s.Placed(s.Values[0]) {
		return false
	}
	return chunkable(s, e.fn.Graph.MaxBatch) && runsParallel(s, e.fn)
}

// readAfterStep reports whether v, a value of step s, is a root of the function or
// an operand of a value in a later step that reads the function's arena views,
// which steps on the worker pool do not.
func (e *funcEmitter) readAfterStep(s *passes.Step, v *ir.Value) bool {
	if slices.Contains(e.fn.Graph.Roots(), v) {
		return true
	}
	steps := e.fn.StepsOf()
	for _, t := range steps[slices.Index(steps, s)+1:] {
		if e.onPool(t) {
			continue
		}
		for _, w := range t.Values {
			if slices.Contains(w.Args, v) {
				return true
			}
		}
	}
	return false
}

// declareView adds the declaration of v's arena view, v's slice in the code.
func (e *funcEmitter) declareView(v *ir.Value) { e.add(e.viewDecl(v)) }

// viewDecl returns the declaration of v's arena view.
func (e *funcEmitter) viewDecl(v *ir.Value) jen.Code {
	off := e.fn.Plan.Offsets[v]
	size := elemsOf(v.Shape)
	var lo, hi jen.Code = jen.Empty(), size.code()
	if off != 0 {
		lo = jen.Lit(off)
		hi = jen.Lit(off).Op("+").Add(size.code())
		if !size.batch {
			hi = jen.Lit(off + size.static)
		}
	}
	return jen.Id("v"+strconv.Itoa(v.ID)).Op(":=").Id("m").Dot(arenaField(v.DType)).Index(lo, hi)
}

// elementStmts returns the statements that declare the local name as the element
// of v computed from its operands' elements args. A float arithmetic result goes
// through a conversion to its type, which rounds it.
func (e *funcEmitter) elementStmts(v *ir.Value, name string, args []jen.Code) ([]jen.Code, error) {
	var x *jen.Statement
	var err error
	switch c := v.Op.Class(); {
	case v.Op == ir.OpBroadcast:
		x = jen.Add(args[0])
	case v.Op == ir.OpSelect:
		return []jen.Code{
			jen.Var().Id(name).Id(goType(v.DType)),
			jen.If(args[0]).Block(assign(jen.Id(name), args[1])).Else().Block(assign(jen.Id(name), args[2])),
		}, nil
	case v.Op == ir.OpCast:
		x = e.castExpr(v.Args[0].DType, v.DType, args[0])
	case c == ir.ClassUnary:
		x, err = e.unaryExpr(v.Op, v.DType, args[0])
	case c == ir.ClassBinary || c == ir.ClassCompare:
		x, err = binaryExpr(e.g.helpers, v.Op, v.Args[0].DType, args[0], args[1])
	default:
		return nil, fmt.Errorf("op %s cannot be fused", v.Op)
	}
	if err != nil {
		return nil, err
	}
	if v.DType.IsFloat() && roundsArithmetic(v.Op) {
		x = jen.Id(goType(v.DType)).Parens(x)
	}
	return []jen.Code{jen.Id(name).Op(":=").Add(x)}, nil
}
