//go:build amd64 && !purego

#include "textflag.h"

// func adamAVX2(mOut, vOut, wOut, m, v, w, g []float32, c AdamCoef32)
//
// AdamStep32 over len(mOut) elements, a multiple of 8, 8 per round. A round loads
// the four operands of its elements before it stores any result, and runs the
// operations of AdamStep32's formula one instruction each, in its order, without a
// fused multiply-add. BX is the byte offset of the round in every slice and
// Y8-Y14 hold the coefficients.
TEXT ·adamAVX2(SB), NOSPLIT, $0-196
	MOVQ         mOut_base+0(FP), DI
	MOVQ         mOut_len+8(FP), CX
	MOVQ         vOut_base+24(FP), R8
	MOVQ         wOut_base+48(FP), R9
	MOVQ         m_base+72(FP), SI
	MOVQ         v_base+96(FP), R10
	MOVQ         w_base+120(FP), R11
	MOVQ         g_base+144(FP), R12
	VBROADCASTSS c_Beta1+168(FP), Y8
	VBROADCASTSS c_Grad1+172(FP), Y9
	VBROADCASTSS c_Beta2+176(FP), Y10
	VBROADCASTSS c_Grad2+180(FP), Y11
	VBROADCASTSS c_Bias2Sqrt+184(FP), Y12
	VBROADCASTSS c_Eps+188(FP), Y13
	VBROADCASTSS c_Step+192(FP), Y14
	SHLQ         $2, CX
	XORQ         BX, BX

loop:
	VMOVUPS (SI)(BX*1), Y0   // m
	VMOVUPS (R10)(BX*1), Y1  // v
	VMOVUPS (R11)(BX*1), Y2  // w
	VMOVUPS (R12)(BX*1), Y3  // g
	VMULPS  Y8, Y0, Y0       // m*Beta1
	VMULPS  Y9, Y3, Y4       // g*Grad1
	VADDPS  Y4, Y0, Y0       // new m
	VMULPS  Y10, Y1, Y1      // v*Beta2
	VMULPS  Y11, Y3, Y5      // g*Grad2
	VMULPS  Y3, Y5, Y5       // (g*Grad2)*g
	VADDPS  Y5, Y1, Y1       // new v
	VSQRTPS Y1, Y6           // sqrt(new v)
	VDIVPS  Y12, Y6, Y6      // sqrt(new v)/Bias2Sqrt
	VADDPS  Y13, Y6, Y6      // the denominator, + Eps
	VMULPS  Y14, Y0, Y7      // Step*new m
	VDIVPS  Y6, Y7, Y7       // the step
	VSUBPS  Y7, Y2, Y2       // new w
	VMOVUPS Y0, (DI)(BX*1)
	VMOVUPS Y1, (R8)(BX*1)
	VMOVUPS Y2, (R9)(BX*1)
	ADDQ    $32, BX
	CMPQ    BX, CX
	JB      loop
	VZEROUPPER
	RET
