package ir

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

const N = Batch

// inferCase builds one value from fresh inputs and expects its type, or an error.
type inferCase struct {
	name  string
	build func(b *Builder, in func(DType, ...int) *Value) *Value
	want  string // the value's type, for example f32[N,3]; empty when err is set
	err   string // a substring of the Builder's error
}

func TestBuilderInference(t *testing.T) {
	var cases []inferCase
	for _, group := range [][]inferCase{
		elementwiseCases, matmulCases, reduceCases, layoutCases, indexingCases, sourceCases,
	} {
		cases = append(cases, group...)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewGraph("infer", 8)
			b := NewBuilder(g)
			inputs := 0
			in := func(dt DType, dims ...int) *Value {
				inputs++
				return b.Input(fmt.Sprintf("in%d", inputs), dt, Shape(dims))
			}
			v := tc.build(b, in)
			err := b.Err()

			if tc.err != "" {
				if err == nil {
					t.Fatalf("no error, got %s; want an error containing %q", v.Type(), tc.err)
				}
				if !strings.Contains(err.Error(), tc.err) {
					t.Errorf("error %q, want it to contain %q", err, tc.err)
				}
				if v.DType != Invalid {
					t.Errorf("failed value has dtype %s, want invalid", v.DType)
				}
				if slices.Contains(g.Values, v) {
					t.Error("the failed value was added to the graph")
				}
				return
			}
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if got := v.Type(); got != tc.want {
				t.Errorf("type %s, want %s", got, tc.want)
			}
			// Every value the Builder makes must pass the verifier.
			if err := Verify(g); err != nil {
				t.Errorf("Verify: %v", err)
			}
		})
	}
}

var elementwiseCases = []inferCase{
	{"add equal shapes", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Add(in(F32, N, 3), in(F32, N, 3))
	}, "f32[N,3]", ""},
	{"add broadcast right", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Add(in(F32, N, 3), in(F32, 3))
	}, "f32[N,3]", ""},
	{"add broadcast left", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Add(in(F32, 3), in(F32, N, 3))
	}, "f32[N,3]", ""},
	{"add broadcast both", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Add(in(F32, N, 1), in(F32, 1, 4))
	}, "f32[N,4]", ""},
	{"add broadcast rank 3", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Sub(in(F64, 4, 1), in(F64, N, 1, 3))
	}, "f64[N,4,3]", ""},
	{"add scalar", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Mul(in(F32), in(F32, N, 2))
	}, "f32[N,2]", ""},
	{"add batch against 1", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Add(in(F32, 1, 3), in(F32, N, 3))
	}, "f32[N,3]", ""},
	{"add mismatch", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Add(in(F32, N, 3), in(F32, 4))
	}, "", "shapes [N,3] and [4] do not broadcast"},
	{"add batch against static", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Add(in(F32, N, 3), in(F32, 5, 3))
	}, "", "shapes [N,3] and [5,3] do not broadcast"},
	{"add moves batch inward", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Add(in(F32, N), in(F32, 2, 1))
	}, "", "broadcast the batch dimension away from the leading axis"},
	{"add dtype mismatch", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Add(in(F32, 3), in(F64, 3))
	}, "", "have dtypes f32 and f64, want one dtype"},
	{"add integers", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Add(in(I64), in(I64))
	}, "i64[]", ""},
	{"compare gives bool", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Binary(OpLt, in(F32, N, 3), in(F32, 3))
	}, "bool[N,3]", ""},
	{"compare integers", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Binary(OpEq, in(I32, N), in(I32, N))
	}, "bool[N]", ""},
	{"select broadcasts all three", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Select(in(Bool, N, 1), in(F32, 3), in(F32))
	}, "f32[N,3]", ""},
	{"select float condition", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Select(in(F32, 3), in(F32, 3), in(F32, 3))
	}, "", "has dtype f32, want bool"},
	{"select dtype mismatch", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Select(in(Bool, 3), in(F32, 3), in(I32, 3))
	}, "", "have dtypes f32 and i32"},
	{"select shape mismatch", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Select(in(Bool, 2), in(F32, 3), in(F32, 3))
	}, "", "do not broadcast"},
	{"unary float", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Exp(in(F64, N, 2))
	}, "f64[N,2]", ""},
	{"unary on integer", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Unary(OpSqrt, in(I32, 2))
	}, "", "has dtype i32, want f32 or f64"},
	{"neg integer", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Neg(in(I32, N))
	}, "i32[N]", ""},
	{"abs of bool", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Unary(OpAbs, in(Bool, N))
	}, "", "has dtype bool, want a float or integer dtype"},
	{"cast", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Cast(in(F32, N, 2), I32)
	}, "i32[N,2]", ""},
	{"cast to invalid", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Cast(in(F32, N, 2), Invalid)
	}, "", "invalid target dtype"},
	{"cast to unknown dtype", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Cast(in(F32, N, 2), DType(77))
	}, "", "invalid target dtype dtype(77)"},
}

var matmulCases = []inferCase{
	{"matmul", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.MatMul(in(F32, N, 784), in(F32, 784, 128), false, false)
	}, "f32[N,128]", ""},
	{"matmul transB", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.MatMul(in(F32, N, 784), in(F32, 128, 784), false, true)
	}, "f32[N,128]", ""},
	{"matmul transA contracts batch", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.MatMul(in(F32, N, 784), in(F32, N, 128), true, false)
	}, "f32[784,128]", ""},
	{"matmul both transposed", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.MatMul(in(F64, 3, 2), in(F64, 4, 3), true, true)
	}, "f64[2,4]", ""},
	{"matmul batched", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.MatMul(in(F32, N, 3, 4), in(F32, N, 4, 5), false, false)
	}, "f32[N,3,5]", ""},
	{"matmul batched transposed", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.MatMul(in(F32, 2, 4, 3), in(F32, 2, 5, 4), true, true)
	}, "f32[2,3,5]", ""},
	{"matmul contraction mismatch", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.MatMul(in(F32, N, 3), in(F32, 4, 5), false, false)
	}, "", "contracted extents differ"},
	{"matmul transposed mismatch", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.MatMul(in(F32, N, 3), in(F32, 3, 5), false, true)
	}, "", "contracted extents differ"},
	{"matmul batch against static contraction", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.MatMul(in(F32, N, 3), in(F32, 4, 3), true, false)
	}, "", "contracted extents differ"},
	{"matmul rank mismatch", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.MatMul(in(F32, N, 3, 4), in(F32, 4, 5), false, false)
	}, "", "want equal ranks of at least 2"},
	{"matmul rank 1", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.MatMul(in(F32, 3), in(F32, 3), false, false)
	}, "", "want equal ranks of at least 2"},
	{"matmul leading mismatch", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.MatMul(in(F32, 2, 3, 4), in(F32, 3, 4, 5), false, false)
	}, "", "leading dimensions of [2,3,4] and [3,4,5] differ"},
	{"matmul integers", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.MatMul(in(I32, 2, 2), in(I32, 2, 2), false, false)
	}, "", "want one float dtype"},
	{"matmul batch moved inward", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.MatMul(in(F32, N, 3), in(F32, N, 3), false, true)
	}, "", "the batch dimension must be the leading axis"},
}

var reduceCases = []inferCase{
	{"sum last axis keepdims", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Sum(in(F32, N, 3, 4), []int{-1}, true)
	}, "f32[N,3,1]", ""},
	{"sum over batch", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Sum(in(F32, N, 3, 4), []int{0}, false)
	}, "f32[3,4]", ""},
	{"sum unsorted axes", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Sum(in(F32, N, 3, 4), []int{2, 0}, false)
	}, "f32[3]", ""},
	{"mean over batch keepdims", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Mean(in(F32, N, 3, 4), []int{0}, true)
	}, "f32[1,3,4]", ""},
	{"mean all axes", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Mean(in(F32, N, 3), AllAxes(2), false)
	}, "f32[]", ""},
	{"reduce_max no axes", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Reduce(OpReduceMax, in(F32, N, 3), nil, false)
	}, "f32[N,3]", ""},
	{"reduce axis too large", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Sum(in(F32, N, 3, 4), []int{3}, false)
	}, "", "axis 3 out of range for rank 3"},
	{"reduce axis too negative", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Sum(in(F32, N, 3, 4), []int{-4}, false)
	}, "", "axis -4 out of range for rank 3"},
	{"reduce repeated axis", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Sum(in(F32, N, 3, 4), []int{1, -2}, false)
	}, "", "axis 1 repeated"},
	{"reduce integers", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Sum(in(I32, N), []int{0}, false)
	}, "", "has dtype i32, want f32 or f64"},
	{"argmax", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Reduce(OpArgMax, in(F32, N, 10), []int{1}, false)
	}, "i32[N]", ""},
	{"argmax keepdims", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Reduce(OpArgMax, in(F64, N, 10), []int{-1}, true)
	}, "i32[N,1]", ""},
	{"argmax two axes", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Reduce(OpArgMax, in(F32, N, 10), []int{0, 1}, false)
	}, "", "takes one axis"},
	{"size of batch", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Size(in(F32, N, 3), []int{0}, I32)
	}, "i32[]", ""},
	{"size of all axes", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Size(in(F32, N, 3), []int{-1, 0}, F32)
	}, "f32[]", ""},
	{"size in bool", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Size(in(F32, N, 3), []int{0}, Bool)
	}, "", "result dtype bool, want a float or integer dtype"},
	{"size axis out of range", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Size(in(F32, N, 3), []int{2}, I32)
	}, "", "axis 2 out of range"},
}

var layoutCases = []inferCase{
	{"reshape", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Reshape(in(F32, N, 2, 3), Shape{N, 6})
	}, "f32[N,6]", ""},
	{"reshape static", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Reshape(in(F32, 2, 3), Shape{6})
	}, "f32[6]", ""},
	{"reshape wrong count", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Reshape(in(F32, N, 6), Shape{N, 4})
	}, "", "cannot reshape [N,6] to [N,4]"},
	{"reshape drops batch", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Reshape(in(F32, N, 6), Shape{6})
	}, "", "cannot reshape [N,6] to [6]"},
	{"reshape batch inward", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Reshape(in(F32, N, 6), Shape{6, N})
	}, "", "the batch dimension must be the leading axis"},
	{"reshape zero extent", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Reshape(in(F32, 6), Shape{0, 6})
	}, "", "want a positive extent"},
	{"reshape element count overflow", func(b *Builder, in func(DType, ...int) *Value) *Value {
		// 4 * (2^62+1) wraps around to 4 in 64-bit arithmetic.
		return b.Reshape(in(F32, 4), Shape{4, 1<<62 + 1})
	}, "", "too many elements"},
	{"transpose", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Transpose(in(F32, N, 2, 3), []int{0, 2, 1})
	}, "f32[N,3,2]", ""},
	{"transpose moves batch", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Transpose(in(F32, N, 2, 3), []int{1, 0, 2})
	}, "", "the batch dimension must be the leading axis"},
	{"transpose repeated axis", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Transpose(in(F32, 2, 3), []int{0, 0})
	}, "", "is not a permutation"},
	{"transpose wrong length", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Transpose(in(F32, 2, 3), []int{1, 0, 2})
	}, "", "permutation [1 0 2] for rank 2"},
	{"broadcast adds batch", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Broadcast(in(F32, 3), Shape{N, 3})
	}, "f32[N,3]", ""},
	{"broadcast extent 1", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Broadcast(in(F32, N, 1), Shape{N, 4})
	}, "f32[N,4]", ""},
	{"broadcast to smaller rank", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Broadcast(in(F32, N, 3), Shape{3})
	}, "", "cannot broadcast [N,3] to [3]"},
	{"broadcast mismatch", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Broadcast(in(F32, 3), Shape{4})
	}, "", "cannot broadcast [3] to [4]"},
	{"broadcast to zero extent", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Broadcast(in(F32, 1), Shape{0})
	}, "", "want a positive extent"},
	{"slice", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Slice(in(F32, N, 5), []int{0, 1}, []int{N, 4})
	}, "f32[N,3]", ""},
	{"slice static", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Slice(in(F32, 6, 5), []int{5, 0}, []int{6, 5})
	}, "f32[1,5]", ""},
	{"slice part of batch", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Slice(in(F32, N, 5), []int{1, 0}, []int{N, 5})
	}, "", "axis 0 is the batch dimension and must be taken whole"},
	{"slice empty range", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Slice(in(F32, N, 5), []int{0, 3}, []int{N, 3})
	}, "", "axis 1: range [3:3] is empty or outside [0:5]"},
	{"slice past end", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Slice(in(F32, N, 5), []int{0, 0}, []int{N, 6})
	}, "", "axis 1: range [0:6] is empty or outside [0:5]"},
	{"slice wrong count", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Slice(in(F32, N, 5), []int{0}, []int{N})
	}, "", "1 starts and 1 ends for rank 2"},
	{"concat", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Concat(1, in(F32, N, 2), in(F32, N, 3), in(F32, N, 1))
	}, "f32[N,6]", ""},
	{"concat negative axis", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Concat(-1, in(F32, N, 2), in(F32, N, 3))
	}, "f32[N,5]", ""},
	{"concat one operand", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Concat(0, in(F32, 2))
	}, "f32[2]", ""},
	{"concat along batch", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Concat(0, in(F32, N, 2), in(F32, N, 2))
	}, "", "cannot concatenate along the batch dimension"},
	{"concat static then batch", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Concat(0, in(F32, 3, 2), in(F32, N, 2))
	}, "", "cannot concatenate along the batch dimension"},
	{"concat extent mismatch", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Concat(1, in(F32, N, 2), in(F32, 4, 2))
	}, "", "want [N,2] outside axis 1"},
	{"concat dtype mismatch", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Concat(0, in(F32, 2), in(F64, 2))
	}, "", "is f64[2], want f32 with rank 1"},
	{"concat axis out of range", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Concat(2, in(F32, 2, 2), in(F32, 2, 2))
	}, "", "axis out of range for rank 2"},
	{"concat no operands", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Concat(0)
	}, "", "no operands"},
}

var indexingCases = []inferCase{
	{"gather rows", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Gather(in(F32, 10, 4), in(I32, N), 0)
	}, "f32[N,4]", ""},
	{"gather with matrix indices", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Gather(in(F32, 10, 4), in(I64, N, 3), 0)
	}, "f32[N,3,4]", ""},
	{"gather scalar index", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Gather(in(F32, 10, 4), in(I32), -2)
	}, "f32[4]", ""},
	{"gather inner axis", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Gather(in(F32, N, 10), in(I32, 3), 1)
	}, "f32[N,3]", ""},
	{"gather batch indices on inner axis", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Gather(in(F32, 4, 10), in(I32, N), -1)
	}, "", "the batch dimension must be the leading axis"},
	{"gather along batch", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Gather(in(F32, N, 10), in(I32, 3), 0)
	}, "", "axis out of range or the batch dimension"},
	{"gather float indices", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Gather(in(F32, 10, 4), in(F32, N), 0)
	}, "", "have dtype f32, want i32 or i64"},
	{"scatter_add", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.ScatterAdd(in(I32, N), in(F32, N, 4), 0, Shape{10, 4})
	}, "f32[10,4]", ""},
	{"scatter_add updates mismatch", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.ScatterAdd(in(I32, N), in(F32, N, 5), 0, Shape{10, 4})
	}, "", "updates have shape [N,5], want [N,4]"},
	{"scatter_add into batch", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.ScatterAdd(in(I32, 3), in(F32, 3, 4), 0, Shape{N, 4})
	}, "", "out of range or the batch dimension"},
	{"scatter_add zero extent", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.ScatterAdd(in(I32, 3), in(F32, 3, 0), 0, Shape{10, 0})
	}, "", "want a positive extent"},
	{"scatter_add axis out of range", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.ScatterAdd(in(I32, 3), in(F32, 3), 1, Shape{10})
	}, "", "axis 1 out of range"},
	{"one_hot", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.OneHot(in(I32, N), 10, F32)
	}, "f32[N,10]", ""},
	{"one_hot scalar index", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.OneHot(in(I64), 3, Bool)
	}, "bool[3]", ""},
	{"one_hot zero depth", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.OneHot(in(I32, N), 0, F32)
	}, "", "depth 0, want at least 1"},
	{"one_hot float indices", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.OneHot(in(F32, N), 10, F32)
	}, "", "want i32 or i64"},
	{"one_hot invalid dtype", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.OneHot(in(I32, N), 10, Invalid)
	}, "", "invalid result dtype"},
}

var sourceCases = []inferCase{
	{"input", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Input("x", F32, Shape{N, 3})
	}, "f32[N,3]", ""},
	{"input batch inward", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Input("x", F32, Shape{3, N})
	}, "", "dimension 1 is -1, want a positive extent"},
	{"input empty name", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Input("", F32, Shape{N})
	}, "", "empty name"},
	{"input invalid dtype", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Input("x", Invalid, Shape{N})
	}, "", "x: invalid dtype invalid"},
	{"duplicate name", func(b *Builder, in func(DType, ...int) *Value) *Value {
		b.Input("x", F32, Shape{N})
		return b.State("x", F32, Shape{}, Init{})
	}, "", `"x" is already defined`},
	{"param", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Param("w", F32, Shape{3, 2}, Init{Kind: InitNormal, Std: 0.1})
	}, "f32[3,2]", ""},
	{"param with batch", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Param("w", F32, Shape{N, 2}, Init{})
	}, "", "a param cannot have a batch dimension"},
	{"param integer", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Param("w", I32, Shape{2}, Init{})
	}, "", "a param has dtype i32, want f32 or f64"},
	{"state integer", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.State("step", I64, Shape{}, Init{Kind: InitConst, Value: 1})
	}, "i64[]", ""},
	{"state with batch", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.State("s", F32, Shape{N}, Init{})
	}, "", "a state cannot have a batch dimension"},
	{"init uniform reversed", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Param("w", F32, Shape{2}, Init{Kind: InitUniform, Lo: 1, Hi: -1})
	}, "", "invalid init uniform(1,-1)"},
	{"init negative std", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Param("w", F32, Shape{2}, Init{Kind: InitNormal, Std: -1})
	}, "", "invalid init normal(-1)"},
	{"init NaN", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Param("w", F32, Shape{2}, Init{Kind: InitConst, Value: math.NaN()})
	}, "", "invalid init const(NaN)"},
	{"init stray field", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Param("w", F32, Shape{2}, Init{Kind: InitZeros, Std: 1})
	}, "", "invalid init zeros"},
	{"init unknown kind", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Param("w", F32, Shape{2}, Init{Kind: 9})
	}, "", "unknown init kind 9"},
	{"init const fraction in integer state", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.State("step", I64, Shape{}, Init{Kind: InitConst, Value: 0.5})
	}, "", "step: init const(0.5) does not fit dtype i64"},
	{"init uniform in integer state", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.State("step", I32, Shape{}, Init{Kind: InitUniform, Lo: 0, Hi: 1})
	}, "", "step: init uniform(0,1) needs a float dtype, not i32"},
	{"const", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Const(F64, Shape{2, 2}, []float64{1, 2, 3, 4})
	}, "f64[2,2]", ""},
	{"scalar", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Scalar(I32, 7)
	}, "i32[]", ""},
	{"const wrong length", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Const(F32, Shape{3}, []float64{1, 2})
	}, "", "2 elements for shape [3], want 3"},
	{"const with batch", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Const(F32, Shape{N}, []float64{1})
	}, "", "a constant cannot have a batch dimension"},
	{"const fraction in integer dtype", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Const(I32, Shape{2}, []float64{1, 1.5})
	}, "", "element 1 is 1.5, which dtype i32 cannot hold"},
	{"const out of i32 range", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Const(I32, Shape{}, []float64{1 << 31})
	}, "", "which dtype i32 cannot hold"},
	{"const NaN in i64", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Const(I64, Shape{}, []float64{math.NaN()})
	}, "", "element 0 is NaN, which dtype i64 cannot hold"},
	{"const bool 2", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Const(Bool, Shape{2}, []float64{1, 2})
	}, "", "element 1 is 2, which dtype bool cannot hold"},
	{"const bool and integers", func(b *Builder, in func(DType, ...int) *Value) *Value {
		b.Const(I64, Shape{2}, []float64{-(1 << 63), 1<<63 - 1024})
		return b.Const(Bool, Shape{2}, []float64{0, 1})
	}, "bool[2]", ""},
	{"const invalid dtype", func(b *Builder, in func(DType, ...int) *Value) *Value {
		return b.Const(DType(9), Shape{}, []float64{1})
	}, "", "invalid dtype dtype(9)"},
}

func TestBuilderNormalizesAttributes(t *testing.T) {
	g := NewGraph("attrs", 4)
	b := NewBuilder(g)
	x := b.Input("x", F32, Shape{N, 3, 4})
	sum := b.Sum(x, []int{-1, 0}, true)
	if !slices.Equal(sum.Attrs.Axes, []int{0, 2}) || !sum.Attrs.KeepDims {
		t.Errorf("sum attributes %v keepdims=%v, want axes [0 2] keepdims=true", sum.Attrs.Axes, sum.Attrs.KeepDims)
	}
	cat := b.Concat(-1, x, x)
	if cat.Attrs.Axis != 2 {
		t.Errorf("concat axis %d, want 2", cat.Attrs.Axis)
	}
	table := b.Param("t", F32, Shape{5, 4}, Init{})
	gather := b.Gather(table, b.Input("i", I32, Shape{N}), -2)
	if gather.Attrs.Axis != 0 {
		t.Errorf("gather axis %d, want 0", gather.Attrs.Axis)
	}
	if err := b.Err(); err != nil {
		t.Fatal(err)
	}
}

func TestBuilderInvalidOperandReportedOnce(t *testing.T) {
	g := NewGraph("once", 4)
	b := NewBuilder(g)
	x := b.Input("x", F32, Shape{N, 3})
	bad := b.Add(x, b.Input("y", F32, Shape{4}))
	v := b.Exp(b.Mul(bad, x))
	if v.DType != Invalid {
		t.Errorf("value built from an invalid operand has dtype %s, want invalid", v.DType)
	}
	if len(b.Errs) != 1 {
		t.Errorf("got %d errors, want 1: %v", len(b.Errs), b.Err())
	}
}

func TestBuilderErrorPosition(t *testing.T) {
	g := NewGraph("pos", 4)
	b := NewBuilder(g).At(Pos{File: "m.nnc", Line: 12, Col: 5})
	b.Add(b.Input("x", F32, Shape{N, 3}), b.Input("y", F32, Shape{4}))
	want := "m.nnc:12:5: add: shapes [N,3] and [4] do not broadcast"
	if err := b.Err(); err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}
