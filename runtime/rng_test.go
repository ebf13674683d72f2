package runtime

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestRNGMatchesStdlibPCG(t *testing.T) {
	for _, seed := range []uint64{0, 1, 42, math.MaxUint64} {
		r := NewRNG(seed)
		std := rand.New(rand.NewPCG(seed, rngStream))
		for i := range 1000 {
			if got, want := r.Float64(), std.Float64(); got != want {
				t.Fatalf("seed %d draw %d: Float64 = %v, math/rand/v2 gives %v", seed, i, got, want)
			}
			if got, want := r.Uint64(), std.Uint64(); got != want {
				t.Fatalf("seed %d draw %d: Uint64 = %#x, math/rand/v2 gives %#x", seed, i, got, want)
			}
		}
	}
}

// TestRNGGoldenStream pins the stream of seed 42. A change here changes every model's
// initial weights, so it must be deliberate.
func TestRNGGoldenStream(t *testing.T) {
	r := NewRNG(42)
	for i, want := range []uint64{0x55f94932b92ba500, 0xe0be0fd7ce6d26f1, 0x162ad53b615ab5f5} {
		if got := r.Uint64(); got != want {
			t.Errorf("Uint64 #%d = %#016x, want %#016x", i, got, want)
		}
	}

	r = NewRNG(42)
	normals := []uint64{
		0xbfc29e344a51fd40, 0x3fd9e6b1a1a598fa, 0xbfd69d229ce6b11b,
		0x3fef9f40ebed417b, 0x3fd14b35b639b9cd,
	}
	for i, want := range normals {
		if got := math.Float64bits(r.Normal(0, 1)); got != want {
			t.Errorf("Normal #%d = %v, want %v", i, math.Float64frombits(got),
				math.Float64frombits(want))
		}
	}

	r = NewRNG(42)
	idx := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	r.Shuffle(idx)
	if want := []int{1, 9, 2, 6, 5, 4, 8, 0, 7, 3}; !slices.Equal(idx, want) {
		t.Errorf("Shuffle = %v, want %v", idx, want)
	}
}

// TestNormalPolarMethod recomputes the polar method with math.Log from the same uniform
// stream and checks that Normal returns the same deviates in the same order.
func TestNormalPolarMethod(t *testing.T) {
	r := NewRNG(7)
	u := NewRNG(7)
	for i := 0; i < 2000; i += 2 {
		var x, y, s float64
		for {
			x = 2*u.Float64() - 1
			y = 2*u.Float64() - 1
			s = x*x + y*y
			if s > 0 && s < 1 {
				break
			}
		}
		f := math.Sqrt(-2 * math.Log(s) / s)
		for j, want := range []float64{x * f, y * f} {
			got := r.Normal(0, 1)
			if math.Abs(got-want) > 1e-14*math.Max(1, math.Abs(want)) {
				t.Fatalf("Normal #%d = %v, polar method with math.Log gives %v", i+j, got, want)
			}
		}
	}
}

func TestRNGSeedsDiffer(t *testing.T) {
	a, b := NewRNG(1), NewRNG(2)
	same := 0
	for range 100 {
		if a.Uint64() == b.Uint64() {
			same++
		}
	}
	if same != 0 {
		t.Fatalf("seeds 1 and 2 produced %d equal words out of 100", same)
	}
}

func TestNormalMoments(t *testing.T) {
	r := NewRNG(3)
	const n = 200000
	const mean, std = 2.5, 0.5
	var within int
	var s, s2 float64
	for range n {
		x := r.Normal(mean, std)
		s += x
		s2 += (x - mean) * (x - mean)
		if math.Abs(x-mean) < std {
			within++
		}
	}
	gotMean := s / n
	gotStd := math.Sqrt(s2 / n)
	// The standard error of the mean is std/sqrt(n) ≈ 0.0011; 5 standard errors allowed.
	if math.Abs(gotMean-mean) > 0.006 {
		t.Errorf("sample mean = %v, want %v ± 0.006", gotMean, mean)
	}
	if math.Abs(gotStd-std) > 0.005 {
		t.Errorf("sample std = %v, want %v ± 0.005", gotStd, std)
	}
	// P(|Z| < 1) = 0.6827 for a standard normal.
	if frac := float64(within) / n; math.Abs(frac-0.6827) > 0.005 {
		t.Errorf("fraction within one std = %v, want 0.6827 ± 0.005", frac)
	}
}

func TestNormalPanicsOnNegativeStd(t *testing.T) {
	for _, std := range []float64{-1, math.NaN()} {
		msg := catchPanic(func() { NewRNG(1).Normal(0, std) })
		if !strings.Contains(msg, "RNG.Normal: std") {
			t.Errorf("Normal(0, %v) panic = %q, want a message naming std", std, msg)
		}
	}
}

func TestUniformRangeAndMean(t *testing.T) {
	r := NewRNG(4)
	const n = 100000
	lo, hi := -3.0, 5.0
	sum := 0.0
	for range n {
		x := r.Uniform(lo, hi)
		if x < lo || x > hi {
			t.Fatalf("Uniform(%v, %v) = %v, out of range", lo, hi, x)
		}
		sum += x
	}
	// The standard error of the mean is 8/sqrt(12n) ≈ 0.0073.
	if mean := sum / n; math.Abs(mean-1) > 0.04 {
		t.Errorf("sample mean = %v, want 1 ± 0.04", mean)
	}
}

func TestIntNUniform(t *testing.T) {
	r := NewRNG(5)
	const n, draws = 7, 70000
	var counts [n]int
	for range draws {
		v := r.IntN(n)
		if v < 0 || v >= n {
			t.Fatalf("IntN(%d) = %d, out of range", n, v)
		}
		counts[v]++
	}
	chi2 := 0.0
	expected := float64(draws) / n
	for _, c := range counts {
		chi2 += (float64(c) - expected) * (float64(c) - expected) / expected
	}
	// The 99.99% quantile of chi-square with 6 degrees of freedom is about 27.9.
	if chi2 > 27.9 {
		t.Errorf("chi-square = %v over counts %v, want <= 27.9", chi2, counts)
	}
}

func TestIntNLargeBound(t *testing.T) {
	r := NewRNG(6)
	const n = 1<<62 + 12345
	for range 1000 {
		if v := r.IntN(n); v < 0 || v >= n {
			t.Fatalf("IntN(%d) = %d, out of range", n, v)
		}
	}
}

func TestIntNPanics(t *testing.T) {
	for _, n := range []int{0, -3} {
		msg := catchPanic(func() { NewRNG(1).IntN(n) })
		if !strings.Contains(msg, "RNG.IntN: n =") {
			t.Errorf("IntN(%d) panic = %q, want a message naming n", n, msg)
		}
	}
}

func TestShuffleIsUniformPermutation(t *testing.T) {
	r := NewRNG(8)
	counts := map[[3]int]int{}
	const draws = 60000
	for range draws {
		idx := []int{0, 1, 2}
		r.Shuffle(idx)
		counts[[3]int(idx)]++
	}
	if len(counts) != 6 {
		t.Fatalf("Shuffle produced %d distinct permutations of 3, want 6: %v", len(counts), counts)
	}
	for perm, c := range counts {
		// Expected 10000 each; the standard deviation is about 91.
		if c < 9500 || c > 10500 {
			t.Errorf("permutation %v drawn %d times, want 10000 ± 500", perm, c)
		}
	}

	idx := make([]int, 1000)
	for i := range idx {
		idx[i] = i
	}
	r.Shuffle(idx)
	sorted := slices.Clone(idx)
	slices.Sort(sorted)
	for i, v := range sorted {
		if v != i {
			t.Fatalf("Shuffle lost or duplicated elements: sorted[%d] = %d", i, v)
		}
	}
	r.Shuffle(nil) // must not panic
}

func TestLogPortableAccuracy(t *testing.T) {
	values := []float64{
		1e-300, 0.1, 0.5, 0.7071, 0.7072, 0.9999999,
		1, 1 + 0x1p-52, 1.0009, 1.5, 2, math.E, 10, 1e300, math.MaxFloat64,
	}
	// NOTE: math.Log on amd64 (Go 1.26) returns ln of the smallest normal number for
	// subnormal inputs, so subnormals are checked against CPython's math.log instead.
	subnormals := []struct{ x, want float64 }{
		{math.SmallestNonzeroFloat64, -744.4400719213812},
		{1e-310, -713.8013788281542},
	}
	for _, tc := range subnormals {
		if got := logPortable(tc.x); got != tc.want {
			t.Errorf("logPortable(%v) = %v, want %v", tc.x, got, tc.want)
		}
	}

	r := NewRNG(9)
	for range 100000 {
		values = append(values, math.Exp(r.Uniform(-700, 700)), r.Float64()+0x1p-60)
	}
	for _, x := range values {
		got, want := logPortable(x), math.Log(x)
		ulp := math.Abs(math.Nextafter(want, math.Inf(1)) - want)
		if want == 0 {
			ulp = 0x1p-1074
		}
		if diff := math.Abs(got - want); diff > 3*ulp {
			t.Errorf("logPortable(%v) = %v, math.Log gives %v (%v ulp apart)", x, got, want,
				diff/ulp)
		}
	}
}
