package ir

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

// allOpsGraph builds a valid graph that uses every op, every init kind, const data
// with special floats, and names, positions and comments that need quoting.
func allOpsGraph(t *testing.T) *Graph {
	t.Helper()
	g := NewGraph("all ops", 8)
	b := NewBuilder(g)
	line := 0
	at := func() *Builder {
		line++
		return b.At(Pos{File: "dir with space/m:odel.nnc", Line: line, Col: 3})
	}

	x := at().Input("x", F32, Shape{Batch, 4})
	y := at().Input("y\n} graph \"evil\"", I32, Shape{Batch})
	w := at().Param("fc.weight", F32, Shape{4, 3}, Init{Kind: InitUniform, Lo: -0.5, Hi: 0.5})
	bias := at().Param("fc.bias", F32, Shape{3}, Init{Kind: InitConst, Value: 0.1})
	emb := at().Param("emb", F32, Shape{10, 3}, Init{Kind: InitNormal, Std: 0.02})
	step := b.At(Pos{}).State("step", I64, Shape{}, Init{})
	lr := at().State("lr", F64, Shape{}, Init{Kind: InitConst, Value: 1e-3})
	special := at().Const(F64, Shape{2, 4}, []float64{
		0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), 5e-324, math.MaxFloat64, 0.1})
	one := b.At(Pos{Line: 40}).Scalar(I64, 1)

	h := at().MatMul(x, w, false, false)
	h.Comment = "fc"
	h = at().Add(h, bias)
	h.Comment = "  leading space"
	var last *Value
	for _, op := range Ops() {
		switch op.Class() {
		case ClassUnary:
			last = at().Unary(op, h)
			last.Comment = "# @x:1:2 not a position"
		case ClassBinary:
			last = at().Binary(op, h, bias)
		case ClassCompare:
			last = at().Binary(op, bias, h)
		}
	}
	last.Comment = "\"quoted\"\ttab\nnewline\xff"
	cond := at().Binary(OpGt, h, bias)
	at().Select(cond, h, at().Scalar(F32, 0))
	at().Cast(h, I32)
	at().MatMul(x, h, true, false)
	x3 := at().Reshape(x, Shape{Batch, 2, 2})
	at().MatMul(x3, x3, true, true)
	at().Sum(h, []int{-1}, true)
	at().Mean(h, []int{0}, false)
	at().Reduce(OpReduceMax, x3, []int{2, 1}, false)
	at().Reduce(OpArgMax, h, []int{1}, false)
	at().Size(x, []int{0}, F32)
	at().Transpose(x3, []int{0, 2, 1})
	at().Broadcast(bias, Shape{Batch, 3})
	at().Slice(x, []int{0, 1}, []int{Batch, 3})
	at().Concat(1, x, h, h)
	rows := at().Gather(emb, y, 0)
	grad := at().ScatterAdd(y, rows, 0, Shape{10, 3})
	at().OneHot(y, 10, F32)

	// Convolution and pooling.
	img := at().Reshape(x, Shape{Batch, 1, 2, 2})
	cp := Conv2DParams{Stride: []int{1, 1}, Padding: []int{1, 0}, Dilation: []int{1, 1}, Groups: 1}
	k := at().Param("conv.weight", F32, Shape{2, 1, 2, 2}, Init{})
	cv := at().Conv2D(img, k, cp)
	at().Conv2DInputGrad(cv, k, img.Shape, cp)
	at().Conv2DFilterGrad(img, cv, k.Shape, cp)
	pp := Pool2DParams{Kernel: []int{2, 2}, Stride: []int{1, 1}, Padding: []int{1, 1}}
	mp := at().MaxPool2D(img, pp)
	at().MaxPool2DGrad(img, mp, pp)
	at().MaxPool2DGather(img, img, pp)
	at().AvgPool2DGrad(at().AvgPool2D(img, pp), img.Shape, pp)

	// Training-mode randomness.
	at().RandomUniform(one, step, x)

	// Normalization.
	at().LogSoftmax(x3, -1)

	b.At(Pos{File: "only-file"})
	loss := b.Mean(b.Mul(rows, rows), nil, false)
	loss = b.Mean(loss, []int{0, 1}, false)
	g.SetOutput("loss", loss)
	g.SetOutput("special \"output\"", special)
	g.AddUpdate(emb, b.Sub(emb, b.Mul(grad, b.Cast(lr, F32))))
	g.AddUpdate(step, b.Add(step, one))
	if err := b.Err(); err != nil {
		t.Fatalf("building the graph: %v", err)
	}
	if err := Verify(g); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return g
}

func TestAllOpsGraphCoversEveryOp(t *testing.T) {
	g := allOpsGraph(t)
	used := make(map[Op]bool)
	for _, v := range g.Values {
		used[v.Op] = true
	}
	for _, op := range Ops() {
		if !used[op] {
			t.Errorf("allOpsGraph does not use op %s", op)
		}
	}
}

func TestPrintParseRoundTrip(t *testing.T) {
	g := allOpsGraph(t)
	text := g.String()
	h, err := Parse("all.ir", []byte(text))
	if err != nil {
		t.Fatalf("Parse(Print(g)): %v\n%s", err, text)
	}
	if again := h.String(); again != text {
		t.Errorf("Print(Parse(Print(g))) differs from Print(g):\n%s\nwant\n%s", again, text)
	}
	if diff := graphDiff(g, h); diff != "" {
		t.Errorf("parsed graph differs from the original: %s", diff)
	}
}

func TestPrintQuotesHostileStrings(t *testing.T) {
	text := allOpsGraph(t).String()
	for _, want := range []string{
		`graph "all ops" maxbatch=8 {`,
		`input "y\n} graph \"evil\""`,
		`@"dir with space/m:odel.nnc":1:3`,
		`# "  leading space"`,
		`# "\"quoted\"\ttab\nnewline\xff"`,
		`# # @x:1:2 not a position`,
		`@:40`,
		`@only-file`,
		`output "special \"output\"" = %7`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text form lacks %q:\n%s", want, text)
		}
	}
	if n := strings.Count(text, "\n"); n != len(strings.Split(strings.TrimSpace(text), "\n")) {
		t.Errorf("text form has %d newlines but a different number of lines", n)
	}
}

func TestPrintSpecialFloats(t *testing.T) {
	text := allOpsGraph(t).String()
	want := "const [0, -0, NaN, +Inf, -Inf, 5e-324, 1.7976931348623157e+308, 0.1] : f64[2,4]"
	if !strings.Contains(text, want) {
		t.Errorf("text form lacks %q:\n%s", want, text)
	}
}

func TestPrintStrayAttributes(t *testing.T) {
	g := NewGraph("g", 1)
	b := NewBuilder(g)
	x := b.Input("x", F32, Shape{2})
	v := b.Neg(x)
	v.Attrs = Attrs{Name: "n", Init: Init{Kind: InitNormal, Std: 1}, Data: []float64{1}, Axes: []int{0},
		KeepDims: true, Perm: []int{0}, Starts: []int{0}, Ends: []int{Batch}, Axis: 1, Depth: 2, TransA: true, TransB: true,
		Kernel: []int{3, 3}, Stride: []int{2, 2}, Padding: []int{1, 1}, Dilation: []int{1, 2}, Groups: 2}
	want := `%1 = neg %0 name="n" init=normal(1) data=[1] axes=[0] keepdims perm=[0] starts=[0] ends=[N] axis=1 depth=2 transA transB ` +
		`kernel=[3,3] stride=[2,2] padding=[1,1] dilation=[1,2] groups=2 : f32[2]`
	if got := string(appendValue(nil, v)); got != want {
		t.Errorf("stray attributes print as\n%s\nwant\n%s", got, want)
	}

	// The text reads back to the same attributes, and the parser then reports each.
	_, err := Parse("stray.ir", []byte(g.String()))
	if err == nil {
		t.Fatal("Parse accepted attributes that neg does not use")
	}
	for _, kw := range attrKeywords {
		if !strings.Contains(err.Error(), "attribute "+kw+" is ") {
			t.Errorf("Parse error does not mention attribute %s: %v", kw, err)
		}
	}
}

func TestPrintBrokenGraph(t *testing.T) {
	g := NewGraph("broken", 1)
	g.Add(&Value{Op: OpNeg, Args: []*Value{nil}, DType: Invalid})
	g.Values = append(g.Values, nil)
	g.Outputs = append(g.Outputs, Output{Name: "o"})
	text := g.String()
	for _, want := range []string{"%0 = neg %? : invalid[]", "%? = <nil value>", `output "o" = %?`} {
		if !strings.Contains(text, want) {
			t.Errorf("text form of a broken graph lacks %q:\n%s", want, text)
		}
	}
	if err := Print(failingWriter{}, g); err == nil {
		t.Error("Print ignored a write error")
	}
	if err := Print(&strings.Builder{}, nil); err == nil {
		t.Error("Print accepted a nil graph")
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errWrite }

var errWrite = errors.New("write failed")

func TestCloneSharesNoAttributes(t *testing.T) {
	g := allOpsGraph(t)
	c, m := g.Clone()
	if diff := graphDiff(g, c); diff != "" {
		t.Fatalf("clone differs: %s", diff)
	}
	for _, v := range g.Values {
		w := m[v]
		for _, pair := range [][2][]int{{v.Attrs.Axes, w.Attrs.Axes}, {v.Attrs.Perm, w.Attrs.Perm},
			{v.Attrs.Starts, w.Attrs.Starts}, {v.Attrs.Ends, w.Attrs.Ends}} {
			if len(pair[0]) > 0 && &pair[0][0] == &pair[1][0] {
				t.Errorf("%s: clone shares an int attribute with the original", v)
			}
		}
		if len(v.Attrs.Data) > 0 && &v.Attrs.Data[0] == &w.Attrs.Data[0] {
			t.Errorf("%s: clone shares const data with the original", v)
		}
	}
}

// graphDiff returns a description of the first structural difference between g and
// h, or "". Values compare by ID; floats compare by bits except that any two NaNs
// are equal, because the text form keeps no NaN payload.
func graphDiff(g, h *Graph) string {
	if g.Name != h.Name || g.MaxBatch != h.MaxBatch || g.nextID != h.nextID {
		return "graph header or next ID"
	}
	if len(g.Values) != len(h.Values) || len(g.Outputs) != len(h.Outputs) || len(g.Updates) != len(h.Updates) {
		return "number of values, outputs or updates"
	}
	for i, v := range g.Values {
		if d := valueDiff(v, h.Values[i]); d != "" {
			return v.String() + ": " + d
		}
	}
	for i, o := range g.Outputs {
		p := h.Outputs[i]
		if o.Name != p.Name || o.Value.ID != p.Value.ID {
			return "output " + o.Name
		}
	}
	for i, u := range g.Updates {
		p := h.Updates[i]
		if u.Target.ID != p.Target.ID || u.Value.ID != p.Value.ID {
			return "update of " + u.Target.Ref()
		}
	}
	return ""
}

func valueDiff(v, w *Value) string {
	switch {
	case v.ID != w.ID || v.Op != w.Op:
		return "ID or op"
	case v.DType != w.DType || !v.Shape.Equal(w.Shape):
		return "type " + w.Type()
	case v.Pos != w.Pos:
		return "position " + w.Pos.String()
	case v.Comment != w.Comment:
		return "comment " + w.Comment
	case len(v.Args) != len(w.Args):
		return "operand count"
	}
	for i := range v.Args {
		if v.Args[i].ID != w.Args[i].ID {
			return "operand " + w.Args[i].Ref()
		}
	}
	a, b := v.Attrs, w.Attrs
	sameFloat := func(x, y float64) bool {
		return math.Float64bits(x) == math.Float64bits(y) || math.IsNaN(x) && math.IsNaN(y)
	}
	switch {
	case a.Name != b.Name || a.Init != b.Init || a.KeepDims != b.KeepDims || a.Axis != b.Axis ||
		a.Depth != b.Depth || a.TransA != b.TransA || a.TransB != b.TransB:
		return "scalar attributes"
	case !slices.EqualFunc(a.Data, b.Data, sameFloat):
		return "data"
	case !slices.Equal(a.Axes, b.Axes) || !slices.Equal(a.Perm, b.Perm) ||
		!slices.Equal(a.Starts, b.Starts) || !slices.Equal(a.Ends, b.Ends):
		return "list attributes"
	}
	return ""
}
