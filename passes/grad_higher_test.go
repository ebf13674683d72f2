package passes

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/ir/interp"
)

// Second- and third-order derivatives: Grad applied to functions of gradients.

// mlpNet is a two-layer classifier with a tanh hidden layer and a softmax
// cross-entropy loss, the batch mean over integer labels.
type mlpNet struct {
	g      *ir.Graph
	b      *ir.Builder
	params []*ir.Value // w1 [4,5], b1 [5], w2 [5,3], b2 [3]
	loss   *ir.Value
}

func newMLP(t *testing.T, dt ir.DType) *mlpNet { return newMLPWith(t, dt, false) }

// newMLPWith builds the classifier with its log-softmax composed of primitives, as
// newMLP does, or with primitive set as the log_softmax op.
func newMLPWith(t *testing.T, dt ir.DType, primitive bool) *mlpNet {
	t.Helper()
	g := ir.NewGraph("mlp", 4)
	b := ir.NewBuilder(g)
	x := b.Input("x", dt, gradShape(dimN, 4))
	labels := b.Input("labels", ir.I32, gradShape(dimN))
	w1 := b.Param("w1", dt, gradShape(4, 5), ir.Init{})
	b1 := b.Param("b1", dt, gradShape(5), ir.Init{})
	w2 := b.Param("w2", dt, gradShape(5, 3), ir.Init{})
	b2 := b.Param("b2", dt, gradShape(3), ir.Init{})

	h := b.Unary(ir.OpTanh, b.Add(b.MatMul(x, w1, false, false), b1))
	z := b.Add(b.MatMul(h, w2, false, false), b2)
	// log-softmax with the max subtracted, then the label's negative log-likelihood.
	m := b.Reduce(ir.OpReduceMax, z, []int{1}, true)
	lse := b.Add(b.Log(b.Sum(b.Exp(b.Sub(z, m)), []int{1}, true)), m)
	logp := b.Sub(z, lse)
	if primitive {
		logp = b.LogSoftmax(z, 1)
	}
	picked := b.Sum(b.Mul(b.OneHot(labels, 3, dt), logp), []int{1}, false)
	loss := b.Neg(b.Mean(picked, []int{0}, false))
	if err := b.Err(); err != nil {
		t.Fatal(err)
	}
	g.SetOutput("loss", loss)
	return &mlpNet{g: g, b: b, params: []*ir.Value{w1, b1, w2, b2}, loss: loss}
}

// mlpFeeds returns random inputs, labels and params at batch extent n, plus a
// random direction "v_<param>" for each param.
func mlpFeeds(net *mlpNet, n int, r *rand.Rand) map[string]*interp.Tensor {
	feeds := map[string]*interp.Tensor{
		"x":      gradRandTensor(r, []int{n, 4}),
		"labels": interp.NewTensor(ir.I32, []int{n}, make([]float64, n)),
	}
	for i := range n {
		feeds["labels"].Data[i] = float64(r.IntN(3))
	}
	for _, p := range net.params {
		feeds[p.Attrs.Name] = gradRandTensor(r, p.Shape)
		feeds["v_"+p.Attrs.Name] = gradRandTensor(r, p.Shape)
	}
	return feeds
}

func gradRandTensor(r *rand.Rand, shape []int) *interp.Tensor {
	t := interp.Zeros(ir.F64, shape)
	for i := range t.Data {
		t.Data[i] = 2*r.Float64() - 1
	}
	return t
}

// TestGradHessianVectorProduct checks H·v, computed as the gradient of
// dot(grad(loss), v), against central differences of the gradient along v.
func TestGradHessianVectorProduct(t *testing.T) {
	for _, primitive := range []bool{false, true} {
		checkHessianVectorProduct(t, newMLPWith(t, ir.F64, primitive))
	}
}

func checkHessianVectorProduct(t *testing.T, net *mlpNet) {
	g, b := net.g, net.b
	grads, err := Grad(g, net.loss, net.params)
	if err != nil {
		t.Fatal(err)
	}
	var dot *ir.Value
	for i, p := range net.params {
		v := b.Input("v_"+p.Attrs.Name, ir.F64, p.Shape)
		term := b.Sum(b.Mul(grads[i], v), ir.AllAxes(p.Shape.Rank()), false)
		if dot == nil {
			dot = term
		} else {
			dot = b.Add(dot, term)
		}
		g.SetOutput("g_"+p.Attrs.Name, grads[i])
	}
	hv, err := Grad(g, dot, net.params)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range net.params {
		g.SetOutput("hv_"+p.Attrs.Name, hv[i])
	}
	if err := ir.Verify(g); err != nil {
		t.Fatalf("Verify: %v", err)
	}

	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 3} {
		feeds := mlpFeeds(net, n, r)
		outs, _, err := interp.Run(g, n, feeds)
		if err != nil {
			t.Fatal(err)
		}
		// Central differences of every gradient along the direction v.
		const h = 1e-5
		plus, minus := mlpShiftParams(net, feeds, h), mlpShiftParams(net, feeds, -h)
		outsPlus, _, err := interp.Run(g, n, plus)
		if err != nil {
			t.Fatal(err)
		}
		outsMinus, _, err := interp.Run(g, n, minus)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range net.params {
			name := p.Attrs.Name
			got := outs["hv_"+name]
			for i := range got.Data {
				fd := (outsPlus["g_"+name].Data[i] - outsMinus["g_"+name].Data[i]) / (2 * h)
				if !gradClose(got.Data[i], fd) {
					t.Errorf("n=%d: (H v)_%s[%d] = %.12g, finite difference %.12g", n, name, i, got.Data[i], fd)
				}
			}
		}
	}
}

// mlpShiftParams returns feeds with every param p moved by h * v_p.
func mlpShiftParams(net *mlpNet, feeds map[string]*interp.Tensor, h float64) map[string]*interp.Tensor {
	shifted := make(map[string]*interp.Tensor, len(feeds))
	for k, v := range feeds {
		shifted[k] = v
	}
	for _, p := range net.params {
		name := p.Attrs.Name
		t := feeds[name].Clone()
		for i := range t.Data {
			t.Data[i] += h * feeds["v_"+name].Data[i]
		}
		shifted[name] = t
	}
	return shifted
}

// TestGradPenaltyLoss differentiates loss + 0.3 * ||d loss / d params||^2, a
// gradient-norm penalty, and checks it against central differences of that loss.
func TestGradPenaltyLoss(t *testing.T) {
	for _, primitive := range []bool{false, true} {
		checkPenaltyLoss(t, newMLPWith(t, ir.F64, primitive))
	}
}

func checkPenaltyLoss(t *testing.T, net *mlpNet) {
	g, b := net.g, net.b
	grads, err := Grad(g, net.loss, net.params)
	if err != nil {
		t.Fatal(err)
	}
	total := net.loss
	for i, p := range net.params {
		sq := b.Sum(b.Mul(grads[i], grads[i]), ir.AllAxes(p.Shape.Rank()), false)
		total = b.Add(total, b.Mul(b.ScalarLike(sq, 0.3), sq))
	}
	g.SetOutput("y", total)
	outer, err := Grad(g, total, net.params)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range net.params {
		g.SetOutput("d_"+p.Attrs.Name, outer[i])
	}
	if err := ir.Verify(g); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	// The params are differentiated like inputs: checkFiniteDifferences perturbs the
	// feed named after each "d_" output.
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 3} {
		checkFiniteDifferences(t, g, n, mlpFeeds(net, n, r))
	}
}

// TestGradThirdOrder differentiates sum(x^3) three times: 3x^2, then 6x, then 6.
func TestGradThirdOrder(t *testing.T) {
	g := ir.NewGraph("cube", 4)
	b := ir.NewBuilder(g)
	x := b.Input("x", ir.F64, gradShape(dimN, 2))
	all := []int{0, 1}
	d := b.Sum(b.Mul(b.Mul(x, x), x), all, false)
	for order := 1; order <= 3; order++ {
		grads, err := Grad(g, d, []*ir.Value{x})
		if err != nil {
			t.Fatal(err)
		}
		g.SetOutput(fmt.Sprintf("d%d", order), grads[0])
		d = b.Sum(grads[0], all, false)
	}
	if err := ir.Verify(g); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	outs, _, err := interp.Run(g, 2, map[string]*interp.Tensor{"x": gradTensor([]int{2, 2}, 1, -2, 0.5, 3)})
	if err != nil {
		t.Fatal(err)
	}
	checkGradValues(t, "d1", outs["d1"], 3, 12, 0.75, 27)
	checkGradValues(t, "d2", outs["d2"], 6, -12, 3, 18)
	checkGradValues(t, "d3", outs["d3"], 6, 6, 6, 6)
}

// TestGradF32MatchesF64 checks that Grad builds the same gradients in f32 as in f64:
// the f32 values agree to float32 accuracy.
func TestGradF32MatchesF64(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var grads [2]map[string]*interp.Tensor
	var feeds map[string]*interp.Tensor
	for i, dt := range []ir.DType{ir.F64, ir.F32} {
		net := newMLP(t, dt)
		gs, err := Grad(net.g, net.loss, net.params)
		if err != nil {
			t.Fatal(err)
		}
		for j, p := range net.params {
			net.g.SetOutput("g_"+p.Attrs.Name, gs[j])
		}
		if err := ir.Verify(net.g); err != nil {
			t.Fatalf("%s: Verify: %v", dt, err)
		}
		if feeds == nil {
			feeds = mlpFeeds(net, 3, r)
		}
		typed := make(map[string]*interp.Tensor)
		for name, f := range feeds {
			typed[name] = f
			if f.DType.IsFloat() {
				typed[name] = interp.NewTensor(dt, f.Shape, f.Data)
			}
		}
		grads[i], _, err = interp.Run(net.g, 3, typed)
		if err != nil {
			t.Fatal(err)
		}
	}
	for name, want := range grads[0] {
		got := grads[1][name]
		for i := range want.Data {
			if math.Abs(got.Data[i]-want.Data[i]) > 1e-5*max(1, math.Abs(want.Data[i])) {
				t.Errorf("%s[%d]: f32 %v, f64 %v", name, i, got.Data[i], want.Data[i])
			}
		}
	}
}
