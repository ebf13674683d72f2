package codegen

import (
	"fmt"
	"testing"

	"github.com/nncc/nncc/ir/interp"
)

// PyTorch parity of generated layers and losses, against the values that
// testdata/torch/layers.py records. Each case runs the recorded batch: Predict,
// Evaluate and one TrainStep of SGD with momentum, whose momentum buffer after the
// first step is the gradient of the loss. A second batch, the first sample alone,
// is compared with the reference interpreter only, as a partial batch.

// layerTorchCases returns the generated-code parity cases of the recurrent layers,
// attention, layer norm and embedding, and of two losses.
func layerTorchCases(t *testing.T) []*genCase {
	files := map[string]*refFile{"f32": readRefFile(t, "layers_f32"), "f64": readRefFile(t, "layers_f64")}
	return []*genCase{
		seededLayerCase(t, files["f32"], "lstm", "f32", "", "lstm(x, 5, name=\"lstm\")"),
		seededLayerCase(t, files["f64"], "lstm", "f64", "", "lstm(x, 5, name=\"lstm\")"),
		seededLayerCase(t, files["f64"], "lstm_seq", "f64", "", "lstm(x, 5, name=\"lstm\", return_sequences=true)"),
		seededLayerCase(t, files["f32"], "gru_seq", "f32", "", "gru(x, 5, name=\"gru\", return_sequences=true)"),
		seededLayerCase(t, files["f64"], "attention_causal", "f64", "", "attention(x, 2, name=\"att\", causal=true)"),
		seededLayerCase(t, files["f64"], "layer_norm", "f64", "", "layer_norm(x, name=\"ln\")"),
		seededLayerCase(t, files["f32"], "embedding", "f32", "i32", "embedding(x, 7, 4, name=\"emb\")"),
		lossTorchCase(t, files["f32"], "ce_smooth", "f32", "classes(5)", "cross_entropy(p, y, label_smoothing=0.1)"),
		lossTorchCase(t, files["f64"], "bce", "f64", "[3]", "bce(p, y)"),
		seededLayerCase(t, readRefFile(t, "conv_f64"), "conv_layers", "f64", "",
			`global_avg_pool(avg_pool2d(max_pool2d(relu(conv2d(x, 4, 3, padding=1, name="conv")), 2), 3, stride=1, padding=1))`),
	}
}

// layerTol is the tolerance of the layer cases, as for the training runs.
func layerTol(dt string) float64 {
	if dt == "f32" {
		return torchTolF32
	}
	return torchTolF64
}

// seededLayerCase returns a case of reference case ref: layer call applied to the
// recorded input (of element type xType, "" for the model's dtype), trained with
// mse against targets y = out - w·size/2, where size is the number of elements of
// out. The gradient of that loss with respect to the layer's output is then w, so
// the parameter gradients are those of sum(out * w) that PyTorch recorded.
func seededLayerCase(t *testing.T, f *refFile, ref, dt, xType, call string) *genCase {
	t.Helper()
	x, out, w := f.get(t, ref+".x"), f.get(t, ref+".out"), f.get(t, ref+".w")
	n := x.shape[0]
	src := fmt.Sprintf(`model layers_%s_%s
dtype %s
input x: %s%s
labels y: %s
h = %s
output h
loss mse(h, y)
optimizer sgd(lr=0.1, momentum=0.9)
train {
  batch = %d
}
`, ref, dt, dt, xType, dimsText(x.shape[1:]), dimsText(out.shape[1:]), call, n)
	c := parseCase(t, "layers_"+ref+"_"+dt, src)
	var params []string
	for _, p := range c.prog.Train.Graph.Params() {
		params = append(params, p.Attrs.Name)
		setFeed(t, c, p.Attrs.Name, f.get(t, ref+".param."+p.Attrs.Name))
	}
	y := make([]float64, len(out.data))
	half := float64(len(out.data)) / 2
	for i := range y {
		y[i] = out.data[i] - w.data[i]*half
	}
	xdt := c.prog.Predict.Graph.Named("x").DType
	ydt := c.prog.Eval.Graph.Named("y").DType
	c.batches = []genBatch{{
		n: n,
		x: interp.NewTensor(xdt, x.shape, x.data),
		y: interp.NewTensor(ydt, out.shape, y),
	}}
	c.batches = append(c.batches, firstSample(c.batches[0]))
	c.check = func(t *testing.T, res harnessResult) {
		if len(res.Batches) != 2 || len(res.Batches[0].Steps) != 1 {
			t.Fatalf("want two batches with one train step each, got %d batches", len(res.Batches))
		}
		r, tol := res.Batches[0], layerTol(dt)
		var l parityLog
		l.check(t, "output", ref+": Predict", decodeFloats(t, r.Predict), out.data, tol)
		for _, p := range params {
			l.check(t, "gradient", ref+": gradient of "+p, decodeFloats(t, r.Steps[0].Tensors[p+".momentum"]),
				f.get(t, ref+".grad."+p).data, tol)
		}
		t.Logf("%s: largest relative errors against PyTorch: %s", ref, l.summary())
	}
	return c
}

// lossTorchCase returns a case of loss reference case ref. The prediction is
// dense(x, C, bias=false) of the identity matrix x, so the weight [C, N] is the
// transposed recorded prediction and its gradient the transposed gradient of the
// loss with respect to the prediction.
func lossTorchCase(t *testing.T, f *refFile, ref, dt, labels, call string) *genCase {
	t.Helper()
	pred, y := f.get(t, ref+".pred"), f.get(t, ref+".y")
	n, classes := pred.shape[0], pred.shape[1]
	src := fmt.Sprintf(`model layers_%s_%s
dtype %s
input x: [%d]
labels y: %s
p = dense(x, %d, name="fc", bias=false)
output p
loss %s
optimizer sgd(lr=0.1, momentum=0.9)
train {
  batch = %d
}
`, ref, dt, dt, n, labels, classes, call, n)
	c := parseCase(t, "layers_"+ref+"_"+dt, src)
	setFeed(t, c, "fc.weight", refTensor{[]int{classes, n}, transpose(pred.data, n, classes)})
	identity := make([]float64, n*n)
	for i := range n {
		identity[i*n+i] = 1
	}
	dtype := c.prog.Predict.Graph.Named("x").DType
	yType := c.prog.Eval.Graph.Named("y").DType
	c.batches = []genBatch{{
		n: n,
		x: interp.NewTensor(dtype, []int{n, n}, identity),
		y: interp.NewTensor(yType, y.shape, y.data),
	}}
	c.batches = append(c.batches, firstSample(c.batches[0]))
	c.check = func(t *testing.T, res harnessResult) {
		if len(res.Batches) != 2 || len(res.Batches[0].Steps) != 1 {
			t.Fatalf("want two batches with one train step each, got %d batches", len(res.Batches))
		}
		r, tol := res.Batches[0], layerTol(dt)
		want := f.get(t, ref+".loss").data
		var l parityLog
		l.check(t, "prediction", ref+": Predict", decodeFloats(t, r.Predict), pred.data, 0)
		l.check(t, "loss", ref+": Evaluate loss", decodeFloats(t, []string{r.Loss}), want, tol)
		l.check(t, "loss", ref+": TrainStep loss", decodeFloats(t, []string{r.Steps[0].Loss}), want, tol)
		grad := transpose(decodeFloats(t, r.Steps[0].Tensors["fc.weight.momentum"]), classes, n)
		l.check(t, "gradient", ref+": gradient of the loss", grad, f.get(t, ref+".grad.pred").data, tol)
		t.Logf("%s: largest relative errors against PyTorch: %s", ref, l.summary())
	}
	return c
}

// firstSample returns the first sample of batch b as a batch of its own.
func firstSample(b genBatch) genBatch {
	one := func(x *interp.Tensor) *interp.Tensor {
		per := len(x.Data) / x.Shape[0]
		return interp.NewTensor(x.DType, append([]int{1}, x.Shape[1:]...), x.Data[:per])
	}
	return genBatch{n: 1, x: one(b.x), y: one(b.y)}
}

// transpose returns the transpose of the row-major rows×cols matrix a.
func transpose(a []float64, rows, cols int) []float64 {
	out := make([]float64, len(a))
	for i := range rows {
		for j := range cols {
			out[j*rows+i] = a[i*cols+j]
		}
	}
	return out
}

// dimsText returns dims as the model language writes a shape: [4, 3].
func dimsText(dims []int) string {
	s := "["
	for i, d := range dims {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprint(d)
	}
	return s + "]"
}
