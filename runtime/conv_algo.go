package runtime

import "unsafe"

// convOp names one of the three convolution kernels.
type convOp uint8

const (
	convForward convOp = iota
	convInputGrad
	convFilterGrad
)

// convAlgo names an algorithm of a convolution kernel.
type convAlgo uint8

const (
	// convIm2col unrolls the windows of one sample and group into an im2col matrix
	// and multiplies by it with MatMul. It runs every geometry and dtype.
	convIm2col convAlgo = iota
	// convShifted reads the windows in place in a padded copy of each sample with
	// the micro-kernels of conv_kernel.go (conv_shifted.go). It runs stride 1 in
	// float32.
	convShifted
)

// convAlgoFor returns the algorithm that kernel op runs for g, where f32 reports
// whether the dtype is float32. The choice depends only on the op, the geometry, the
// dtype and whether the assembly kernels run, so it is the same on every call. The
// measurements behind it are in docs/convolution.md: the shifted window was faster
// wherever it runs, except for filter gradients of small images.
func convAlgoFor(op convOp, g ConvGeom, f32 bool) convAlgo {
	if f32 && convUseAsm && shiftedApplies(op, g) {
		return convShifted
	}
	return convIm2col
}

// shiftedApplies reports whether the rule of convAlgoFor picks the shifted window for
// op and g on a CPU with the assembly kernels. It depends on the geometry only.
func shiftedApplies(op convOp, g ConvGeom) bool {
	switch {
	case !shiftedFits(g):
		return false
	case op == convInputGrad:
		return shiftedFits(inputGradForm(g))
	case op == convFilterGrad:
		return newShiftedForm(g).jd >= filterMinColumns
	}
	return true
}

// filterMinColumns is the least number of virtual columns per sample (jd) for which the
// filter gradient runs in the shifted-window form. Each convDot call sums one sample,
// jd/8 steps, and with few steps its fixed cost dominates. On 64 channels of 4×4
// images (24 columns) im2col was 1.2 times faster. On 8×8 images (80 columns) the
// shifted window was 1.06 times faster. Those are the AVX-512 kernels' figures.
// NOTE: with the AVX2 kernels only, the figures were 1.6 and 1.2 times against an
// older, slower im2col, and they have not been measured again since.
// NOTE: the threshold lies between those two measurements; sizes in between were not
// measured.
const filterMinColumns = 64

// isFloat32 reports whether T is float32 or a type defined on it.
func isFloat32[T Float]() bool {
	var z T
	return unsafe.Sizeof(z) == 4
}

// asF32 returns s reinterpreted as []float32. T must be float32 or defined on it.
func asF32[T Float](s []T) []float32 {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}
