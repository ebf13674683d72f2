package runtime

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// matMulSizes covers degenerate shapes, odd shapes and shapes that cross the cache
// blocks (blockK, blockN, dotBlockN, tileTT) without being multiples of them.
var matMulSizes = [][3]int{
	{1, 1, 1},
	{7, 13, 5},
	{2, 3, 4},
	{64, 784, 128},
	{3, 257, 300},
	{17, 513, 65},
	{33, 1, 70},
	{1, 300, 1},
	{20, 5, 1},
	{0, 5, 3},
	{4, 0, 6},
	{5, 6, 0},
}

const guardLen = 37

// guardValue fills the elements around the output slice; a kernel that writes past the
// end of its output changes one of them.
const guardValue = -7777.25

// newGuarded returns a buffer of size+2*guardLen elements filled with guardValue and the
// subslice of length size in its middle, which keeps the tail guard inside its capacity.
func newGuarded[T Float](size int) (buf, out []T) {
	buf = make([]T, size+2*guardLen)
	Fill(buf, T(guardValue))
	return buf, buf[guardLen : guardLen+size]
}

func checkGuards[T Float](t *testing.T, buf []T, size int) {
	t.Helper()
	for i := range guardLen {
		if buf[i] != guardValue {
			t.Fatalf("guard before output at offset %d changed to %v", i-guardLen, buf[i])
		}
		if v := buf[guardLen+size+i]; v != guardValue {
			t.Fatalf("guard after output at offset %d changed to %v", i, v)
		}
	}
}

func randomSlice[T Float](r *rand.Rand, size int) []T {
	s := make([]T, size)
	for i := range s {
		s[i] = T(r.Float64()*2 - 1)
	}
	return s
}

// refMatMul returns op(A)·op(B) by the textbook triple loop in float64, together with
// sum_p |op(A)[i,p]*op(B)[p,j]| for each element, which bounds the rounding error.
func refMatMul[T Float](a, b []T, m, k, n int, transA, transB bool) (ref, mag []float64) {
	ref = make([]float64, m*n)
	mag = make([]float64, m*n)
	for i := range m {
		for j := range n {
			var s, abs float64
			for p := range k {
				av := a[i*k+p]
				if transA {
					av = a[p*m+i]
				}
				bv := b[p*n+j]
				if transB {
					bv = b[j*k+p]
				}
				prod := float64(av) * float64(bv)
				s += prod
				abs += math.Abs(prod)
			}
			ref[i*n+j] = s
			mag[i*n+j] = abs
		}
	}
	return ref, mag
}

func epsilon[T Float]() float64 {
	var x T
	if _, ok := any(x).(float32); ok {
		return 0x1p-24
	}
	return 0x1p-53
}

// checkProduct compares got with base + ref, allowing the standard error bound of a sum
// of k products, (k+2)·eps·sum|terms|, plus the rounding of base.
func checkProduct[T Float](t *testing.T, got []T, base, ref, mag []float64, k int) {
	t.Helper()
	eps := epsilon[T]()
	for i, g := range got {
		want := base[i] + ref[i]
		tol := float64(k+2)*eps*(mag[i]+math.Abs(base[i])) + eps*math.Abs(want)
		if diff := math.Abs(float64(g) - want); !(diff <= tol) {
			t.Fatalf("element %d = %v, want %v (|diff| %g > tol %g)", i, g, want, diff, tol)
		}
	}
}

func transName(transA, transB bool) string {
	name := [2]string{"N", "N"}
	if transA {
		name[0] = "T"
	}
	if transB {
		name[1] = "T"
	}
	return name[0] + name[1]
}

func testMatMul[T Float](t *testing.T, acc bool) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, sz := range matMulSizes {
		m, k, n := sz[0], sz[1], sz[2]
		for _, transA := range []bool{false, true} {
			for _, transB := range []bool{false, true} {
				name := fmt.Sprintf("%s/%dx%dx%d", transName(transA, transB), m, k, n)
				t.Run(name, func(t *testing.T) {
					a := randomSlice[T](r, m*k)
					b := randomSlice[T](r, k*n)
					buf, c := newGuarded[T](m * n)
					base := make([]float64, m*n)
					if acc {
						for i := range c {
							c[i] = T(r.Float64()*2 - 1)
							base[i] = float64(c[i])
						}
						MatMulAcc(c, a, b, m, k, n, transA, transB)
					} else {
						// MatMul must overwrite, so stale NaNs must not survive.
						Fill(c, T(math.NaN()))
						MatMul(c, a, b, m, k, n, transA, transB)
					}
					ref, mag := refMatMul(a, b, m, k, n, transA, transB)
					checkProduct(t, c, base, ref, mag, k)
					checkGuards(t, buf, m*n)
				})
			}
		}
	}
}

func TestMatMulFloat32(t *testing.T)    { testMatMul[float32](t, false) }
func TestMatMulFloat64(t *testing.T)    { testMatMul[float64](t, false) }
func TestMatMulAccFloat32(t *testing.T) { testMatMul[float32](t, true) }
func TestMatMulAccFloat64(t *testing.T) { testMatMul[float64](t, true) }

// myFloat checks that the kernels accept types defined on float32.
type myFloat float32

func TestMatMulDefinedType(t *testing.T) {
	a := []myFloat{1, 2, 3, 4, 5, 6}    // 2×3
	b := []myFloat{7, 8, 9, 10, 11, 12} // 3×2
	c := make([]myFloat, 4)
	MatMul(c, a, b, 2, 3, 2, false, false)
	want := []myFloat{58, 64, 139, 154}
	for i := range want {
		if c[i] != want[i] {
			t.Fatalf("c = %v, want %v", c, want)
		}
	}
}

func TestBatchMatMul(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const batch, m, k, n = 3, 5, 9, 7
	for _, transA := range []bool{false, true} {
		for _, transB := range []bool{false, true} {
			t.Run(transName(transA, transB), func(t *testing.T) {
				a := randomSlice[float32](r, batch*m*k)
				b := randomSlice[float32](r, batch*k*n)
				buf, c := newGuarded[float32](batch * m * n)
				Fill(c, float32(math.NaN()))
				BatchMatMul(c, a, b, batch, m, k, n, transA, transB)
				for i := range batch {
					ai, bi := a[i*m*k:(i+1)*m*k], b[i*k*n:(i+1)*k*n]
					ref, mag := refMatMul(ai, bi, m, k, n, transA, transB)
					checkProduct(t, c[i*m*n:(i+1)*m*n], make([]float64, m*n), ref, mag, k)
				}
				checkGuards(t, buf, batch*m*n)
			})
		}
	}
}

// TestMatMulNaNPropagates checks that a zero operand does not short-circuit the product:
// NaN·0 is NaN, so a NaN in row 0 of A makes all of row 0 of C NaN.
func TestMatMulNaNPropagates(t *testing.T) {
	const m, k, n = 3, 6, 5
	for _, transA := range []bool{false, true} {
		for _, transB := range []bool{false, true} {
			t.Run(transName(transA, transB), func(t *testing.T) {
				a := make([]float32, m*k)
				b := make([]float32, k*n)
				a[0] = float32(math.NaN()) // op(A)[0,0] in both layouts
				c := make([]float32, m*n)
				MatMul(c, a, b, m, k, n, transA, transB)
				for j := range n {
					if !math.IsNaN(float64(c[j])) {
						t.Errorf("c[0,%d] = %v, want NaN", j, c[j])
					}
				}
				for i := n; i < m*n; i++ {
					if c[i] != 0 {
						t.Errorf("c[%d] = %v, want 0", i, c[i])
					}
				}
			})
		}
	}
}

func TestMatMulPanics(t *testing.T) {
	cases := []struct {
		name             string
		lenC, lenA, lenB int
		m, k, n          int
		want             string
	}{
		{"short c", 5, 6, 6, 2, 3, 3, "len(c)=5 (want >= 6)"},
		{"short a", 6, 5, 9, 2, 3, 3, "len(a)=5 (want >= 6)"},
		{"short b", 6, 6, 8, 2, 3, 3, "len(b)=8 (want >= 9)"},
		{"negative", 6, 6, 9, -2, 3, 3, "negative dimension"},
		{"overflow", 6, 6, 9, 1 << 40, 1 << 40, 1, "overflow"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			msg := catchPanic(func() {
				MatMul(make([]float32, tc.lenC), make([]float32, tc.lenA),
					make([]float32, tc.lenB), tc.m, tc.k, tc.n, false, false)
			})
			if !strings.Contains(msg, "nncc: MatMul: ") || !strings.Contains(msg, tc.want) {
				t.Fatalf("panic %q, want it to name MatMul and contain %q", msg, tc.want)
			}
		})
	}
}

// catchPanic runs f and returns the panic message, or "" if f returned normally.
func catchPanic(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

func TestMatMulAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const m, k, n = 19, 300, 270
	a := randomSlice[float32](r, m*k)
	b := randomSlice[float32](r, k*n)
	c := make([]float32, m*n)
	a64 := randomSlice[float64](r, m*k)
	b64 := randomSlice[float64](r, k*n)
	c64 := make([]float64, m*n)
	for _, transA := range []bool{false, true} {
		for _, transB := range []bool{false, true} {
			name := transName(transA, transB)
			funcs := map[string]func(){
				"MatMul":        func() { MatMul(c, a, b, m, k, n, transA, transB) },
				"MatMulAcc":     func() { MatMulAcc(c, a, b, m, k, n, transA, transB) },
				"BatchMatMul":   func() { BatchMatMul(c, a, b, 1, m, k, n, transA, transB) },
				"MatMulFloat64": func() { MatMul(c64, a64, b64, m, k, n, transA, transB) },
			}
			for fn, f := range funcs {
				if allocs := testing.AllocsPerRun(5, f); allocs != 0 {
					t.Errorf("%s %s: %v allocations per call, want 0", fn, name, allocs)
				}
			}
		}
	}
}
