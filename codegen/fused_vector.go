package codegen

import (
	"slices"
	"strconv"

	"github.com/dave/jennifer/jen"
	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/passes"
)

// A large fused float32 step whose operands are whole arrays of its shape or
// scalars, such as an optimizer's update of one parameter, runs as a chunked loop.
// For each chunk of vectorChunk elements it calls one runtime slice kernel per
// value (runtime.MulVS32, runtime.AddVV32, ...), which process 8 elements per
// instruction. The values that live only in the step use chunk-sized scratch at
// the end of the float32 arena. The kernels give the bits of Go's float32
// operators, so the chunked loop gives the bits of the element loop.

// vectorChunk is the number of elements a chunked loop computes per round: small
// enough that a round's scratch stays in the L1 cache.
const vectorChunk = 512

// directChunk is the number of elements per round of a chunked loop that needs
// no scratch, because every kernel writes straight to its destination. It is
// large, so that each kernel call's checks and setup are paid rarely. Workers
// still get enough rounds to share: 49 for a 784x512 weight.
const directChunk = 16 * vectorChunk

// vectorMinElems is the least number of elements, at the largest batch, for which
// a step runs chunked. Below it the element loop's lower setup cost wins.
const vectorMinElems = 4096

// vectorBinary names the slice kernels of binary float32 ops: with two arrays, an
// array and a scalar, and a scalar and an array. The empty name means the
// operands can be swapped.
var vectorBinary = map[ir.Op][3]string{
	ir.OpAdd: {"AddVV32", "AddVS32", ""},
	ir.OpSub: {"SubVV32", "SubVS32", "SubSV32"},
	ir.OpMul: {"MulVV32", "MulVS32", ""},
	ir.OpDiv: {"DivVV32", "DivVS32", "DivSV32"},
}

// vectorUnary names the slice kernels of unary float32 ops. Float32 exp, log, tanh
// and sigmoid never reach a fused step: the fuse pass keeps them in steps of their
// own, which call the slice forms of runtime.Exp32 and its kind.
var vectorUnary = map[ir.Op]string{
	ir.OpNeg:  "Neg32",
	ir.OpSqrt: "Sqrt32",
	ir.OpRelu: "Relu32",
}

// isScalarOperand reports whether a is read as one element at every index of the
// loop.
func isScalarOperand(a *ir.Value) bool { return !a.Shape.HasBatch() && a.Shape.StaticElems() == 1 }

// chunkable reports whether step s can run chunked: the step is large, every
// value is float32 with a slice kernel, and every operand from outside is an
// array of the step's shape or a scalar.
func chunkable(s *passes.Step, maxBatch int) bool {
	if !largeStep(s, maxBatch) || slices.ContainsFunc(s.Values, isFusedReduction) {
		return false
	}
	shape := s.Values[0].Shape
	members := memberSet(s)
	array := func(a *ir.Value) bool { return members[a] || a.Shape.Equal(shape) && a.DType == ir.F32 }
	scalar := func(a *ir.Value) bool { return !members[a] && isScalarOperand(a) }
	return vectorOps(s, array, scalar)
}

// vectorOps reports whether step s can run with slice kernels. Every value must
// be float32 of the step's shape, with a kernel for its operands. array and scalar
// tell whether an operand is read a chunk at a time or as one element.
func vectorOps(s *passes.Step, array, scalar func(*ir.Value) bool) bool {
	shape := s.Values[0].Shape
	for _, v := range s.Values {
		if isFusedReduction(v) {
			// Added into its result's rows; rowVector accepts only sums.
			if !array(v.Args[0]) {
				return false
			}
			continue
		}
		if v.Op == ir.OpGt {
			if !isMaskOf(s, v) || !array(v.Args[0]) || !scalar(v.Args[1]) || v.Args[0].DType != ir.F32 {
				return false
			}
			continue
		}
		if v.DType != ir.F32 || !v.Shape.Equal(shape) {
			return false
		}
		switch {
		case vectorUnary[v.Op] != "":
			if !array(v.Args[0]) {
				return false
			}
		case vectorBinary[v.Op] != [3]string{}:
			a, b := v.Args[0], v.Args[1]
			if !(array(a) && (array(b) || scalar(b)) || scalar(a) && array(b)) {
				return false
			}
		case v.Op == ir.OpSelect && v.Args[0].Op == ir.OpGt && array(v.Args[0]):
			// A mask computed in the step (array accepts a bool only as a
			// value of the step): runtime.SelectGtVS32. A mask from outside
			// has no slice kernel.
			if !array(v.Args[1]) || !scalar(v.Args[2]) {
				return false
			}
		case v.Op == ir.OpSelect:
			// A scalar condition picks one of two arrays for the whole chunk.
			if !scalar(v.Args[0]) || !array(v.Args[1]) || !array(v.Args[2]) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// rowVectorMin is the least row length for which a step with broadcast operands
// runs row by row with slice kernels: shorter rows pay a kernel call's setup for
// too few elements.
const rowVectorMin = 64

// rowVector reports whether step s can run row by row with slice kernels. Its
// loop nest, collapsed as the code
// generator collapses it, must end in rows of at least rowVectorMin elements.
// Along them every operand must either walk contiguously or stay put, as a bias
// does along the rows of a dense layer's output.
func rowVector(s *passes.Step, maxBatch int) bool {
	if !largeStep(s, maxBatch) {
		return false
	}
	shape := s.Values[0].Shape
	ns := &nest{out: access{strides: contiguousStrides(shape)}}
	for d := range shape {
		ns.dims = append(ns.dims, dimExtent(shape, d))
	}

	// A sum or mean over outer axes adds whole rows into its result, which
	// runtime.AddVV32 does in the order of the element loop. A sum along the row
	// would need the row's elements added one by one, in order.
	var sums []*ir.Value
	for _, v := range s.Values {
		if isFusedReduction(v) {
			if v.Op == ir.OpReduceMax {
				return false
			}
			sums = append(sums, v)
			ns.more = append(ns.more, access{strides: reduceStrides(v)})
		}
	}

	ext := externalOperands(s)
	for _, a := range ext {
		ns.ins = append(ns.ins, access{strides: broadcastStrides(a.Shape, shape)})
	}
	ns.collapse()
	last := len(ns.dims) - 1
	if last < 0 || ns.dims[last].static < rowVectorMin {
		return false
	}
	for j := range sums {
		if ns.more[j].strides[last] != 1 {
			return false
		}
	}

	// Along the last loop an operand from outside is a row or one element.
	rows := memberSet(s)
	elements := make(map[*ir.Value]bool)
	for j, a := range ext {
		switch ns.ins[j].strides[last] {
		case 1:
			rows[a] = a.DType == ir.F32
		case 0:
			elements[a] = true
		default:
			return false
		}
	}
	return vectorOps(s, func(a *ir.Value) bool { return rows[a] }, func(a *ir.Value) bool { return elements[a] })
}

// largeStep reports whether step s has several values and enough elements at
// the largest batch for slice kernels to pay off.
func largeStep(s *passes.Step, maxBatch int) bool {
	return len(s.Values) >= 2 && s.Values[0].Shape.Elems(maxBatch) >= vectorMinElems
}

// memberSet returns the values of step s as a set.
func memberSet(s *passes.Step) map[*ir.Value]bool {
	members := make(map[*ir.Value]bool, len(s.Values))
	for _, v := range s.Values {
		members[v] = true
	}
	return members
}

// externalOperands returns the operands of s's values from outside s, each once,
// in the order of first use.
func externalOperands(s *passes.Step) []*ir.Value {
	members := memberSet(s)
	var ext []*ir.Value
	seen := make(map[*ir.Value]bool)
	for _, v := range s.Values {
		for _, a := range v.Args {
			if !members[a] && !seen[a] {
				seen[a] = true
				ext = append(ext, a)
			}
		}
	}
	return ext
}

// rowBody returns the nest's vector function for step s, whose operands from
// outside are ext: a chunked loop over each row.
func (e *funcEmitter) rowBody(s *passes.Step, ns *nest, ext, stored []*ir.Value) func(dsts, srcs []jen.Code) []jen.Code {
	return func(dsts, srcs []jen.Code) []jen.Code {
		chunk := func(row jen.Code) *jen.Statement { return jen.Add(row).Index(jen.Id("lo"), jen.Id("hi")) }
		local := make(map[*ir.Value]*jen.Statement)
		scalars := make(map[*ir.Value]bool)
		last := len(ns.dims) - 1
		for j, a := range ext {
			if in := ns.ins[j]; in.scalar != nil || in.strides[last] == 0 {
				local[a] = jen.Add(srcs[j])
				scalars[a] = true
			} else {
				local[a] = chunk(srcs[j])
			}
		}
		dests := make(map[*ir.Value]func() *jen.Statement, len(dsts))
		for k, v := range stored {
			dests[v] = func() *jen.Statement { return chunk(dsts[k]) }
		}
		k := len(stored)
		for _, v := range s.Values {
			if isFusedReduction(v) {
				dsts := dsts[k]
				dests[v] = func() *jen.Statement { return chunk(dsts) }
				k++
			}
		}
		tempAt := func(k int) *jen.Statement { return jen.Lit(e.g.vectorScratchAt + k*vectorChunk) }
		body := append([]jen.Code{jen.Id("hi").Op(":=").Min(jen.Id("lo").Op("+").Lit(vectorChunk), jen.Len(jen.Id("o")))},
			e.chunkMembers(s, local, scalars, dests, tempAt)...)
		return []jen.Code{jen.For(jen.Id("lo").Op(":=").Lit(0), jen.Id("lo").Op("<").Len(jen.Id("o")), jen.Id("lo").Op("+=").Lit(vectorChunk)).Block(body...)}
	}
}

// isMaskOf reports whether compare v of step s lives only in the step as the
// condition of selects, which runtime.SelectGtVS32 computes with the compare.
func isMaskOf(s *passes.Step, v *ir.Value) bool {
	if !s.Internal[v] {
		return false
	}
	for _, w := range s.Values {
		for k, a := range w.Args {
			if a == v && (w.Op != ir.OpSelect || k != 0) {
				return false
			}
		}
	}
	return true
}

// parallelMinElems is the least number of elements, at the largest batch, for
// which a chunked loop hands its chunks to the runtime's worker pool. Such loops
// stream their operands from memory, so a second core helps only once they
// outgrow its caches. Measured on a 2-core machine: splitting the MNIST
// example's 100,352-element momentum update cost about 10 µs a step, while the
// 401,408- and 262,144-element Adam updates of a 784-512-512-10 MLP gained about
// 350 µs together.
const parallelMinElems = 1 << 18

// loopWorkers is the most goroutines a parallel chunked loop runs on. Each has its
// own scratch, indexed by the worker number that runtime.ParallelFor passes.
const loopWorkers = 4

// runsParallel reports whether chunked step s of f hands its chunks to the worker
// pool: it is large, and it reads no argument of the method, which the pool's
// goroutines cannot see.
func runsParallel(s *passes.Step, f *passes.Function) bool {
	if s.Values[0].Shape.Elems(f.Graph.MaxBatch) < parallelMinElems {
		return false
	}
	for _, v := range s.Values {
		for _, a := range v.Args {
			if a.Op == ir.OpInput {
				return false
			}
		}
	}
	return true
}

// reserveVectorScratch grows the float32 arena by the scratch of the chunked step
// that needs the most, for every worker when a loop runs in parallel, and
// records where it starts.
func (g *generator) reserveVectorScratch() {
	need := 0
	for _, f := range g.functions() {
		for _, s := range f.StepsOf() {
			if s.Epilogue {
				continue
			}
			n := (&funcEmitter{g: g, fn: f}).chunkTemps(s)
			switch {
			case chunkable(s, f.Graph.MaxBatch):
				if runsParallel(s, f) {
					g.parallelLoops = true
					n *= loopWorkers
				}
			case !rowVector(s, f.Graph.MaxBatch):
				continue
			}
			need = max(need, n*vectorChunk)
		}
	}
	if need > 0 {
		// Chunks start on 64-byte boundaries of the arena, so that the
		// kernels' 32-byte loads split no more cache lines than the arena's own
		// alignment makes them.
		g.vectorScratchAt = (g.arenaLen[ir.F32] + 15) &^ 15
		g.arenaLen[ir.F32] = g.vectorScratchAt + need
	}
}

// chunkedLoop is the code of a chunked step: declarations before the loop and
// the statements of one chunk, which start at lo and end at hi.
type chunkedLoop struct {
	views []jen.Code // arena views the loop reads or writes
	pre   []jen.Code
	chunk []jen.Code
	batch bool // the code uses the batch extent n
}

// emitChunked adds the chunked loop of step s, which chunkable accepts. A large
// loop runs its chunks on the worker pool through a method of its own.
func (e *funcEmitter) emitChunked(s *passes.Step, dests map[*ir.Value]func() *jen.Statement) {
	parallel := runsParallel(s, e.fn)
	c := e.chunked(s, dests, parallel)
	size := vectorChunk
	if e.chunkTemps(s) == 0 {
		size = directChunk
	}
	rounds := jen.Parens(jen.Id("total").Op("+").Lit(size - 1)).Op("/").Lit(size)
	if !parallel {
		stmts := append(c.pre, jen.For(jen.Id("lo").Op(":=").Lit(0), jen.Id("lo").Op("<").Id("total"), jen.Id("lo").Op("+=").Lit(size)).Block(
			append([]jen.Code{jen.Id("hi").Op(":=").Min(jen.Id("lo").Op("+").Lit(size), jen.Id("total"))}, c.chunk...)...))
		e.add(jen.Block(stmts...))
		return
	}

	e.loops++
	name := e.fn.Name + "Loop" + strconv.Itoa(e.loops)
	body := []jen.Code{jen.Id("m").Op(":=").Parens(jen.Op("*").Id("Model")).Parens(jen.Id("l"))}
	if c.batch {
		body = append(body, jen.Id("n").Op(":=").Id("m").Dot("batch"))
	}
	body = append(body, c.views...)
	body = append(body, c.pre...)
	body = append(body,
		jen.Id("lo").Op(":=").Id("i").Op("*").Lit(size),
		jen.Id("hi").Op(":=").Min(jen.Id("lo").Op("+").Lit(size), jen.Id("total")))
	body = append(body, c.chunk...)
	e.decls = append(e.decls,
		jen.Comment(lineComment("%s runs the chunks of a loop of %s on the runtime's worker pool.", name, e.method)),
		jen.Type().Id(name).Id("Model"),
		jen.Line(),
		jen.Comment(lineComment("Run computes chunk i of the loop with the scratch of worker.")),
		jen.Func().Params(jen.Id("l").Op("*").Id(name)).Id("Run").Params(jen.Id("i"), jen.Id("worker").Int()).Block(body...),
	)
	e.add(jen.Block(
		jen.Id("total").Op(":=").Add(elemsOf(s.Values[0].Shape).code()),
		jen.Id("m").Dot("batch").Op("=").Id("n"),
		jen.Qual(runtimePath, "ParallelFor").Call(rounds, jen.Lit(loopWorkers), jen.Parens(jen.Op("*").Id(name)).Parens(jen.Id("m"))),
	))
}

// chunked returns the code of chunked step s. In parallel form the chunk's
// scratch depends on the worker, and the arena views are declared again, for
// the method that runs the chunks.
func (e *funcEmitter) chunked(s *passes.Step, dests map[*ir.Value]func() *jen.Statement, parallel bool) chunkedLoop {
	shape := s.Values[0].Shape
	members := memberSet(s)
	var c chunkedLoop
	c.batch = shape.HasBatch()
	c.pre = append(c.pre, jen.Id("total").Op(":=").Add(elemsOf(shape).code()))
	viewed := make(map[*ir.Value]bool)
	view := func(v *ir.Value) {
		if parallel && !v.Op.IsSource() && !viewed[v] {
			viewed[v] = true
			c.views = append(c.views, e.viewDecl(v))
			c.batch = c.batch || v.Shape.HasBatch()
		}
	}

	// Operands from outside: arrays are resliced to the step's length once, and
	// scalars are read once.
	local := make(map[*ir.Value]*jen.Statement)
	scalars := make(map[*ir.Value]bool)
	chunk := func(name string) *jen.Statement { return jen.Id(name).Index(jen.Id("lo"), jen.Id("hi")) }
	for _, v := range s.Values {
		for _, a := range v.Args {
			if members[a] || local[a] != nil {
				continue
			}
			view(a)
			name := "r" + strconv.Itoa(len(local))
			if isScalarOperand(a) {
				c.pre = append(c.pre, jen.Id(name).Op(":=").Add(e.scalarOperand(a)))
				scalars[a] = true
				local[a] = jen.Id(name)
				continue
			}
			c.pre = append(c.pre, jen.Id(name).Op(":=").Add(e.slice(a)()).Index(jen.Empty(), jen.Id("total")))
			local[a] = chunk(name)
		}
	}
	outs := 0
	for _, v := range s.Values {
		if d := dests[v]; d != nil {
			if s.Into[v] == nil {
				view(v)
			}
			name := "o" + strconv.Itoa(outs)
			outs++
			c.pre = append(c.pre, jen.Id(name).Op(":=").Add(d()).Index(jen.Empty(), jen.Id("total")))
			dests[v] = func() *jen.Statement { return chunk(name) }
		}
	}

	temps := e.chunkTemps(s)
	tempAt := func(k int) *jen.Statement {
		at := jen.Lit(e.g.vectorScratchAt + k*vectorChunk)
		if parallel {
			at = at.Op("+").Id("worker").Op("*").Lit(temps * vectorChunk)
		}
		return at
	}
	c.chunk = e.chunkMembers(s, local, scalars, dests, tempAt)
	return c
}

// chunkMembers returns the statements computing the values of step s over one
// chunk, from lo to hi. local holds each operand's chunk (or, for a scalar, its
// element), dests the destination chunk of each stored value, and tempAt(k) the
// arena offset of the k-th scratch chunk.
func (e *funcEmitter) chunkMembers(s *passes.Step, local map[*ir.Value]*jen.Statement, scalars map[*ir.Value]bool,
	dests map[*ir.Value]func() *jen.Statement, tempAt func(k int) *jen.Statement) []jen.Code {
	var stmts []jen.Code
	temp := 0
	// Stores that cannot go straight to their destination wait for the end of
	// the chunk, when no value of the chunk reads any operand any more.
	var stores []jen.Code
	// place declares the chunk of value v, computed at index i: its destination,
	// or the next scratch chunk, copied to the destination at the end.
	place := func(v *ir.Value, i int) string {
		name := "t" + strconv.Itoa(v.ID)
		dst := dests[v]
		if e.needsScratch(s, i, v) {
			at := jen.Id("m").Dot(arenaField(ir.F32)).Index(tempAt(temp), jen.Empty()).Index(jen.Empty(), jen.Id("hi").Op("-").Id("lo"))
			temp++
			stmts = append(stmts, jen.Id(name).Op(":=").Add(at))
			if dst != nil {
				stores = append(stores, jen.Copy(dst(), jen.Id(name)))
			}
		} else {
			stmts = append(stmts, jen.Id(name).Op(":=").Add(dst()))
		}
		local[v] = jen.Id(name)
		return name
	}

	adams, covered := adamKernels(s)
	for i, v := range s.Values {
		if k := adams[i]; k != nil {
			for _, o := range k.outputs() {
				place(o, i)
			}
			stmts = append(stmts, adamCall(k, local))
			continue
		}
		if computedWithNext(s, i) || covered[v] {
			continue
		}
		if isFusedReduction(v) {
			acc := dests[v]
			stmts = append(stmts, jen.Qual(runtimePath, "AddVV32").Call(acc(), acc(), local[v.Args[0]]))
			continue
		}
		name := place(v, i)
		stmts = append(stmts, e.valueKernel(s, i, name, local, scalars)...)
	}
	return append(stmts, stores...)
}

// chunkTemps returns the number of scratch chunks that chunkMembers uses for
// step s: one for each value it cannot write straight to its destination.
func (e *funcEmitter) chunkTemps(s *passes.Step) int {
	temps := 0
	adams, covered := adamKernels(s)
	for i, v := range s.Values {
		if k := adams[i]; k != nil {
			for _, o := range k.outputs() {
				if e.needsScratch(s, i, o) {
					temps++
				}
			}
			continue
		}
		if !computedWithNext(s, i) && !covered[v] && !isFusedReduction(v) && e.needsScratch(s, i, v) {
			temps++
		}
	}
	return temps
}

// computedWithNext reports whether chunkMembers computes value i of step s inside
// another value's kernel: a compare inside the selects that use it, a product
// folded into the next value, or an arm computed inside its select.
func computedWithNext(s *passes.Step, i int) bool {
	return s.Values[i].Op == ir.OpGt || i+1 < len(s.Values) && foldedProduct(s, i+1) == s.Values[i] || sunkArm(s, i)
}

// sunkArm reports whether value i of step s is an arm that its select computes
// straight into its own chunk, in the branch that picks it, instead of copying
// it from scratch. The select must have a scalar condition from outside the step
// and be the only reader of the arm. It must come right after the arm, or after
// the arm and the select's other arm, sunk as well, so that nothing runs in
// between.
func sunkArm(s *passes.Step, i int) bool {
	v := s.Values[i]
	if !s.Internal[v] || v.Op == ir.OpSelect || v.Op == ir.OpGt || isFusedReduction(v) {
		return false
	}
	j := i + 1
	if j < len(s.Values) && s.Values[j].Op != ir.OpSelect {
		// Only the select's other arm may come between.
		if o := s.Values[j]; j+1 < len(s.Values) && isArmOf(o, s.Values[j+1]) && sunkArm(s, j) {
			j++
		}
	}
	if j >= len(s.Values) || !isArmOf(v, s.Values[j]) || !isStepScalar(s, s.Values[j].Args[0]) {
		return false
	}
	for k, w := range s.Values {
		if k != j && slices.Contains(w.Args, v) {
			return false
		}
	}
	return true
}

// isArmOf reports whether v is the second or third operand of select sel, and not
// its condition.
func isArmOf(v, sel *ir.Value) bool {
	return sel.Op == ir.OpSelect && sel.Args[0] != v && (sel.Args[1] == v || sel.Args[2] == v)
}

// armKernel returns the statements that set the chunk name to arm a of a select
// in step s: a's own kernel where the select computes it (sunkArm), else a copy.
func (e *funcEmitter) armKernel(s *passes.Step, a *ir.Value, name string, local map[*ir.Value]*jen.Statement, scalars map[*ir.Value]bool) []jen.Code {
	i := slices.Index(s.Values, a)
	if i < 0 || !sunkArm(s, i) {
		return []jen.Code{jen.Copy(jen.Id(name), local[a])}
	}
	return e.valueKernel(s, i, name, local, scalars)
}

// valueKernel returns the statements that compute value i of step s into the
// chunk name, with the product folded into it if there is one.
func (e *funcEmitter) valueKernel(s *passes.Step, i int, name string, local map[*ir.Value]*jen.Statement, scalars map[*ir.Value]bool) []jen.Code {
	v := s.Values[i]
	if p := foldedProduct(s, i); p != nil {
		return []jen.Code{foldedKernel(s, v, p, name, local)}
	}
	if v.Op == ir.OpSelect && !(v.Args[0].Op == ir.OpGt && local[v.Args[0]] == nil) {
		// A scalar condition picks one of two arrays for the whole chunk.
		return []jen.Code{jen.If(local[v.Args[0]]).Block(e.armKernel(s, v.Args[1], name, local, scalars)...).
			Else().Block(e.armKernel(s, v.Args[2], name, local, scalars)...)}
	}
	return e.chunkKernel(v, name, local, scalars)
}

// needsScratch reports whether value v of chunked step s, computed at index i,
// goes to scratch rather than straight to its destination. It does when v has no
// destination (it is internal), or when a value after index i reads memory that
// the destination may share.
func (e *funcEmitter) needsScratch(s *passes.Step, i int, v *ir.Value) bool {
	return s.Internal[v] || e.readLater(s, i, v)
}

// chunkKernel returns the statements that compute v's chunk into the slice name
// with one slice kernel. valueKernel handles selects with a scalar condition.
func (e *funcEmitter) chunkKernel(v *ir.Value, name string, local map[*ir.Value]*jen.Statement, scalars map[*ir.Value]bool) []jen.Code {
	arg := func(k int) *jen.Statement { return jen.Add(local[v.Args[k]]) }
	if v.Op == ir.OpSelect && v.Args[0].Op == ir.OpGt && local[v.Args[0]] == nil {
		// The mask is a value of the step, which chunkMembers skips.
		gt := v.Args[0]
		return []jen.Code{jen.Qual(runtimePath, "SelectGtVS32").Call(jen.Id(name),
			local[gt.Args[0]], local[gt.Args[1]], arg(1), arg(2))}
	}
	if fn := vectorUnary[v.Op]; fn != "" {
		return []jen.Code{jen.Qual(runtimePath, fn).Call(jen.Id(name), arg(0))}
	}
	kernels := vectorBinary[v.Op]
	a, b := arg(0), arg(1)
	switch {
	case scalars[v.Args[1]]:
		return []jen.Code{jen.Qual(runtimePath, kernels[1]).Call(jen.Id(name), a, b)}
	case scalars[v.Args[0]] && kernels[2] == "":
		// Addition and multiplication commute exactly in IEEE arithmetic.
		return []jen.Code{jen.Qual(runtimePath, kernels[1]).Call(jen.Id(name), b, a)}
	case scalars[v.Args[0]]:
		return []jen.Code{jen.Qual(runtimePath, kernels[2]).Call(jen.Id(name), a, b)}
	}
	return []jen.Code{jen.Qual(runtimePath, kernels[0]).Call(jen.Id(name), a, b)}
}

// scalarOperand returns the expression of the one element of scalar operand a.
func (e *funcEmitter) scalarOperand(a *ir.Value) *jen.Statement {
	if a.Op == ir.OpConst {
		return typedLiteral(a.DType, a.Attrs.Data[0])
	}
	return e.slice(a)().Index(jen.Lit(0))
}

// readLater reports whether a value of s after the i-th, v, reads an operand from
// outside the step whose memory may be v's destination, so that writing v there
// directly would change what that value reads.
func (e *funcEmitter) readLater(s *passes.Step, i int, v *ir.Value) bool {
	members := memberSet(s)
	for _, w := range s.Values[i+1:] {
		for _, a := range w.Args {
			if !members[a] && e.mayShare(s, v, a) {
				return true
			}
		}
	}
	return false
}

// mayShare reports whether the destination of v, a value of step s, may be the
// memory of a.
func (e *funcEmitter) mayShare(s *passes.Step, v, a *ir.Value) bool {
	if t := s.Into[v]; t != nil {
		return t == a
	}
	if a.Op.IsSource() || a.DType != v.DType {
		return false
	}
	plan, maxBatch := e.fn.Plan, e.fn.Graph.MaxBatch
	vo, ao := plan.Offsets[v], plan.Offsets[a]
	return vo < ao+a.Shape.Elems(maxBatch) && ao < vo+v.Shape.Elems(maxBatch)
}
