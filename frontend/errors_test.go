package frontend

import (
	"errors"
	"strings"
	"testing"

	"github.com/nncc/nncc/ir"
)

// A valid model the error cases below change one or a few lines of.
const validModel = `model t
input x: f32[4]
labels y: classes(3)
h = dense(x, 8)
logits = dense(relu(h), 3)
output logits
loss cross_entropy(logits, y)
optimizer sgd(lr=0.1)
`

var errorCases = []struct {
	name string
	src  string
	want []string // one line per error, in order
}{
	{"units", `model mnist
input x: f32[784]
labels y: classes(10)

# hidden layer
h = dense(x, 128)
h = dense(h, -3)
logits = dense(h, 10)
output logits
loss cross_entropy(logits, y)
optimizer sgd(lr=0.1)
`, []string{`m.nnc:7:14: dense: units must be a positive integer, got "-3"`}},

	{"several at once", `model t
input x: f32[4]
labels y: classes(3)
h = dense(x, 2.5)
h = relu(h2)
logits = dense(h, 3, nmae="fc")
output logits
loss cross_entropy(logits, y)
optimizer sgd(lr=0)
train {
  batch = 0
  data = cifar
  epocs = 3
}
`, []string{
		`m.nnc:4:14: dense: units must be a positive integer, got "2.5"`,
		`m.nnc:5:10: unknown name "h2" (did you mean h?)`,
		`m.nnc:6:22: dense: unknown argument "nmae" (did you mean name?)`,
		`m.nnc:9:18: sgd: lr must be a positive number, got "0"`,
		`m.nnc:11:11: train: batch must be a positive integer, got "0"`,
		`m.nnc:12:10: train: data must be mnist, csv(FILE), idx(IMAGES, LABELS) or text(PATTERN), got "cifar"`,
		`m.nnc:13:3: train: unknown setting "epocs" (did you mean epochs?)`,
	}},

	{"mistakes inside a call whose arguments do not bind", validModel + `a = dense(relu(h2), 3, nmae="fc")
b = relu(h3, h3)
`, []string{
		`m.nnc:9:16: unknown name "h2" (did you mean h?)`,
		`m.nnc:9:24: dense: unknown argument "nmae" (did you mean name?)`,
		`m.nnc:10:10: unknown name "h3" (did you mean h?)`,
		`m.nnc:10:14: relu: too many arguments (takes at most 1)`,
	}},

	{"syntax", `model t
input x: f32[4
h = dense(x, 12))
y = @relu(x)
s = "abc
n = 12ab + 3
m = 1e999
3 = x
relu(x)
`, []string{
		`m.nnc:2:15: expected ',' or ']', found end of line`,
		`m.nnc:3:17: expected end of line, found ')'`,
		`m.nnc:4:5: invalid character U+0040 '@'`,
		`m.nnc:5:5: string not terminated before the end of the line`,
		`m.nnc:6:5: invalid number "12ab"`,
		`m.nnc:7:5: number 1e999 is out of range`,
		`m.nnc:8:1: expected a statement, found "3"`,
		`m.nnc:9:1: expected a statement (an assignment or a line starting with model, dtype, input, labels, output, loss, optimizer, train, saliency or metrics), found "relu"`,
	}},

	{"reserved words", `loss = 1
true = 2
train = 3
`, []string{
		`m.nnc:1:1: cannot assign to loss: it is a reserved word`,
		`m.nnc:2:1: cannot assign to true: it is a reserved word`,
		`m.nnc:3:1: cannot assign to train: it is a reserved word`,
	}},

	{"missing statements", `# nothing but a comment
`, []string{
		`m.nnc:2:1: missing model statement, for example: model mnist_mlp`,
		`m.nnc:2:1: missing input statement, for example: input x: f32[784]`,
		`m.nnc:2:1: missing labels statement, for example: labels y: classes(10)`,
		`m.nnc:2:1: missing output statement, for example: output logits`,
		`m.nnc:2:1: missing loss statement, for example: loss cross_entropy(logits, y)`,
		`m.nnc:2:1: missing optimizer statement, for example: optimizer sgd(lr=0.1)`,
	}},

	{"duplicates", validModel + `model u
dtype f32
dtype f64
input z: f32[4]
labels w: classes(3)
output h
loss mse(z, w)
optimizer adam()
train {
  batch = 1
  batch = 2
}
train {}
`, []string{
		`m.nnc:9:1: duplicate model statement (the first is at m.nnc:1:1)`,
		`m.nnc:11:1: duplicate dtype statement (the first is at m.nnc:10:1)`,
		`m.nnc:12:1: duplicate input statement (the first is at m.nnc:2:1)`,
		`m.nnc:13:1: duplicate labels statement (the first is at m.nnc:3:1)`,
		`m.nnc:14:1: duplicate output statement (the first is at m.nnc:6:1)`,
		`m.nnc:15:1: duplicate loss statement (the first is at m.nnc:7:1)`,
		`m.nnc:16:1: duplicate optimizer statement (the first is at m.nnc:8:1)`,
		`m.nnc:19:3: train: batch is set twice (the first is at m.nnc:18:3)`,
		`m.nnc:21:1: duplicate train statement (the first is at m.nnc:17:1)`,
	}},

	{"names", strings.Replace(validModel, "model t", "model func", 1) + `a = relu
b = later
later = mse(x, y)
c = reul(x)
d = dense(x, 2, name="fc-1")
e = dense(x, 2, name="dense1")
f = "text"
`, []string{
		`m.nnc:1:7: model: name "func" is not valid: a Go keyword cannot name a Go package`,
		`m.nnc:9:5: relu is a function; call it: relu(...)`,
		`m.nnc:10:5: later is used before its definition at m.nnc:11:1`,
		`m.nnc:11:9: mse is a loss; use it in the loss statement`,
		`m.nnc:12:5: unknown function "reul" (did you mean relu?)`,
		`m.nnc:13:22: dense: name must be a string of identifiers separated by dots, got "\"fc-1\""`,
		`m.nnc:14:5: dense: layer name "dense1" is already used (at m.nnc:4:5)`,
		`m.nnc:15:5: a string is not a value: "text"`,
	}},

	{"default layer name taken", strings.Replace(validModel, "dense(x, 8)", `dense(x, 8, name="dense2")`, 1),
		[]string{`m.nnc:5:10: dense: default layer name "dense2" is already used (at m.nnc:4:5); give this layer a name`}},

	{"arguments", validModel + `a = relu(x, x)
b = dense(x, units=3, 4)
c = dense()
d = dense(x, 3, units=4)
e = softmax(x, axis=1.5)
f = dense(x, 3, bias=0)
`, []string{
		`m.nnc:9:13: relu: too many arguments (takes at most 1)`,
		`m.nnc:10:23: dense: positional argument after keyword arguments`,
		`m.nnc:11:5: dense: missing argument x`,
		`m.nnc:12:17: dense: argument units given twice`,
		`m.nnc:13:21: softmax: axis must be an integer, got "1.5"`,
		`m.nnc:14:22: dense: bias must be true or false, got "0"`,
	}},

	{"shapes and dtypes", validModel + `a = dense(dense(x, 3), 2) + h
b = x + y
c = log_softmax(h, axis=2)
d = dense(y, 3)
`, []string{
		`m.nnc:9:27: add: shapes [N,2] and [N,8] do not broadcast`,
		`m.nnc:10:7: add: right operand has dtype i32, want f32`,
		`m.nnc:11:5: log_softmax: axis 2 out of range for shape [N,8]`,
		`m.nnc:12:5: dense: input has dtype i32, want f32`,
	}},

	{"multi-dimensional input", `model t
input img: f32[1, 28, 28]
labels y: classes(10)
logits = dense(img, 10)
output logits
loss cross_entropy(logits, y)
optimizer sgd(lr=0.1)
`, []string{`m.nnc:4:10: dense: input has shape [N,1,28,28], want [N,features] (flatten it first)`}},

	{"declarations", `model t
dtype f16
input x: f64[4, 0]
labels y: classes(1)
labels z: i32[3]
output x
loss cross_entropy(x, y)
optimizer sgd(lr=0.1)
`, []string{
		`m.nnc:2:7: dtype: want f32 or f64, got "f16"`,
		`m.nnc:3:10: input: element type f64 differs from the model's dtype f32 (write f32 or leave the element type out)`,
		`m.nnc:3:17: input: dimension 1 must be a positive integer, got "0"`,
		`m.nnc:4:19: labels: classes must be at least 2, got 1`,
		`m.nnc:5:1: duplicate labels statement (the first is at m.nnc:4:1)`,
	}},

	{"labels that do not fit the loss", `model t
input x: f32[4]
labels y: f32[2]
logits = dense(x, 3)
output logits
loss cross_entropy(logits, y)
optimizer sgd(lr=0.1)
`, []string{`m.nnc:6:6: cross_entropy: prediction has shape [N,3] but the targets have shape [N,2]`}},

	{"targets of the wrong shape", `model t
input x: f32[4]
labels y: f32[2]
logits = dense(x, 3)
output logits
loss bce_with_logits(logits, y)
optimizer sgd(lr=0.1)
`, []string{`m.nnc:6:6: bce_with_logits: prediction has shape [N,3] but the targets have shape [N,2]`}},

	{"mse on class labels", strings.Replace(validModel, "cross_entropy", "mse", 1),
		[]string{`m.nnc:7:6: mse: needs float targets, but the labels are 3 classes`}},

	{"classes mismatch", strings.Replace(validModel, "dense(relu(h), 3)", "dense(relu(h), 4)", 1),
		[]string{`m.nnc:7:6: cross_entropy: logits have shape [N,4], want [N,3] for 3 classes`}},

	{"loss on something else", strings.Replace(validModel, "(logits, y)", "(logits, logits)", 1),
		[]string{`m.nnc:7:6: cross_entropy: second argument must be the model's labels`}},

	{"output depends on labels", `model t
input x: f32[4]
labels y: f32[4]
output x + y
loss mse(x, y)
optimizer sgd(lr=0.1)
`, []string{`m.nnc:4:1: output: value depends on the labels, which Predict does not have`}},

	{"statements that need a call", strings.Replace(strings.Replace(validModel,
		"loss cross_entropy(logits, y)", "loss crossentropy(logits, y)", 1),
		"optimizer sgd(lr=0.1)", "optimizer adam", 1), []string{
		`m.nnc:7:6: loss: want mse, l1, huber, cross_entropy, nll, bce or bce_with_logits of the prediction and the labels, got "crossentropy(logits, y)" (did you mean cross_entropy?)`,
		`m.nnc:8:11: optimizer: want sgd(...), adam(...), adamw(...), rmsprop(...) or adagrad(...), got "adam"`,
	}},

	{"optimizer settings", strings.Replace(validModel, "optimizer sgd(lr=0.1)",
		"optimizer adam(beta1=1, eps=-1, lr=1e-3, weight_decay=-0.5)\n", 1), []string{
		`m.nnc:8:22: adam: beta1 must be a number in [0, 1), got "1"`,
		`m.nnc:8:29: adam: eps must be a non-negative number, got "-1"`,
		`m.nnc:8:55: adam: weight_decay must be a non-negative number, got "-0.5"`,
	}},

	{"nesterov without momentum", strings.Replace(validModel, "sgd(lr=0.1)", "sgd(0.1, nesterov=true)", 1),
		[]string{`m.nnc:8:11: sgd: nesterov needs a positive momentum, got 0`}},

	{"train settings", validModel + `train {
  test   = mnist
  data   = idx("a")
  shuffle = 1
  seed   = -1
  batch  = 100000000
  epochs = 2.0
}
`, []string{
		`m.nnc:11:12: idx: missing argument labels`,
		`m.nnc:12:13: train: shuffle must be true or false, got "1"`,
		`m.nnc:13:12: train: seed must be a non-negative integer, got "-1"`,
		`m.nnc:14:12: train: batch must be at most 16777216, got "100000000"`,
		`m.nnc:15:12: train: epochs must be a positive integer, got "2.0"`,
	}},

	{"test without data", validModel + "train { test = mnist }\n",
		[]string{`m.nnc:9:16: train: test needs a data setting`}},

	{"test of another kind", validModel + `train {
  data = csv("a.csv", label=0)
  test = mnist
}
`, []string{`m.nnc:11:10: train: test is mnist but data is csv; both must be of one kind`}},

	{"csv label columns", validModel + `train {
  data = csv("a.csv", label=0)
  test = csv("b.csv", label=1)
}
`, []string{`m.nnc:11:10: train: test has label column 1 but data has 0`}},

	{"mnist does not fit", validModel + "train { data = mnist }\n", []string{
		`m.nnc:9:1: train: dataset mnist has 784 features per image, but the input has shape [N,4]`,
		`m.nnc:9:1: train: dataset mnist has 10 class labels, but the loss is cross_entropy with 3 classes`,
	}},

	{"dataset checked with other errors", strings.Replace(validModel, "sgd(lr=0.1)", "sgd(lr=-1)", 1) +
		"train { data = mnist }\n", []string{
		`m.nnc:8:18: sgd: lr must be a positive number, got "-1"`,
		`m.nnc:9:1: train: dataset mnist has 784 features per image, but the input has shape [N,4]`,
		`m.nnc:9:1: train: dataset mnist has 10 class labels, but the loss is cross_entropy with 3 classes`,
	}},

	{"deep nesting", "model t\nh = " + strings.Repeat("(", 150) + "1" + strings.Repeat(")", 150) + "\n",
		[]string{`m.nnc:2:105: expression nested more than 100 deep`}},
}

func TestParseErrors(t *testing.T) {
	for _, c := range errorCases {
		t.Run(c.name, func(t *testing.T) {
			mod, err := Parse("m.nnc", []byte(c.src))
			if err == nil {
				t.Fatalf("no error; module %s", mod.Name)
			}
			if mod != nil {
				t.Errorf("module %s returned with the errors", mod.Name)
			}
			var list ir.ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error %T, want ir.ErrorList", err)
			}
			got := strings.Split(err.Error(), "\n")
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

func TestValidModelParses(t *testing.T) {
	// The error cases above rely on validModel being valid on its own.
	mustParse(t, validModel)
}
