package codegen

import (
	"github.com/nncc/nncc/ir"
)

// convTests covers the convolution and pooling kernels in f32 and f64 against the
// interpreter: strides, padding, dilation, groups, and every gradient op.
func convTests() []opTest {
	cp := func(s, p, d []int, groups int) ir.Conv2DParams {
		return ir.Conv2DParams{Stride: s, Padding: p, Dilation: d, Groups: groups}
	}
	pp := func(k, s, p []int) ir.Pool2DParams { return ir.Pool2DParams{Kernel: k, Stride: s, Padding: p} }
	mixed := cp([]int{2, 1}, []int{1, 2}, []int{2, 1}, 2)
	xs := ir.Shape{ir.Batch, 4, 6, 5} // mixed gives [N,2,3,7] with a weight [2,2,2,3]
	pool := pp([]int{3, 2}, []int{2, 1}, []int{1, 1})
	// Stride 1 runs the shifted-window kernels in f32 where the CPU has them.
	same := cp([]int{1, 1}, []int{1, 2}, []int{1, 1}, 1)
	// 12×14 padded planes give 166 virtual columns, enough for the filter gradient's
	// shifted window too.
	sameXS, sameYS, sameWS := ir.Shape{ir.Batch, 3, 12, 10}, ir.Shape{ir.Batch, 5, 12, 12}, ir.Shape{5, 3, 3, 3}
	pool2 := pp([]int{2, 2}, []int{2, 2}, []int{0, 0})
	var tests []opTest
	for _, dt := range []ir.DType{ir.F32, ir.F64} {
		sfx := "_" + dt.String()
		tests = append(tests,
			opTest{name: "conv2d" + sfx, dt: dt, shape: xs, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
				return b.Conv2D(x, param(b, "w", dt, ir.Shape{2, 2, 2, 3}), mixed)
			}},
			opTest{name: "conv2d_depthwise" + sfx, dt: dt, shape: xs, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
				return b.Conv2D(x, param(b, "w", dt, ir.Shape{8, 1, 3, 3}), cp([]int{1, 1}, []int{1, 1}, []int{1, 1}, 4))
			}},
			opTest{name: "conv2d_input_grad" + sfx, dt: dt, shape: ir.Shape{ir.Batch, 2, 3, 7},
				build: func(b *ir.Builder, x *ir.Value) *ir.Value {
					return b.Conv2DInputGrad(x, param(b, "w", dt, ir.Shape{2, 2, 2, 3}), xs, mixed)
				}},
			opTest{name: "conv2d_filter_grad" + sfx, dt: dt, shape: xs, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
				dy := b.Conv2D(x, param(b, "w", dt, ir.Shape{2, 2, 2, 3}), mixed)
				return b.Reshape(b.Conv2DFilterGrad(x, dy, ir.Shape{2, 2, 2, 3}, mixed), ir.Shape{24})
			}},
			opTest{name: "conv2d_stride1" + sfx, dt: dt, shape: sameXS, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
				return b.Conv2D(x, param(b, "w", dt, sameWS), same)
			}},
			opTest{name: "conv2d_stride1_input_grad" + sfx, dt: dt, shape: sameYS,
				build: func(b *ir.Builder, x *ir.Value) *ir.Value {
					return b.Conv2DInputGrad(x, param(b, "w", dt, sameWS), sameXS, same)
				}},
			opTest{name: "conv2d_stride1_filter_grad" + sfx, dt: dt, shape: sameXS, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
				dy := b.Conv2D(x, param(b, "w", dt, sameWS), same)
				return b.Reshape(b.Conv2DFilterGrad(x, dy, sameWS, same), ir.Shape{135})
			}},
			opTest{name: "max_pool2d_2x2" + sfx, dt: dt, shape: xs, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
				return b.MaxPool2D(x, pool2)
			}},
			opTest{name: "max_pool2d_2x2_grad" + sfx, dt: dt, shape: xs, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
				return b.MaxPool2DGrad(x, b.MaxPool2D(b.Neg(x), pool2), pool2)
			}},
			opTest{name: "max_pool2d" + sfx, dt: dt, shape: xs, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
				return b.MaxPool2D(x, pool)
			}},
			opTest{name: "max_pool2d_grad" + sfx, dt: dt, shape: xs, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
				return b.MaxPool2DGrad(x, b.MaxPool2D(b.Neg(x), pool), pool)
			}},
			opTest{name: "max_pool2d_gather" + sfx, dt: dt, shape: xs, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
				return b.MaxPool2DGather(x, b.Exp(x), pool)
			}},
			opTest{name: "avg_pool2d" + sfx, dt: dt, shape: xs, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
				return b.AvgPool2D(x, pool)
			}},
			opTest{name: "avg_pool2d_grad" + sfx, dt: dt, shape: xs, build: func(b *ir.Builder, x *ir.Value) *ir.Value {
				return b.AvgPool2DGrad(b.AvgPool2D(x, pool), xs, pool)
			}},
		)
	}
	return tests
}
