package frontend

import (
	"reflect"
	"strings"
	"testing"

	"github.com/nncc/nncc/ir"
)

// header is the boilerplate most language tests share; %s is the model body.
const header = `model t
input x: f32[4]
labels y: classes(3)
`

const footer = `
loss cross_entropy(logits, y)
optimizer sgd(lr=0.1)
`

func TestDTypeF64(t *testing.T) {
	mod := mustParse(t, `model t
dtype f64
input x: [4]
labels y: f64[2]
logits = dense(x, 2) * 2
output logits
loss mse(logits, y)
optimizer adam()
`)
	for _, v := range mod.Forward.Values {
		if v.DType == ir.F32 {
			t.Errorf("%v is f32 in an f64 model", v)
		}
	}
	if got := mod.Forward.Named("x").Type(); got != "f64[N,4]" {
		t.Errorf("x is %s, want f64[N,4]", got)
	}
	if mod.Forward.Output("correct") != nil {
		t.Errorf("mse model has a correct output")
	}
	want := ir.Optimizer{Kind: ir.OptAdam, LR: 0.001, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, Pos: mod.Optimizer.Pos}
	if mod.Optimizer != want {
		t.Errorf("adam() gives %+v, want the defaults %+v", mod.Optimizer, want)
	}
}

func TestDefaultLayerNamesAndBias(t *testing.T) {
	mod := mustParse(t, header+`
h = dense(x, 5)
h = dense(h, 6, name="block.fc")
logits = dense(h, 3, bias=false)
output logits`+footer)
	var names []string
	for _, p := range mod.Forward.Params() {
		names = append(names, p.Attrs.Name+p.Shape.String())
	}
	want := "dense1.weight[5,4] dense1.bias[5] block.fc.weight[6,5] block.fc.bias[6] dense3.weight[3,6]"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("params %s\nwant    %s", got, want)
	}
	if out := mod.Forward.Output("output"); out.Op != ir.OpMatMul {
		t.Errorf("bias=false output is %v, want the matmul", out)
	}
}

func TestExpressions(t *testing.T) {
	mod := mustParse(t, header+`
a = (x - 0.5) * 2 / -x + -3
b = softmax(log_softmax(tanh(sigmoid(a)), axis=1), axis=-1)
c = sqrt(abs(exp(log(neg(b)))))
logits = dense(
    flatten(c),   # a call may span lines
    3,
)
output logits`+footer)
	g := mod.Forward
	ops := map[ir.Op]int{}
	for _, v := range g.Values {
		ops[v.Op]++
	}
	for op, n := range map[ir.Op]int{
		ir.OpSub: 2, ir.OpMul: 1, ir.OpDiv: 2, ir.OpNeg: 3, ir.OpAdd: 2, ir.OpTanh: 1, ir.OpSigmoid: 1,
		ir.OpReduceMax: 1, ir.OpExp: 2, ir.OpLog: 1, ir.OpSqrt: 1, ir.OpAbs: 1,
		ir.OpLogSoftmax: 2, // log_softmax and the cross-entropy loss
	} {
		if ops[op] != n {
			t.Errorf("%d %s ops, want %d", ops[op], op, n)
		}
	}
	// -3 is folded into a constant rather than negated at run time.
	a := g.Values[slicesIndex(g.Values, func(v *ir.Value) bool { return v.Op == ir.OpAdd })]
	if c := a.Args[1]; c.Op != ir.OpConst || c.Attrs.Data[0] != -3 {
		t.Errorf("a's addend is %v %v, want const -3", c, c.Attrs.Data)
	}
	if got := a.Type(); got != "f32[N,4]" {
		t.Errorf("a is %s, want f32[N,4]", got)
	}
}

func slicesIndex(vs []*ir.Value, f func(*ir.Value) bool) int {
	for i, v := range vs {
		if f(v) {
			return i
		}
	}
	return -1
}

func TestFlattenMultiDimInput(t *testing.T) {
	mod := mustParse(t, `model t
input img: f32[1, 28, 28]
labels lbl: classes(10)
logits = dense(flatten(img), 10)
output logits
loss cross_entropy(logits, lbl)
optimizer sgd(lr=0.1, nesterov=true, momentum=0.5, weight_decay=1e-4)
train { batch = 8 }
`)
	g := mod.Forward
	if x := g.Named("x"); x.Type() != "f32[N,1,28,28]" {
		t.Errorf("x is %s", x.Type())
	}
	if r := g.Named("dense1.weight"); r == nil || r.Shape.String() != "[10,784]" {
		t.Errorf("dense1.weight is %v", r)
	}
	want := ir.Optimizer{Kind: ir.OptSGD, LR: 0.1, Momentum: 0.5, Nesterov: true, WeightDecay: 1e-4, Pos: mod.Optimizer.Pos}
	if mod.Optimizer != want {
		t.Errorf("optimizer %+v, want %+v", mod.Optimizer, want)
	}
	wantTrain := ir.TrainConfig{LabelColumn: -1, BatchSize: 8, Epochs: 1, Shuffle: true}
	if !reflect.DeepEqual(mod.Train, wantTrain) || g.MaxBatch != 8 {
		t.Errorf("train %+v MaxBatch %d, want %+v", mod.Train, g.MaxBatch, wantTrain)
	}
}

func TestTrainDefaultsAndDatasets(t *testing.T) {
	body := header + "logits = dense(x, 3)\noutput logits" + footer
	mod := mustParse(t, body)
	want := ir.TrainConfig{BatchSize: DefaultBatchSize, Epochs: DefaultEpochs, Shuffle: true, LabelColumn: -1}
	if !reflect.DeepEqual(mod.Train, want) || mod.Forward.MaxBatch != DefaultBatchSize {
		t.Errorf("without a train block: %+v, want %+v", mod.Train, want)
	}

	for _, c := range []struct {
		block string
		want  ir.TrainConfig
	}{
		{`train {
  data = idx("imgs.gz", "/abs/labels.gz")
  test = idx("t-imgs.gz", "t-labels.gz")
  shuffle = false
  seed = 18446744073709551615
}`, ir.TrainConfig{
			Dataset: "idx", TrainFiles: []string{"dir/imgs.gz", "/abs/labels.gz"},
			TestFiles: []string{"dir/t-imgs.gz", "dir/t-labels.gz"}, LabelColumn: -1,
			BatchSize: 32, Epochs: 1, Seed: 1<<64 - 1,
		}},
		{`train { data = csv("../d.csv", label=0) }`, ir.TrainConfig{
			Dataset: "csv", TrainFiles: []string{"d.csv"}, BatchSize: 32, Epochs: 1, Shuffle: true,
		}},
	} {
		mod, err := Parse("dir/m.nnc", []byte(body+c.block+"\n"))
		if err != nil {
			t.Errorf("%s:\n%v", c.block, err)
			continue
		}
		if !reflect.DeepEqual(mod.Train, c.want) {
			t.Errorf("%s:\ngot  %+v\nwant %+v", c.block, mod.Train, c.want)
		}
	}
}

func TestModelNameIsLowerCased(t *testing.T) {
	mod := mustParse(t, strings.Replace(header, "model t", "model MNIST_Net", 1)+"logits = dense(x, 3)\noutput logits"+footer)
	if mod.Name != "mnist_net" {
		t.Errorf("Name %q, want mnist_net", mod.Name)
	}
}
