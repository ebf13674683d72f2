//go:build amd64 && !purego

#include "textflag.h"

// AVX2 kernels of the float32 slice kernels in vec.go. Each computes len(dst)
// elements, a multiple of 8, 32 per round while 32 or more are left and then 8 per
// round, with unaligned loads and stores. Every lane runs the one instruction that Go
// emits for the scalar expression (VADDPS for ADDSS and so on, never a fused
// multiply-add) with the operands in the same order, so that it gives the same bits
// under the same MXCSR: round to nearest even, no flush of subnormals to zero.
// A round loads all its operands before it stores, so dst may be an operand itself.
//
// Registers: DI points to dst, SI to the first array operand, DX to the second (if
// any), CX counts the elements left and Y15 holds the broadcast scalar or constant.
//
// Go operand order: VSUBPS Y1, Y2, Y3 sets Y3 = Y2 - Y1; VCMPPS $p, Y1, Y2, Y3 sets
// Y3 = (Y2 p Y1).

// VEC_LOOP runs ELEM(off, Y, T) for 4 or 1 vectors of 8 elements per round. ELEM
// leaves the result for the elements at byte offset off in Y, using T as scratch.
#define VEC_LOOP(ELEM) \
	CMPQ    CX, $32 \
	JB      tail \
loop32: \
	ELEM(0, Y0, Y4) \
	ELEM(32, Y1, Y5) \
	ELEM(64, Y2, Y6) \
	ELEM(96, Y3, Y7) \
	VMOVUPS Y0, (DI) \
	VMOVUPS Y1, 32(DI) \
	VMOVUPS Y2, 64(DI) \
	VMOVUPS Y3, 96(DI) \
	ADDQ    $128, SI \
	ADDQ    $128, DX \
	ADDQ    $128, DI \
	SUBQ    $32, CX \
	CMPQ    CX, $32 \
	JAE     loop32 \
tail: \
	TESTQ   CX, CX \
	JZ      done \
loop8: \
	ELEM(0, Y0, Y4) \
	VMOVUPS Y0, (DI) \
	ADDQ    $32, SI \
	ADDQ    $32, DX \
	ADDQ    $32, DI \
	SUBQ    $8, CX \
	JNZ     loop8 \
done: \
	VZEROUPPER \
	RET

// Elements of the kernels with two arrays: Y = a[i] op b[i].
#define ADD_VV(off, Y, T) VMOVUPS off(SI), Y; VADDPS off(DX), Y, Y
#define SUB_VV(off, Y, T) VMOVUPS off(SI), Y; VSUBPS off(DX), Y, Y
#define MUL_VV(off, Y, T) VMOVUPS off(SI), Y; VMULPS off(DX), Y, Y
#define DIV_VV(off, Y, T) VMOVUPS off(SI), Y; VDIVPS off(DX), Y, Y

// Elements of the kernels with an array and a scalar in Y15: Y = a[i] op b.
#define ADD_VS(off, Y, T) VMOVUPS off(SI), Y; VADDPS Y15, Y, Y
#define SUB_VS(off, Y, T) VMOVUPS off(SI), Y; VSUBPS Y15, Y, Y
#define MUL_VS(off, Y, T) VMOVUPS off(SI), Y; VMULPS Y15, Y, Y
#define DIV_VS(off, Y, T) VMOVUPS off(SI), Y; VDIVPS Y15, Y, Y

// Elements of the kernels with a scalar in Y15 and an array at SI: Y = a op b[i].
#define SUB_SV(off, Y, T) VSUBPS off(SI), Y15, Y
#define DIV_SV(off, Y, T) VDIVPS off(SI), Y15, Y

// Elements of the unary kernels. NEG flips the sign bit with the mask in Y15. RELU
// keeps a[i] where !(a[i] <= 0), which holds for a[i] > 0 and for NaN (predicate
// 0x16, NLE_UQ, against the zeros in Y15), and clears it elsewhere.
#define NEG(off, Y, T) VXORPS off(SI), Y15, Y
#define SQRT(off, Y, T) VSQRTPS off(SI), Y
#define RELU(off, Y, T) VMOVUPS off(SI), Y; VCMPPS $0x16, Y15, Y, T; VANDPS Y, T, Y

// Elements of the kernels with an array at SI, the scalar s in Y15 and an array at
// DX: Y = a[i]*s + b[i] and Y = b[i] - a[i]*s, the product rounded first.
#define MULADD_VS(off, Y, T) VMOVUPS off(SI), Y; VMULPS Y15, Y, Y; VADDPS off(DX), Y, Y
#define SUBMUL_VS(off, Y, T) VMOVUPS off(SI), T; VMULPS Y15, T, T; VMOVUPS off(DX), Y; VSUBPS T, Y, Y

// func addVVAVX2(dst, a, b []float32)
TEXT ·addVVAVX2(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ a_base+24(FP), SI
	MOVQ b_base+48(FP), DX
	VEC_LOOP(ADD_VV)

// func subVVAVX2(dst, a, b []float32)
TEXT ·subVVAVX2(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ a_base+24(FP), SI
	MOVQ b_base+48(FP), DX
	VEC_LOOP(SUB_VV)

// func mulVVAVX2(dst, a, b []float32)
TEXT ·mulVVAVX2(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ a_base+24(FP), SI
	MOVQ b_base+48(FP), DX
	VEC_LOOP(MUL_VV)

// func divVVAVX2(dst, a, b []float32)
TEXT ·divVVAVX2(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ a_base+24(FP), SI
	MOVQ b_base+48(FP), DX
	VEC_LOOP(DIV_VV)

// func addVSAVX2(dst, a []float32, b float32)
TEXT ·addVSAVX2(SB), NOSPLIT, $0-52
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	MOVQ         a_base+24(FP), SI
	VBROADCASTSS b+48(FP), Y15
	VEC_LOOP(ADD_VS)

// func subVSAVX2(dst, a []float32, b float32)
TEXT ·subVSAVX2(SB), NOSPLIT, $0-52
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	MOVQ         a_base+24(FP), SI
	VBROADCASTSS b+48(FP), Y15
	VEC_LOOP(SUB_VS)

// func mulVSAVX2(dst, a []float32, b float32)
TEXT ·mulVSAVX2(SB), NOSPLIT, $0-52
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	MOVQ         a_base+24(FP), SI
	VBROADCASTSS b+48(FP), Y15
	VEC_LOOP(MUL_VS)

// func divVSAVX2(dst, a []float32, b float32)
TEXT ·divVSAVX2(SB), NOSPLIT, $0-52
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	MOVQ         a_base+24(FP), SI
	VBROADCASTSS b+48(FP), Y15
	VEC_LOOP(DIV_VS)

// func subSVAVX2(dst []float32, a float32, b []float32)
TEXT ·subSVAVX2(SB), NOSPLIT, $0-56
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	VBROADCASTSS a+24(FP), Y15
	MOVQ         b_base+32(FP), SI
	VEC_LOOP(SUB_SV)

// func divSVAVX2(dst []float32, a float32, b []float32)
TEXT ·divSVAVX2(SB), NOSPLIT, $0-56
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	VBROADCASTSS a+24(FP), Y15
	MOVQ         b_base+32(FP), SI
	VEC_LOOP(DIV_SV)

// func negAVX2(dst, a []float32)
TEXT ·negAVX2(SB), NOSPLIT, $0-48
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	MOVQ         a_base+24(FP), SI
	MOVL         $0x80000000, AX
	MOVQ         AX, X15
	VPBROADCASTD X15, Y15
	VEC_LOOP(NEG)

// func sqrtAVX2(dst, a []float32)
TEXT ·sqrtAVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ a_base+24(FP), SI
	VEC_LOOP(SQRT)

// func reluAVX2(dst, a []float32)
TEXT ·reluAVX2(SB), NOSPLIT, $0-48
	MOVQ   dst_base+0(FP), DI
	MOVQ   dst_len+8(FP), CX
	MOVQ   a_base+24(FP), SI
	VXORPS Y15, Y15, Y15
	VEC_LOOP(RELU)

// func mulAddVSAVX2(dst, a []float32, s float32, b []float32)
TEXT ·mulAddVSAVX2(SB), NOSPLIT, $0-80
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	MOVQ         a_base+24(FP), SI
	VBROADCASTSS s+48(FP), Y15
	MOVQ         b_base+56(FP), DX
	VEC_LOOP(MULADD_VS)

// func subMulVSAVX2(dst, a []float32, s float32, b []float32)
TEXT ·subMulVSAVX2(SB), NOSPLIT, $0-80
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	MOVQ         a_base+24(FP), SI
	VBROADCASTSS s+48(FP), Y15
	MOVQ         b_base+56(FP), DX
	VEC_LOOP(SUBMUL_VS)
