package runtime

import (
	"math"
	"unsafe"
)

// Max pooling over 2×2 windows with stride 2 and no padding, the common case, without
// the general window loop. The results equal those of the general kernels bit for bit:
// the first maximum in row-major order, or the first NaN.

// is2x2 reports whether g pools 2×2 windows with stride 2 and no padding.
func (g PoolGeom) is2x2() bool {
	return g.KH == 2 && g.KW == 2 && g.StrideH == 2 && g.StrideW == 2 && g.PadH == 0 && g.PadW == 0
}

// argmaxRow2x2 writes to idx[ox] the position (0 to 3, row-major) of the first
// maximum, or of the first NaN, of each window ox of the row pair r0, r1. It compares
// integers, which the compiler selects with conditional moves, so random data costs no
// branch mispredictions. The loop body is written out, so nothing is called per
// window. A window without sign bits, such as one after a ReLU, compares the raw bits,
// which order non-negative floats. Other windows compare orderKey.
func argmaxRow2x2[T Float](idx []uint8, r0, r1 []T) {
	r0, r1 = r0[:2*len(idx)], r1[:2*len(idx)]
	inf := rawBits(T(math.Inf(1)))
	for ox := range idx {
		a, b, c, d := r0[2*ox], r0[2*ox+1], r1[2*ox], r1[2*ox+1]
		ka, kb, kc, kd := rawBits(a), rawBits(b), rawBits(c), rawBits(d)
		if ka|kb|kc|kd < 0 {
			if a != a || b != b || c != c || d != d {
				idx[ox] = firstNaN(a, b, c)
				continue
			}
			ka, kb, kc, kd = orderKey(a), orderKey(b), orderKey(c), orderKey(d)
		}
		i, m := uint8(0), ka
		if kb > m {
			i, m = 1, kb
		}
		if kc > m {
			i, m = 2, kc
		}
		if kd > m {
			i, m = 3, kd
		}
		if m > inf { // a NaN without the sign bit is present
			i = firstNaN(a, b, c)
		}
		idx[ox] = i
	}
}

// rawBits returns the bits of v as a signed integer, sign-extended for float32: for
// floats without the sign bit, the integers have the order of the floats, and NaNs
// come above +Inf.
func rawBits[T Float](v T) int64 {
	if unsafe.Sizeof(v) == 4 {
		return int64(int32(math.Float32bits(float32(v))))
	}
	return int64(math.Float64bits(float64(v)))
}

// firstNaN returns the position of the first NaN of a, b, c and a fourth value, which
// the caller knows to be NaN if the first three are not.
//
//go:noinline
func firstNaN[T Float](a, b, c T) uint8 {
	for i, v := range [3]T{a, b, c} {
		if v != v {
			return uint8(i)
		}
	}
	return 3
}

// rowChunk is the number of windows whose positions argmaxRow2x2 computes at a time.
const rowChunk = 64

// orderKey maps a float that is not NaN to an integer with the same order, -0 and +0
// to the same key: the sign-magnitude bits become two's complement, and negative keys
// move up by one so that -0 meets +0.
func orderKey[T Float](v T) int64 {
	if unsafe.Sizeof(v) == 4 {
		b := int32(math.Float32bits(float32(v)))
		k := b ^ (b >> 31 & math.MaxInt32)
		return int64(k + int32(uint32(k)>>31))
	}
	b := int64(math.Float64bits(float64(v)))
	k := b ^ (b >> 63 & math.MaxInt64)
	return k + int64(uint64(k)>>63)
}

// maxPool2x2 is MaxPool2D for is2x2 geometries.
func maxPool2x2[T Float](y, x []T, g PoolGeom) {
	if isFloat32[T]() && poolWorkers(g) > 1 {
		runPoolParts(asF32(y), asF32(x), nil, g, false)
		return
	}
	maxPool2x2Planes(y, x, g, 0, g.N*g.C)
}

// maxPool2x2Grad is MaxPool2DGrad for is2x2 geometries. It writes every element of a
// window, so dx needs clearing only where an odd H or W leaves elements outside.
func maxPool2x2Grad[T Float](dx, x, dy []T, g PoolGeom) {
	if g.H%2 != 0 || g.W%2 != 0 {
		clear(dx[:g.N*g.C*g.H*g.W])
	}
	if isFloat32[T]() && poolWorkers(g) > 1 {
		runPoolParts(asF32(dx), asF32(x), asF32(dy), g, true)
		return
	}
	maxPool2x2GradPlanes(dx, x, dy, g, 0, g.N*g.C)
}

// maxPool2x2Planes computes planes p0 to p1-1 of maxPool2x2.
func maxPool2x2Planes[T Float](y, x []T, g PoolGeom, p0, p1 int) {
	if isFloat32[T]() && poolUseAsm {
		maxPool2x2PlanesAsm(asF32(y), asF32(x), g, p0, p1)
		return
	}
	var idx [rowChunk]uint8
	for p := p0; p < p1; p++ {
		plane, out := x[p*g.H*g.W:(p+1)*g.H*g.W], y[p*g.OH*g.OW:(p+1)*g.OH*g.OW]
		for oy := range g.OH {
			for o0 := 0; o0 < g.OW; o0 += rowChunk {
				n := min(rowChunk, g.OW-o0)
				i0 := 2*oy*g.W + 2*o0
				argmaxRow2x2(idx[:n], plane[i0:i0+2*n], plane[i0+g.W:i0+g.W+2*n])
				// Position k of window i is at i0 + 2i + (k>>1)*W + k&1 of the plane.
				pairs := plane[i0 : i0+g.W+2*n]
				row := out[oy*g.OW+o0 : oy*g.OW+o0+n]
				for i, k := range idx[:n] {
					row[i] = pairs[2*i+int(k>>1)*g.W+int(k&1)]
				}
			}
		}
	}
}

// maxPool2x2GradPlanes computes planes p0 to p1-1 of maxPool2x2Grad, except for the
// clearing of dx.
func maxPool2x2GradPlanes[T Float](dx, x, dy []T, g PoolGeom, p0, p1 int) {
	if isFloat32[T]() && poolUseAsm {
		maxPool2x2GradPlanesAsm(asF32(dx), asF32(x), asF32(dy), g, p0, p1)
		return
	}
	var idx [rowChunk]uint8
	for p := p0; p < p1; p++ {
		plane, grad := x[p*g.H*g.W:(p+1)*g.H*g.W], dx[p*g.H*g.W:(p+1)*g.H*g.W]
		up := dy[p*g.OH*g.OW : (p+1)*g.OH*g.OW]
		for oy := range g.OH {
			for o0 := 0; o0 < g.OW; o0 += rowChunk {
				n := min(rowChunk, g.OW-o0)
				i0, i1 := 2*oy*g.W+2*o0, (2*oy+1)*g.W+2*o0
				argmaxRow2x2(idx[:n], plane[i0:i0+2*n], plane[i1:i1+2*n])
				d0, d1 := grad[i0:i0+2*n], grad[i1:i1+2*n]
				for i, u := range up[oy*g.OW+o0 : oy*g.OW+o0+n] {
					var v [4]T
					v[idx[i]&3] = u
					d0[2*i], d0[2*i+1], d1[2*i], d1[2*i+1] = v[0], v[1], v[2], v[3]
				}
			}
		}
	}
}
