package ir

import (
	"errors"
	"testing"
)

// verifyFixture is a small valid graph whose values each test breaks one way.
type verifyFixture struct {
	g                    *Graph
	x, y, w, bias, state *Value
	h, sum, loss, step   *Value
}

func newVerifyFixture(t *testing.T) *verifyFixture {
	t.Helper()
	g := NewGraph("train", 4)
	b := NewBuilder(g).At(Pos{File: "m.nnc", Line: 3, Col: 5})
	f := &verifyFixture{g: g}
	f.x = b.Input("x", F32, Shape{Batch, 3})                                     // %0
	f.y = b.Input("y", I32, Shape{Batch})                                        // %1
	f.w = b.Param("w", F32, Shape{3, 2}, Init{Kind: InitUniform, Lo: -1, Hi: 1}) // %2
	f.bias = b.Param("b", F32, Shape{2}, Init{})                                 // %3
	f.state = b.State("steps", F32, Shape{}, Init{})                             // %4
	f.h = b.Add(b.MatMul(f.x, f.w, false, false), f.bias)                        // %5, %6
	f.sum = b.Sum(f.h, []int{1}, false)                                          // %7
	f.loss = b.Mean(f.sum, []int{0}, false)                                      // %8
	f.step = b.Add(f.state, b.Scalar(F32, 1))                                    // %9, %10
	g.SetOutput("loss", f.loss)
	g.AddUpdate(f.bias, b.Sub(f.bias, b.Sum(f.h, []int{0}, false))) // %11, %12
	g.AddUpdate(f.state, f.step)
	if err := b.Err(); err != nil {
		t.Fatalf("building the fixture: %v", err)
	}
	if err := Verify(g); err != nil {
		t.Fatalf("Verify(fixture): %v", err)
	}
	return f
}

func TestVerifyBrokenGraphs(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(f *verifyFixture)
		want   string // the whole error text, one line per problem
	}{
		{"max batch", func(f *verifyFixture) { f.g.MaxBatch = 0 },
			`verify: graph "train": MaxBatch is 0, want at least 1`},
		{"nil value", func(f *verifyFixture) { f.g.Values[2] = nil },
			"verify: value at index 2: nil value\n" +
				"m.nnc:3:5: verify: %5 = matmul f32[N,2]: operand %2 (f32[3,2]) does not belong to the graph"},
		{"value twice", func(f *verifyFixture) { f.g.Values = append(f.g.Values, f.x) },
			"m.nnc:3:5: verify: %0 = input f32[N,3]: the value already appears at index 0"},
		{"duplicate ID", func(f *verifyFixture) { f.sum.ID = 5 },
			"m.nnc:3:5: verify: %5 = sum f32[N]: ID 5 is already used by %5 = matmul f32[N,2]"},
		{"negative ID", func(f *verifyFixture) { f.sum.ID = -1 },
			"m.nnc:3:5: verify: %-1 = sum f32[N]: negative ID"},
		{"ID past next ID", func(f *verifyFixture) {
			f.g.Values = append(f.g.Values, &Value{ID: 13, Op: OpNeg, Args: []*Value{f.x}, DType: F32, Shape: Shape{Batch, 3}})
		}, "verify: %13 = neg f32[N,3]: ID 13 is not below the graph's next free ID 13; add values with Graph.Add or Graph.AddWithID"},
		{"invalid op", func(f *verifyFixture) { f.sum.Op = OpInvalid },
			"m.nnc:3:5: verify: %7 = invalid f32[N]: invalid op 0"},
		{"op out of range", func(f *verifyFixture) { f.sum.Op = 200 },
			"m.nnc:3:5: verify: %7 = op? f32[N]: invalid op 200"},
		{"arity", func(f *verifyFixture) { f.sum.Args = append(f.sum.Args, f.x) },
			"m.nnc:3:5: verify: %7 = sum f32[N]: 2 operands, want 1"},
		{"concat without operands", func(f *verifyFixture) { f.sum.Op, f.sum.Args = OpConcat, nil },
			"m.nnc:3:5: verify: %7 = concat f32[N]: no operands, want at least 1"},
		{"nil operand", func(f *verifyFixture) { f.sum.Args[0] = nil },
			"m.nnc:3:5: verify: %7 = sum f32[N]: operand 0 is nil"},
		{"use before definition", func(f *verifyFixture) { f.g.Values[6], f.g.Values[7] = f.g.Values[7], f.g.Values[6] },
			"m.nnc:3:5: verify: %7 = sum f32[N]: operand %6 is not defined before use"},
		{"foreign operand", func(f *verifyFixture) {
			other := NewGraph("other", 4)
			f.sum.Args[0] = NewBuilder(other).Input("z", F32, Shape{Batch, 2})
		}, "m.nnc:3:5: verify: %7 = sum f32[N]: operand %0 (f32[N,2]) does not belong to the graph"},
		{"wrong dtype", func(f *verifyFixture) { f.sum.DType = F64 },
			"m.nnc:3:5: verify: %7 = sum f64[N]: type is f64[N], want f32[N] from the operands and attributes"},
		{"wrong shape", func(f *verifyFixture) { f.sum.Shape = Shape{Batch, 1} },
			"m.nnc:3:5: verify: %7 = sum f32[N,1]: type is f32[N,1], want f32[N] from the operands and attributes"},
		{"inference fails", func(f *verifyFixture) { f.g.Values[5].Attrs.TransB = true },
			"m.nnc:3:5: verify: %5 = matmul f32[N,2]: contracted extents differ: [N,3] and [3,2] (transposed: false, true)"},
		{"non-canonical axes", func(f *verifyFixture) { f.sum.Attrs.Axes = []int{-1} },
			"m.nnc:3:5: verify: %7 = sum f32[N]: attribute axes is [-1], want [1]"},
		{"stray attribute", func(f *verifyFixture) { f.h.Attrs.Depth = 3 },
			"m.nnc:3:5: verify: %6 = add f32[N,2]: attribute depth is 3, but add does not use it"},
		{"stray flag", func(f *verifyFixture) { f.h.Attrs.KeepDims = true },
			"m.nnc:3:5: verify: %6 = add f32[N,2]: attribute keepdims is true, but add does not use it"},
		{"empty source name", func(f *verifyFixture) { f.x.Attrs.Name = "" },
			"m.nnc:3:5: verify: %0 = input f32[N,3]: empty name"},
		{"duplicate source name", func(f *verifyFixture) { f.state.Attrs.Name = "x" },
			`m.nnc:3:5: verify: %4 = state f32[]: name "x" is already used by %0`},
		{"param with batch", func(f *verifyFixture) { f.bias.Shape = Shape{Batch, 2} },
			"m.nnc:3:5: verify: %3 = param f32[N,2]: b: a param cannot have a batch dimension"},
		{"const data length", func(f *verifyFixture) { f.g.Values[9].Attrs.Data = []float64{1, 2} },
			"m.nnc:3:5: verify: %9 = const f32[]: 2 elements for shape [], want 1"},
		{"invalid init", func(f *verifyFixture) { f.w.Attrs.Init = Init{Kind: InitUniform, Lo: 1, Hi: -1} },
			"m.nnc:3:5: verify: %2 = param f32[3,2]: w: invalid init uniform(1,-1) {Kind:2 Value:0 Lo:1 Hi:-1 Std:0}: " +
				"want finite values, lo <= hi, std >= 0 and only the fields of its kind"},
		{"invalid dtype", func(f *verifyFixture) { f.y.DType = Invalid },
			"m.nnc:3:5: verify: %1 = input invalid[N]: y: invalid dtype invalid"},
		{"output nil", func(f *verifyFixture) { f.g.Outputs[0].Value = nil },
			`verify: output "loss": value is nil`},
		{"output foreign", func(f *verifyFixture) { f.g.Outputs[0].Value = &Value{ID: 99, Op: OpNeg} },
			`verify: output "loss": value %99 does not belong to the graph`},
		{"output empty name", func(f *verifyFixture) { f.g.Outputs[0].Name = "" },
			`verify: output "": empty name`},
		{"output duplicate name", func(f *verifyFixture) { f.g.Outputs = append(f.g.Outputs, Output{Name: "loss", Value: f.sum}) },
			`verify: output "loss": name is already used by output 0`},
		{"update of an input", func(f *verifyFixture) { f.g.Updates[0].Target = f.x },
			"verify: update %0 = %12: target %0 is a input, want a param or state\n" +
				"verify: update %0 = %12: value is f32[2], target is f32[N,3]"},
		{"update twice", func(f *verifyFixture) { f.g.AddUpdate(f.state, f.step) },
			"verify: update %4 = %10: target %4 is already updated by update 1"},
		{"update type", func(f *verifyFixture) { f.g.Updates[1].Value = f.sum },
			"verify: update %4 = %7: value is f32[N], target is f32[]"},
		{"update nil", func(f *verifyFixture) { f.g.Updates[1] = Update{} },
			"verify: update %? = %?: target is nil\nverify: update %? = %?: value is nil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newVerifyFixture(t)
			tt.mutate(f)
			err := Verify(f.g)
			if err == nil {
				t.Fatal("Verify accepted the broken graph")
			}
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error %T is not an ErrorList", err)
			}
			if err.Error() != tt.want {
				t.Errorf("Verify:\n%s\nwant:\n%s", err, tt.want)
			}
		})
	}
}

func TestVerifyReportsAllProblems(t *testing.T) {
	f := newVerifyFixture(t)
	f.g.MaxBatch = 0
	f.sum.DType = F64
	f.h.Attrs.Axis = 1
	f.g.Outputs[0].Name = ""
	err := Verify(f.g)
	list, ok := err.(ErrorList)
	if !ok {
		t.Fatalf("error %v is not an ErrorList", err)
	}
	// The mean that uses the sum is not reported: its type follows from the sum's.
	if len(list) != 4 {
		t.Errorf("got %d problems, want 4:\n%v", len(list), err)
	}
}

func TestVerifyNilGraph(t *testing.T) {
	if err := Verify(nil); err == nil || err.Error() != "verify: nil graph" {
		t.Errorf("Verify(nil) = %v, want verify: nil graph", err)
	}
}

func TestVerifyInvalidOperandReportedOnce(t *testing.T) {
	// An operand of dtype Invalid is reported at its own definition only.
	f := newVerifyFixture(t)
	f.g.Values[5].DType = Invalid
	err := Verify(f.g)
	want := "m.nnc:3:5: verify: %5 = matmul invalid[N,2]: type is invalid[N,2], want f32[N,2] from the operands and attributes"
	if err == nil || err.Error() != want {
		t.Errorf("Verify:\n%v\nwant:\n%s", err, want)
	}
}
