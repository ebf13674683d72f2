package passes

import (
	"math/rand/v2"

	"github.com/nncc/nncc/ir"
)

func gradShape(dims ...int) ir.Shape { return ir.Shape(dims) }

const dimN = ir.Batch

// gradCases returns the finite-difference cases: every differentiable op, each
// operand, broadcasting on each side and a batch dimension.
func gradCases() []gradCase {
	var cs []gradCase
	cs = append(cs, unaryGradCases()...)
	cs = append(cs, binaryGradCases()...)
	cs = append(cs, otherGradCases()...)
	cs = append(cs, reduceGradCases()...)
	cs = append(cs, layoutGradCases()...)
	cs = append(cs, indexGradCases()...)
	cs = append(cs, convGradCases()...)
	cs = append(cs, softmaxGradCases()...)
	return cs
}

func unaryGradCases() []gradCase {
	gens := map[ir.Op]func(*rand.Rand) float64{
		ir.OpNeg:     fdUniform(-2, 2),
		ir.OpAbs:     fdAwayFromZero,
		ir.OpExp:     fdUniform(-2, 2),
		ir.OpLog:     fdUniform(0.5, 2),
		ir.OpLog1p:   fdUniform(-0.5, 2),
		ir.OpSqrt:    fdUniform(0.5, 2),
		ir.OpSigmoid: fdUniform(-3, 3),
		ir.OpTanh:    fdUniform(-2, 2),
		ir.OpRelu:    fdAwayFromZero,
	}
	var cs []gradCase
	for _, op := range ir.Ops() {
		gen, ok := gens[op]
		if !ok {
			continue
		}
		cs = append(cs, gradCase{
			name: op.String(),
			op:   op,
			in:   []gradInput{fdInputGen("x", gradShape(dimN, 3), gen)},
			build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
				return b.Unary(op, in[0])
			},
		})
	}
	return cs
}

func binaryGradCases() []gradCase {
	shapes := []struct {
		name   string
		xs, ys ir.Shape
	}{
		{"same", gradShape(dimN, 3), gradShape(dimN, 3)},
		{"right_broadcast", gradShape(dimN, 3), gradShape(3)},
		{"left_broadcast", gradShape(1, 3), gradShape(dimN, 3)},
		{"both_broadcast", gradShape(dimN, 1, 3), gradShape(2, 1)},
		{"scalar_left", gradShape(), gradShape(dimN, 2)},
	}
	gens := []struct {
		op     ir.Op
		gx, gy func(*rand.Rand) float64
	}{
		{ir.OpAdd, fdUniform(-2, 2), fdUniform(-2, 2)},
		{ir.OpSub, fdUniform(-2, 2), fdUniform(-2, 2)},
		{ir.OpMul, fdUniform(-2, 2), fdUniform(-2, 2)},
		{ir.OpDiv, fdUniform(-2, 2), fdAwayFromZero},
		{ir.OpMax, fdUniform(-2, 2), fdUniform(-2, 2)},
		{ir.OpMin, fdUniform(-2, 2), fdUniform(-2, 2)},
		{ir.OpPow, fdUniform(0.5, 2), fdUniform(-2, 2)},
	}
	var cs []gradCase
	for _, g := range gens {
		for _, s := range shapes {
			cs = append(cs, gradCase{
				name: g.op.String() + "_" + s.name,
				op:   g.op,
				in:   []gradInput{fdInputGen("x", s.xs, g.gx), fdInputGen("y", s.ys, g.gy)},
				build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
					return b.Binary(g.op, in[0], in[1])
				},
			})
		}
	}
	// A value used twice accumulates both contributions.
	cs = append(cs, gradCase{
		name: "mul_same_operand",
		op:   ir.OpMul,
		in:   []gradInput{fdInput("x", gradShape(dimN, 3))},
		build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
			return b.Mul(in[0], in[0])
		},
	})
	return cs
}

func otherGradCases() []gradCase {
	cs := []gradCase{
		{
			name: "select_broadcast",
			op:   ir.OpSelect,
			in:   []gradInput{fdBoolInput("c", gradShape(dimN, 1)), fdInput("a", gradShape(dimN, 3)), fdInput("b", gradShape(3))},
			build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
				return b.Select(in[0], in[1], in[2])
			},
		},
		{
			name: "select_scalar_branch",
			op:   ir.OpSelect,
			in:   []gradInput{fdBoolInput("c", gradShape(dimN, 3)), fdInput("a", gradShape()), fdInput("b", gradShape(dimN, 3))},
			build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
				return b.Select(in[0], in[1], in[2])
			},
		},
		{
			name: "cast_f64_f64",
			op:   ir.OpCast,
			in:   []gradInput{fdInput("x", gradShape(dimN, 3))},
			build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
				return b.Cast(in[0], ir.F64)
			},
		},
	}
	mm := []struct {
		name   string
		as, bs ir.Shape
		ta, tb bool
	}{
		{"matmul_batch_rows", gradShape(dimN, 4), gradShape(4, 3), false, false},
		{"matmul_trans_a_contract_batch", gradShape(dimN, 4), gradShape(dimN, 3), true, false},
		{"matmul_trans_b", gradShape(dimN, 4), gradShape(3, 4), false, true},
		{"matmul_trans_both", gradShape(4, 3), gradShape(2, 4), true, true},
		{"matmul_batched", gradShape(dimN, 2, 4), gradShape(dimN, 4, 3), false, false},
		{"matmul_batched_trans_a", gradShape(dimN, 4, 2), gradShape(dimN, 4, 3), true, false},
		{"matmul_batched_trans_b", gradShape(dimN, 2, 4), gradShape(dimN, 3, 4), false, true},
		{"matmul_batched_trans_both", gradShape(dimN, 4, 2), gradShape(dimN, 3, 4), true, true},
	}
	for _, m := range mm {
		cs = append(cs, gradCase{
			name: m.name,
			op:   ir.OpMatMul,
			in:   []gradInput{fdInput("a", m.as), fdInput("b", m.bs)},
			build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
				return b.MatMul(in[0], in[1], m.ta, m.tb)
			},
		})
	}
	return cs
}

func reduceGradCases() []gradCase {
	axes := []struct {
		name string
		axes []int
		keep bool
	}{
		{"last", []int{2}, false},
		{"batch_keep", []int{0}, true},
		{"all", []int{0, 1, 2}, false},
		{"middle_keep", []int{1}, true},
		{"outer_two", []int{0, 2}, false},
	}
	var cs []gradCase
	for _, op := range []ir.Op{ir.OpSum, ir.OpMean, ir.OpReduceMax} {
		for _, a := range axes {
			cs = append(cs, gradCase{
				name: op.String() + "_" + a.name,
				op:   op,
				in:   []gradInput{fdInput("x", gradShape(dimN, 2, 3))},
				build: func(b *ir.Builder, in []*ir.Value) *ir.Value {
					return b.Reduce(op, in[0], a.axes, a.keep)
				},
			})
		}
	}
	return cs
}
