package runtime

import (
	"fmt"
	"unsafe"
)

// GEMM epilogue. MatMulBias32 adds a bias row to a float32 product and applies an
// activation while the product's blocks are still in cache. In the packed GEMM each
// worker applies the epilogue to a strip of its block of C as soon as the strip has
// received its last block of k, so the strip is read back from cache. That is L1
// when k is at least the block depth of 256. Smaller k makes taller blocks, whose
// strips come back from L2 or, for k of a few elements, from further out. Products
// that take the small path or the pure-Go loops are computed into C first, and the
// epilogue then runs over C row by row.
//
// The epilogue touches an element of the product only after its last addition. It
// then adds the bias once and applies the activation with the instructions of AddVV32
// and Relu32, operands in the same order. So its bits are those of MatMul followed by
// AddVV32 on every row and Relu32.

// Act is an activation applied by a GEMM epilogue.
type Act uint8

const (
	// ActNone applies no activation.
	ActNone Act = iota
	// ActReLU applies max(x, 0) as Relu32 does: NaN is kept, and -0 and negative
	// values become +0.
	ActReLU
)

// String returns the activation's name.
func (a Act) String() string {
	switch a {
	case ActNone:
		return "none"
	case ActReLU:
		return "relu"
	}
	return fmt.Sprintf("Act(%d)", uint8(a))
}

// MatMulBias32 computes the float32 product P = op(A)·op(B), with the operand layouts
// of MatMul, and for every i < m and j < n sets t = P[i,j] + bias[j] (t = P[i,j] if
// bias is nil), pre[i*n+j] = t if pre is not nil, and c[i*n+j] = t for ActNone or
// Relu32's result for t for ActReLU. P has the bits MatMul gives, on any number of
// goroutines. The whole result has the bits of MatMul into c, then AddVV32(row, row,
// bias) on every row of c, a copy into pre and Relu32.
// Only the first m*n elements of c and pre and the first n of bias are used.
// MatMulBias32 does not allocate, except as MatMul does when a product first runs on
// more goroutines than before.
//
// MatMulBias32 panics if a dimension is negative or if c, a or b is shorter than its
// matrix. It also panics if pre is not nil and shorter than m*n, if bias is not nil
// and shorter than n, if act is not a defined Act, and if c or pre overlaps a, b,
// bias or each other.
func MatMulBias32(c, pre, a, b, bias []float32, m, k, n int, transA, transB bool, act Act) {
	checkMatMul("MatMulBias32", len(c), len(a), len(b), 1, m, k, n)
	checkEpilogue(c, pre, a, b, bias, m, k, n, act)
	mn := m * n
	e := gemmEpilogue{act: act}
	if bias != nil {
		e.bias = bias[:n]
	}
	if pre != nil {
		e.pre = pre[:mn]
	}
	gemmOverwrite32(c, a, b, m, k, n, transA, transB, e)
}

// epiPacked reports whether gemmAcc computes an m×k×n float32 product with the packed
// GEMM and set kernels exist, so that MatMul and MatMulBias32 can overwrite C with it
// instead of clearing C and adding, and MatMulBias32 can run the epilogue inside it.
func epiPacked(m, k, n int) bool {
	return m > 0 && k > 0 && n > 0 && float32Path(m, k, n) == pathPacked &&
		fastKernels.kernelSet != nil
}

// fastAddKernels are the assembly micro-kernels that add to C, and fastKernels the
// same with their set variants. Their kernels are nil where the build or CPU has none.
var (
	fastAddKernels = gemmKernels{kernel: sgemmFast, wide: sgemmWide, wideRows: sgemmWideRows}
	fastKernels    = gemmKernels{kernel: sgemmFast, kernelSet: sgemmFastSet,
		wide: sgemmWide, wideSet: sgemmWideSet,
		wideRows: sgemmWideRows, wideRowsSet: sgemmWideRowsSet}
)

// gemmPackedEpi computes op(A)·op(B) with the packed GEMM and the kernels ks, and
// applies e to every element of C after its last block of k. Where ks has set kernels
// it overwrites C; otherwise it adds to C.
func gemmPackedEpi(ks gemmKernels, c, a, b []float32, m, k, n int, transA, transB bool,
	e gemmEpilogue) {
	j := getGemmJob()
	j.run(ks, c, a, b, m, k, n, transA, transB, e)
	putGemmJob(j)
}

// gemmOverwrite32 sets C = op(A)·op(B) and applies e: in the packed GEMM's epilogue
// where epiPacked allows, else by clearing C, adding the product and running e over C.
func gemmOverwrite32(c, a, b []float32, m, k, n int, transA, transB bool, e gemmEpilogue) {
	if epiPacked(m, k, n) {
		gemmPackedEpi(fastKernels, c, a, b, m, k, n, transA, transB, e)
		return
	}
	clear(c[:m*n])
	gemmAcc(c, a, b, m, k, n, transA, transB)
	e.apply(c, n, m, n)
}

// gemmEpilogue is the epilogue of one block of C: an optional bias row, an optional
// output of the values before the activation, laid out like C, and the activation.
// The zero value does nothing.
type gemmEpilogue struct {
	pre, bias []float32 // nil when absent; bias[j] belongs to column j of the block
	act       Act
}

// active reports whether e changes or copies anything.
func (e gemmEpilogue) active() bool {
	return e.bias != nil || e.pre != nil || e.act != ActNone
}

// at returns the epilogue of the block of C that starts at row i and column j of the
// block of e, whose rows start ld elements apart.
func (e gemmEpilogue) at(i, j, ld int) gemmEpilogue {
	if e.pre != nil {
		e.pre = e.pre[i*ld+j:]
	}
	if e.bias != nil {
		e.bias = e.bias[j:]
	}
	return e
}

// apply runs e over the rows×cols block of C at the start of c, whose rows (and those
// of e.pre) start ld elements apart.
func (e gemmEpilogue) apply(c []float32, ld, rows, cols int) {
	if rows <= 0 || cols <= 0 || !e.active() {
		return
	}
	last := (rows-1)*ld + cols
	c = c[:last]
	if e.pre != nil {
		e.pre = e.pre[:last]
	}
	if e.bias != nil {
		e.bias = e.bias[:cols]
	}
	j0 := epilogueFast(c, e.pre, e.bias, ld, rows, cols, e.act)
	if j0 < cols {
		epilogueGo(c, e.pre, e.bias, ld, rows, j0, cols, e.act)
	}
}

// epilogueGo runs the epilogue on columns j0 to cols of the rows of C at the start of
// c, with the expressions of AddVV32's and Relu32's Go loops. The slices are as at
// gemmEpilogue.apply.
func epilogueGo(c, pre, bias []float32, ld, rows, j0, cols int, act Act) {
	for i := range rows {
		row := c[i*ld+j0 : i*ld+cols]
		var b, p []float32
		if bias != nil {
			b = bias[j0:cols]
			b = b[:len(row)]
		}
		if pre != nil {
			p = pre[i*ld+j0 : i*ld+cols]
			p = p[:len(row)]
		}
		for j := range row {
			t := row[j]
			if b != nil {
				t = row[j] + b[j]
			}
			if p != nil {
				p[j] = t
			}
			if act == ActReLU {
				t = relu32(t)
			}
			row[j] = t
		}
	}
}

// checkEpilogue panics unless pre, bias and act are valid arguments of MatMulBias32
// and c and pre overlap neither the operands, the bias nor each other. The dimensions have
// passed checkMatMul.
func checkEpilogue(c, pre, a, b, bias []float32, m, k, n int, act Act) {
	mn := m * n
	if pre != nil && len(pre) < mn {
		panic(fmt.Sprintf("nncc: MatMulBias32: pre too short: len(pre)=%d (want >= %d)",
			len(pre), mn))
	}
	if bias != nil && len(bias) < n {
		panic(fmt.Sprintf("nncc: MatMulBias32: bias too short: len(bias)=%d (want >= %d)",
			len(bias), n))
	}
	if act > ActReLU {
		panic(fmt.Sprintf("nncc: MatMulBias32: unknown activation %v", act))
	}
	checkDisjoint("MatMulBias32", "c", c[:mn], "a", a[:m*k])
	checkDisjoint("MatMulBias32", "c", c[:mn], "b", b[:k*n])
	if bias != nil {
		checkDisjoint("MatMulBias32", "c", c[:mn], "bias", bias[:n])
	}
	if pre != nil {
		checkDisjoint("MatMulBias32", "pre", pre[:mn], "a", a[:m*k])
		checkDisjoint("MatMulBias32", "pre", pre[:mn], "b", b[:k*n])
		checkDisjoint("MatMulBias32", "c", c[:mn], "pre", pre[:mn])
		if bias != nil {
			checkDisjoint("MatMulBias32", "pre", pre[:mn], "bias", bias[:n])
		}
	}
}

// checkDisjoint panics if the non-empty slices x and y, operands of kernel fn,
// share an element.
func checkDisjoint(fn, xName string, x []float32, yName string, y []float32) {
	if len(x) == 0 || len(y) == 0 {
		return
	}
	px := uintptr(unsafe.Pointer(unsafe.SliceData(x)))
	py := uintptr(unsafe.Pointer(unsafe.SliceData(y)))
	if px < py+uintptr(len(y))*4 && py < px+uintptr(len(x))*4 {
		panic(fmt.Sprintf("nncc: %s: %s overlaps %s", fn, xName, yName))
	}
}
