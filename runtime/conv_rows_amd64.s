//go:build amd64 && !purego

#include "textflag.h"

// rowsMask holds 8 lanes of ones and 8 of zeros; 8 lanes from (8-k)*4 on are a mask
// of the first k lanes.
DATA rowsMask<>+0(SB)/4, $0xffffffff
DATA rowsMask<>+4(SB)/4, $0xffffffff
DATA rowsMask<>+8(SB)/4, $0xffffffff
DATA rowsMask<>+12(SB)/4, $0xffffffff
DATA rowsMask<>+16(SB)/4, $0xffffffff
DATA rowsMask<>+20(SB)/4, $0xffffffff
DATA rowsMask<>+24(SB)/4, $0xffffffff
DATA rowsMask<>+28(SB)/4, $0xffffffff
DATA rowsMask<>+32(SB)/4, $0
DATA rowsMask<>+36(SB)/4, $0
DATA rowsMask<>+40(SB)/4, $0
DATA rowsMask<>+44(SB)/4, $0
DATA rowsMask<>+48(SB)/4, $0
DATA rowsMask<>+52(SB)/4, $0
DATA rowsMask<>+56(SB)/4, $0
DATA rowsMask<>+60(SB)/4, $0
GLOBL rowsMask<>(SB), RODATA|NOPTR, $64

// func copyRowsAVX2(dst, src []float32, rows, width, dstStride, srcStride int)
//
// Each row is copied 8 values at a time, and its last width%8 values with a masked
// load and store, which touch no memory outside the row.
TEXT ·copyRowsAVX2(SB), NOSPLIT, $0-80
	MOVQ dst_base+0(FP), DI
	MOVQ src_base+24(FP), SI
	MOVQ rows+48(FP), CX
	MOVQ width+56(FP), DX
	MOVQ dstStride+64(FP), R8
	SHLQ $2, R8
	MOVQ srcStride+72(FP), R9
	SHLQ $2, R9
	MOVQ DX, AX
	ANDQ $7, AX
	SHRQ $3, DX
	LEAQ rowsMask<>(SB), BX
	MOVQ $8, R10
	SUBQ AX, R10
	VMOVUPS (BX)(R10*4), Y15
	TESTQ CX, CX
	JLE done

row:
	XORQ R10, R10
	MOVQ DX, R11
	TESTQ R11, R11
	JZ tail

vec:
	VMOVUPS (SI)(R10*1), Y0
	VMOVUPS Y0, (DI)(R10*1)
	ADDQ $32, R10
	DECQ R11
	JNZ vec

tail:
	TESTQ AX, AX
	JZ next
	VMASKMOVPS (SI)(R10*1), Y15, Y0
	VMASKMOVPS Y0, Y15, (DI)(R10*1)

next:
	ADDQ R9, SI
	ADDQ R8, DI
	DECQ CX
	JNZ row

done:
	VZEROUPPER
	RET
