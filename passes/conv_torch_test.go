package passes

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nncc/nncc/frontend"
	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/ir/interp"
)

// metaPair reads a "h,w" pair from the reference metadata.
func metaPair(t *testing.T, meta map[string]string, key string) []int {
	t.Helper()
	parts := strings.Split(meta[key], ",")
	require.Len(t, parts, 2, "metadata %q = %q", key, meta[key])
	out := make([]int, 2)
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		require.NoError(t, err, "metadata %q", key)
		out[i] = n
	}
	return out
}

// TestConvPoolMatchPyTorch runs conv2d, max_pool2d and avg_pool2d and their
// gradients (through Grad) on the interpreter and compares the outputs and the
// gradients of sum(out * r) with the values PyTorch recorded in
// testdata/torch/conv_f64.safetensors (see testdata/torch/conv.py).
func TestConvPoolMatchPyTorch(t *testing.T) {
	ref, meta := readSafetensors(t, filepath.Join("..", "testdata", "torch", "conv_f64.safetensors"))
	cases := []string{"conv_plain", "conv_mixed", "conv_depthwise", "max_pool", "max_pool_overlap", "avg_pool"}
	for _, name := range cases {
		t.Run(name, func(t *testing.T) {
			x, r := ref[name+".x"], ref[name+".r"]
			g := ir.NewGraph(name, 1)
			b := ir.NewBuilder(g)
			xv := b.Input("x", ir.F64, ir.Shape(x.shape))
			rv := b.Input("r", ir.F64, ir.Shape(r.shape))
			feeds := map[string]*interp.Tensor{
				"x": interp.NewTensor(ir.F64, x.shape, x.data),
				"r": interp.NewTensor(ir.F64, r.shape, r.data),
			}
			wrt := []*ir.Value{xv}
			var out *ir.Value
			if strings.HasPrefix(name, "conv") {
				w := ref[name+".weight"]
				wv := b.Input("weight", ir.F64, ir.Shape(w.shape))
				feeds["weight"] = interp.NewTensor(ir.F64, w.shape, w.data)
				wrt = append(wrt, wv)
				groups, err := strconv.Atoi(meta[name+".groups"])
				require.NoError(t, err)
				out = b.Conv2D(xv, wv, ir.Conv2DParams{Stride: metaPair(t, meta, name+".stride"),
					Padding: metaPair(t, meta, name+".padding"), Dilation: metaPair(t, meta, name+".dilation"), Groups: groups})
			} else {
				p := ir.Pool2DParams{Kernel: metaPair(t, meta, name+".kernel"), Stride: metaPair(t, meta, name+".stride"),
					Padding: metaPair(t, meta, name+".padding")}
				if strings.HasPrefix(name, "max") {
					out = b.MaxPool2D(xv, p)
				} else {
					out = b.AvgPool2D(xv, p)
				}
			}
			loss := b.Sum(b.Mul(out, rv), ir.AllAxes(4), false)
			require.NoError(t, b.Err())
			g.SetOutput("out", out)
			grads, err := Grad(g, loss, wrt)
			require.NoError(t, err)
			for i, v := range wrt {
				g.SetOutput("grad."+v.Attrs.Name, grads[i])
			}
			require.NoError(t, ir.Verify(g))

			got, _, err := interp.Run(g, 1, feeds)
			require.NoError(t, err)
			for _, o := range g.Outputs {
				want := ref[name+"."+o.Name]
				require.Equal(t, want.shape, got[o.Name].Shape, o.Name)
				compare(t, name+"."+o.Name, got[o.Name].Data, want.data, 1e-12)
			}
		})
	}
}

// TestConvLayersMatchPyTorch runs the conv2d layer (with its bias), max_pool2d,
// avg_pool2d and global_avg_pool of the model language on the interpreter and
// compares the output and the gradients with respect to the input and both
// parameters with PyTorch's nn.Conv2d chain in conv.py.
func TestConvLayersMatchPyTorch(t *testing.T) {
	ref, _ := readSafetensors(t, filepath.Join("..", "testdata", "torch", "conv_f64.safetensors"))
	src := `model convlayers
dtype f64
input x: [2, 6, 6]
labels y: [4]
h = relu(conv2d(x, 4, 3, padding=1, name="conv"))
h = max_pool2d(h, 2)
h = avg_pool2d(h, 3, stride=1, padding=1)
out = global_avg_pool(h)
output out
loss mse(out, y)
optimizer sgd(lr=0.1)
`
	m, err := frontend.Parse("convlayers.nnc", []byte(src))
	require.NoError(t, err)
	g := m.Forward
	x, r := ref["conv_layers.x"], ref["conv_layers.r"]
	feeds := map[string]*interp.Tensor{
		"x": interp.NewTensor(ir.F64, x.shape, x.data),
		"y": interp.Zeros(ir.F64, []int{2, 4}), // the loss is an output too
	}
	for _, p := range []string{"conv.weight", "conv.bias"} {
		v := ref["conv_layers.param."+p]
		require.Equal(t, []int(g.Named(p).Shape), v.shape, p)
		feeds[p] = interp.NewTensor(ir.F64, v.shape, v.data)
	}

	b := ir.NewBuilder(g)
	rv := b.Input("r", ir.F64, ir.Shape{ir.Batch, 4})
	feeds["r"] = interp.NewTensor(ir.F64, r.shape, r.data)
	y := b.Sum(b.Mul(g.Output("output"), rv), []int{0, 1}, false)
	require.NoError(t, b.Err())
	g.MaxBatch = max(g.MaxBatch, 2)
	out := evalWithGrads(t, g, y, []string{"x", "conv.weight", "conv.bias"}, 2, feeds)
	compare(t, "out", out["output"].Data, ref["conv_layers.out"].data, 1e-12)
	for _, name := range []string{"x", "conv.weight", "conv.bias"} {
		compare(t, "grad."+name, out["grad."+name].Data, ref["conv_layers.grad."+name].data, 1e-12)
	}
}
