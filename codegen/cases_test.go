package codegen

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nncc/nncc/ir"
)

// Generators of input elements.

func positive(r *rand.Rand) float64 { return 0.1 + 2*r.Float64() }

// withZeros draws normal values and returns some as exact zeros.
func withZeros(r *rand.Rand) float64 {
	if r.IntN(4) == 0 {
		return 0
	}
	return r.NormFloat64()
}

// wide draws values up to ±60, where exp overflows f32.
func wide(r *rand.Rand) float64 { return 120 * (r.Float64() - 0.5) }

// smallInts draws integers in [lo, hi].
func smallInts(lo, hi int) func(r *rand.Rand) float64 {
	return func(r *rand.Rand) float64 { return float64(lo + r.IntN(hi-lo+1)) }
}

// nonzeroInts draws integers in [-hi, hi] other than 0, so an integer pow never
// divides by zero.
func nonzeroInts(hi int) func(r *rand.Rand) float64 {
	return func(r *rand.Rand) float64 {
		k := 1 + r.IntN(hi)
		if r.IntN(2) == 0 {
			k = -k
		}
		return float64(k)
	}
}

// withSpecials draws normal values with some NaN and infinities.
func withSpecials(r *rand.Rand) float64 {
	switch r.IntN(8) {
	case 0:
		return math.NaN()
	case 1:
		return math.Inf(1)
	case 2:
		return math.Inf(-1)
	}
	return r.NormFloat64()
}

// opTest is a predict-only graph over input x built by build, which returns the
// value for output "output".
type opTest struct {
	name  string
	dt    ir.DType
	shape ir.Shape // shape of x; default [N,3,4]
	build func(b *ir.Builder, x *ir.Value) *ir.Value
	opts  caseOpts
	plan  planKind
}

const opMaxBatch = 4

func (o opTest) genCase(t *testing.T) *genCase {
	shape := o.shape
	if shape == nil {
		shape = ir.Shape{ir.Batch, 3, 4}
	}
	dt := o.dt
	if dt == ir.Invalid {
		dt = ir.F32
	}
	g := buildGraph(t, o.name, opMaxBatch, func(b *ir.Builder) {
		x := b.Input("x", dt, shape)
		b.G.SetOutput("output", o.build(b, x))
	})
	return newCase(o.name, predictProgram(g, o.plan), o.opts)
}

// unaryTests covers every unary op in f32 and f64.
func unaryTests() []opTest {
	var tests []opTest
	gens := map[ir.Op]func(*rand.Rand) float64{
		ir.OpLog: positive, ir.OpSqrt: positive, ir.OpLog1p: positive,
		ir.OpSign: withZeros, ir.OpRelu: withZeros, ir.OpSigmoid: wide, ir.OpTanh: wide,
	}
	for _, dt := range []ir.DType{ir.F32, ir.F64} {
		for op := ir.OpNeg; op <= ir.OpRelu; op++ {
			tests = append(tests, opTest{
				name:  op.String() + "_" + dt.String(),
				dt:    dt,
				build: func(b *ir.Builder, x *ir.Value) *ir.Value { return b.Unary(op, x) },
				opts:  caseOpts{x: gens[op]},
			})
		}
	}
	for _, op := range []ir.Op{ir.OpNeg, ir.OpAbs, ir.OpSign} {
		tests = append(tests, opTest{
			name:  op.String() + "_i32",
			build: func(b *ir.Builder, x *ir.Value) *ir.Value { return b.Unary(op, b.Cast(x, ir.I32)) },
			opts:  caseOpts{x: smallInts(-3, 3)},
		})
	}
	tests = append(tests, opTest{
		name:  "abs_i64",
		build: func(b *ir.Builder, x *ir.Value) *ir.Value { return b.Unary(ir.OpAbs, b.Cast(x, ir.I64)) },
		opts:  caseOpts{x: smallInts(-3, 3)},
	})
	return tests
}

func param(b *ir.Builder, name string, dt ir.DType, shape ir.Shape) *ir.Value {
	return b.Param(name, dt, shape, ir.Init{Kind: ir.InitNormal, Std: 1})
}

// binaryTests covers the binary ops with the broadcasting patterns the kernels
// distinguish: same shape, a trailing row, a column, a scalar, both sides.
func binaryTests() []opTest {
	tests := []opTest{
		{name: "add_row", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Add(x, param(b, "bias", ir.F32, ir.Shape{4}))
		}},
		{name: "sub_column", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Sub(x, param(b, "c", ir.F32, ir.Shape{3, 1}))
		}},
		{name: "mul_scalar", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Mul(b.Scalar(ir.F32, 0.5), x)
		}},
		{name: "div_rows", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Div(x, b.Reduce(ir.OpSum, x, []int{2}, true))
		}, opts: caseOpts{x: positive}},
		{name: "max_batch_row", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Binary(ir.OpMax, b.Reshape(x, ir.Shape{ir.Batch, 1, 12}), b.Reshape(x, ir.Shape{ir.Batch, 12, 1}))
		}},
		{name: "min_scalar_nan", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Binary(ir.OpMin, x, b.Scalar(ir.F32, 0.25))
		}, opts: caseOpts{x: withSpecials}},
		{name: "max_nan", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Binary(ir.OpMax, x, param(b, "p", ir.F32, ir.Shape{3, 4}))
		}, opts: caseOpts{x: withSpecials}},
		{name: "pow_f64", dt: ir.F64, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Binary(ir.OpPow, x, param(b, "e", ir.F64, ir.Shape{1, 4}))
		}, opts: caseOpts{x: positive}},
		{name: "add_both_broadcast", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Add(x, b.Add(param(b, "col", ir.F32, ir.Shape{3, 1}), param(b, "row", ir.F32, ir.Shape{4})))
		}},
		{name: "mul_self", build: func(b *ir.Builder, x *ir.Value) *ir.Value { return b.Mul(x, x) }},
	}
	for _, op := range []ir.Op{ir.OpAdd, ir.OpSub, ir.OpMul, ir.OpDiv, ir.OpMax, ir.OpMin, ir.OpPow} {
		tests = append(tests, opTest{
			name: op.String() + "_i32",
			build: func(b *ir.Builder, x *ir.Value) *ir.Value {
				return b.Binary(op, b.Cast(x, ir.I32), b.Const(ir.I32, ir.Shape{4}, []float64{1, -2, 3, 2}))
			},
			opts: caseOpts{x: nonzeroInts(9)},
		})
	}
	return tests
}

// compareTests covers the compares, select and cast.
func compareTests() []opTest {
	var tests []opTest
	for op := ir.OpEq; op <= ir.OpGe; op++ {
		tests = append(tests, opTest{
			name: op.String(),
			build: func(b *ir.Builder, x *ir.Value) *ir.Value {
				return b.Binary(op, x, b.Const(ir.F32, ir.Shape{4}, []float64{0, 1, -1, 2}))
			},
			opts: caseOpts{x: smallInts(-2, 2)},
		})
	}
	tests = append(tests,
		opTest{name: "eq_bool", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			zero := b.Scalar(ir.F32, 0)
			return b.Binary(ir.OpEq, b.Binary(ir.OpGt, x, zero), b.Binary(ir.OpLt, b.Neg(x), zero))
		}, opts: caseOpts{x: withZeros}},
		opTest{name: "select_param", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Select(b.Binary(ir.OpGt, x, b.Scalar(ir.F32, 0)), x, param(b, "other", ir.F32, ir.Shape{4}))
		}},
		opTest{name: "select_scalars", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Select(b.Binary(ir.OpGt, x, b.Scalar(ir.F32, 0)), b.Scalar(ir.F32, 1), b.Scalar(ir.F32, -1))
		}},
	)
	casts := []struct {
		name     string
		from, to ir.DType
		gen      func(*rand.Rand) float64
	}{
		{"cast_f32_i32", ir.F32, ir.I32, wide},
		{"cast_f32_f64", ir.F32, ir.F64, normal},
		{"cast_f64_f32", ir.F64, ir.F32, normal},
		{"cast_f32_bool", ir.F32, ir.Bool, withZeros},
		{"cast_f64_i64", ir.F64, ir.I64, wide},
	}
	for _, c := range casts {
		tests = append(tests, opTest{
			name: c.name, dt: c.from,
			build: func(b *ir.Builder, x *ir.Value) *ir.Value { return b.Cast(x, c.to) },
			opts:  caseOpts{x: c.gen},
		})
	}
	tests = append(tests,
		opTest{name: "cast_bool_f32", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Cast(b.Binary(ir.OpGt, x, b.Scalar(ir.F32, 0)), ir.F32)
		}},
		opTest{name: "cast_i32_i64_f64", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Cast(b.Cast(b.Cast(x, ir.I32), ir.I64), ir.F64)
		}, opts: caseOpts{x: wide}},
		opTest{name: "cast_const", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Add(b.Cast(x, ir.I32), b.Cast(b.Scalar(ir.F32, 2.5), ir.I32))
		}},
	)
	return tests
}

// reduceTests covers reductions over inner, outer, batch and several axes, argmax
// along contiguous and strided rows, and size.
func reduceTests() []opTest {
	reduce := func(op ir.Op, axes []int, keep bool) func(b *ir.Builder, x *ir.Value) *ir.Value {
		return func(b *ir.Builder, x *ir.Value) *ir.Value { return b.Reduce(op, x, axes, keep) }
	}
	return []opTest{
		{name: "sum_inner", build: reduce(ir.OpSum, []int{2}, false)},
		{name: "sum_middle", build: reduce(ir.OpSum, []int{1}, true)},
		{name: "sum_batch", build: reduce(ir.OpSum, []int{0}, false)},
		{name: "sum_batch_inner", build: reduce(ir.OpSum, []int{0, 2}, false)},
		{name: "sum_all_f64", dt: ir.F64, build: reduce(ir.OpSum, []int{0, 1, 2}, false)},
		{name: "mean_inner", build: reduce(ir.OpMean, []int{2}, true)},
		{name: "mean_all", build: reduce(ir.OpMean, []int{0, 1, 2}, false)},
		{name: "mean_batch_f64", dt: ir.F64, build: reduce(ir.OpMean, []int{0}, false)},
		{name: "reduce_max_inner", build: reduce(ir.OpReduceMax, []int{2}, false), opts: caseOpts{x: withSpecials}},
		{name: "reduce_max_middle", build: reduce(ir.OpReduceMax, []int{1}, false)},
		{name: "reduce_max_batch", build: reduce(ir.OpReduceMax, []int{0}, true)},
		{name: "argmax_inner", build: reduce(ir.OpArgMax, []int{2}, false), opts: caseOpts{x: smallInts(0, 3)}},
		{name: "argmax_nan", build: reduce(ir.OpArgMax, []int{2}, false), opts: caseOpts{x: withSpecials}},
		{name: "argmax_middle", build: reduce(ir.OpArgMax, []int{1}, false), opts: caseOpts{x: smallInts(0, 2)}},
		{name: "argmax_batch", build: reduce(ir.OpArgMax, []int{0}, true)},
		{name: "size_batch", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Mul(x, b.Size(x, []int{0, 2}, ir.F32))
		}},
		{name: "size_static_i64", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Size(x, []int{1, 2}, ir.I64)
		}},
	}
}

// matmulTests covers plain, transposed and batched products, with the batch
// dimension as rows and as the contracted dimension.
func matmulTests() []opTest {
	w := func(b *ir.Builder, shape ir.Shape) *ir.Value { return param(b, "w", ir.F32, shape) }
	return []opTest{
		{name: "matmul", shape: ir.Shape{ir.Batch, 6}, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.MatMul(x, w(b, ir.Shape{6, 5}), false, false)
		}},
		{name: "matmul_transb", shape: ir.Shape{ir.Batch, 6}, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.MatMul(x, w(b, ir.Shape{5, 6}), false, true)
		}},
		{name: "matmul_batch_contracted", shape: ir.Shape{ir.Batch, 6}, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			// A weight gradient: xᵀ·(x·w) contracts over the batch.
			h := b.MatMul(x, w(b, ir.Shape{6, 5}), false, false)
			return b.MatMul(x, h, true, false)
		}},
		{name: "matmul_transb_f64", dt: ir.F64, shape: ir.Shape{ir.Batch, 6}, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.MatMul(x, param(b, "w", ir.F64, ir.Shape{5, 6}), false, true)
		}},
		{name: "matmul_trans_both", shape: ir.Shape{ir.Batch, 6}, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.MatMul(param(b, "p", ir.F32, ir.Shape{6, 5}), param(b, "q", ir.F32, ir.Shape{4, 6}), true, true)
		}},
		{name: "batch_matmul", shape: ir.Shape{ir.Batch, 3, 4}, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			y := b.Reshape(b.Exp(x), ir.Shape{ir.Batch, 4, 3})
			return b.MatMul(x, y, false, false)
		}},
		{name: "batch_matmul_trans", shape: ir.Shape{ir.Batch, 3, 4}, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.MatMul(x, b.Exp(x), true, false)
		}},
	}
}

// layoutTests covers reshape, transpose, broadcast, slice and concat.
func layoutTests() []opTest {
	return []opTest{
		{name: "reshape", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Exp(b.Reshape(x, ir.Shape{ir.Batch, 2, 6}))
		}},
		{name: "transpose_inner", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Transpose(x, []int{0, 2, 1})
		}},
		{name: "transpose_4d", shape: ir.Shape{ir.Batch, 2, 3, 4}, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Transpose(x, []int{0, 3, 1, 2})
		}},
		{name: "transpose_keeps_rows", shape: ir.Shape{ir.Batch, 2, 3, 4}, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Transpose(x, []int{0, 2, 1, 3})
		}},
		{name: "transpose_param", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Add(x, b.Transpose(param(b, "p", ir.F32, ir.Shape{4, 3}), []int{1, 0}))
		}},
		{name: "broadcast_param", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Broadcast(param(b, "p", ir.F32, ir.Shape{3, 1}), ir.Shape{ir.Batch, 3, 4})
		}},
		{name: "broadcast_middle", shape: ir.Shape{ir.Batch, 1, 4}, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Broadcast(x, ir.Shape{ir.Batch, 3, 4})
		}},
		{name: "broadcast_scalar_const", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Add(x, b.Broadcast(b.Scalar(ir.F32, 1.5), ir.Shape{3, 4}))
		}},
		{name: "slice", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Slice(x, []int{0, 1, 1}, []int{ir.Batch, 3, 3})
		}},
		{name: "slice_rows", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Slice(x, []int{0, 1, 0}, []int{ir.Batch, 2, 4})
		}},
		{name: "slice_param", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Add(x, b.Slice(param(b, "p", ir.F32, ir.Shape{5, 6}), []int{1, 2}, []int{4, 6}))
		}},
		{name: "concat_inner", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Concat(2, x, b.Exp(x), b.Slice(x, []int{0, 0, 1}, []int{ir.Batch, 3, 2}))
		}},
		{name: "concat_middle", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Concat(1, x, b.Neg(x))
		}},
		{name: "concat_static_i32", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Concat(0, b.Const(ir.I32, ir.Shape{2, 2}, []float64{1, 2, 3, 4}), b.Const(ir.I32, ir.Shape{1, 2}, []float64{5, 6}))
		}},
	}
}

// indexTests covers gather, scatter_add and one_hot along leading and inner axes.
func indexTests() []opTest {
	column := func(b *ir.Builder, x *ir.Value, k int) *ir.Value {
		return b.Cast(b.Reshape(b.Slice(x, []int{0, k}, []int{ir.Batch, k + 1}), ir.Shape{ir.Batch}), ir.I32)
	}
	indices := caseOpts{x: smallInts(0, 4)}
	return []opTest{
		{name: "gather_rows", shape: ir.Shape{ir.Batch, 2}, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Gather(param(b, "table", ir.F32, ir.Shape{5, 3}), b.Cast(x, ir.I32), 0)
		}, opts: caseOpts{
			x:         smallInts(0, 4),
			panicX:    []float64{0, 1, 2, 3, 4, 7, 0, 0},
			panicWant: "nncc: gather: index 7 out of range [0, 5)",
		}},
		{name: "gather_scalars_i64", shape: ir.Shape{ir.Batch, 2}, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Gather(param(b, "table", ir.F32, ir.Shape{5}), b.Cast(x, ir.I64), 0)
		}, opts: indices},
		{name: "gather_inner", shape: ir.Shape{ir.Batch, 5}, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Gather(x, b.Const(ir.I32, ir.Shape{2, 2}, []float64{4, 0, 2, 2}), 1)
		}},
		{name: "gather_middle", shape: ir.Shape{ir.Batch, 5, 2}, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Gather(x, b.Const(ir.I32, ir.Shape{3}, []float64{1, 4, 1}), 1)
		}},
		{name: "scatter_add_rows", shape: ir.Shape{ir.Batch, 4}, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			updates := b.Slice(x, []int{0, 1}, []int{ir.Batch, 4})
			return b.ScatterAdd(column(b, x, 0), updates, 0, ir.Shape{5, 3})
		}, opts: caseOpts{
			x:         smallInts(0, 4),
			panicX:    []float64{1, 0, 0, 0, -1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0},
			panicWant: "nncc: scatter_add: index -1 out of range [0, 5)",
		}},
		{name: "scatter_add_inner", shape: ir.Shape{ir.Batch, 3}, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.ScatterAdd(b.Const(ir.I32, ir.Shape{3}, []float64{0, 2, 2}), x, 1, ir.Shape{ir.Batch, 6})
		}},
		{name: "scatter_add_scalars", shape: ir.Shape{ir.Batch}, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.ScatterAdd(b.Cast(x, ir.I32), b.Exp(x), 0, ir.Shape{5})
		}, opts: indices},
		{name: "one_hot", shape: ir.Shape{ir.Batch, 2}, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.OneHot(b.Cast(x, ir.I32), 4, ir.F32)
		}, opts: caseOpts{x: smallInts(-1, 4)}},
		{name: "one_hot_bool", shape: ir.Shape{ir.Batch}, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.OneHot(b.Cast(x, ir.I64), 3, ir.Bool)
		}, opts: caseOpts{x: smallInts(0, 2)}},
	}
}

// constTests covers constants: non-scalar tables, values Go constants cannot
// write, and a table long enough to wrap.
func constTests() []opTest {
	long := make([]float64, 24)
	for i := range long {
		long[i] = float64(i) / 7
	}
	return []opTest{
		{name: "const_specials", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			c := b.Const(ir.F32, ir.Shape{4}, []float64{math.NaN(), math.Inf(1), math.Copysign(0, -1), 1e39})
			return b.Add(x, c)
		}},
		{name: "const_specials_f64", dt: ir.F64, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Mul(x, b.Const(ir.F64, ir.Shape{4}, []float64{math.Inf(-1), 0.1, -2.5e-300, 1e300}))
		}},
		{name: "const_scalar_specials", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Div(b.Add(x, b.Scalar(ir.F32, math.Inf(-1))), b.Scalar(ir.F32, 0))
		}},
		{name: "const_long", shape: ir.Shape{ir.Batch, 2, 12}, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Sub(x, b.Const(ir.F32, ir.Shape{2, 12}, long))
		}},
		{name: "const_shared", shape: ir.Shape{ir.Batch, 4}, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			c1 := b.Const(ir.F32, ir.Shape{4}, []float64{1, 2, 3, 4})
			c2 := b.Const(ir.F32, ir.Shape{4}, []float64{1, 2, 3, 4})
			return b.Mul(b.Add(x, c1), c2)
		}},
		{name: "const_output", build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			return b.Const(ir.F32, ir.Shape{2}, []float64{3, 4})
		}},
	}
}

// inPlaceTests run chains of ops under a plan that reuses memory and computes
// elementwise ops in place.
func inPlaceTests() []opTest {
	return []opTest{
		{name: "inplace_chain", plan: planReuse, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			h := b.Exp(b.Neg(b.Add(x, param(b, "p", ir.F32, ir.Shape{4}))))
			s := b.Reduce(ir.OpSum, h, []int{2}, true)
			return b.Mul(b.Div(h, s), b.Unary(ir.OpTanh, h))
		}},
		{name: "inplace_mlp", plan: planReuse, shape: ir.Shape{ir.Batch, 6}, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
			h := b.Unary(ir.OpRelu, b.Add(b.MatMul(x, param(b, "w1", ir.F32, ir.Shape{5, 6}), false, true), param(b, "b1", ir.F32, ir.Shape{5})))
			h = b.Unary(ir.OpSigmoid, b.Add(b.MatMul(h, param(b, "w2", ir.F32, ir.Shape{5, 5}), false, true), param(b, "b2", ir.F32, ir.Shape{5})))
			return b.Concat(1, h, b.Reshape(b.Reduce(ir.OpReduceMax, h, []int{1}, false), ir.Shape{ir.Batch, 1}))
		}},
	}
}
