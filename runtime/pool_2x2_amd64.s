//go:build amd64 && !purego

#include "textflag.h"

// Max pooling over 2×2 windows with stride 2, eight windows per step. The two input
// rows of eight windows are split into the windows' four elements a, b (upper row)
// and c, d (lower row) with VSHUFPS, which leaves the windows in the order 0, 1, 4,
// 5, 2, 3, 6, 7; VPERMPD $0xD8 and VUNPCKLPS/VUNPCKHPS undo that order. A window's
// result is then found as the Go code scans it: its running maximum starts at a and
// takes each of b, c and d in turn that is greater or NaN, unless the running maximum
// is already NaN. This gives the first maximum, or the first NaN, and -0 and +0 tie.
// A row's last ow%8 windows run the same step with masked loads and stores.

// poolMask holds 16 lanes of ones and 16 of zeros; 8 lanes from (16-k)*4 on are a
// mask of the first k lanes.
DATA poolMask<>+0(SB)/4, $0xffffffff
DATA poolMask<>+4(SB)/4, $0xffffffff
DATA poolMask<>+8(SB)/4, $0xffffffff
DATA poolMask<>+12(SB)/4, $0xffffffff
DATA poolMask<>+16(SB)/4, $0xffffffff
DATA poolMask<>+20(SB)/4, $0xffffffff
DATA poolMask<>+24(SB)/4, $0xffffffff
DATA poolMask<>+28(SB)/4, $0xffffffff
DATA poolMask<>+32(SB)/4, $0xffffffff
DATA poolMask<>+36(SB)/4, $0xffffffff
DATA poolMask<>+40(SB)/4, $0xffffffff
DATA poolMask<>+44(SB)/4, $0xffffffff
DATA poolMask<>+48(SB)/4, $0xffffffff
DATA poolMask<>+52(SB)/4, $0xffffffff
DATA poolMask<>+56(SB)/4, $0xffffffff
DATA poolMask<>+60(SB)/4, $0xffffffff
DATA poolMask<>+64(SB)/4, $0
DATA poolMask<>+68(SB)/4, $0
DATA poolMask<>+72(SB)/4, $0
DATA poolMask<>+76(SB)/4, $0
DATA poolMask<>+80(SB)/4, $0
DATA poolMask<>+84(SB)/4, $0
DATA poolMask<>+88(SB)/4, $0
DATA poolMask<>+92(SB)/4, $0
DATA poolMask<>+96(SB)/4, $0
DATA poolMask<>+100(SB)/4, $0
DATA poolMask<>+104(SB)/4, $0
DATA poolMask<>+108(SB)/4, $0
DATA poolMask<>+112(SB)/4, $0
DATA poolMask<>+116(SB)/4, $0
DATA poolMask<>+120(SB)/4, $0
DATA poolMask<>+124(SB)/4, $0
GLOBL poolMask<>(SB), RODATA|NOPTR, $128

// TAILMASKS sets AX to the number of windows of a row past its last full step, ow%8,
// and R12 to the number of full steps. Y13 masks AX lanes (outputs or dy), Y14 and Y15
// the 2·AX input lanes of one row.
#define TAILMASKS \
	MOVQ R12, AX \
	ANDQ $7, AX \
	SHRQ $3, R12 \
	LEAQ poolMask<>(SB), BX \
	MOVQ $16, CX \
	SUBQ AX, CX \
	VMOVUPS (BX)(CX*4), Y13 \
	SUBQ AX, CX \
	VMOVUPS (BX)(CX*4), Y14 \
	VMOVUPS 32(BX)(CX*4), Y15

// SELECT moves v into the running maximum Y4 where v > Y4, or v is NaN, and Y4 is not
// NaN; m receives the lanes that moved. Y9 is clobbered.
#define SELECT(v, m) \
	VCMPPS $6, Y4, v, m \
	VCMPPS $7, Y4, Y4, Y9 \
	VANDPS Y9, m, m \
	VBLENDVPS m, v, Y4, Y4

// MAX4 computes from the rows Y0:Y1 and Y2:Y3 the maxima Y4 of eight windows in the
// shuffled order, with the masks Y8, Y10 and Y12 of the windows whose maximum is b, c
// and d or a later one.
#define MAX4 \
	VSHUFPS $0x88, Y1, Y0, Y4 \
	VSHUFPS $0xDD, Y1, Y0, Y5 \
	VSHUFPS $0x88, Y3, Y2, Y6 \
	VSHUFPS $0xDD, Y3, Y2, Y7 \
	SELECT(Y5, Y8) \
	SELECT(Y6, Y10) \
	SELECT(Y7, Y12)

// func maxPool2x2AVX2(y, x []float32, planes, hw, w, oh, ow int)
//
// y receives the maxima of the 2×2 windows of planes planes of x, each of hw elements
// in rows of w, with oh rows of ow windows each. The caller checks the bounds.
TEXT ·maxPool2x2AVX2(SB), NOSPLIT, $0-88
	MOVQ y_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ planes+48(FP), R8
	MOVQ hw+56(FP), R9
	SHLQ $2, R9
	MOVQ w+64(FP), R10
	SHLQ $2, R10
	MOVQ oh+72(FP), R11
	MOVQ ow+80(FP), R12
	TAILMASKS
	TESTQ R8, R8
	JLE maxdone
	TESTQ R11, R11
	JLE maxdone

maxplane:
	MOVQ SI, R13
	MOVQ R11, R14

maxrow:
	MOVQ R13, BX
	MOVQ R12, CX
	TESTQ CX, CX
	JZ maxtail

maxstep:
	VMOVUPS (BX), Y0
	VMOVUPS 32(BX), Y1
	VMOVUPS (BX)(R10*1), Y2
	VMOVUPS 32(BX)(R10*1), Y3
	MAX4
	VPERMPD $0xD8, Y4, Y4
	VMOVUPS Y4, (DI)
	ADDQ $64, BX
	ADDQ $32, DI
	DECQ CX
	JNZ maxstep

maxtail:
	TESTQ AX, AX
	JZ maxnext
	VMASKMOVPS (BX), Y14, Y0
	VMASKMOVPS 32(BX), Y15, Y1
	VMASKMOVPS (BX)(R10*1), Y14, Y2
	VMASKMOVPS 32(BX)(R10*1), Y15, Y3
	MAX4
	VPERMPD $0xD8, Y4, Y4
	VMASKMOVPS Y4, Y13, (DI)
	LEAQ (DI)(AX*4), DI

maxnext:
	LEAQ (R13)(R10*2), R13
	DECQ R14
	JNZ maxrow
	ADDQ R9, SI
	DECQ R8
	JNZ maxplane

maxdone:
	VZEROUPPER
	RET

// GRAD4 computes from MAX4's masks and dy in Y11, in window order, the gradient of the
// eight windows: the upper rows in Y4:Y5 and the lower rows in Y6:Y7.
#define GRAD4 \
	VPERMPD $0xD8, Y11, Y11 \
	VANDPS Y11, Y12, Y3 \
	VANDNPS Y11, Y12, Y11 \
	VANDPS Y11, Y10, Y2 \
	VANDNPS Y11, Y10, Y11 \
	VANDPS Y11, Y8, Y1 \
	VANDNPS Y11, Y8, Y0 \
	VUNPCKLPS Y1, Y0, Y4 \
	VUNPCKHPS Y1, Y0, Y5 \
	VUNPCKLPS Y3, Y2, Y6 \
	VUNPCKHPS Y3, Y2, Y7

// func maxPool2x2GradAVX2(dx, x, dy []float32, planes, hw, w, oh, ow int)
//
// dx receives, in every element of the 2×2 windows of planes planes of x (laid out
// as for maxPool2x2AVX2), the window's element of dy at its first maximum and +0
// elsewhere. dx has the layout of x. The caller checks the bounds.
TEXT ·maxPool2x2GradAVX2(SB), NOSPLIT, $0-112
	MOVQ dx_base+0(FP), DX
	MOVQ x_base+24(FP), SI
	SUBQ SI, DX
	MOVQ dy_base+48(FP), DI
	MOVQ planes+72(FP), R8
	MOVQ hw+80(FP), R9
	SHLQ $2, R9
	MOVQ w+88(FP), R10
	SHLQ $2, R10
	MOVQ oh+96(FP), R11
	MOVQ ow+104(FP), R12
	TAILMASKS
	TESTQ R8, R8
	JLE graddone
	TESTQ R11, R11
	JLE graddone
	LEAQ (DX)(R10*1), R8 // from an element of x to dx one row down

gradplane:
	MOVQ SI, R13
	MOVQ R11, R14

gradrow:
	MOVQ R13, BX
	MOVQ R12, CX
	TESTQ CX, CX
	JZ gradtail

gradstep:
	VMOVUPS (BX), Y0
	VMOVUPS 32(BX), Y1
	VMOVUPS (BX)(R10*1), Y2
	VMOVUPS 32(BX)(R10*1), Y3
	MAX4
	VMOVUPS (DI), Y11
	GRAD4
	VMOVUPS Y4, (BX)(DX*1)
	VMOVUPS Y5, 32(BX)(DX*1)
	VMOVUPS Y6, (BX)(R8*1)
	VMOVUPS Y7, 32(BX)(R8*1)
	ADDQ $64, BX
	ADDQ $32, DI
	DECQ CX
	JNZ gradstep

gradtail:
	TESTQ AX, AX
	JZ gradnext
	VMASKMOVPS (BX), Y14, Y0
	VMASKMOVPS 32(BX), Y15, Y1
	VMASKMOVPS (BX)(R10*1), Y14, Y2
	VMASKMOVPS 32(BX)(R10*1), Y15, Y3
	MAX4
	VMASKMOVPS (DI), Y13, Y11
	GRAD4
	VMASKMOVPS Y4, Y14, (BX)(DX*1)
	VMASKMOVPS Y5, Y15, 32(BX)(DX*1)
	VMASKMOVPS Y6, Y14, (BX)(R8*1)
	VMASKMOVPS Y7, Y15, 32(BX)(R8*1)
	LEAQ (DI)(AX*4), DI

gradnext:
	LEAQ (R13)(R10*2), R13
	DECQ R14
	JNZ gradrow
	ADDQ R9, SI
	DECQ planes+72(FP)
	JNZ gradplane

graddone:
	VZEROUPPER
	RET
