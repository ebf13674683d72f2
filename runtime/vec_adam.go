package runtime

import "math"

// The slice kernel of the Adam step. The code generator calls AdamStep32 where a
// chunked loop computes PyTorch's Adam formula, the expression the optimizer
// lowering writes, so that the gradient, the weight and both moments pass through
// memory once rather than once per operation. Each operation rounds to float32 on
// its own, in the formula's order and without a fused multiply-add, so the call
// gives the bits of the thirteen slice kernels it replaces.

// AdamCoef32 holds the scalars of one Adam step. Beta1 and Beta2 are the decay
// rates of the two moments, Grad1 and Grad2 the factors of the gradient in them
// (1-beta1 and 1-beta2 as the optimizer rounds them). Bias2Sqrt is the square
// root of the second bias correction, and Step the step size lr / (1 - beta1^t).
type AdamCoef32 struct {
	Beta1, Grad1, Beta2, Grad2 float32
	Bias2Sqrt, Eps, Step       float32
}

// vecAdamKernel computes AdamStep32 over len(wOut) elements, a multiple of 8,
// with operands that AdamStep32 has checked.
type vecAdamKernel func(mOut, vOut, wOut, m, v, w, g []float32, c AdamCoef32)

// AdamStep32 sets, for every i < len(wOut), with each operation rounded to
// float32:
//
//	mOut[i] = m[i]*Beta1 + g[i]*Grad1
//	vOut[i] = v[i]*Beta2 + (g[i]*Grad2)*g[i]
//	wOut[i] = w[i] - (Step*mOut[i]) / (sqrt(vOut[i])/Bias2Sqrt + Eps)
//
// It reads all four operands of an element before it writes that element, so an
// output may be an operand itself. It panics if a slice is shorter than wOut, if
// an output partly overlaps an operand, or if two outputs overlap.
func AdamStep32(mOut, vOut, wOut, m, v, w, g []float32, c AdamCoef32) {
	n := len(wOut)
	checkAdamOut("mOut", mOut, n, m, v, w, g)
	checkAdamOut("vOut", vOut, n, m, v, w, g)
	checkAdamOut("wOut", wOut, n, m, v, w, g)
	mOut, vOut = mOut[:n], vOut[:n]
	checkDisjoint("AdamStep32", "mOut", mOut, "vOut", vOut)
	checkDisjoint("AdamStep32", "mOut", mOut, "wOut", wOut)
	checkDisjoint("AdamStep32", "vOut", vOut, "wOut", wOut)
	if k := vecFast.adam; k != nil && n >= 8 {
		i := vecBody(n)
		k(mOut[:i], vOut[:i], wOut[:i], m, v, w, g, c)
		mOut, vOut, wOut = mOut[i:], vOut[i:], wOut[i:]
		m, v, w, g = m[i:], v[i:], w[i:], g[i:]
	}
	m, v, w, g = m[:len(wOut)], v[:len(wOut)], w[:len(wOut)], g[:len(wOut)]
	for i := range wOut {
		mi, vi, wi, gi := m[i], v[i], w[i], g[i]
		m1 := float32(mi*c.Beta1) + float32(gi*c.Grad1)
		v1 := float32(vi*c.Beta2) + float32(float32(gi*c.Grad2)*gi)
		d := float32(float32(math.Sqrt(float64(v1)))/c.Bias2Sqrt) + c.Eps
		mOut[i], vOut[i] = m1, v1
		wOut[i] = wi - float32(c.Step*m1)/d
	}
}

// checkAdamOut panics unless the AdamStep32 output called name has at least n
// elements and each operand has at least n and is either that output or
// disjoint from it.
func checkAdamOut(name string, out []float32, n int, m, v, w, g []float32) {
	if len(out) < n {
		panicVecLen("AdamStep32", name, len(out), n)
	}
	out = out[:n]
	checkVec("AdamStep32", "m", out, m)
	checkVec("AdamStep32", "v", out, v)
	checkVec("AdamStep32", "w", out, w)
	checkVec("AdamStep32", "g", out, g)
}
