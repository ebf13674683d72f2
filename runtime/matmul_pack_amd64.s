//go:build amd64 && !purego

#include "textflag.h"

// func packBTransAVX2(dst, src []float32, blocks, ld int)
//
// For each of blocks steps of 8 along k, loads 8 values from each of 16 rows of src
// that start ld elements apart, in two groups of 8 rows, transposes each 8×8 group in
// registers and stores it as 8 rows of 16 values of dst. Only moves values.
TEXT ·packBTransAVX2(SB), NOSPLIT, $0-64
	MOVQ dst_base+0(FP), DI
	MOVQ src_base+24(FP), SI
	MOVQ blocks+48(FP), CX
	MOVQ ld+56(FP), R9
	SHLQ $2, R9
	LEAQ (R9)(R9*2), R11
	LEAQ (SI)(R9*8), R12 // rows 8..15
	TESTQ CX, CX
	JLE done

loop:
	MOVQ SI, AX
	MOVQ DI, DX
	CALL transpose8x8<>(SB)
	MOVQ R12, AX
	LEAQ 32(DI), DX
	CALL transpose8x8<>(SB)
	ADDQ $32, SI
	ADDQ $32, R12
	ADDQ $512, DI
	DECQ CX
	JNZ loop

done:
	VZEROUPPER
	RET

// transpose8x8 loads 8 values from each of the 8 rows at AX, R9 bytes apart (R11 is
// 3*R9), and stores column q of that block as 8 values at DX+64*q.
TEXT transpose8x8<>(SB), NOSPLIT|NOFRAME, $0
	LEAQ (AX)(R9*4), BX
	VMOVUPS (AX), Y0
	VMOVUPS (AX)(R9*1), Y1
	VMOVUPS (AX)(R9*2), Y2
	VMOVUPS (AX)(R11*1), Y3
	VMOVUPS (BX), Y4
	VMOVUPS (BX)(R9*1), Y5
	VMOVUPS (BX)(R9*2), Y6
	VMOVUPS (BX)(R11*1), Y7
	CALL shuffle8x8<>(SB)
	VMOVUPS Y8, (DX)
	VMOVUPS Y9, 64(DX)
	VMOVUPS Y10, 128(DX)
	VMOVUPS Y11, 192(DX)
	VMOVUPS Y12, 256(DX)
	VMOVUPS Y13, 320(DX)
	VMOVUPS Y14, 384(DX)
	VMOVUPS Y15, 448(DX)
	RET

// shuffle8x8 transposes the 8×8 block whose rows are Y0..Y7 into Y8..Y15: Yq+8 holds
// element q of every row. It overwrites Y0..Y7.
TEXT shuffle8x8<>(SB), NOSPLIT|NOFRAME, $0
	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15
	VSHUFPS $0x44, Y10, Y8, Y0
	VSHUFPS $0xEE, Y10, Y8, Y1
	VSHUFPS $0x44, Y11, Y9, Y2
	VSHUFPS $0xEE, Y11, Y9, Y3
	VSHUFPS $0x44, Y14, Y12, Y4
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7
	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15
	RET

// func packARowsAVX2(dst, src []float32, blocks, ld int)
//
// For each of blocks steps of 8 along k, loads 8 values from each of the 6 rows of src
// that start ld elements apart, transposes them in registers and stores them as 8
// columns of 6 values of dst. Each column but the last is stored with 8 values whose
// last 2 the next column overwrites, so nothing past the 48 values is written.
TEXT ·packARowsAVX2(SB), NOSPLIT, $0-64
	MOVQ dst_base+0(FP), DX
	MOVQ src_base+24(FP), AX
	MOVQ blocks+48(FP), CX
	MOVQ ld+56(FP), R9
	SHLQ $2, R9
	LEAQ (R9)(R9*2), R11
	TESTQ CX, CX
	JLE adone

aloop:
	LEAQ (AX)(R9*4), BX
	VMOVUPS (AX), Y0
	VMOVUPS (AX)(R9*1), Y1
	VMOVUPS (AX)(R9*2), Y2
	VMOVUPS (AX)(R11*1), Y3
	VMOVUPS (BX), Y4
	VMOVUPS (BX)(R9*1), Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	CALL shuffle8x8<>(SB)
	VMOVUPS Y8, (DX)
	VMOVUPS Y9, 24(DX)
	VMOVUPS Y10, 48(DX)
	VMOVUPS Y11, 72(DX)
	VMOVUPS Y12, 96(DX)
	VMOVUPS Y13, 120(DX)
	VMOVUPS Y14, 144(DX)
	VMOVUPS X15, 168(DX)
	VEXTRACTF128 $1, Y15, X15
	VMOVQ X15, 184(DX)
	ADDQ $32, AX
	ADDQ $192, DX
	DECQ CX
	JNZ aloop

adone:
	VZEROUPPER
	RET
