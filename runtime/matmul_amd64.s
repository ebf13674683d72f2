//go:build amd64 && !purego

#include "textflag.h"

// func sgemmKernelAVX2(k int, a, b, c []float32, ldc int)
//
// Y0..Y11 hold the 6×16 tile of sums, two registers per row. Each step of k loads one
// 16-wide row of the B panel into Y12 and Y13, broadcasts the 6 values of the A panel
// in turn into Y14 or Y15 and does two fused multiply-adds per value. The sums are
// added to C at the end; the tile of C is prefetched at the start.
//
// func sgemmKernelAVX2Set(k int, a, b, c []float32, ldc int)
//
// The same, except that it stores 0 + the sums into C, the bits that adding them to a
// zeroed tile gives, without reading C.

// SGEMM256_LOOP loads the arguments, prefetches the tile of C, which the loop leaves
// time to arrive, and runs the loop over k.
#define SGEMM256_LOOP \
	MOVQ k+0(FP), CX \
	MOVQ a_base+8(FP), SI \
	MOVQ b_base+32(FP), DI \
	MOVQ c_base+56(FP), DX \
	MOVQ ldc+80(FP), R8 \
	SHLQ $2, R8 \
	MOVQ DX, R10 \
	PREFETCHT0 (R10) \
	PREFETCHT0 32(R10) \
	ADDQ R8, R10 \
	PREFETCHT0 (R10) \
	PREFETCHT0 32(R10) \
	ADDQ R8, R10 \
	PREFETCHT0 (R10) \
	PREFETCHT0 32(R10) \
	ADDQ R8, R10 \
	PREFETCHT0 (R10) \
	PREFETCHT0 32(R10) \
	ADDQ R8, R10 \
	PREFETCHT0 (R10) \
	PREFETCHT0 32(R10) \
	ADDQ R8, R10 \
	PREFETCHT0 (R10) \
	PREFETCHT0 32(R10) \
	VXORPS Y0, Y0, Y0 \
	VXORPS Y1, Y1, Y1 \
	VXORPS Y2, Y2, Y2 \
	VXORPS Y3, Y3, Y3 \
	VXORPS Y4, Y4, Y4 \
	VXORPS Y5, Y5, Y5 \
	VXORPS Y6, Y6, Y6 \
	VXORPS Y7, Y7, Y7 \
	VXORPS Y8, Y8, Y8 \
	VXORPS Y9, Y9, Y9 \
	VXORPS Y10, Y10, Y10 \
	VXORPS Y11, Y11, Y11 \
	TESTQ CX, CX \
	JLE store \
loop: \
	VMOVUPS (DI), Y12 \
	VMOVUPS 32(DI), Y13 \
	VBROADCASTSS 0(SI), Y14 \
	VFMADD231PS Y12, Y14, Y0 \
	VFMADD231PS Y13, Y14, Y1 \
	VBROADCASTSS 4(SI), Y15 \
	VFMADD231PS Y12, Y15, Y2 \
	VFMADD231PS Y13, Y15, Y3 \
	VBROADCASTSS 8(SI), Y14 \
	VFMADD231PS Y12, Y14, Y4 \
	VFMADD231PS Y13, Y14, Y5 \
	VBROADCASTSS 12(SI), Y15 \
	VFMADD231PS Y12, Y15, Y6 \
	VFMADD231PS Y13, Y15, Y7 \
	VBROADCASTSS 16(SI), Y14 \
	VFMADD231PS Y12, Y14, Y8 \
	VFMADD231PS Y13, Y14, Y9 \
	VBROADCASTSS 20(SI), Y15 \
	VFMADD231PS Y12, Y15, Y10 \
	VFMADD231PS Y13, Y15, Y11 \
	ADDQ $24, SI \
	ADDQ $64, DI \
	DECQ CX \
	JNZ loop

// SGEMM256_STORE writes the tile with STORE(Y, off) for each register and byte offset.
#define SGEMM256_STORE(STORE) \
	STORE(Y0, 0) \
	STORE(Y1, 32) \
	ADDQ R8, DX \
	STORE(Y2, 0) \
	STORE(Y3, 32) \
	ADDQ R8, DX \
	STORE(Y4, 0) \
	STORE(Y5, 32) \
	ADDQ R8, DX \
	STORE(Y6, 0) \
	STORE(Y7, 32) \
	ADDQ R8, DX \
	STORE(Y8, 0) \
	STORE(Y9, 32) \
	ADDQ R8, DX \
	STORE(Y10, 0) \
	STORE(Y11, 32) \
	VZEROUPPER \
	RET

// ADD_C adds Y to the 8 values of C at off(DX); SET_C stores Y + 0 (Y12 is zero).
#define ADD_C(Y, off) VADDPS off(DX), Y, Y; VMOVUPS Y, off(DX)
#define SET_C(Y, off) VADDPS Y12, Y, Y; VMOVUPS Y, off(DX)

TEXT ·sgemmKernelAVX2(SB), NOSPLIT, $0-88
	SGEMM256_LOOP

store:
	SGEMM256_STORE(ADD_C)

TEXT ·sgemmKernelAVX2Set(SB), NOSPLIT, $0-88
	SGEMM256_LOOP

store:
	VXORPS Y12, Y12, Y12
	SGEMM256_STORE(SET_C)
