package runtime

// Dispatch of the 2×2 max-pooling path to its float32 assembly kernels. They give the
// bits of argmaxRow2x2 and the loops around it, which stay as the kernels for float64,
// for CPUs without AVX2 and for purego builds.

// poolUseAsm selects the assembly kernels. It starts as hasPoolAVX2; tests clear it to
// run the Go loops on the same inputs.
var poolUseAsm = hasPoolAVX2

// maxPool2x2PlanesAsm runs maxPool2x2AVX2 on planes p0 to p1-1 after checking that
// they lie inside x and y.
func maxPool2x2PlanesAsm(y, x []float32, g PoolGeom, p0, p1 int) {
	if p1 <= p0 {
		return
	}
	hw, ohw := g.H*g.W, g.OH*g.OW
	xs, ys := x[p0*hw:p1*hw], y[p0*ohw:p1*ohw]
	maxPool2x2AVX2(ys, xs, p1-p0, hw, g.W, g.OH, g.OW)
}

// maxPool2x2GradPlanesAsm runs maxPool2x2GradAVX2 on planes p0 to p1-1 after checking
// that they lie inside dx, x and dy.
func maxPool2x2GradPlanesAsm(dx, x, dy []float32, g PoolGeom, p0, p1 int) {
	if p1 <= p0 {
		return
	}
	hw, ohw := g.H*g.W, g.OH*g.OW
	dxs, xs, dys := dx[p0*hw:p1*hw], x[p0*hw:p1*hw], dy[p0*ohw:p1*ohw]
	maxPool2x2GradAVX2(dxs, xs, dys, p1-p0, hw, g.W, g.OH, g.OW)
}
