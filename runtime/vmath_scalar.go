package runtime

import "math"

// Each float32 elementwise function below is a fixed sequence of float32 operations.
// Every product is converted to float32 explicitly, which keeps the Go compiler from
// fusing it with an addition into an FMA. The assembly in vmath_amd64.s performs the
// same operations in the same order without FMA, so scalar and vector results are
// bit-identical. The constants here and in the assembly's constant table must stay
// equal, and the bit-identity tests compare the results of both.
//
// The polynomial coefficients are Chebyshev fits (see docs/elementwise-math.md)
// rounded to float32.

// Exp32 constants. Inputs are clamped to [expMin, expMax]: exp(expMax) overflows to
// +Inf and exp(expMin) rounds to 0, so clamping changes no result.
const (
	expMax      float32 = 89
	expMin      float32 = -104
	expLog2e    float32 = 1.44269504088896341
	expRound    float32 = 12582912 // 1.5·2²³: adding it rounds to an integer
	expRoundBit         = 0x4b400000
	expLn2Hi    float32 = 0.693359375 // 9 significant bits: n·expLn2Hi is exact
	expLn2Lo    float32 = -2.12194440e-4
	expG5       float32 = 1.989098091e-04
	expG4       float32 = 1.393364160e-03
	expG3       float32 = 8.333310485e-03
	expG2       float32 = 4.166646674e-02
	expG1       float32 = 1.666666716e-01
	expG0       float32 = 0.5
)

// Log32 constants: log(1+f) ≈ f - f²/2 + f³·h(f) for f in [√½-1, √2-1].
const (
	logSqrt2 float32 = 1.41421356
	logH8    float32 = 6.971611828e-02
	logH7    float32 = -1.147973388e-01
	logH6    float32 = 1.168541983e-01
	logH5    float32 = -1.242568716e-01
	logH4    float32 = 1.424905807e-01
	logH3    float32 = -1.666780263e-01
	logH2    float32 = 2.000071555e-01
	logH1    float32 = -2.499999702e-01
	logH0    float32 = 3.333333135e-01
	logNaN           = 0x7fc00000 // the quiet NaN that Log32 returns for x < 0
)

// Tanh32 constants: tanh(x) ≈ x + x³·k(x²) for |x| < tanhSmall. Beyond tanhMax the
// result rounds to ±1.
const (
	tanhSmall float32 = 0.625
	tanhMax   float32 = 10
	tanhK4    float32 = -6.096714176e-03
	tanhK3    float32 = 2.099717967e-02
	tanhK2    float32 = -5.385090783e-02
	tanhK1    float32 = 1.333276927e-01
	tanhK0    float32 = -3.333332837e-01
)

const signBit32 = 0x80000000

// Exp32 returns e**x at most 1 ulp from float32(math.Exp(float64(x))) (see
// docs/elementwise-math.md). Exp32(+Inf) = +Inf, Exp32(-Inf) = 0, results above the
// float32 range are +Inf, results below it are subnormal or 0, and a NaN is returned
// unchanged. Exp32Slice gives the same bits.
func Exp32(x float32) float32 {
	if x != x {
		return x
	}
	if x > expMax {
		x = expMax
	}
	if x < expMin {
		x = expMin
	}
	return expClamped(x)
}

// expClamped returns e**x for x in [expMin, expMax]. With n = round(x·log2(e)) and
// r = x - n·ln2 in [-ln2/2, ln2/2], e**x = 2ⁿ·(1 + r + r²·g(r)). 2ⁿ is applied as two
// powers of two, so that results in the subnormal range are rounded once and
// results above the range overflow to +Inf.
func expClamped(x float32) float32 {
	t := float32(x*expLog2e) + expRound
	n := t - expRound
	r := x - float32(n*expLn2Hi)
	r = r - float32(n*expLn2Lo)

	g := float32(expG5*r) + expG4
	g = float32(g*r) + expG3
	g = float32(g*r) + expG2
	g = float32(g*r) + expG1
	g = float32(g*r) + expG0
	z := float32(r * r)
	p := float32(z*g) + r
	p = p + 1

	k := int32(math.Float32bits(t)) - expRoundBit
	k1 := k >> 1
	k2 := k - k1
	s1 := math.Float32frombits(uint32(k1+127) << 23)
	s2 := math.Float32frombits(uint32(k2+127) << 23)
	return float32(float32(p*s1) * s2)
}

// Log32 returns the natural logarithm of x at most 1 ulp from
// float32(math.Log(float64(x))) (see docs/elementwise-math.md). Log32(+Inf) = +Inf,
// Log32(±0) = -Inf, Log32(x < 0) is the NaN 0x7fc00000, subnormal x are exact inputs,
// and a NaN is returned unchanged. Log32Slice gives the same bits.
func Log32(x float32) float32 {
	switch {
	case x != x:
		return x
	case x < 0:
		return math.Float32frombits(logNaN)
	case x == 0:
		return float32(math.Inf(-1))
	case x > math.MaxFloat32:
		return x
	}

	// Write x = 2ᵏ·m with m in [√½, √2]. Subnormals are scaled by 2²³ first.
	var adj int32
	if x < 0x1p-126 {
		x = float32(x * 0x1p23)
		adj = 23
	}
	b := math.Float32bits(x)
	k := int32(b>>23) - 127 - adj
	m := math.Float32frombits(b&0x007fffff | 0x3f800000)
	if m > logSqrt2 {
		m = float32(m * 0.5)
		k++
	}

	f := m - 1
	e := float32(k)
	z := float32(f * f)
	h := float32(logH8*f) + logH7
	h = float32(h*f) + logH6
	h = float32(h*f) + logH5
	h = float32(h*f) + logH4
	h = float32(h*f) + logH3
	h = float32(h*f) + logH2
	h = float32(h*f) + logH1
	h = float32(h*f) + logH0
	y := float32(float32(f*z) * h)
	y = y + float32(e*expLn2Lo)
	y = y - float32(z*0.5)
	return (f + y) + float32(e*expLn2Hi)
}

// Tanh32 returns the hyperbolic tangent of x at most 1 ulp from
// float32(math.Tanh(float64(x))) (see docs/elementwise-math.md). Tanh32(±Inf) = ±1,
// Tanh32(±0) = ±0, and a NaN is returned unchanged. Tanh32Slice gives the same bits.
func Tanh32(x float32) float32 {
	if x != x {
		return x
	}
	a := math.Float32frombits(math.Float32bits(x) &^ signBit32)
	var y float32
	if a < tanhSmall {
		z := float32(a * a)
		k := float32(tanhK4*z) + tanhK3
		k = float32(k*z) + tanhK2
		k = float32(k*z) + tanhK1
		k = float32(k*z) + tanhK0
		y = float32(float32(k*z)*a) + a
	} else {
		// tanh(a) = 1 - 2/(e**2a + 1).
		if a > tanhMax {
			a = tanhMax
		}
		e := expClamped(a + a)
		y = 1 - 2/(e+1)
	}
	return math.Float32frombits(math.Float32bits(y) | math.Float32bits(x)&signBit32)
}

// Sigmoid32 returns the logistic function 1/(1+e**-x) at most 2 ulp from the float64
// result rounded to float32 (see docs/elementwise-math.md). For x < 0 it computes
// e**x/(1+e**x), so tiny results keep their relative accuracy down to the subnormal
// range. Sigmoid32(+Inf) = 1, Sigmoid32(-Inf) = 0, and a NaN is returned unchanged.
// Sigmoid32Slice gives the same bits.
func Sigmoid32(x float32) float32 {
	if x != x {
		return x
	}
	na := math.Float32frombits(math.Float32bits(x) | signBit32)
	if na < expMin {
		na = expMin
	}
	e := expClamped(na)
	d := 1 + e
	if x < 0 {
		return e / d
	}
	return 1 / d
}
