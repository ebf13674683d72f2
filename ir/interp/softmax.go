package interp

import "math"

// logSoftmax computes log_softmax of x along axis into out. Each slice along the
// axis is computed as the composite reduce_max, sub, exp, sum, log, sub would be:
// mx = max(x) with NaN propagating, s = x - mx, e = exp(s), t = sum(e) in float64
// in order along the axis, l = log(t) and y = s - l, with s, e, t and l rounded to
// out's dtype as those ops round their results. The caller rounds y. So a slice of
// all -Inf gives NaN, a -Inf element among finite ones gives -Inf, and a +Inf or
// NaN element makes the slice NaN.
func logSoftmax(x *Tensor, axis int, out *Tensor) {
	dt := out.DType
	outer := numElems(x.Shape[:axis])
	k := x.Shape[axis]
	inner := numElems(x.Shape[axis+1:])
	s := make([]float64, k)
	for o := range outer {
		for i := range inner {
			base := o*k*inner + i
			mx := x.Data[base]
			for j := 1; j < k; j++ {
				mx = maxNaN(mx, x.Data[base+j*inner])
			}
			t := 0.0
			for j := range k {
				s[j] = roundTo(dt, x.Data[base+j*inner]-mx)
				t += roundTo(dt, math.Exp(s[j]))
			}
			l := roundTo(dt, math.Log(roundTo(dt, t)))
			for j := range k {
				out.Data[base+j*inner] = s[j] - l
			}
		}
	}
}
