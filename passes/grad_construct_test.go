package passes

import (
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/nncc/nncc/frontend"
	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/ir/interp"
	"github.com/stretchr/testify/require"
)

// Tests of the saliency function and of the frontend's grad construct, run in the
// reference interpreter against central finite differences in f64.

// buildSource parses the model file src and builds its program.
func buildSource(t *testing.T, src string) *Program {
	t.Helper()
	m, err := frontend.Parse("test.nnc", []byte(src))
	require.NoError(t, err)
	p, err := Build(m, Options{VerifyEach: true})
	require.NoError(t, err)
	return p
}

// programFeeds returns random params (uniform in [-0.6, 0.6]) and state (its
// constant initializer) of p, the input x with n random rows and the class labels
// y[i] = i mod classes.
func programFeeds(p *Program, n, classes int, r *rand.Rand) map[string]*interp.Tensor {
	feeds := make(map[string]*interp.Tensor)
	for _, v := range p.Module.Forward.Values {
		switch {
		case v.Op == ir.OpParam:
			t := interp.Zeros(v.DType, v.Shape)
			for i := range t.Data {
				t.Data[i] = 1.2*r.Float64() - 0.6
			}
			feeds[v.Attrs.Name] = t
		case v.Op == ir.OpState:
			t := interp.Zeros(v.DType, v.Shape)
			for i := range t.Data {
				t.Data[i] = v.Attrs.Init.Value
			}
			feeds[v.Attrs.Name] = t
		case v.Op == ir.OpInput && v.Attrs.Name == "x":
			feeds["x"] = gradRandTensor(r, append([]int{n}, v.Shape[1:]...))
		}
	}
	y := interp.Zeros(ir.I32, []int{n})
	for i := range y.Data {
		y.Data[i] = float64(i % classes)
	}
	feeds["y"] = y
	return feeds
}

// runOutput runs f and returns its output name.
func runOutput(t *testing.T, f *Function, n int, feeds map[string]*interp.Tensor, name string) *interp.Tensor {
	t.Helper()
	outs, _, err := interp.Run(f.Graph, n, feeds)
	require.NoError(t, err)
	require.Contains(t, outs, name)
	return outs[name]
}

// shifted returns a copy of feeds with element i of feed name moved by h.
func shifted(feeds map[string]*interp.Tensor, name string, i int, h float64) map[string]*interp.Tensor {
	out := maps.Clone(feeds)
	t := interp.NewTensor(feeds[name].DType, feeds[name].Shape, slices.Clone(feeds[name].Data))
	t.Data[i] += h
	out[name] = t
	return out
}

const fdH = 1e-5

// requireFD checks got against the central difference of f along element i of
// feed name.
func requireFD(t *testing.T, got float64, feeds map[string]*interp.Tensor, name string, i int, f func(map[string]*interp.Tensor) float64) {
	t.Helper()
	fd := (f(shifted(feeds, name, i, fdH)) - f(shifted(feeds, name, i, -fdH))) / (2 * fdH)
	require.InDelta(t, fd, got, 1e-7*(1+math.Abs(fd)), "d/d %s[%d]", name, i)
}

const gradModelHead = `model m
dtype f64
input x: [4]
labels y: classes(3)
logits = dense(tanh(dense(x, 5, name="fc1")), 3, name="fc2")
output logits
optimizer sgd(lr=0.5)
train {
  batch = 4
}
`

// TestSaliencyFiniteDifferences checks both saliency kinds: the gradient of the
// mean loss (Eval's loss) and of each sample's chosen class score (Predict's
// output), with respect to every element of x.
func TestSaliencyFiniteDifferences(t *testing.T) {
	for _, kind := range []string{"loss", "output"} {
		t.Run(kind, func(t *testing.T) {
			p := buildSource(t, gradModelHead+"loss cross_entropy(logits, y)\nsaliency "+kind+"\n")
			require.NotNil(t, p.Saliency)
			n := 3
			feeds := programFeeds(p, n, 3, rand.New(rand.NewPCG(1, 2)))
			got := runOutput(t, p.Saliency, n, feeds, SaliencyOutputName)
			require.Equal(t, []int{n, 4}, got.Shape)

			scalar := func(fs map[string]*interp.Tensor) float64 {
				if kind == "loss" {
					return runOutput(t, p.Eval, n, fs, "loss").Data[0]
				}
				out := runOutput(t, p.Predict, n, fs, "output")
				s := 0.0
				for i := range n {
					s += out.Data[i*3+int(fs["y"].Data[i])]
				}
				return s
			}
			for i := range got.Data {
				requireFD(t, got.Data[i], feeds, "x", i, scalar)
			}
		})
	}
}

// TestSaliencyErrors checks that a saliency that the model cannot have is a
// positioned error of Build.
func TestSaliencyErrors(t *testing.T) {
	m, err := frontend.Parse("test.nnc", []byte(`model m
dtype f64
input x: [4]
labels y: [2]
p = dense(x, 2)
output p
loss mse(p, y)
optimizer sgd(lr=0.5)
train {
  batch = 4
}
`))
	require.NoError(t, err)
	// The frontend reports this at the saliency statement; a module made by other
	// means reaches Build, which reports it at the output.
	m.Saliency = ir.SaliencyOutput
	_, err = Build(m, Options{})
	require.ErrorContains(t, err, "test.nnc:5:5: saliency output: needs class labels")
}

// TestPenaltyLossTrainStep checks the train function of a loss with a gradient
// penalty, cross_entropy + 0.3*sum(grad(cross_entropy, x)²): the SGD step's change
// of every param, divided by -lr, must be the central difference of the penalized
// loss (Eval's loss) along that param.
func TestPenaltyLossTrainStep(t *testing.T) {
	ce := "cross_entropy(logits, y)"
	p := buildSource(t, gradModelHead+"loss "+ce+" + 0.3 * sum(grad("+ce+", x) * grad("+ce+", x))\n")
	n := 4
	feeds := programFeeds(p, n, 3, rand.New(rand.NewPCG(3, 4)))
	_, ups, err := interp.Run(p.Train.Graph, n, feeds)
	require.NoError(t, err)
	loss := func(fs map[string]*interp.Tensor) float64 { return runOutput(t, p.Eval, n, fs, "loss").Data[0] }
	// The penalty must matter: the loss without it is smaller.
	plain := buildSource(t, gradModelHead+"loss "+ce+"\n")
	require.Greater(t, loss(feeds)-runOutput(t, plain.Eval, n, feeds, "loss").Data[0], 1e-3)

	for _, name := range []string{"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"} {
		require.Contains(t, ups, name)
		for i := range feeds[name].Data {
			grad := (feeds[name].Data[i] - ups[name].Data[i]) / 0.5
			requireFD(t, grad, feeds, name, i, loss)
		}
	}
}

// TestHessianVectorProductModel builds, with the Go API, a model whose output is
// H·v for s = sum(tanh(x·Wᵀ)²), H its Hessian in each row of x and v a fixed
// direction, as grad(sum(grad(s, x) * v), x). It is compared with central
// differences along v of grad(s, x), itself checked against differences of s.
func TestHessianVectorProductModel(t *testing.T) {
	build := func(hvp bool) *Program {
		m := frontend.NewModel("hvp")
		m.SetDType(ir.F64)
		x := m.Input(4)
		y := m.TargetLabels(2)
		h := m.Tanh(m.Dense(x, 3, "fc"))
		s := m.SumAll(m.Mul(h, h))
		g := m.Grad(s, x)
		out := g
		if hvp {
			v := m.Builder().Const(ir.F64, ir.Shape{4}, []float64{0.5, -1, 2, 0.25})
			out = m.Grad(m.SumAll(m.Mul(g, v)), x)
		}
		m.Output(out)
		m.MSE(m.Dense(x, 2, "head"), y)
		m.SGD(frontend.SGDConfig{LR: 0.1})
		m.Train(ir.TrainConfig{BatchSize: 4, Epochs: 1})
		mod, err := m.Build()
		require.NoError(t, err)
		p, err := Build(mod, Options{VerifyEach: true})
		require.NoError(t, err)
		return p
	}
	hvp, grad := build(true), build(false)
	n := 3
	feeds := programFeeds(grad, n, 2, rand.New(rand.NewPCG(5, 6)))
	delete(feeds, "y")
	got := runOutput(t, hvp.Predict, n, feeds, "output")
	g0 := runOutput(t, grad.Predict, n, feeds, "output")

	// grad(s, x) against differences of s = sum(tanh(x·Wᵀ)²), written out here.
	w := feeds["fc.weight"].Data
	bias := feeds["fc.bias"].Data
	s := func(fs map[string]*interp.Tensor) float64 {
		total := 0.0
		for r := range n {
			for o := range 3 {
				a := bias[o]
				for i := range 4 {
					a += fs["x"].Data[r*4+i] * w[o*4+i]
				}
				total += math.Tanh(a) * math.Tanh(a)
			}
		}
		return total
	}
	for i := range g0.Data {
		requireFD(t, g0.Data[i], feeds, "x", i, s)
	}

	// H·v against differences of grad(s, x) along v in every row.
	v := []float64{0.5, -1, 2, 0.25}
	along := func(h float64) []float64 {
		fs := maps.Clone(feeds)
		x := slices.Clone(feeds["x"].Data)
		for i := range x {
			x[i] += h * v[i%4]
		}
		fs["x"] = interp.NewTensor(ir.F64, feeds["x"].Shape, x)
		return runOutput(t, grad.Predict, n, fs, "output").Data
	}
	hi, lo := along(fdH), along(-fdH)
	for i := range got.Data {
		fd := (hi[i] - lo[i]) / (2 * fdH)
		require.InDelta(t, fd, got.Data[i], 1e-7*(1+math.Abs(fd)), "(H·v)[%d]", i)
	}
}
