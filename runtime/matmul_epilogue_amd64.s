//go:build amd64 && !purego

#include "textflag.h"

// func epilogueAVX2(c, pre, bias *float32, ld, rows, cols, flags int)
//
// For each of rows rows and each 8 columns of cols: Y0 = C; if flags&1, Y0 = Y0 + bias
// (VADDPS with C as first operand, as AddVV32 does for a = C, b = bias); if flags&2,
// store Y0 to pre; if flags&4, keep Y0 where !(Y0 <= 0) and clear it elsewhere, as
// Relu32 does (predicate 0x16, NLE_UQ, against the zeros in Y15); store Y0 to C.
// The flags are tested for every vector; the branches always go the same way.
TEXT ·epilogueAVX2(SB), NOSPLIT, $0-56
	MOVQ   c+0(FP), DI
	MOVQ   pre+8(FP), R10
	MOVQ   bias+16(FP), DX
	MOVQ   ld+24(FP), R8
	SHLQ   $2, R8
	MOVQ   rows+32(FP), R9
	MOVQ   cols+40(FP), R11
	SHLQ   $2, R11
	MOVQ   flags+48(FP), BX
	VXORPS Y15, Y15, Y15

row:
	XORQ AX, AX

col:
	VMOVUPS (DI)(AX*1), Y0
	TESTQ   $1, BX
	JZ      nobias
	VADDPS  (DX)(AX*1), Y0, Y0

nobias:
	TESTQ $2, BX
	JZ    nopre
	VMOVUPS Y0, (R10)(AX*1)

nopre:
	TESTQ $4, BX
	JZ    norelu
	VCMPPS $0x16, Y15, Y0, Y1
	VANDPS Y0, Y1, Y0

norelu:
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ    $32, AX
	CMPQ    AX, R11
	JB      col
	ADDQ    R8, DI
	ADDQ    R8, R10
	DECQ    R9
	JNZ     row
	VZEROUPPER
	RET
