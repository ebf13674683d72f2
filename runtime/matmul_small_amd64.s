//go:build amd64 && !purego

#include "textflag.h"

// smallMask holds eight all-ones lanes followed by eight zero lanes. The 8 lanes that
// start at byte offset 4*(8-r) enable the first r lanes of a masked load or store.
DATA smallMask<>+0(SB)/4, $0xffffffff
DATA smallMask<>+4(SB)/4, $0xffffffff
DATA smallMask<>+8(SB)/4, $0xffffffff
DATA smallMask<>+12(SB)/4, $0xffffffff
DATA smallMask<>+16(SB)/4, $0xffffffff
DATA smallMask<>+20(SB)/4, $0xffffffff
DATA smallMask<>+24(SB)/4, $0xffffffff
DATA smallMask<>+28(SB)/4, $0xffffffff
DATA smallMask<>+32(SB)/4, $0
DATA smallMask<>+36(SB)/4, $0
DATA smallMask<>+40(SB)/4, $0
DATA smallMask<>+44(SB)/4, $0
DATA smallMask<>+48(SB)/4, $0
DATA smallMask<>+52(SB)/4, $0
DATA smallMask<>+56(SB)/4, $0
DATA smallMask<>+60(SB)/4, $0
GLOBL smallMask<>(SB), RODATA|NOPTR, $64

// LOADMASK sets Y to the mask of the first r lanes, r in 0..8. It overwrites r and T.
#define LOADMASK(r, T, Y) \
	MOVQ $8, T \
	SUBQ r, T \
	LEAQ smallMask<>(SB), r \
	VMOVUPS (r)(T*4), Y

// DOTSTEP adds one 8-wide step of the row of A in Y8 times the rows of B at the bases
// AX, BX, DX, DI, R8..R11 plus the byte offset R13 into the accumulators Y0..Y7.
#define DOTSTEP \
	VFMADD231PS (AX)(R13*1), Y8, Y0 \
	VFMADD231PS (BX)(R13*1), Y8, Y1 \
	VFMADD231PS (DX)(R13*1), Y8, Y2 \
	VFMADD231PS (DI)(R13*1), Y8, Y3 \
	VFMADD231PS (R8)(R13*1), Y8, Y4 \
	VFMADD231PS (R9)(R13*1), Y8, Y5 \
	VFMADD231PS (R10)(R13*1), Y8, Y6 \
	VFMADD231PS (R11)(R13*1), Y8, Y7

// MASKFMA adds the masked (Y9) load of B at base plus R13 times Y8 to the accumulator.
#define MASKFMA(base, acc) \
	VMASKMOVPS (base)(R13*1), Y9, Y10 \
	VFMADD231PS Y10, Y8, acc

// func sdotNT8AVX2(k int, a, b, c *float32, ldb, ldc, nc int)
//
// For j in 0..nc-1 (nc in 1..8) it adds the dot product of a[0:k] and b[j*ldb:j*ldb+k]
// to c[j*ldc]. k must be positive. Columns j >= nc read row 0 of b and are not stored.
// Lane l of accumulator j sums the products of the positions p = l mod 8 in increasing
// p; the last k mod 8 positions are one masked step. The lanes are then added as
// ((l0+l1)+(l2+l3)) + ((l4+l5)+(l6+l7)) and the sum is added to c[j*ldc]. The frame
// holds the eight sums when they are added one at a time (nc < 8 or ldc != 1).
TEXT ·sdotNT8AVX2(SB), NOSPLIT, $32-56
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), AX
	MOVQ ldb+32(FP), R13
	SHLQ $2, R13
	MOVQ nc+48(FP), R12

	// Row bases of b; rows past nc are redirected to row 0.
	LEAQ (AX)(R13*1), BX
	CMPQ R12, $1
	CMOVQLE AX, BX
	LEAQ (BX)(R13*1), DX
	CMPQ R12, $2
	CMOVQLE AX, DX
	LEAQ (DX)(R13*1), DI
	CMPQ R12, $3
	CMOVQLE AX, DI
	LEAQ (DI)(R13*1), R8
	CMPQ R12, $4
	CMOVQLE AX, R8
	LEAQ (R8)(R13*1), R9
	CMPQ R12, $5
	CMOVQLE AX, R9
	LEAQ (R9)(R13*1), R10
	CMPQ R12, $6
	CMOVQLE AX, R10
	LEAQ (R10)(R13*1), R11
	CMPQ R12, $7
	CMOVQLE AX, R11

	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	XORQ R13, R13
	MOVQ CX, R12
	SHRQ $3, R12
	JZ   dottail

dotloop:
	VMOVUPS (SI)(R13*1), Y8
	DOTSTEP
	ADDQ $32, R13
	DECQ R12
	JNZ  dotloop

dottail:
	ANDQ $7, CX
	JZ   dotsum
	LOADMASK(CX, R12, Y9)
	VMASKMOVPS (SI)(R13*1), Y9, Y8
	MASKFMA(AX, Y0)
	MASKFMA(BX, Y1)
	MASKFMA(DX, Y2)
	MASKFMA(DI, Y3)
	MASKFMA(R8, Y4)
	MASKFMA(R9, Y5)
	MASKFMA(R10, Y6)
	MASKFMA(R11, Y7)

dotsum:
	// Y0 = [s0..s3 of lanes 0-3 | s0..s3 of lanes 4-7], Y4 likewise for s4..s7.
	VHADDPS Y1, Y0, Y0
	VHADDPS Y3, Y2, Y2
	VHADDPS Y2, Y0, Y0
	VHADDPS Y5, Y4, Y4
	VHADDPS Y7, Y6, Y6
	VHADDPS Y6, Y4, Y4
	VPERM2F128 $0x20, Y4, Y0, Y1
	VPERM2F128 $0x31, Y4, Y0, Y2
	VADDPS Y2, Y1, Y0

	MOVQ c+24(FP), DX
	MOVQ ldc+40(FP), BX
	MOVQ nc+48(FP), CX
	CMPQ BX, $1
	JNE  dotscalar0
	CMPQ CX, $8
	JLT  dotscalar0
	VADDPS (DX), Y0, Y0
	VMOVUPS Y0, (DX)
	VZEROUPPER
	RET

dotscalar0:
	// Scalar adds, for a strided c or nc < 8: a masked store's 32-byte window could
	// overlap the next rows of C, and a load of them would wait for it.
	VMOVUPS Y0, (SP)
	SHLQ $2, BX
	XORQ AX, AX

dotscalar:
	VMOVSS (SP)(AX*4), X1
	VADDSS (DX), X1, X1
	VMOVSS X1, (DX)
	ADDQ BX, DX
	INCQ AX
	CMPQ AX, CX
	JLT  dotscalar
	VZEROUPPER
	RET

// AXPYROWS broadcasts the A values of the four rows (bases SI, R8, R9, R10 plus the
// byte offset R11) and adds them times the B row in Y8, Y9 to the accumulators Y0..Y7.
#define AXPYROWS \
	VBROADCASTSS (SI)(R11*1), Y10 \
	VFMADD231PS Y8, Y10, Y0 \
	VFMADD231PS Y9, Y10, Y1 \
	VBROADCASTSS (R8)(R11*1), Y11 \
	VFMADD231PS Y8, Y11, Y2 \
	VFMADD231PS Y9, Y11, Y3 \
	VBROADCASTSS (R9)(R11*1), Y10 \
	VFMADD231PS Y8, Y10, Y4 \
	VFMADD231PS Y9, Y10, Y5 \
	VBROADCASTSS (R10)(R11*1), Y11 \
	VFMADD231PS Y8, Y11, Y6 \
	VFMADD231PS Y9, Y11, Y7

// STOREFULL adds the accumulators lo, hi to the 16 floats at DX.
#define STOREFULL(lo, hi) \
	VADDPS (DX), lo, lo \
	VMOVUPS lo, (DX) \
	VADDPS 32(DX), hi, hi \
	VMOVUPS hi, 32(DX)

// LOADMASKED adds the floats at DX enabled by Y12, Y13 to the accumulators lo, hi.
#define LOADMASKED(lo, hi) \
	VMASKMOVPS (DX), Y12, Y8 \
	VADDPS Y8, lo, lo \
	VMASKMOVPS 32(DX), Y13, Y9 \
	VADDPS Y9, hi, hi

// STOREMASKED stores the accumulators lo, hi to the floats at DX enabled by Y12, Y13.
#define STOREMASKED(lo, hi) \
	VMASKMOVPS lo, Y12, (DX) \
	VMASKMOVPS hi, Y13, 32(DX)

// func saxpy4x16AVX2(k int, a *float32, rsA, csA int, b *float32, ldb int, c *float32,
//	ldc, nr, nc int)
//
// It adds the nr×nc block (nr in 1..4, nc in 1..16) of the product of A[i,p] =
// a[i*rsA+p*csA] and B[p,j] = b[p*ldb+j] to c[i*ldc+j]. k must be positive. Each
// element is one fused multiply-add chain over p in increasing order starting from
// zero, added to c at the end. Rows i >= nr read row 0 of A and are not stored; columns
// j >= nc are neither loaded nor stored.
TEXT ·saxpy4x16AVX2(SB), NOSPLIT, $0-80
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ rsA+16(FP), AX
	SHLQ $2, AX
	MOVQ csA+24(FP), R12
	SHLQ $2, R12
	MOVQ b+32(FP), DI
	MOVQ ldb+40(FP), R13
	SHLQ $2, R13
	MOVQ nr+64(FP), BX

	// Row bases of A; rows past nr are redirected to row 0.
	LEAQ (SI)(AX*1), R8
	CMPQ BX, $1
	CMOVQLE SI, R8
	LEAQ (R8)(AX*1), R9
	CMPQ BX, $2
	CMOVQLE SI, R9
	LEAQ (R9)(AX*1), R10
	CMPQ BX, $3
	CMOVQLE SI, R10

	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	XORQ R11, R11
	MOVQ nc+72(FP), DX
	CMPQ DX, $16
	JLT  axpymasks

axpyfull:
	VMOVUPS (DI), Y8
	VMOVUPS 32(DI), Y9
	AXPYROWS
	ADDQ R12, R11
	ADDQ R13, DI
	DECQ CX
	JNZ  axpyfull
	JMP  axpystore

axpymasks:
	// Y12 enables min(nc, 8) lanes, Y13 enables max(nc-8, 0) lanes.
	MOVQ DX, AX
	CMPQ AX, $8
	JLE  axpylo
	MOVQ $8, AX

axpylo:
	LOADMASK(AX, BX, Y12)
	MOVQ DX, AX
	SUBQ $8, AX
	JGE  axpyhi
	XORQ AX, AX

axpyhi:
	LOADMASK(AX, BX, Y13)

axpymasked:
	VMASKMOVPS (DI), Y12, Y8
	VMASKMOVPS 32(DI), Y13, Y9
	AXPYROWS
	ADDQ R12, R11
	ADDQ R13, DI
	DECQ CX
	JNZ  axpymasked

axpystore:
	MOVQ c+48(FP), DX
	MOVQ ldc+56(FP), AX
	SHLQ $2, AX
	MOVQ nr+64(FP), BX
	MOVQ nc+72(FP), CX
	CMPQ CX, $16
	JLT  storemasked

	STOREFULL(Y0, Y1)
	CMPQ BX, $2
	JLT  axpydone
	ADDQ AX, DX
	STOREFULL(Y2, Y3)
	CMPQ BX, $3
	JLT  axpydone
	ADDQ AX, DX
	STOREFULL(Y4, Y5)
	CMPQ BX, $4
	JLT  axpydone
	ADDQ AX, DX
	STOREFULL(Y6, Y7)
	JMP  axpydone

storemasked:
	// All loads of C come before the first masked store: the 32-byte windows of the rows
	// overlap when ldc < 16, and a load that overlaps a pending masked store waits for it.
	LOADMASKED(Y0, Y1)
	CMPQ BX, $2
	JLT  storemasked1
	ADDQ AX, DX
	LOADMASKED(Y2, Y3)
	CMPQ BX, $3
	JLT  storemasked1
	ADDQ AX, DX
	LOADMASKED(Y4, Y5)
	CMPQ BX, $4
	JLT  storemasked1
	ADDQ AX, DX
	LOADMASKED(Y6, Y7)

storemasked1:
	MOVQ c+48(FP), DX
	STOREMASKED(Y0, Y1)
	CMPQ BX, $2
	JLT  axpydone
	ADDQ AX, DX
	STOREMASKED(Y2, Y3)
	CMPQ BX, $3
	JLT  axpydone
	ADDQ AX, DX
	STOREMASKED(Y4, Y5)
	CMPQ BX, $4
	JLT  axpydone
	ADDQ AX, DX
	STOREMASKED(Y6, Y7)

axpydone:
	VZEROUPPER
	RET

// ROWFMA adds the broadcast A value in Y8 times the 8 floats at off(DI) to acc.
#define ROWFMA(off, acc) \
	VFMADD231PS off(DI), Y8, acc

// ROWSTORE adds acc to the 8 floats at off(DX).
#define ROWSTORE(off, acc) \
	VADDPS off(DX), acc, acc \
	VMOVUPS acc, off(DX)

// func saxpy1x64AVX2(k int, a *float32, csA int, b *float32, ldb int, c *float32)
//
// It adds the product of the row A[p] = a[p*csA] and the k×64 block B[p,j] =
// b[p*ldb+j] to c[0:64]. k must be positive. Each element is one fused multiply-add
// chain over p in increasing order starting from zero, added to c at the end, as in
// saxpy4x16AVX2. Eight independent chains keep both FMA units busy for a single row.
TEXT ·saxpy1x64AVX2(SB), NOSPLIT, $0-48
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ csA+16(FP), R12
	SHLQ $2, R12
	MOVQ b+24(FP), DI
	MOVQ ldb+32(FP), R13
	SHLQ $2, R13
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7

rowloop:
	VBROADCASTSS (SI), Y8
	ROWFMA(0, Y0)
	ROWFMA(32, Y1)
	ROWFMA(64, Y2)
	ROWFMA(96, Y3)
	ROWFMA(128, Y4)
	ROWFMA(160, Y5)
	ROWFMA(192, Y6)
	ROWFMA(224, Y7)
	ADDQ R12, SI
	ADDQ R13, DI
	DECQ CX
	JNZ  rowloop

	MOVQ c+40(FP), DX
	ROWSTORE(0, Y0)
	ROWSTORE(32, Y1)
	ROWSTORE(64, Y2)
	ROWSTORE(96, Y3)
	ROWSTORE(128, Y4)
	ROWSTORE(160, Y5)
	ROWSTORE(192, Y6)
	ROWSTORE(224, Y7)
	VZEROUPPER
	RET
