package cli

import (
	"errors"
	"io"
	"math"

	"github.com/nncc/nncc/runtime"
)

// linearModel is a hand-written model for the tests: one dense layer trained by SGD,
// with softmax cross-entropy for classification, BCE with logits for 0/1 targets
// (Info.Binary) or mean squared error for regression.
type linearModel struct {
	info Info
	w    []float32 // Features×Outputs
	b    []float32 // Outputs
	lr   float32
	out  []float32 // MaxBatch×Outputs

	panicInTrain bool // makes TrainBatch panic
	failWrite    bool // makes WriteTo fail after writing a few bytes
	evalCalls    int  // number of EvalBatch calls
}

func newClassifier(features, classes int) *linearModel {
	return newLinear(Info{Name: "logreg", MaxBatch: 64, Features: features, Outputs: classes, Classes: classes})
}

func newRegressor(features, targets int) *linearModel {
	return newLinear(Info{Name: "linreg", MaxBatch: 64, Features: features, Outputs: targets, Targets: targets})
}

func newBinary(features, targets int) *linearModel {
	return newLinear(Info{Name: "binreg", MaxBatch: 64, Features: features, Outputs: targets, Targets: targets, Binary: true})
}

func newLinear(info Info) *linearModel {
	m := &linearModel{
		info: info,
		w:    make([]float32, info.Features*info.Outputs),
		b:    make([]float32, info.Outputs),
		lr:   0.1,
		out:  make([]float32, info.MaxBatch*info.Outputs),
	}
	bound := runtime.LinearBound(info.Features)
	rng := runtime.NewRNG(1)
	runtime.FillUniform(rng, m.w, -bound, bound)
	runtime.FillUniform(rng, m.b, -bound, bound)
	return m
}

func (m *linearModel) Info() Info { return m.info }

func (m *linearModel) check(fn string, x []float32, labels []int32, values []float32, n int) {
	runtime.CheckBatch(fn, n, m.info.MaxBatch)
	runtime.CheckLen(fn, "x", len(x), m.info.Features, n)
	if m.info.Classes > 0 {
		runtime.CheckLen(fn, "labels", len(labels), 1, n)
	} else {
		runtime.CheckLen(fn, "values", len(values), m.info.Targets, n)
	}
}

func (m *linearModel) forward(x []float32, n int) []float32 {
	out := m.out[:n*m.info.Outputs]
	for i := range n {
		copy(out[i*m.info.Outputs:(i+1)*m.info.Outputs], m.b)
	}
	runtime.MatMulAcc(out, x, m.w, n, m.info.Features, m.info.Outputs, false, false)
	return out
}

// lossAndGrad returns the mean loss of the batch and the correct count as Model
// documents it, and overwrites out with the gradient of the loss with respect to out.
func (m *linearModel) lossAndGrad(out []float32, labels []int32, values []float32, n int) (loss float64, correct int) {
	switch {
	case m.info.Binary:
		return m.bceAndGrad(out, values, n)
	case m.info.Classes == 0:
		return m.mseAndGrad(out, values, n), -1
	}
	k := m.info.Outputs
	for i := range n {
		row := out[i*k : (i+1)*k]
		if argmax(row) == int(labels[i]) {
			correct++
		}
		maxv := row[argmax(row)]
		var sum float64
		for _, v := range row {
			sum += math.Exp(float64(v - maxv))
		}
		loss += math.Log(sum) - float64(row[labels[i]]-maxv)
		for j, v := range row {
			p := math.Exp(float64(v-maxv)) / sum
			if j == int(labels[i]) {
				p--
			}
			row[j] = float32(p / float64(n))
		}
	}
	return loss / float64(n), correct
}

// mseAndGrad is lossAndGrad for the mean squared error.
func (m *linearModel) mseAndGrad(out, values []float32, n int) (loss float64) {
	k := m.info.Outputs
	for i, v := range out[:n*k] {
		d := float64(v - values[i])
		loss += d * d
		out[i] = float32(2 * d / float64(k*n))
	}
	return loss / float64(k*n)
}

// bceAndGrad is lossAndGrad for BCE with logits, counting the targets whose logit
// is positive exactly when the target is above 0.5.
func (m *linearModel) bceAndGrad(out, values []float32, n int) (loss float64, correct int) {
	k := m.info.Outputs
	for i, v := range out[:n*k] {
		z, y := float64(v), float64(values[i])
		if (z > 0) == (y > 0.5) {
			correct++
		}
		loss += max(z, 0) - z*y + math.Log1p(math.Exp(-math.Abs(z)))
		out[i] = float32((1/(1+math.Exp(-z)) - y) / float64(k*n))
	}
	return loss / float64(k*n), correct
}

func (m *linearModel) TrainBatch(x []float32, labels []int32, values []float32, n int) (float32, int) {
	m.check("TrainBatch", x, labels, values, n)
	if m.panicInTrain {
		panic("linearModel: injected failure")
	}
	grad := m.forward(x, n)
	loss, correct := m.lossAndGrad(grad, labels, values, n)
	k := m.info.Outputs
	for i := range n {
		for j := range k {
			g := m.lr * grad[i*k+j]
			m.b[j] -= g
			for f := range m.info.Features {
				m.w[f*k+j] -= g * x[i*m.info.Features+f]
			}
		}
	}
	return float32(loss), correct
}

func (m *linearModel) EvalBatch(x []float32, labels []int32, values []float32, n int) (float32, int) {
	m.check("EvalBatch", x, labels, values, n)
	m.evalCalls++
	loss, correct := m.lossAndGrad(m.forward(x, n), labels, values, n)
	return float32(loss), correct
}

func (m *linearModel) PredictBatch(x []float32, n int) []float32 {
	runtime.CheckBatch("PredictBatch", n, m.info.MaxBatch)
	runtime.CheckLen("PredictBatch", "x", len(x), m.info.Features, n)
	return m.forward(x, n)
}

func (m *linearModel) LearningRate() float32      { return m.lr }
func (m *linearModel) SetLearningRate(lr float32) { m.lr = lr }

func (m *linearModel) tensors() []runtime.Tensor {
	return []runtime.Tensor{
		{Name: "w", Shape: []int{m.info.Features, m.info.Outputs}, F32: m.w},
		{Name: "b", Shape: []int{m.info.Outputs}, F32: m.b},
	}
}

func (m *linearModel) WriteTo(w io.Writer) (int64, error) {
	if m.failWrite {
		n, _ := w.Write([]byte("partial"))
		return int64(n), errors.New("linearModel: injected write failure")
	}
	return runtime.WriteTensors(w, m.tensors(), map[string]string{"model": m.info.Name})
}

func (m *linearModel) ReadFrom(r io.Reader) (int64, error) {
	_, n, err := runtime.ReadTensors(r, m.tensors())
	return n, err
}
