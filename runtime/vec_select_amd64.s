//go:build amd64 && !purego

#include "textflag.h"

// func selectGtVSAVX2(dst, x []float32, c float32, a []float32, b float32)
//
// 8 elements per round: a compare that is false for NaN (GT_OQ, predicate 0x1E)
// gives a mask, and a blend takes a[i] where the mask is set and b elsewhere. A
// round loads x and a before it stores, so dst may be either of them.
TEXT ·selectGtVSAVX2(SB), NOSPLIT, $0-84
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	MOVQ         x_base+24(FP), SI
	VBROADCASTSS c+48(FP), Y15
	MOVQ         a_base+56(FP), DX
	VBROADCASTSS b+80(FP), Y14
	TESTQ        CX, CX
	JZ           done

loop:
	VMOVUPS   (SI), Y0
	VMOVUPS   (DX), Y2
	VCMPPS    $0x1E, Y15, Y0, Y1
	VBLENDVPS Y1, Y2, Y14, Y3
	VMOVUPS   Y3, (DI)
	ADDQ      $32, SI
	ADDQ      $32, DX
	ADDQ      $32, DI
	SUBQ      $8, CX
	JNZ       loop

done:
	VZEROUPPER
	RET
