package codegen

import (
	"strconv"

	"github.com/dave/jennifer/jen"
)

// access is the addressing of one tensor in a loop nest: the element at loop
// indices (i0, ..., ik) sits at base + i0*strides[0] + ... + ik*strides[k] of the
// slice. A stride of 0 broadcasts the tensor along that loop.
type access struct {
	slice   func() *jen.Statement // the tensor's slice; nil when scalar is set
	scalar  func() *jen.Statement // a constant read once and used at every index
	base    int
	strides []int
}

// nest is a loop nest that computes out from ins one element at a time. Bounds and
// strides are constants (or multiples of the batch extent n), and the innermost loop
// works on rows resliced to their exact length so the Go compiler can drop bounds
// checks.
type nest struct {
	dims []extent
	out  access
	ins  []access
	// outWhole reports that out's slice has exactly the elements the nest writes,
	// in order, so a single loop can range over it without reslicing.
	outWhole bool
	// body returns the statements that compute one element: dst is the output element,
	// which the statements assign, and srcs are the operand elements. A body builds
	// on an argument only through jen.Add, which leaves the argument unchanged for
	// its other uses.
	body func(dst jen.Code, srcs []jen.Code) []jen.Code
	// isCopy marks a body that stores srcs[0] unchanged, so contiguous rows move with
	// the copy builtin.
	isCopy bool
	// more holds further outputs, for a nest that computes several results per
	// index. Such a nest sets multiBody instead of body: it receives the element
	// of out and then of each of more. An output whose innermost stride is 0 is
	// accumulated in a local, as out is.
	more      []access
	multiBody func(dsts []jen.Code, srcs []jen.Code) []jen.Code
	// names, when set, replaces operandName for the operands' rows and scalars.
	names func(j int) string
	// vector, when set, replaces the innermost loop and returns the statements
	// that compute the rows. It receives the output rows (out's, then each of
	// more's) and, for each operand, its row or, where the operand does not change
	// along the row, its one element. Every output must be a row.
	vector func(dsts, srcs []jen.Code) []jen.Code
}

// accesses returns pointers to out and every input that is read through its slice.
func (ns *nest) accesses() []*access {
	accs := []*access{&ns.out}
	for i := range ns.more {
		accs = append(accs, &ns.more[i])
	}
	for i := range ns.ins {
		if ns.ins[i].scalar == nil {
			accs = append(accs, &ns.ins[i])
		}
	}
	return accs
}

// collapse drops loops of extent 1. It then merges each loop into the one inside it
// when every access walks both as one contiguous run, so the nest keeps as few
// loops and as long an innermost loop as the layout allows.
func (ns *nest) collapse() {
	accs := ns.accesses()
	kept := ns.dims[:0]
	for d, e := range ns.dims {
		if e.static == 1 && !e.batch {
			continue
		}
		for _, a := range accs {
			a.strides[len(kept)] = a.strides[d]
		}
		kept = append(kept, e)
	}
	ns.dims = kept
	for _, a := range accs {
		a.strides = a.strides[:len(kept)]
	}
	for d := len(ns.dims) - 2; d >= 0; d-- {
		mergeable := true
		for _, a := range accs {
			if a.strides[d] != a.strides[d+1]*ns.dims[d+1].static {
				mergeable = false
			}
		}
		if !mergeable {
			continue
		}
		ns.dims[d] = ns.dims[d].times(ns.dims[d+1])
		ns.dims = append(ns.dims[:d+1], ns.dims[d+2:]...)
		for _, a := range accs {
			a.strides[d] = a.strides[d+1]
			a.strides = append(a.strides[:d+1], a.strides[d+2:]...)
		}
	}
}

// emit returns the statements of the nest.
func (ns *nest) emit() []jen.Code {
	ns.collapse()
	k := len(ns.dims)
	if k == 0 {
		return ns.emitSingle()
	}
	stmts := ns.emitInner(k - 1)
	for j := k - 2; j >= 0; j-- {
		stmts = []jen.Code{jen.For(jen.Id(loopIndex(j)).Op(":=").Range().Add(ns.dims[j].code())).Block(stmts...)}
	}
	if k == 1 {
		// The innermost level declares its rows; a block keeps them out of the
		// function's scope.
		return []jen.Code{jen.Block(stmts...)}
	}
	return stmts
}

func loopIndex(j int) string { return "i" + strconv.Itoa(j) }

func operandName(j int) string { return string(rune('a' + j)) }

// name returns the name of operand j's row or scalar.
func (ns *nest) name(j int) string {
	if ns.names != nil {
		return ns.names(j)
	}
	return operandName(j)
}

// outRowName returns the name of the row of output j: o for out, o1, o2, ... for
// the outputs in more.
func outRowName(j int) string {
	if j == 0 {
		return "o"
	}
	return "o" + strconv.Itoa(j)
}

// callBody returns the body's statements for the output elements dsts, out's
// first.
func (ns *nest) callBody(dsts, srcs []jen.Code) []jen.Code {
	if ns.multiBody != nil {
		return ns.multiBody(dsts, srcs)
	}
	return ns.body(dsts[0], srcs)
}

// offset returns a's offset at the innermost loop, base plus the outer indices times
// their strides, and whether it is the constant 0.
func (ns *nest) offset(a *access, level int) (*jen.Statement, bool) {
	var terms []*jen.Statement
	for j := 0; j < level; j++ {
		switch s := a.strides[j]; s {
		case 0:
		case 1:
			terms = append(terms, jen.Id(loopIndex(j)))
		default:
			terms = append(terms, jen.Id(loopIndex(j)).Op("*").Lit(s))
		}
	}
	if a.base != 0 {
		terms = append(terms, jen.Lit(a.base))
	}
	if len(terms) == 0 {
		return jen.Lit(0), true
	}
	off := terms[0]
	for _, t := range terms[1:] {
		off = jen.Add(off).Op("+").Add(t)
	}
	return off, false
}

// row returns a's elements along the innermost loop as a slice expression of length
// length: a[off:][:length], or a[:length] at offset 0.
func (ns *nest) row(a *access, level int, length jen.Code) *jen.Statement {
	off, zero := ns.offset(a, level)
	if zero {
		return a.slice().Index(jen.Empty(), length)
	}
	return a.slice().Index(off, jen.Empty()).Index(jen.Empty(), length)
}

// at returns a's element at the innermost loop index i times stride.
func (ns *nest) at(a *access, level int, stride int) *jen.Statement {
	off, zero := ns.offset(a, level)
	var idx *jen.Statement
	switch {
	case stride == 0:
		idx = off
	case zero && stride == 1:
		idx = jen.Id("i")
	case zero:
		idx = jen.Id("i").Op("*").Lit(stride)
	case stride == 1:
		idx = jen.Add(off).Op("+").Id("i")
	default:
		idx = jen.Add(off).Op("+").Id("i").Op("*").Lit(stride)
	}
	return a.slice().Index(idx)
}

// emitInner returns the innermost loop with the rows and scalars it reads declared
// before it.
func (ns *nest) emitInner(level int) []jen.Code {
	e := ns.dims[level]
	var pre, post []jen.Code
	var dst jen.Code
	var length, rangeOver jen.Code = e.code(), e.code()
	outRow := ""

	switch s := ns.out.strides[level]; {
	case s == 1 && level == 0 && ns.out.base == 0 && ns.outWhole:
		outRow = "o"
		pre = append(pre, jen.Id("o").Op(":=").Add(ns.out.slice()))
	case s == 1:
		outRow = "o"
		pre = append(pre, jen.Id("o").Op(":=").Add(ns.row(&ns.out, level, e.code())))
	case s == 0:
		// Every element of the loop lands on one output element: accumulate in a
		// local and store it once.
		pre = append(pre, jen.Id("s").Op(":=").Add(ns.at(&ns.out, level, 0)))
		post = append(post, jen.Add(ns.at(&ns.out, level, 0)).Op("=").Id("s"))
		dst = jen.Id("s")
	default:
		dst = ns.at(&ns.out, level, s)
	}
	if outRow != "" {
		length = jen.Len(jen.Id(outRow))
		rangeOver = jen.Id(outRow)
		dst = jen.Id(outRow).Index(jen.Id("i"))
	}
	dsts := []jen.Code{dst}
	for j := range ns.more {
		o := &ns.more[j]
		switch s := o.strides[level]; s {
		case 1:
			name := outRowName(j + 1)
			pre = append(pre, jen.Id(name).Op(":=").Add(ns.row(o, level, length)))
			dsts = append(dsts, jen.Id(name).Index(jen.Id("i")))
			if outRow == "" {
				outRow = name
				length = jen.Len(jen.Id(name))
				rangeOver = jen.Id(name)
			}
		case 0:
			name := "s" + strconv.Itoa(j+1)
			pre = append(pre, jen.Id(name).Op(":=").Add(ns.at(o, level, 0)))
			post = append(post, jen.Add(ns.at(o, level, 0)).Op("=").Id(name))
			dsts = append(dsts, jen.Id(name))
		default:
			dsts = append(dsts, ns.at(o, level, s))
		}
	}

	srcs := make([]jen.Code, len(ns.ins))
	firstRow := ""
	for j := range ns.ins {
		in := &ns.ins[j]
		name := ns.name(j)
		switch {
		case in.scalar != nil:
			pre = append(pre, jen.Id(name).Op(":=").Add(in.scalar()))
			srcs[j] = jen.Id(name)
		case in.strides[level] == 0:
			pre = append(pre, jen.Id(name).Op(":=").Add(ns.at(in, level, 0)))
			srcs[j] = jen.Id(name)
		case in.strides[level] == 1:
			pre = append(pre, jen.Id(name).Op(":=").Add(ns.row(in, level, length)))
			srcs[j] = jen.Id(name).Index(jen.Id("i"))
			if firstRow == "" {
				firstRow = name
			}
		default:
			srcs[j] = ns.at(in, level, in.strides[level])
		}
	}
	if outRow == "" && firstRow != "" {
		rangeOver = jen.Id(firstRow)
	}

	if ns.vector != nil {
		rows := []jen.Code{jen.Id(outRowName(0))}
		for j := range ns.more {
			rows = append(rows, jen.Id(outRowName(j+1)))
		}
		ins := make([]jen.Code, len(ns.ins))
		for j := range ns.ins {
			ins[j] = srcs[j]
			if in := &ns.ins[j]; in.scalar == nil && in.strides[level] == 1 {
				ins[j] = jen.Id(ns.name(j))
			}
		}
		return append(append(pre, ns.vector(rows, ins)...), post...)
	}
	if ns.isCopy && outRow != "" && firstRow == ns.name(0) {
		return append(pre, jen.Copy(jen.Id(outRow), jen.Id(firstRow)))
	}
	loop := jen.For(jen.Id("i").Op(":=").Range().Add(rangeOver)).Block(ns.callBody(dsts, srcs)...)
	return append(append(pre, loop), post...)
}

// emitSingle returns the statements for a nest without loops: one element.
func (ns *nest) emitSingle() []jen.Code {
	var pre []jen.Code
	srcs := make([]jen.Code, len(ns.ins))
	for j := range ns.ins {
		in := &ns.ins[j]
		if in.scalar != nil {
			// A constant goes through a variable: Go rejects some constant
			// expressions (an integer conversion of 0.5) that are fine at run time.
			name := ns.name(j)
			pre = append(pre, jen.Id(name).Op(":=").Add(in.scalar()))
			srcs[j] = jen.Id(name)
			continue
		}
		srcs[j] = in.slice().Index(jen.Lit(in.base))
	}
	dsts := []jen.Code{ns.out.slice().Index(jen.Lit(ns.out.base))}
	for _, o := range ns.more {
		dsts = append(dsts, o.slice().Index(jen.Lit(o.base)))
	}
	stmts := ns.callBody(dsts, srcs)
	// A fused body declares locals, which a block keeps apart from those of
	// other steps.
	if len(pre) == 0 && ns.multiBody == nil {
		return stmts
	}
	return []jen.Code{jen.Block(append(pre, stmts...)...)}
}
