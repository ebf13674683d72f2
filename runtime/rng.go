package runtime

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
)

// rngStream is the PCG increment (stream selector) paired with every seed. It is fixed so
// that a seed alone determines the stream.
const rngStream = 0x9e3779b97f4a7c15

// RNG is a deterministic pseudo-random number generator for initialization, dropout and
// shuffling. It draws 64-bit words from math/rand/v2's PCG (PCG-DXSM, a fixed algorithm)
// and derives every other value from those words with integer arithmetic and IEEE-754
// basic operations only, so a seed gives the same stream on every platform and Go
// release. An RNG is not safe for concurrent use.
type RNG struct {
	src rand.PCG

	// spare is the second normal deviate of the last polar-method draw.
	spare    float64
	hasSpare bool
}

// NewRNG returns an RNG seeded with seed.
func NewRNG(seed uint64) *RNG {
	r := &RNG{}
	r.src.Seed(seed, rngStream)
	return r
}

// Uint64 returns the next 64 uniformly distributed bits.
func (r *RNG) Uint64() uint64 { return r.src.Uint64() }

// Float64 returns a uniform value in [0, 1) with 53 random bits. It equals what
// math/rand/v2's Rand.Float64 returns for the same PCG state.
func (r *RNG) Float64() float64 {
	return float64(r.src.Uint64()<<11>>11) * 0x1p-53
}

// IntN returns a uniform integer in [0, n) without modulo bias (Lemire's
// multiply-and-reject method). It panics if n <= 0.
func (r *RNG) IntN(n int) int {
	if n <= 0 {
		panic(fmt.Sprintf("nncc: RNG.IntN: n = %d, want n > 0", n))
	}
	bound := uint64(n)
	hi, lo := bits.Mul64(r.src.Uint64(), bound)
	if lo < bound {
		// Reject the lowest 2^64 mod n products, which would make some results more likely.
		threshold := -bound % bound
		for lo < threshold {
			hi, lo = bits.Mul64(r.src.Uint64(), bound)
		}
	}
	return int(hi)
}

// Uniform returns a uniform value between lo and hi. The result is lo + (hi-lo)·u for u
// in [0, 1), so it is in [lo, hi) except that rounding may produce hi.
func (r *RNG) Uniform(lo, hi float64) float64 {
	// The conversion rounds the product and keeps the compiler from fusing a multiply-add,
	// which would change the result on some platforms.
	return lo + float64((hi-lo)*r.Float64())
}

// Normal returns a normally distributed value with the given mean and standard
// deviation, drawn by Marsaglia's polar method. It panics if std is negative or NaN.
func (r *RNG) Normal(mean, std float64) float64 {
	if !(std >= 0) {
		panic(fmt.Sprintf("nncc: RNG.Normal: std = %v, want std >= 0", std))
	}
	return mean + float64(std*r.standardNormal())
}

// standardNormal returns a N(0, 1) deviate. Each polar draw yields two, so every second
// call returns the spare one.
func (r *RNG) standardNormal() float64 {
	if r.hasSpare {
		r.hasSpare = false
		return r.spare
	}
	var u, v, s float64
	for {
		u = float64(2*r.Float64()) - 1
		v = float64(2*r.Float64()) - 1
		s = float64(u*u) + float64(v*v)
		if s > 0 && s < 1 {
			break
		}
	}
	f := math.Sqrt(-2 * logPortable(s) / s)
	r.spare, r.hasSpare = float64(v*f), true
	return float64(u * f)
}

// Shuffle permutes idx uniformly at random by the Fisher-Yates algorithm.
func (r *RNG) Shuffle(idx []int) {
	for i := len(idx) - 1; i > 0; i-- {
		j := r.IntN(i + 1)
		idx[i], idx[j] = idx[j], idx[i]
	}
}

// logCoeffs are 1/(2k+1) for k = 1..11, the coefficients of the series
// atanh(s)/s = 1 + s²/3 + s⁴/5 + ...; eleven terms reach float64 precision for s² <= 0.03.
var logCoeffs = [...]float64{
	1.0 / 3, 1.0 / 5, 1.0 / 7, 1.0 / 9, 1.0 / 11, 1.0 / 13,
	1.0 / 15, 1.0 / 17, 1.0 / 19, 1.0 / 21, 1.0 / 23,
}

// logPortable returns ln(x) for finite x > 0 within a few ulp. math.Log uses different
// assembly on different architectures, and their last bits differ, so RNG uses this
// version, built from IEEE-754 basic operations with every product explicitly rounded.
func logPortable(x float64) float64 {
	// x = frac·2^exp with frac in [√½, √2), so s below satisfies |s| <= 0.172.
	frac, exp := math.Frexp(x)
	if frac < math.Sqrt2/2 {
		frac *= 2
		exp--
	}

	// ln(frac) = 2·atanh(s) with s = (frac-1)/(frac+1).
	f := frac - 1
	s := f / (2 + f)
	s2 := float64(s * s)
	poly := 0.0
	for i := len(logCoeffs) - 1; i >= 0; i-- {
		poly = float64(poly*s2) + logCoeffs[i]
	}
	lnFrac := float64(2*s) + float64(float64(2*s)*float64(s2*poly))
	return float64(float64(exp)*math.Ln2) + lnFrac
}
