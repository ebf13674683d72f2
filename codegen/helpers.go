package codegen

import (
	"slices"

	"github.com/dave/jennifer/jen"
	"github.com/nncc/nncc/ir"
)

// helperSet collects the small unexported functions that kernels call, such as a
// numerically stable sigmoid, so each is emitted once and only when used.
type helperSet struct {
	decls map[string]jen.Code
}

func newHelperSet() *helperSet { return &helperSet{decls: make(map[string]jen.Code)} }

func (h *helperSet) empty() bool { return len(h.decls) == 0 }

// use records the helper called name, built by decl on first use, and returns name.
func (h *helperSet) use(name string, decl func(name string) jen.Code) string {
	if _, ok := h.decls[name]; !ok {
		h.decls[name] = decl(name)
	}
	return name
}

// emit adds the helpers to f sorted by name.
func (h *helperSet) emit(f *jen.File) {
	names := make([]string, 0, len(h.decls))
	for name := range h.decls {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		f.Add(h.decls[name])
		f.Line()
	}
}

// mathCall returns math.fn(args...) in dtype dt: float32 operands go through float64
// and the result is rounded back.
func mathCall(dt ir.DType, fn string, args ...jen.Code) *jen.Statement {
	if dt == ir.F64 {
		return jen.Qual("math", fn).Call(args...)
	}
	wide := make([]jen.Code, len(args))
	for i, a := range args {
		wide[i] = jen.Float64().Parens(a)
	}
	return jen.Float32().Parens(jen.Qual("math", fn).Call(wide...))
}

// sigmoid returns the helper computing 1/(1+exp(-x)) without overflow: for x < 0 it
// uses exp(x)/(1+exp(x)), so exp never gets a large positive argument.
func (h *helperSet) sigmoid(dt ir.DType) string {
	return h.use("sigmoid"+dtypeSuffix(dt), func(name string) jen.Code {
		t := goType(dt)
		return jen.Comment(lineComment("%s returns the logistic sigmoid of x, 1/(1+exp(-x)), without overflow for large |x|.", name)).Line().
			Func().Id(name).Params(jen.Id("x").Id(t)).Id(t).Block(
			jen.If(jen.Id("x").Op(">=").Lit(0)).Block(
				jen.Return(jen.Id(t).Parens(jen.Lit(1).Op("/").Parens(jen.Lit(1).Op("+").Qual("math", "Exp").Call(jen.Op("-").Float64().Parens(jen.Id("x")))))),
			),
			jen.Id("e").Op(":=").Qual("math", "Exp").Call(jen.Float64().Parens(jen.Id("x"))),
			jen.Return(jen.Id(t).Parens(jen.Id("e").Op("/").Parens(jen.Lit(1).Op("+").Id("e")))),
		)
	})
}

// relu returns the helper computing max(x, 0) that keeps NaN, as PyTorch does.
func (h *helperSet) relu(dt ir.DType) string {
	return h.use("relu"+dtypeSuffix(dt), func(name string) jen.Code {
		t := goType(dt)
		return jen.Comment(lineComment("%s returns max(x, 0), and NaN for NaN.", name)).Line().
			Func().Id(name).Params(jen.Id("x").Id(t)).Id(t).Block(
			jen.If(jen.Id("x").Op(">").Lit(0).Op("||").Id("x").Op("!=").Id("x")).Block(jen.Return(jen.Id("x"))),
			jen.Return(jen.Lit(0)),
		)
	})
}

// sign returns the helper computing -1, 0 or +1, keeping zero and NaN as they are.
func (h *helperSet) sign(dt ir.DType) string {
	return h.use("sign"+dtypeSuffix(dt), func(name string) jen.Code {
		t := goType(dt)
		return jen.Comment(lineComment("%s returns -1, 0 or +1 by the sign of x; zero and NaN are returned as they are.", name)).Line().
			Func().Id(name).Params(jen.Id("x").Id(t)).Id(t).Block(
			jen.Switch().Block(
				jen.Case(jen.Id("x").Op(">").Lit(0)).Block(jen.Return(jen.Lit(1))),
				jen.Case(jen.Id("x").Op("<").Lit(0)).Block(jen.Return(jen.Lit(-1))),
			),
			jen.Return(jen.Id("x")),
		)
	})
}

// abs returns the helper computing |x| for an integer dtype. Floats use math.Abs.
func (h *helperSet) abs(dt ir.DType) string {
	return h.use("abs"+dtypeSuffix(dt), func(name string) jen.Code {
		t := goType(dt)
		return jen.Comment(lineComment("%s returns |x|; the most negative %s stays as it is, as in two's complement negation.", name, t)).Line().
			Func().Id(name).Params(jen.Id("x").Id(t)).Id(t).Block(
			jen.If(jen.Id("x").Op("<").Lit(0)).Block(jen.Return(jen.Op("-").Id("x"))),
			jen.Return(jen.Id("x")),
		)
	})
}

// boolTo returns the helper converting a bool to 0 or 1 of dtype dt.
func (h *helperSet) boolTo(dt ir.DType) string {
	return h.use("boolTo"+dtypeSuffix(dt), func(name string) jen.Code {
		return jen.Comment(lineComment("%s returns 1 for true and 0 for false.", name)).Line().
			Func().Id(name).Params(jen.Id("b").Bool()).Id(goType(dt)).Block(
			jen.If(jen.Id("b")).Block(jen.Return(jen.Lit(1))),
			jen.Return(jen.Lit(0)),
		)
	})
}

// argmax returns the helper finding the first maximum of a strided row. A NaN counts
// as greater than every number, so the first NaN wins, as in PyTorch.
func (h *helperSet) argmax(dt ir.DType) string {
	return h.use("argmax"+dtypeSuffix(dt), func(name string) jen.Code {
		x := func(idx jen.Code) *jen.Statement { return jen.Id("x").Index(idx) }
		return jen.Comment(lineComment("%s returns the index j < k of the first maximum of x[j*stride]. A NaN counts", name)).Line().
			Comment("// as greater than every number, so the first NaN wins.").Line().
			Func().Id(name).Params(jen.Id("x").Index().Id(goType(dt)), jen.List(jen.Id("k"), jen.Id("stride")).Int()).Int().Block(
			jen.List(jen.Id("best"), jen.Id("at")).Op(":=").List(x(jen.Lit(0)), jen.Lit(0)),
			jen.For(jen.Id("j").Op(":=").Lit(1), jen.Id("j").Op("<").Id("k").Op("&&").Id("best").Op("==").Id("best"), jen.Id("j").Op("++")).Block(
				jen.If(jen.Id("e").Op(":=").Add(x(jen.Id("j").Op("*").Id("stride"))), jen.Id("e").Op(">").Id("best").Op("||").Id("e").Op("!=").Id("e")).Block(
					jen.List(jen.Id("best"), jen.Id("at")).Op("=").List(jen.Id("e"), jen.Id("j")),
				),
			),
			jen.Return(jen.Id("at")),
		)
	})
}

// panicIndex returns the helper that reports an index outside its axis.
func (h *helperSet) panicIndex() string {
	return h.use("panicIndex", func(name string) jen.Code {
		return jen.Comment(lineComment("%s panics because index k of op is outside [0, extent).", name)).Line().
			Func().Id(name).Params(jen.Id("op").String(), jen.Id("k").Int64(), jen.Id("extent").Int()).Block(
			jen.Qual(runtimePath, "PanicIndex").Call(jen.Id("op"), jen.Id("k"), jen.Id("extent")),
		)
	})
}
