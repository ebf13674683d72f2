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

// LOAD_ROW_PAIRS loads values off/4 to off/4+3 of rows 0..3 (at AX) into the low lanes
// of Y0..Y3 and those of rows 4..7 (at BX) into the high lanes.
#define LOAD_ROW_PAIRS(off) \
	VMOVUPS off(AX), X0 \
	VINSERTF128 $1, off(BX), Y0, Y0 \
	VMOVUPS off(AX)(R9*1), X1 \
	VINSERTF128 $1, off(BX)(R9*1), Y1, Y1 \
	VMOVUPS off(AX)(R9*2), X2 \
	VINSERTF128 $1, off(BX)(R9*2), Y2, Y2 \
	VMOVUPS off(AX)(R11*1), X3 \
	VINSERTF128 $1, off(BX)(R11*1), Y3, Y3

// LOAD_SIX_ROWS is LOAD_ROW_PAIRS for 6 rows: the high lanes of Y2 and Y3, rows 6
// and 7, are zero.
#define LOAD_SIX_ROWS(off) \
	VMOVUPS off(AX), X0 \
	VINSERTF128 $1, off(BX), Y0, Y0 \
	VMOVUPS off(AX)(R9*1), X1 \
	VINSERTF128 $1, off(BX)(R9*1), Y1, Y1 \
	VMOVUPS off(AX)(R9*2), X2 \
	VMOVUPS off(AX)(R11*1), X3

// TRANSPOSE4_LANES transposes the 4×4 block in each lane of the rows Y0..Y3 into
// Y12..Y15: lane l of Yq+12 holds element q of lane l of every row. It overwrites
// Y8..Y11.
#define TRANSPOSE4_LANES \
	VUNPCKLPS Y1, Y0, Y8 \
	VUNPCKHPS Y1, Y0, Y9 \
	VUNPCKLPS Y3, Y2, Y10 \
	VUNPCKHPS Y3, Y2, Y11 \
	VSHUFPS $0x44, Y10, Y8, Y12 \
	VSHUFPS $0xEE, Y10, Y8, Y13 \
	VSHUFPS $0x44, Y11, Y9, Y14 \
	VSHUFPS $0xEE, Y11, Y9, Y15

// LOAD_LANES4(off) loads values off/4 to off/4+3 of rows g, g+4, g+8 and g+12 (rows
// 0, 4, 8 and 12 at AX, BX, R12 and R13, rows g R9*g bytes further) into the four
// 128-bit lanes of Zg, for g = 0..3.
#define LOAD_LANES4(off) \
	VMOVUPS off(AX), X0 \
	VINSERTF32X4 $1, off(BX), Z0, Z0 \
	VINSERTF32X4 $2, off(R12), Z0, Z0 \
	VINSERTF32X4 $3, off(R13), Z0, Z0 \
	VMOVUPS off(AX)(R9*1), X1 \
	VINSERTF32X4 $1, off(BX)(R9*1), Z1, Z1 \
	VINSERTF32X4 $2, off(R12)(R9*1), Z1, Z1 \
	VINSERTF32X4 $3, off(R13)(R9*1), Z1, Z1 \
	VMOVUPS off(AX)(R9*2), X2 \
	VINSERTF32X4 $1, off(BX)(R9*2), Z2, Z2 \
	VINSERTF32X4 $2, off(R12)(R9*2), Z2, Z2 \
	VINSERTF32X4 $3, off(R13)(R9*2), Z2, Z2 \
	VMOVUPS off(AX)(R11*1), X3 \
	VINSERTF32X4 $1, off(BX)(R11*1), Z3, Z3 \
	VINSERTF32X4 $2, off(R12)(R11*1), Z3, Z3 \
	VINSERTF32X4 $3, off(R13)(R11*1), Z3, Z3

// TRANSPOSE4_LANES512 is TRANSPOSE4_LANES on the four lanes of Z0..Z3, into Z20..Z23,
// with Z16..Z19 as scratch.
#define TRANSPOSE4_LANES512 \
	VUNPCKLPS Z1, Z0, Z16 \
	VUNPCKHPS Z1, Z0, Z17 \
	VUNPCKLPS Z3, Z2, Z18 \
	VUNPCKHPS Z3, Z2, Z19 \
	VSHUFPS $0x44, Z18, Z16, Z20 \
	VSHUFPS $0xEE, Z18, Z16, Z21 \
	VSHUFPS $0x44, Z19, Z17, Z22 \
	VSHUFPS $0xEE, Z19, Z17, Z23

// TRANSPOSE16_CHUNK(off) transposes values off/4 to off/4+3 of the 16 rows into 4 rows
// of 16 values of dst at DX+16*off.
#define TRANSPOSE16_CHUNK(off) \
	LOAD_LANES4(off) \
	TRANSPOSE4_LANES512 \
	VMOVUPS Z20, (16*off)(DX) \
	VMOVUPS Z21, (16*off+64)(DX) \
	VMOVUPS Z22, (16*off+128)(DX) \
	VMOVUPS Z23, (16*off+192)(DX)

// transpose8x8 loads 8 values from each of the 8 rows at AX, R9 bytes apart (R11 is
// 3*R9), and stores column q of that block as 8 values at DX+64*q. Rows r and r+4 are
// loaded into the two 128-bit lanes of one register, so that transposing the 4×4
// blocks inside the lanes (TRANSPOSE4_LANES) finishes the job: the lane moves ride on
// the loads instead of the shuffle unit.
TEXT transpose8x8<>(SB), NOSPLIT|NOFRAME, $0
	LEAQ (AX)(R9*4), BX
	LOAD_ROW_PAIRS(0)
	TRANSPOSE4_LANES
	VMOVUPS Y12, (DX)
	VMOVUPS Y13, 64(DX)
	VMOVUPS Y14, 128(DX)
	VMOVUPS Y15, 192(DX)
	LOAD_ROW_PAIRS(16)
	TRANSPOSE4_LANES
	VMOVUPS Y12, 256(DX)
	VMOVUPS Y13, 320(DX)
	VMOVUPS Y14, 384(DX)
	VMOVUPS Y15, 448(DX)
	RET

// func packARowsAVX2(dst, src []float32, blocks, ld int)
//
// For each of blocks steps of 8 along k, loads 8 values from each of the 6 rows of src
// that start ld elements apart, transposes them in registers as transpose8x8 does,
// with zeros for rows 6 and 7, and stores them as 8 columns of 6 values of dst. Each column but the last is stored with 8 values whose
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
	LOAD_SIX_ROWS(0)
	TRANSPOSE4_LANES
	VMOVUPS Y12, (DX)
	VMOVUPS Y13, 24(DX)
	VMOVUPS Y14, 48(DX)
	VMOVUPS Y15, 72(DX)
	LOAD_SIX_ROWS(16)
	TRANSPOSE4_LANES
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

// func packBRowsAVX2(dst, src []float32, kc, panels, ld int)
//
// Fills panels full packB panels from an op(B) whose rows of src start ld elements
// apart: dst[q*kc*16+p*16+j] = src[p*ld+q*16+j] for q < panels, p < kc, j < 16.
// Groups of four panels are filled together, one 64-value row segment of src per
// step of k, so that src is read in 256-byte runs and dst written in four sequential
// streams; the last panels are filled one by one. Only moves values.
TEXT ·packBRowsAVX2(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ src_base+24(FP), SI
	MOVQ kc+48(FP), BX
	MOVQ panels+56(FP), DX
	MOVQ ld+64(FP), R8
	SHLQ $2, R8 // bytes between rows of src
	MOVQ BX, R9
	SHLQ $6, R9 // bytes per panel
	TESTQ BX, BX
	JLE done

group:
	CMPQ DX, $4
	JB single
	MOVQ SI, R10
	MOVQ DI, R11                // panel 0; panel 1 at R11+R9
	LEAQ (DI)(R9*2), R12        // panel 2; panel 3 at R12+R9
	MOVQ BX, CX

group4:
	VMOVUPS (R10), Y0
	VMOVUPS 32(R10), Y1
	VMOVUPS 64(R10), Y2
	VMOVUPS 96(R10), Y3
	VMOVUPS 128(R10), Y4
	VMOVUPS 160(R10), Y5
	VMOVUPS 192(R10), Y6
	VMOVUPS 224(R10), Y7
	VMOVUPS Y0, (R11)
	VMOVUPS Y1, 32(R11)
	VMOVUPS Y2, (R11)(R9*1)
	VMOVUPS Y3, 32(R11)(R9*1)
	VMOVUPS Y4, (R12)
	VMOVUPS Y5, 32(R12)
	VMOVUPS Y6, (R12)(R9*1)
	VMOVUPS Y7, 32(R12)(R9*1)
	ADDQ R8, R10
	ADDQ $64, R11
	ADDQ $64, R12
	DECQ CX
	JNZ group4
	ADDQ $256, SI
	LEAQ (DI)(R9*4), DI
	SUBQ $4, DX
	JMP group

single:
	TESTQ DX, DX
	JZ done
	MOVQ SI, R10
	MOVQ DI, R11
	MOVQ BX, CX

single1:
	VMOVUPS (R10), Y0
	VMOVUPS 32(R10), Y1
	VMOVUPS Y0, (R11)
	VMOVUPS Y1, 32(R11)
	ADDQ R8, R10
	ADDQ $64, R11
	DECQ CX
	JNZ single1
	ADDQ $64, SI
	ADDQ R9, DI
	DECQ DX
	JMP single

done:
	VZEROUPPER
	RET

// func packBTransAVX512(dst, src []float32, blocks, ld int)
//
// For each of blocks steps of 16 along k, transposes the 16×16 block of the 16 rows of
// src, ld elements apart, into 16 rows of 16 values of dst, four columns at a time.
// Rows r, r+4, r+8 and r+12 share a register, one per 128-bit lane, so the loads do
// the moves across lanes and the shuffles work inside the lanes. Only moves values.
TEXT ·packBTransAVX512(SB), NOSPLIT, $0-64
	MOVQ dst_base+0(FP), DX
	MOVQ src_base+24(FP), AX
	MOVQ blocks+48(FP), CX
	MOVQ ld+56(FP), R9
	SHLQ $2, R9
	LEAQ (R9)(R9*2), R11
	LEAQ (AX)(R9*4), BX  // row 4
	LEAQ (BX)(R9*4), R12 // row 8
	LEAQ (R12)(R9*4), R13 // row 12
	TESTQ CX, CX
	JLE t16done

t16loop:
	TRANSPOSE16_CHUNK(0)
	TRANSPOSE16_CHUNK(16)
	TRANSPOSE16_CHUNK(32)
	TRANSPOSE16_CHUNK(48)
	ADDQ $64, AX
	ADDQ $64, BX
	ADDQ $64, R12
	ADDQ $64, R13
	ADDQ $1024, DX
	DECQ CX
	JNZ t16loop

t16done:
	VZEROUPPER
	RET
