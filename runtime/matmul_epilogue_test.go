package runtime

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// epilogueSizes cover every path of MatMulBias32: the small path (few rows, or a
// small op(B)) and the packed GEMM near their limits. k lies within one packedKC block
// or spans several. n leaves partial 16- and 32-column strips and packed blocks, and m
// partial 6-row tiles and packed blocks.
var epilogueSizes = [][3]int{
	{1, 1, 1},
	{1, 784, 128},
	{2, 300, 70},
	{5, 17, 33},
	{7, 513, 40},
	{8, 16, 512},
	{8, 1024, 8},
	{9, 64, 129},
	{13, 257, 33},
	{16, 64, 128},
	{31, 600, 17},
	{50, 2, 1},
	{64, 784, 128},
	{64, 128, 10},
	{64, 10, 128},
	{64, 64, 784},
	{97, 300, 520},
	{128, 64, 784},
	{130, 8, 64},
	{200, 513, 1030},
	{200, 40, 200},
	{3, 0, 5},
}

// epilogueVariant is one combination of the optional parts of MatMulBias32.
type epilogueVariant struct {
	bias, pre bool
	act       Act
}

func epilogueVariants() []epilogueVariant {
	var vs []epilogueVariant
	for _, bias := range []bool{false, true} {
		for _, pre := range []bool{false, true} {
			for _, act := range []Act{ActNone, ActReLU} {
				vs = append(vs, epilogueVariant{bias, pre, act})
			}
		}
	}
	return vs
}

func (v epilogueVariant) String() string {
	return fmt.Sprintf("bias=%v/pre=%v/%v", v.bias, v.pre, v.act)
}

// epilogueBias returns a random bias of n values with NaN, ±Inf, ±0 and values that
// flip the sign of typical products among them.
func epilogueBias(r *rand.Rand, n int) []float32 {
	specials := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.Copysign(0, -1)), 0, 3, -3, math.Float32frombits(0x7fc0beef)}
	bias := randomSlice[float32](r, n)
	for j := range bias {
		if r.IntN(3) == 0 {
			bias[j] = specials[r.IntN(len(specials))]
		}
	}
	return bias
}

// epilogueOperands returns random operands of an m×k×n product. Row 1 of op(A), where
// there is one, holds a NaN with a payload of its own, so that row 1 of the product is
// NaN and meets the NaNs of the bias.
func epilogueOperands(r *rand.Rand, m, k, n int, transA bool) (a, b []float32) {
	a = randomSlice[float32](r, m*k)
	b = randomSlice[float32](r, k*n)
	if m > 1 && k > 0 {
		p := k / 2
		i := 1*k + p
		if transA {
			i = p*m + 1
		}
		a[i] = math.Float32frombits(0x7fc12345)
	}
	return a, b
}

// refEpilogue returns what MatMulBias32 must give: MatMul, AddVV32 on every row, a
// copy, and Relu32.
func refEpilogue(a, b, bias []float32, m, k, n int, transA, transB bool,
	act Act) (c, pre []float32) {
	c = make([]float32, m*n)
	MatMul(c, a, b, m, k, n, transA, transB)
	if bias != nil {
		for i := range m {
			AddVV32(c[i*n:(i+1)*n], c[i*n:(i+1)*n], bias)
		}
	}
	pre = append([]float32(nil), c...)
	if act == ActReLU {
		Relu32(c, c)
	}
	return c, pre
}

// checkBits fails unless got and want have the same bits.
func checkBits(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s[%d] = %v (%#x), want %v (%#x)", what, i, got[i],
				math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
}

// runEpilogue runs MatMulBias32 with variant v on guarded outputs filled with stale
// NaNs, checks the guards and that bias is unchanged, and returns c and pre (nil
// without pre).
func runEpilogue(t *testing.T, a, b, bias []float32, m, k, n int, transA, transB bool,
	v epilogueVariant) (c, pre []float32) {
	t.Helper()
	bufC, c := newGuarded[float32](m * n)
	Fill(c, float32(math.NaN()))
	var bufP []float32
	if v.pre {
		bufP, pre = newGuarded[float32](m * n)
		Fill(pre, float32(math.NaN()))
	}
	var bs []float32
	if v.bias {
		bs = bias
	}
	saved := append([]float32(nil), bias...)
	MatMulBias32(c, pre, a, b, bs, m, k, n, transA, transB, v.act)
	checkGuards(t, bufC, m*n)
	if v.pre {
		checkGuards(t, bufP, m*n)
	}
	checkBits(t, "bias", bias, saved)
	return c, pre
}

// checkEpilogueCase compares every variant of MatMulBias32 on one product with
// refEpilogue, bit for bit.
func checkEpilogueCase(t *testing.T, r *rand.Rand, m, k, n int, transA, transB bool) {
	a, b := epilogueOperands(r, m, k, n, transA)
	bias := epilogueBias(r, n)
	for _, v := range epilogueVariants() {
		var bs []float32
		if v.bias {
			bs = bias
		}
		wantC, wantPre := refEpilogue(a, b, bs, m, k, n, transA, transB, v.act)
		c, pre := runEpilogue(t, a, b, bias, m, k, n, transA, transB, v)
		checkBits(t, v.String()+": c", c, wantC)
		if v.pre {
			checkBits(t, v.String()+": pre", pre, wantPre)
		}
	}
}

// TestMatMulBias32 compares MatMulBias32 with MatMul, AddVV32 and Relu32 bit for bit
// on every path, transpose and variant. Shapes at the limits of the small path also
// check that MatMulBias32 picks the path MatMul picks, since the paths sum in
// different orders.
func TestMatMulBias32(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	for _, sz := range epilogueSizes {
		m, k, n := sz[0], sz[1], sz[2]
		for _, transA := range []bool{false, true} {
			for _, transB := range []bool{false, true} {
				name := fmt.Sprintf("%s/%dx%dx%d", transName(transA, transB), m, k, n)
				t.Run(name, func(t *testing.T) {
					checkEpilogueCase(t, r, m, k, n, transA, transB)
				})
			}
		}
	}
}

// TestMatMulBias32Threads checks MatMulBias32 against the reference with products
// split across 1, 2, 3 and 7 workers, along m and along n.
func TestMatMulBias32Threads(t *testing.T) {
	defer func(min int) { parallelMinWork = min }(parallelMinWork)
	parallelMinWork = 1 << 12
	r := rand.New(rand.NewPCG(43, 44))
	sizes := append([][3]int{{64, 784, 128}, {200, 300, 70}, {128, 64, 784}},
		parallelSizes...)
	for _, sz := range sizes {
		m, k, n := sz[0], sz[1], sz[2]
		for _, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
			transA, transB := tr[0], tr[1]
			a, b := epilogueOperands(r, m, k, n, transA)
			bias := epilogueBias(r, n)
			v := epilogueVariant{bias: true, pre: true, act: ActReLU}
			wantC, wantPre := refEpilogue(a, b, bias, m, k, n, transA, transB, v.act)
			for _, threads := range []int{1, 2, 3, 7} {
				name := fmt.Sprintf("%s/%dx%dx%d/%d", transName(transA, transB), m, k, n,
					threads)
				t.Run(name, func(t *testing.T) {
					withThreads(t, threads, func() {
						c, pre := runEpilogue(t, a, b, bias, m, k, n, transA, transB, v)
						checkBits(t, "c", c, wantC)
						checkBits(t, "pre", pre, wantPre)
					})
				})
			}
		}
	}
}

// epilogueKernelSets lists the sets of micro-kernels that the packed GEMM with the
// epilogue can run with on this machine. The portable kernel is in every build. Where
// the CPU has them, the narrow assembly kernel comes alone (as on a CPU with AVX2
// only), with the wide kernel, and with the in-place kernels too.
func epilogueKernelSets() map[string]gemmKernels {
	sets := map[string]gemmKernels{
		"go": {kernel: sgemmKernelGo, kernelSet: sgemmKernelGoSet},
	}
	if sgemmFast != nil {
		sets["narrow"] = gemmKernels{kernel: sgemmFast, kernelSet: sgemmFastSet}
	}
	if sgemmWide != nil {
		sets["wide"] = gemmKernels{kernel: sgemmFast, kernelSet: sgemmFastSet,
			wide: sgemmWide, wideSet: sgemmWideSet}
	}
	if sgemmWideRows != nil {
		sets["in-place"] = fastKernels
	}
	return sets
}

// TestGemmPackedEpiKernels runs the packed GEMM with the epilogue on every set of
// micro-kernels against the packed GEMM with the set's narrow kernel alone, adding to
// a zeroed C, followed by the reference epilogue. C starts with stale NaNs, which the
// set kernels must overwrite.
func TestGemmPackedEpiKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(45, 46))
	sizes := [][3]int{{13, 257, 33}, {97, 300, 520}, {8, 600, 17}, {6, 1, 16}, {64, 70, 128}}
	for name, ks := range epilogueKernelSets() {
		for _, sz := range sizes {
			m, k, n := sz[0], sz[1], sz[2]
			for t4 := range 4 {
				transA, transB := t4&1 != 0, t4&2 != 0
				t.Run(fmt.Sprintf("%s/%s/%dx%dx%d", name, transName(transA, transB), m, k, n),
					func(t *testing.T) {
						checkPackedEpi(t, r, ks, m, k, n, transA, transB)
					})
			}
		}
	}
}

func checkPackedEpi(t *testing.T, r *rand.Rand, ks gemmKernels, m, k, n int,
	transA, transB bool) {
	a, b := epilogueOperands(r, m, k, n, transA)
	bias := epilogueBias(r, n)
	want := make([]float32, m*n)
	gemmPacked(ks.kernel, want, a, b, m, k, n, transA, transB)
	for i := range m {
		AddVV32(want[i*n:(i+1)*n], want[i*n:(i+1)*n], bias)
	}
	wantPre := append([]float32(nil), want...)
	Relu32(want, want)

	bufC, c := newGuarded[float32](m * n)
	Fill(c, float32(math.NaN()))
	bufP, pre := newGuarded[float32](m * n)
	e := gemmEpilogue{pre: pre, bias: bias, act: ActReLU}
	gemmPackedEpi(ks, c, a, b, m, k, n, transA, transB, e)
	checkGuards(t, bufC, m*n)
	checkGuards(t, bufP, m*n)
	checkBits(t, "c", c, want)
	checkBits(t, "pre", pre, wantPre)
}

// TestEpilogueWidths checks the epilogue alone on blocks of every width up to 40,
// which exercises the vector body and the Go tail, against epilogueGo.
func TestEpilogueWidths(t *testing.T) {
	r := rand.New(rand.NewPCG(47, 48))
	const rows, ld = 3, 45
	for cols := 1; cols <= 40; cols++ {
		for _, act := range []Act{ActNone, ActReLU} {
			src := randomSlice[float32](r, rows*ld)
			src[0], src[1] = float32(math.NaN()), float32(math.Copysign(0, -1))
			bias := epilogueBias(r, cols)
			bufC, c := newGuarded[float32](rows * ld)
			copy(c, src)
			bufP, pre := newGuarded[float32](rows * ld)
			copy(pre, src)
			want := append([]float32(nil), src...)
			wantPre := append([]float32(nil), src...)
			epilogueGo(want, wantPre, bias, ld, rows, 0, cols, act)
			gemmEpilogue{pre: pre, bias: bias, act: act}.apply(c, ld, rows, cols)
			checkGuards(t, bufC, rows*ld)
			checkGuards(t, bufP, rows*ld)
			checkBits(t, fmt.Sprintf("cols %d %v: c", cols, act), c, want)
			checkBits(t, fmt.Sprintf("cols %d %v: pre", cols, act), pre, wantPre)
		}
	}
}

func TestMatMulBias32Allocs(t *testing.T) {
	defer func(min int) { parallelMinWork = min }(parallelMinWork)
	parallelMinWork = 1 << 12
	r := rand.New(rand.NewPCG(49, 50))
	for _, sz := range [][3]int{{64, 784, 128}, {4, 100, 30}, {97, 300, 520}} {
		m, k, n := sz[0], sz[1], sz[2]
		a, b := epilogueOperands(r, m, k, n, false)
		bias := epilogueBias(r, n)
		c := make([]float32, m*n)
		pre := make([]float32, m*n)
		for _, threads := range []int{1, 2} {
			withThreads(t, threads, func() {
				f := func() { MatMulBias32(c, pre, a, b, bias, m, k, n, false, true, ActReLU) }
				if allocs := testing.AllocsPerRun(5, f); allocs != 0 {
					t.Errorf("%dx%dx%d, %d threads: %v allocations per call, want 0",
						m, k, n, threads, allocs)
				}
			})
		}
	}
}

func TestMatMulBias32Panics(t *testing.T) {
	buf := make([]float32, 100)
	f32 := func(n int) []float32 { return make([]float32, n) }
	cases := []struct {
		name string
		call func()
		want string
	}{
		{"short c", func() { MatMulBias32(f32(5), nil, f32(6), f32(9), nil, 2, 3, 3, false, false, ActNone) },
			"len(c)=5 (want >= 6)"},
		{"short a", func() { MatMulBias32(f32(6), nil, f32(5), f32(9), nil, 2, 3, 3, false, false, ActNone) },
			"len(a)=5 (want >= 6)"},
		{"short b", func() { MatMulBias32(f32(6), nil, f32(6), f32(8), nil, 2, 3, 3, false, false, ActNone) },
			"len(b)=8 (want >= 9)"},
		{"negative", func() { MatMulBias32(f32(6), nil, f32(6), f32(9), nil, 2, -3, 3, false, false, ActNone) },
			"negative dimension"},
		{"short pre", func() { MatMulBias32(f32(6), f32(5), f32(6), f32(9), nil, 2, 3, 3, false, false, ActNone) },
			"len(pre)=5 (want >= 6)"},
		{"empty pre", func() { MatMulBias32(f32(6), []float32{}, f32(6), f32(9), nil, 2, 3, 3, false, false, ActNone) },
			"len(pre)=0 (want >= 6)"},
		{"short bias", func() { MatMulBias32(f32(6), nil, f32(6), f32(9), f32(2), 2, 3, 3, false, false, ActNone) },
			"len(bias)=2 (want >= 3)"},
		{"act", func() { MatMulBias32(f32(6), nil, f32(6), f32(9), nil, 2, 3, 3, false, false, Act(7)) },
			"unknown activation Act(7)"},
		{"c overlaps a", func() { MatMulBias32(buf[5:11], nil, buf[0:6], f32(9), nil, 2, 3, 3, false, false, ActNone) },
			"c overlaps a"},
		{"c overlaps b", func() { MatMulBias32(buf[0:6], nil, f32(6), buf[5:14], nil, 2, 3, 3, false, false, ActNone) },
			"c overlaps b"},
		{"pre overlaps a", func() { MatMulBias32(f32(6), buf[0:6], buf[3:9], f32(9), nil, 2, 3, 3, false, false, ActNone) },
			"pre overlaps a"},
		{"pre overlaps b", func() { MatMulBias32(f32(6), buf[20:26], f32(6), buf[12:21], nil, 2, 3, 3, false, false, ActNone) },
			"pre overlaps b"},
		{"c overlaps bias", func() { MatMulBias32(buf[0:6], nil, f32(6), f32(9), buf[4:7], 2, 3, 3, false, false, ActNone) },
			"c overlaps bias"},
		{"pre overlaps bias", func() { MatMulBias32(f32(6), buf[0:6], f32(6), f32(9), buf[5:8], 2, 3, 3, false, false, ActNone) },
			"pre overlaps bias"},
		{"c is pre", func() { MatMulBias32(buf[0:6], buf[0:6], f32(6), f32(9), nil, 2, 3, 3, false, false, ActNone) },
			"c overlaps pre"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			msg := catchPanic(tc.call)
			if !strings.Contains(msg, "nncc: MatMulBias32: ") || !strings.Contains(msg, tc.want) {
				t.Fatalf("panic %q, want it to name MatMulBias32 and contain %q", msg, tc.want)
			}
		})
	}
	// Adjacent slices of one buffer do not overlap.
	MatMulBias32(buf[0:6], buf[6:12], buf[12:18], buf[18:27], buf[27:30], 2, 3, 3,
		false, false, ActReLU)
}

// BenchmarkMatMulBias32 compares MatMulBias32 with bias and ReLU against MatMul
// followed by AddVV32 on every row and Relu32, on the forward products of the MNIST
// and 784-512-512-10 dense layers (x·Wᵀ). The gflops metric counts the product's
// 2·m·k·n operations only.
func BenchmarkMatMulBias32(b *testing.B) {
	for _, sz := range [][3]int{{64, 784, 128}, {128, 784, 512}, {128, 512, 512}} {
		m, k, n := sz[0], sz[1], sz[2]
		r := rand.New(rand.NewPCG(7, 8))
		x := randomSlice[float32](r, m*k)
		w := randomSlice[float32](r, k*n)
		bias := randomSlice[float32](r, n)
		c := make([]float32, m*n)
		flops := 2 * float64(m) * float64(k) * float64(n)
		name := fmt.Sprintf("%dx%dx%d/NT", m, k, n)
		b.Run(name+"/fused", func(b *testing.B) {
			for b.Loop() {
				MatMulBias32(c, nil, x, w, bias, m, k, n, false, true, ActReLU)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "gflops")
		})
		b.Run(name+"/separate", func(b *testing.B) {
			for b.Loop() {
				MatMul(c, x, w, m, k, n, false, true)
				for i := range m {
					AddVV32(c[i*n:(i+1)*n], c[i*n:(i+1)*n], bias)
				}
				Relu32(c, c)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "gflops")
		})
	}
}

// TestMatMulOverwritePaths checks that MatMul, which overwrites C with the packed GEMM
// where epiPacked reports that gemmAcc would use it, gives the bits of MatMulAcc on a
// zeroed C, which always goes through gemmAcc. The paths sum in different orders, so a
// product sent down another path than gemmAcc's shows. The shapes lie at the limits
// of the small path and of the packed GEMM.
func TestMatMulOverwritePaths(t *testing.T) {
	r := rand.New(rand.NewPCG(51, 52))
	sizes := append([][3]int{{8, 1024, 8}, {8, 1025, 8}, {7, 600, 600}, {16, 512, 16},
		{16, 513, 16}, {32, 64, 64}, {33, 64, 64}, {64, 128, 128}, {9, 100, 1000}},
		epilogueSizes...)
	for _, sz := range sizes {
		m, k, n := sz[0], sz[1], sz[2]
		for t4 := range 4 {
			transA, transB := t4&1 != 0, t4&2 != 0
			a, b := epilogueOperands(r, m, k, n, transA)
			want := make([]float32, m*n)
			MatMulAcc(want, a, b, m, k, n, transA, transB)
			buf, c := newGuarded[float32](m * n)
			Fill(c, float32(math.NaN()))
			MatMul(c, a, b, m, k, n, transA, transB)
			checkGuards(t, buf, m*n)
			checkBits(t, fmt.Sprintf("%s/%dx%dx%d: c", transName(transA, transB), m, k, n),
				c, want)
		}
	}
}
