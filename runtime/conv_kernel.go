package runtime

// Micro-kernels of the shifted-window convolution (conv_shifted.go). Each has a
// pure-Go form, the reference for its assembly form in conv_amd64.s. convGemm and
// convDot check the bounds that the assembly does not and pick the form.

// convUseAsm selects the assembly kernels. It starts as hasConvAVX2; tests clear it to
// run the Go kernels on the same inputs.
var convUseAsm = hasConvAVX2

// convGemmGo adds to the kernelMR×kernelNR tile of C (rows ldc apart) the product of
// the packed kernelMR×k panel a (column by column, as for sgemmKernel) and the k×kernelNR
// matrix whose row p is b[off[p]:off[p]+kernelNR].
func convGemmGo(k int, a, b []float32, off []int32, c []float32, ldc int) {
	var acc [kernelMR][kernelNR]float32
	a = a[:k*kernelMR]
	for p, o := range off[:k] {
		bRow := (*[kernelNR]float32)(b[o : int(o)+kernelNR])
		for i, av := range a[p*kernelMR : p*kernelMR+kernelMR] {
			for j, bv := range bRow {
				acc[i][j] += av * bv
			}
		}
	}
	for i := range acc {
		row := c[i*ldc : i*ldc+kernelNR]
		for j, v := range acc[i] {
			row[j] += v
		}
	}
}

// convGemm runs convGemmGo or its assembly form after checking that every row of the
// B matrix, whose offsets are at most maxOff, and the tile of C lie inside b and c.
func convGemm(k int, a, b []float32, off []int32, maxOff int, c []float32, ldc int) {
	if k <= 0 {
		return
	}
	_ = a[k*kernelMR-1]
	_ = off[k-1]
	_ = b[maxOff+kernelNR-1]
	_ = c[(kernelMR-1)*ldc+kernelNR-1]
	if convUseAsm {
		convGemmAVX2(k, a, b, off, c, ldc)
		return
	}
	convGemmGo(k, a, b, off, c, ldc)
}

// convDotLanes is the number of partial sums each dot product of convDot keeps.
const convDotLanes = 8

// convDotGo adds to acc[2i+t][l] the sum over q < n of
// base[aOff[i]+8q+l] * base[bOff[t]+8q+l], for i < 6, t < 2 and l < 8: twelve dot
// products of length 8n, each kept as eight partial sums.
func convDotGo(n int, base []float32, aOff *[6]int, bOff *[2]int, acc *[12 * convDotLanes]float32) {
	for i, ao := range aOff {
		a := base[ao : ao+convDotLanes*n]
		for t, bo := range bOff {
			b := base[bo : bo+convDotLanes*n]
			s := acc[(2*i+t)*convDotLanes : (2*i+t+1)*convDotLanes]
			for q := range n {
				av := (*[convDotLanes]float32)(a[q*convDotLanes:])
				bv := (*[convDotLanes]float32)(b[q*convDotLanes:])
				for l := range s {
					s[l] += av[l] * bv[l]
				}
			}
		}
	}
}

// convDot runs convDotGo or its assembly form after checking that every row it reads
// lies inside base.
func convDot(n int, base []float32, aOff *[6]int, bOff *[2]int, acc *[12 * convDotLanes]float32) {
	if n <= 0 {
		return
	}
	for _, o := range aOff {
		_ = base[o : o+convDotLanes*n]
	}
	for _, o := range bOff {
		_ = base[o : o+convDotLanes*n]
	}
	if convUseAsm {
		convDotAVX2(n, base, aOff, bOff, acc)
		return
	}
	convDotGo(n, base, aOff, bOff, acc)
}
