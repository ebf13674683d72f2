package runtime

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// refLogSoftmax32 is the composite that generated code ran before the kernel
// existed, one op at a time over whole tensors: the maximum, the difference, the
// exponentials, the sums, the logarithms and the result.
func refLogSoftmax32(x []float32, outer, k, inner int) []float32 {
	slices := outer * inner
	mx := make([]float32, slices)
	for i := range mx {
		mx[i] = float32(math.Inf(-1))
	}
	s := make([]float32, len(x))
	e := make([]float32, len(x))
	t := make([]float32, slices)
	for o := range outer {
		for j := range k {
			for i := range inner {
				p := (o*k+j)*inner + i
				mx[o*inner+i] = max(mx[o*inner+i], x[p])
			}
		}
	}
	for p := range x {
		o, i := p/(k*inner), p%inner
		s[p] = x[p] - mx[o*inner+i]
		e[p] = Exp32(s[p])
		t[o*inner+i] += e[p]
	}
	y := make([]float32, len(x))
	for p := range x {
		o, i := p/(k*inner), p%inner
		y[p] = s[p] - Log32(t[o*inner+i])
	}
	return y
}

// softmaxLayouts are the [outer, axisLen, inner] layouts the tests run: rows of one
// element, short and long rows, strided slices, and tensors of one group of
// softmaxGroup elements, of several, and with blocks larger than a group.
var softmaxLayouts = [][3]int{
	{1, 1, 1}, {3, 1, 1}, {64, 10, 1}, {5, 7, 1}, {2, 256, 1}, {3, 255, 1}, {1, 1000, 1},
	{26, 10, 1}, {2, 10, 3}, {3, 4, 5}, {1, 600, 2}, {4, 1, 6}, {600, 10, 1}, {2, 4097, 1},
	{3, 1500, 3}, {4096, 1, 1}, {4097, 1, 1}, {2, 3, 300}, {3, 20, 100},
}

// softmaxInput returns n values: normals scaled by scale, with about one in
// specials of them -Inf, +Inf or NaN when specials > 0.
func softmaxInput(r *rand.Rand, n int, scale float64, specials int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = scale * r.NormFloat64()
		if specials > 0 {
			switch r.IntN(3 * specials) {
			case 0:
				x[i] = math.Inf(-1)
			case 1:
				x[i] = math.Inf(1)
			case 2:
				x[i] = math.NaN()
			}
		}
	}
	return x
}

func sameBits32(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || a != a && b != b
}

// TestLogSoftmax32MatchesComposite checks LogSoftmax32 bit for bit against the
// composite, with the vector kernels of this CPU and with the pure-Go loops, with
// guard values around dst.
func TestLogSoftmax32MatchesComposite(t *testing.T) {
	saved := vmathFast
	defer func() { vmathFast = saved }()
	r := rand.New(rand.NewPCG(1, 2))
	for _, impl := range vmathImpls() {
		vmathFast = impl.kernels
		for _, l := range softmaxLayouts {
			for _, in := range []struct {
				scale    float64
				specials int
			}{{1, 0}, {40, 0}, {3, 4}, {1e30, 0}} {
				total := l[0] * l[1] * l[2]
				x := make([]float32, total)
				for i, v := range softmaxInput(r, total, in.scale, in.specials) {
					x[i] = float32(v)
				}
				want := refLogSoftmax32(x, l[0], l[1], l[2])
				checkLogSoftmax32(t, impl.name, l, x, want)
			}
		}
	}
}

func checkLogSoftmax32(t *testing.T, impl string, l [3]int, x, want []float32) {
	t.Helper()
	const guard = 5
	total := len(x)
	buf := make([]float32, total+2*guard)
	for i := range buf {
		buf[i] = -7
	}
	src := append([]float32(nil), x...)
	LogSoftmax32(buf[guard:guard+total], src, l[0], l[1], l[2])
	for i, v := range buf {
		if i < guard || i >= guard+total {
			if v != -7 {
				t.Fatalf("%s %v: guard element %d is %v", impl, l, i, v)
			}
			continue
		}
		if !sameBits32(v, want[i-guard]) {
			t.Fatalf("%s %v: element %d = %v, composite gives %v (x = %v)", impl, l, i-guard, v, want[i-guard], x[i-guard])
		}
	}
	for i := range x {
		if !sameBits32(src[i], x[i]) {
			t.Fatalf("%s %v: src element %d changed", impl, l, i)
		}
	}
}

// TestLogSoftmax32SignedZeros checks slices whose maximum is zero against the
// composite bit for bit: the builtin max orders -0 below +0, the compares of the
// kernel take the first zero.
func TestLogSoftmax32SignedZeros(t *testing.T) {
	neg0, ninf := float32(math.Copysign(0, -1)), float32(math.Inf(-1))
	rows := [][]float32{
		{neg0}, {0}, {neg0, 0}, {0, neg0}, {neg0, neg0}, {neg0, ninf, ninf, ninf, ninf},
		{ninf, ninf, ninf, ninf, neg0}, {-1, neg0, -2, -3, -4, 0}, {neg0, -1, -2, -3, -4, -5},
	}
	for _, x := range rows {
		want := refLogSoftmax32(x, 1, len(x), 1)
		checkLogSoftmax32(t, "rows", [3]int{1, len(x), 1}, x, want)

		// The same values as two columns, the second negated.
		cols := make([]float32, 2*len(x))
		for j, v := range x {
			cols[2*j], cols[2*j+1] = v, -v
		}
		checkLogSoftmax32(t, "columns", [3]int{1, len(x), 2}, cols, refLogSoftmax32(cols, 1, len(x), 2))
	}
}

// TestLogSoftmax32Accuracy compares LogSoftmax32 with log_softmax in float64 on
// finite inputs: within a few float32 ulps of the larger of |y| and 1.
func TestLogSoftmax32Accuracy(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, l := range softmaxLayouts {
		total := l[0] * l[1] * l[2]
		x := make([]float32, total)
		x64 := make([]float64, total)
		for i, v := range softmaxInput(r, total, 20, 0) {
			x[i] = float32(v)
			x64[i] = float64(x[i])
		}
		got := make([]float32, total)
		want := make([]float64, total)
		LogSoftmax32(got, x, l[0], l[1], l[2])
		LogSoftmax64(want, x64, l[0], l[1], l[2])
		for i := range got {
			tol := 8 * 0x1p-23 * max(1, math.Abs(want[i]))
			if d := math.Abs(float64(got[i]) - want[i]); d > tol {
				t.Errorf("%v: element %d = %v, float64 gives %v", l, i, got[i], want[i])
			}
		}
	}
}

// TestLogSoftmaxSpecials checks the rows that PyTorch's log_softmax defines
// exactly, in both precisions.
func TestLogSoftmaxSpecials(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	ln2 := -math.Ln2
	cases := []struct {
		name    string
		x, want []float64
	}{
		{"all -Inf", []float64{-inf, -inf, -inf}, []float64{nan, nan, nan}},
		{"one -Inf", []float64{-inf, 5, 5}, []float64{-inf, ln2, ln2}},
		{"+Inf", []float64{1, inf, 2}, []float64{nan, nan, nan}},
		{"NaN", []float64{1, nan, 2}, []float64{nan, nan, nan}},
		{"large", []float64{1e30, 1e30, -1e30}, []float64{ln2, ln2, -2e30}},
		{"equal", []float64{3, 3, 3}, []float64{-math.Log(3), -math.Log(3), -math.Log(3)}},
	}
	for _, c := range cases {
		x32 := make([]float32, len(c.x))
		for i, v := range c.x {
			x32[i] = float32(v)
		}
		got32 := make([]float32, len(c.x))
		got64 := make([]float64, len(c.x))
		LogSoftmax32(got32, x32, 1, len(c.x), 1)
		LogSoftmax64(got64, c.x, 1, len(c.x), 1)
		for i, w := range c.want {
			ok32 := float32(w) == got32[i] || math.IsNaN(w) && got32[i] != got32[i] ||
				math.Abs(float64(got32[i])-w) <= 1e-6
			ok64 := w == got64[i] || math.IsNaN(w) && math.IsNaN(got64[i]) || math.Abs(got64[i]-w) <= 1e-15
			if !ok32 || !ok64 {
				t.Errorf("%s: element %d = %v (f32), %v (f64), want %v", c.name, i, got32[i], got64[i], w)
			}
		}
	}
}

// refLogSoftmax64 is the float64 composite, one op at a time.
func refLogSoftmax64(x []float64, outer, k, inner int) []float64 {
	y := make([]float64, len(x))
	for o := range outer {
		for i := range inner {
			mx := math.Inf(-1)
			for j := range k {
				mx = max(mx, x[(o*k+j)*inner+i])
			}
			s := make([]float64, k)
			t := 0.0
			for j := range k {
				s[j] = x[(o*k+j)*inner+i] - mx
				t += math.Exp(s[j])
			}
			for j := range k {
				y[(o*k+j)*inner+i] = s[j] - math.Log(t)
			}
		}
	}
	return y
}

func TestLogSoftmax64MatchesComposite(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, l := range softmaxLayouts {
		total := l[0] * l[1] * l[2]
		x := softmaxInput(r, total, 30, 4)
		want := refLogSoftmax64(x, l[0], l[1], l[2])
		got := make([]float64, total+1)
		got[total] = -7
		LogSoftmax64(got, x, l[0], l[1], l[2])
		for i := range want {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) && !(math.IsNaN(got[i]) && math.IsNaN(want[i])) {
				t.Fatalf("%v: element %d = %v, composite gives %v", l, i, got[i], want[i])
			}
		}
		if got[total] != -7 {
			t.Fatalf("%v: LogSoftmax64 wrote past the tensor", l)
		}
	}
}

func TestLogSoftmaxPanics(t *testing.T) {
	buf := make([]float32, 20)
	cases := []struct {
		name string
		f    func()
		want string
	}{
		{"short dst", func() { LogSoftmax32(buf[:5], buf[10:], 2, 3, 1) }, "LogSoftmax32: len(dst) = 5 and len(src) = 10, want at least 6"},
		{"short src", func() { LogSoftmax64(make([]float64, 6), make([]float64, 5), 1, 3, 2) }, "LogSoftmax64: len(dst) = 6 and len(src) = 5, want at least 6"},
		{"negative", func() { LogSoftmax32(buf, buf, 1, -1, 1) }, "LogSoftmax32: negative dimension in [1, -1, 1]"},
		{"overlap", func() { LogSoftmax32(buf[1:], buf, 2, 3, 1) }, "LogSoftmax32: dst and src overlap"},
		{"same", func() { LogSoftmax32(buf, buf, 2, 3, 1) }, "LogSoftmax32: dst and src overlap"},
		{"overflow", func() { LogSoftmax32(buf, buf, 1<<40, 1<<40, 1) }, "overflows int"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				msg, _ := recover().(string)
				if !strings.HasPrefix(msg, "nncc: ") || !strings.Contains(msg, c.want) {
					t.Errorf("panic %q, want one containing %q", msg, c.want)
				}
			}()
			c.f()
		})
	}
}

func TestLogSoftmaxNoAllocation(t *testing.T) {
	x32, y32 := make([]float32, 2*600*3), make([]float32, 2*600*3)
	x64, y64 := make([]float64, 64*10), make([]float64, 64*10)
	for _, l := range [][3]int{{64, 10, 1}, {2, 600, 1}, {2, 600, 3}} {
		if a := testing.AllocsPerRun(5, func() { LogSoftmax32(y32, x32, l[0], l[1], l[2]) }); a != 0 {
			t.Errorf("LogSoftmax32 %v allocates %v times per call", l, a)
		}
	}
	if a := testing.AllocsPerRun(5, func() { LogSoftmax64(y64, x64, 64, 10, 1) }); a != 0 {
		t.Errorf("LogSoftmax64 allocates %v times per call", a)
	}
}

func BenchmarkLogSoftmax32(b *testing.B) {
	for _, l := range [][3]int{{64, 10, 1}, {64, 1000, 1}, {64, 10, 16}} {
		x := make([]float32, l[0]*l[1]*l[2])
		for i := range x {
			x[i] = float32(i%13) * 0.25
		}
		dst := make([]float32, len(x))
		b.Run(fmt.Sprintf("%dx%dx%d", l[0], l[1], l[2]), func(b *testing.B) {
			for b.Loop() {
				LogSoftmax32(dst, x, l[0], l[1], l[2])
			}
		})
	}
}
