//go:build amd64 && !purego

#include "textflag.h"

// func sgemmKernelAVX512(k int, a, b []float32, bNext int, c []float32, ldc int)
//
// Z0..Z11 hold a 6×32 tile of sums, two registers per row: columns 0-15 come from the
// B panel at b and columns 16-31 from the panel bNext elements further on. Each step
// of k loads one 16-wide row of each panel into Z12 and Z13, broadcasts the 6 values
// of the A panel in turn into Z14 or Z15 and does two fused multiply-adds per value.
// The sums are added to C at the end; the tile of C is prefetched at the start.
//
// func sgemmKernelAVX512Set(k int, a, b []float32, bNext int, c []float32, ldc int)
//
// The same, except that it stores 0 + the sums into C, the bits that adding them to a
// zeroed tile gives, without reading C.

// SGEMM512_LOOP loads the arguments, prefetches the tile of C, which the loop leaves
// time to arrive, and runs the loop over k.
#define SGEMM512_LOOP \
	MOVQ k+0(FP), CX \
	MOVQ a_base+8(FP), SI \
	MOVQ b_base+32(FP), DI \
	MOVQ bNext+56(FP), R9 \
	SHLQ $2, R9 \
	MOVQ c_base+64(FP), DX \
	MOVQ ldc+88(FP), R8 \
	SHLQ $2, R8 \
	MOVQ DX, R10 \
	PREFETCHT0 (R10) \
	PREFETCHT0 64(R10) \
	ADDQ R8, R10 \
	PREFETCHT0 (R10) \
	PREFETCHT0 64(R10) \
	ADDQ R8, R10 \
	PREFETCHT0 (R10) \
	PREFETCHT0 64(R10) \
	ADDQ R8, R10 \
	PREFETCHT0 (R10) \
	PREFETCHT0 64(R10) \
	ADDQ R8, R10 \
	PREFETCHT0 (R10) \
	PREFETCHT0 64(R10) \
	ADDQ R8, R10 \
	PREFETCHT0 (R10) \
	PREFETCHT0 64(R10) \
	VPXORD Z0, Z0, Z0 \
	VPXORD Z1, Z1, Z1 \
	VPXORD Z2, Z2, Z2 \
	VPXORD Z3, Z3, Z3 \
	VPXORD Z4, Z4, Z4 \
	VPXORD Z5, Z5, Z5 \
	VPXORD Z6, Z6, Z6 \
	VPXORD Z7, Z7, Z7 \
	VPXORD Z8, Z8, Z8 \
	VPXORD Z9, Z9, Z9 \
	VPXORD Z10, Z10, Z10 \
	VPXORD Z11, Z11, Z11 \
	TESTQ CX, CX \
	JLE store \
loop: \
	VMOVUPS (DI), Z12 \
	VMOVUPS (DI)(R9*1), Z13 \
	VBROADCASTSS 0(SI), Z14 \
	VFMADD231PS Z12, Z14, Z0 \
	VFMADD231PS Z13, Z14, Z1 \
	VBROADCASTSS 4(SI), Z15 \
	VFMADD231PS Z12, Z15, Z2 \
	VFMADD231PS Z13, Z15, Z3 \
	VBROADCASTSS 8(SI), Z14 \
	VFMADD231PS Z12, Z14, Z4 \
	VFMADD231PS Z13, Z14, Z5 \
	VBROADCASTSS 12(SI), Z15 \
	VFMADD231PS Z12, Z15, Z6 \
	VFMADD231PS Z13, Z15, Z7 \
	VBROADCASTSS 16(SI), Z14 \
	VFMADD231PS Z12, Z14, Z8 \
	VFMADD231PS Z13, Z14, Z9 \
	VBROADCASTSS 20(SI), Z15 \
	VFMADD231PS Z12, Z15, Z10 \
	VFMADD231PS Z13, Z15, Z11 \
	ADDQ $24, SI \
	ADDQ $64, DI \
	DECQ CX \
	JNZ loop

// SGEMM512_STORE writes the tile with STORE(Z, off) for each register and byte offset.
#define SGEMM512_STORE(STORE) \
	STORE(Z0, 0) \
	STORE(Z1, 64) \
	ADDQ R8, DX \
	STORE(Z2, 0) \
	STORE(Z3, 64) \
	ADDQ R8, DX \
	STORE(Z4, 0) \
	STORE(Z5, 64) \
	ADDQ R8, DX \
	STORE(Z6, 0) \
	STORE(Z7, 64) \
	ADDQ R8, DX \
	STORE(Z8, 0) \
	STORE(Z9, 64) \
	ADDQ R8, DX \
	STORE(Z10, 0) \
	STORE(Z11, 64) \
	VZEROUPPER \
	RET

// ADD_C adds Z to the 16 values of C at off(DX); SET_C stores Z + 0 (Z12 is zero).
#define ADD_C(Z, off) VADDPS off(DX), Z, Z; VMOVUPS Z, off(DX)
#define SET_C(Z, off) VADDPS Z12, Z, Z; VMOVUPS Z, off(DX)

// func sgemmKernelAVX512Rows(k int, a []float32, lda int, b []float32, bNext int, c []float32, ldc int)
// func sgemmKernelAVX512RowsSet(k int, a []float32, lda int, b []float32, bNext int, c []float32, ldc int)
//
// sgemmKernelAVX512 and sgemmKernelAVX512Set reading A in place instead of from a
// packed panel: row i of the 6×k block of A starts at a + i*lda elements. SI points
// to rows 0..2 and R12 to rows 3..5, R11 bytes apart, and both move by one element
// per step of k. The arithmetic is the same, so are the bits.

// SGEMM512_ROWS_LOOP is SGEMM512_LOOP with A read in place.
#define SGEMM512_ROWS_LOOP \
	MOVQ k+0(FP), CX \
	MOVQ a_base+8(FP), SI \
	MOVQ lda+32(FP), R11 \
	SHLQ $2, R11 \
	LEAQ (SI)(R11*2), R12 \
	ADDQ R11, R12 \
	MOVQ b_base+40(FP), DI \
	MOVQ bNext+64(FP), R9 \
	SHLQ $2, R9 \
	MOVQ c_base+72(FP), DX \
	MOVQ ldc+96(FP), R8 \
	SHLQ $2, R8 \
	MOVQ DX, R10 \
	PREFETCHT0 (R10) \
	PREFETCHT0 64(R10) \
	ADDQ R8, R10 \
	PREFETCHT0 (R10) \
	PREFETCHT0 64(R10) \
	ADDQ R8, R10 \
	PREFETCHT0 (R10) \
	PREFETCHT0 64(R10) \
	ADDQ R8, R10 \
	PREFETCHT0 (R10) \
	PREFETCHT0 64(R10) \
	ADDQ R8, R10 \
	PREFETCHT0 (R10) \
	PREFETCHT0 64(R10) \
	ADDQ R8, R10 \
	PREFETCHT0 (R10) \
	PREFETCHT0 64(R10) \
	VPXORD Z0, Z0, Z0 \
	VPXORD Z1, Z1, Z1 \
	VPXORD Z2, Z2, Z2 \
	VPXORD Z3, Z3, Z3 \
	VPXORD Z4, Z4, Z4 \
	VPXORD Z5, Z5, Z5 \
	VPXORD Z6, Z6, Z6 \
	VPXORD Z7, Z7, Z7 \
	VPXORD Z8, Z8, Z8 \
	VPXORD Z9, Z9, Z9 \
	VPXORD Z10, Z10, Z10 \
	VPXORD Z11, Z11, Z11 \
	TESTQ CX, CX \
	JLE store \
loop: \
	VMOVUPS (DI), Z12 \
	VMOVUPS (DI)(R9*1), Z13 \
	VBROADCASTSS (SI), Z14 \
	VFMADD231PS Z12, Z14, Z0 \
	VFMADD231PS Z13, Z14, Z1 \
	VBROADCASTSS (SI)(R11*1), Z15 \
	VFMADD231PS Z12, Z15, Z2 \
	VFMADD231PS Z13, Z15, Z3 \
	VBROADCASTSS (SI)(R11*2), Z14 \
	VFMADD231PS Z12, Z14, Z4 \
	VFMADD231PS Z13, Z14, Z5 \
	VBROADCASTSS (R12), Z15 \
	VFMADD231PS Z12, Z15, Z6 \
	VFMADD231PS Z13, Z15, Z7 \
	VBROADCASTSS (R12)(R11*1), Z14 \
	VFMADD231PS Z12, Z14, Z8 \
	VFMADD231PS Z13, Z14, Z9 \
	VBROADCASTSS (R12)(R11*2), Z15 \
	VFMADD231PS Z12, Z15, Z10 \
	VFMADD231PS Z13, Z15, Z11 \
	ADDQ $4, SI \
	ADDQ $4, R12 \
	ADDQ $64, DI \
	DECQ CX \
	JNZ loop

TEXT ·sgemmKernelAVX512(SB), NOSPLIT, $0-96
	SGEMM512_LOOP

store:
	SGEMM512_STORE(ADD_C)

TEXT ·sgemmKernelAVX512Set(SB), NOSPLIT, $0-96
	SGEMM512_LOOP

store:
	VPXORD Z12, Z12, Z12
	SGEMM512_STORE(SET_C)

TEXT ·sgemmKernelAVX512Rows(SB), NOSPLIT, $0-104
	SGEMM512_ROWS_LOOP

store:
	SGEMM512_STORE(ADD_C)

TEXT ·sgemmKernelAVX512RowsSet(SB), NOSPLIT, $0-104
	SGEMM512_ROWS_LOOP

store:
	VPXORD Z12, Z12, Z12
	SGEMM512_STORE(SET_C)
