//go:build amd64 && !purego

#include "textflag.h"

// AVX2 kernels of the float32 elementwise functions in vmath_scalar.go. Each performs
// the operations of its scalar function in the same order, 8 lanes at a time, with no
// FMA, so that every lane rounds exactly as the scalar code does. Where the scalar
// code branches, the kernels compute both sides and select with VBLENDVPS. Special
// inputs (NaN, zeros, infinities) are selected last.
//
// Go operand order: VSUBPS Y1, Y2, Y3 sets Y3 = Y2 - Y1; VCMPPS $p, Y1, Y2, Y3 sets
// Y3 = (Y2 p Y1); VBLENDVPS Y1, Y2, Y3, Y4 sets Y4 = Y1 < 0 ? Y2 : Y3 per lane.

// The constant table, 4 bytes per entry, each loaded with VBROADCASTSS or
// VPBROADCASTD. The values are the bits of the constants in vmath_scalar.go.
DATA vmathc<>+0(SB)/4, $0x42b20000   // expMax 89
DATA vmathc<>+4(SB)/4, $0xc2d00000   // expMin -104
DATA vmathc<>+8(SB)/4, $0x3fb8aa3b   // expLog2e
DATA vmathc<>+12(SB)/4, $0x4b400000  // expRound 1.5·2²³
DATA vmathc<>+16(SB)/4, $0x3f318000  // expLn2Hi
DATA vmathc<>+20(SB)/4, $0xb95e8083  // expLn2Lo
DATA vmathc<>+24(SB)/4, $0x39509272  // expG5
DATA vmathc<>+28(SB)/4, $0x3ab6a18b  // expG4
DATA vmathc<>+32(SB)/4, $0x3c088870  // expG3
DATA vmathc<>+36(SB)/4, $0x3d2aaa75  // expG2
DATA vmathc<>+40(SB)/4, $0x3e2aaaab  // expG1
DATA vmathc<>+44(SB)/4, $0x3f000000  // expG0 0.5
DATA vmathc<>+48(SB)/4, $0x3f800000  // 1.0
DATA vmathc<>+52(SB)/4, $127         // exponent bias
DATA vmathc<>+56(SB)/4, $0x3fb504f3  // logSqrt2
DATA vmathc<>+60(SB)/4, $0x3d8ec753  // logH8
DATA vmathc<>+64(SB)/4, $0xbdeb1ade  // logH7
DATA vmathc<>+68(SB)/4, $0x3def5141  // logH6
DATA vmathc<>+72(SB)/4, $0xbdfe7a63  // logH5
DATA vmathc<>+76(SB)/4, $0x3e11e90d  // logH4
DATA vmathc<>+80(SB)/4, $0xbe2aada5  // logH3
DATA vmathc<>+84(SB)/4, $0x3e4ccead  // logH2
DATA vmathc<>+88(SB)/4, $0xbe7ffffe  // logH1
DATA vmathc<>+92(SB)/4, $0x3eaaaaaa  // logH0
DATA vmathc<>+96(SB)/4, $0x00800000  // 2⁻¹²⁶, the least normal float32
DATA vmathc<>+100(SB)/4, $0x4b000000 // 2²³
DATA vmathc<>+104(SB)/4, $23
DATA vmathc<>+108(SB)/4, $0x007fffff // mantissa mask
DATA vmathc<>+112(SB)/4, $0x7fc00000 // logNaN
DATA vmathc<>+116(SB)/4, $0xff800000 // -Inf
DATA vmathc<>+120(SB)/4, $0x7f800000 // +Inf
DATA vmathc<>+124(SB)/4, $0x7fffffff // magnitude mask
DATA vmathc<>+128(SB)/4, $0x80000000 // sign mask
DATA vmathc<>+132(SB)/4, $0x3f200000 // tanhSmall 0.625
DATA vmathc<>+136(SB)/4, $0x41200000 // tanhMax 10
DATA vmathc<>+140(SB)/4, $0xbbc7c6f2 // tanhK4
DATA vmathc<>+144(SB)/4, $0x3cac0247 // tanhK3
DATA vmathc<>+148(SB)/4, $0xbd5c92c5 // tanhK2
DATA vmathc<>+152(SB)/4, $0x3e08870e // tanhK1
DATA vmathc<>+156(SB)/4, $0xbeaaaaa9 // tanhK0
DATA vmathc<>+160(SB)/4, $0x40000000 // 2.0
GLOBL vmathc<>(SB), RODATA|NOPTR, $164

#define C(off) vmathc<>+off(SB)

// EXP_CLAMPED sets Y0 = expClamped(Y0) per lane for Y0 in [expMin, expMax]. It
// clobbers Y1-Y4 and Y15. The steps: t = x·log2e + 1.5·2²³ and n = t - 1.5·2²³ in
// Y1 and Y2, the integer k = bits(t) - bits(1.5·2²³) in Y1, r = x - n·ln2Hi - n·ln2Lo
// in Y0, g(r) by Horner's rule in Y2, p = r²·g + r + 1 in Y3, then p·2^(k>>1) and
// the product times 2^(k - k>>1), each power built from its exponent bits.
#define EXP_CLAMPED \
	VBROADCASTSS C(8), Y15; \
	VMULPS       Y15, Y0, Y1; \
	VBROADCASTSS C(12), Y15; \
	VADDPS       Y15, Y1, Y1; \
	VSUBPS       Y15, Y1, Y2; \
	VPSUBD       Y15, Y1, Y1; \
	VBROADCASTSS C(16), Y15; \
	VMULPS       Y15, Y2, Y3; \
	VSUBPS       Y3, Y0, Y0; \
	VBROADCASTSS C(20), Y15; \
	VMULPS       Y15, Y2, Y3; \
	VSUBPS       Y3, Y0, Y0; \
	VBROADCASTSS C(24), Y2; \
	VMULPS       Y0, Y2, Y2; \
	VBROADCASTSS C(28), Y15; \
	VADDPS       Y15, Y2, Y2; \
	VMULPS       Y0, Y2, Y2; \
	VBROADCASTSS C(32), Y15; \
	VADDPS       Y15, Y2, Y2; \
	VMULPS       Y0, Y2, Y2; \
	VBROADCASTSS C(36), Y15; \
	VADDPS       Y15, Y2, Y2; \
	VMULPS       Y0, Y2, Y2; \
	VBROADCASTSS C(40), Y15; \
	VADDPS       Y15, Y2, Y2; \
	VMULPS       Y0, Y2, Y2; \
	VBROADCASTSS C(44), Y15; \
	VADDPS       Y15, Y2, Y2; \
	VMULPS       Y0, Y0, Y3; \
	VMULPS       Y2, Y3, Y3; \
	VADDPS       Y0, Y3, Y3; \
	VBROADCASTSS C(48), Y15; \
	VADDPS       Y15, Y3, Y3; \
	VPSRAD       $1, Y1, Y2; \
	VPSUBD       Y2, Y1, Y1; \
	VPBROADCASTD C(52), Y15; \
	VPADDD       Y15, Y2, Y2; \
	VPADDD       Y15, Y1, Y1; \
	VPSLLD       $23, Y2, Y2; \
	VPSLLD       $23, Y1, Y1; \
	VMULPS       Y2, Y3, Y3; \
	VMULPS       Y1, Y3, Y0

// KEEP_NAN sets the lanes of Y0 where Y5 is NaN to Y5. It clobbers Y6.
#define KEEP_NAN \
	VCMPPS    $3, Y5, Y5, Y6; \
	VBLENDVPS Y6, Y5, Y0, Y0

// LOOP_HEAD loads the arguments, sets CX to the number of 8-lane blocks and jumps to
// done when there are none. LOOP_TAIL stores Y0, advances and loops.
#define LOOP_HEAD(done) \
	MOVQ dst_base+0(FP), DI; \
	MOVQ src_base+24(FP), SI; \
	MOVQ src_len+32(FP), CX; \
	SHRQ $3, CX; \
	JZ   done

#define LOOP_TAIL(loop) \
	VMOVUPS Y0, (DI); \
	ADDQ    $32, SI; \
	ADDQ    $32, DI; \
	DECQ    CX; \
	JNZ     loop

// func expAVX2(dst, src []float32)
TEXT ·expAVX2(SB), NOSPLIT, $0-48
	LOOP_HEAD(expdone)

exploop:
	VMOVUPS      (SI), Y5
	VBROADCASTSS C(0), Y15
	VMINPS       Y15, Y5, Y0
	VBROADCASTSS C(4), Y15
	VMAXPS       Y15, Y0, Y0
	EXP_CLAMPED
	KEEP_NAN
	LOOP_TAIL(exploop)

expdone:
	VZEROUPPER
	RET

// func logAVX2(dst, src []float32)
TEXT ·logAVX2(SB), NOSPLIT, $0-48
	LOOP_HEAD(logdone)

logloop:
	VMOVUPS (SI), Y5

	// Scale subnormals by 2²³; Y6 = 23 in those lanes, else 0.
	VBROADCASTSS C(96), Y15
	VCMPPS       $1, Y15, Y5, Y6
	VBROADCASTSS C(100), Y15
	VMULPS       Y15, Y5, Y0
	VBLENDVPS    Y6, Y0, Y5, Y0
	VPBROADCASTD C(104), Y15
	VPAND        Y15, Y6, Y6

	// k = exponent - 127 - adj, m = mantissa in [1, 2).
	VPSRLD       $23, Y0, Y1
	VPBROADCASTD C(52), Y15
	VPSUBD       Y15, Y1, Y1
	VPSUBD       Y6, Y1, Y1
	VPBROADCASTD C(108), Y15
	VPAND        Y15, Y0, Y0
	VPBROADCASTD C(48), Y15
	VPOR         Y15, Y0, Y0

	// Where m > √2: m = m·0.5 and k = k + 1 (the mask is -1).
	VBROADCASTSS C(56), Y15
	VCMPPS       $0x0e, Y15, Y0, Y6
	VBROADCASTSS C(44), Y15
	VMULPS       Y15, Y0, Y2
	VBLENDVPS    Y6, Y2, Y0, Y0
	VPSUBD       Y6, Y1, Y1

	// f = m - 1, e = float(k), z = f², h(f) by Horner's rule.
	VBROADCASTSS C(48), Y15
	VSUBPS       Y15, Y0, Y0
	VCVTDQ2PS    Y1, Y1
	VMULPS       Y0, Y0, Y2
	VBROADCASTSS C(60), Y3
	VMULPS       Y0, Y3, Y3
	VBROADCASTSS C(64), Y15
	VADDPS       Y15, Y3, Y3
	VMULPS       Y0, Y3, Y3
	VBROADCASTSS C(68), Y15
	VADDPS       Y15, Y3, Y3
	VMULPS       Y0, Y3, Y3
	VBROADCASTSS C(72), Y15
	VADDPS       Y15, Y3, Y3
	VMULPS       Y0, Y3, Y3
	VBROADCASTSS C(76), Y15
	VADDPS       Y15, Y3, Y3
	VMULPS       Y0, Y3, Y3
	VBROADCASTSS C(80), Y15
	VADDPS       Y15, Y3, Y3
	VMULPS       Y0, Y3, Y3
	VBROADCASTSS C(84), Y15
	VADDPS       Y15, Y3, Y3
	VMULPS       Y0, Y3, Y3
	VBROADCASTSS C(88), Y15
	VADDPS       Y15, Y3, Y3
	VMULPS       Y0, Y3, Y3
	VBROADCASTSS C(92), Y15
	VADDPS       Y15, Y3, Y3

	// y = f·z·h + e·ln2Lo - z·0.5; result (f + y) + e·ln2Hi.
	VMULPS       Y2, Y0, Y4
	VMULPS       Y3, Y4, Y4
	VBROADCASTSS C(20), Y15
	VMULPS       Y15, Y1, Y3
	VADDPS       Y3, Y4, Y4
	VBROADCASTSS C(44), Y15
	VMULPS       Y15, Y2, Y3
	VSUBPS       Y3, Y4, Y4
	VADDPS       Y4, Y0, Y0
	VBROADCASTSS C(16), Y15
	VMULPS       Y15, Y1, Y3
	VADDPS       Y3, Y0, Y0

	// log(+Inf) = +Inf, log(±0) = -Inf, log(x < 0) = NaN, NaN stays.
	VBROADCASTSS C(120), Y15
	VCMPPS       $0, Y15, Y5, Y6
	VBLENDVPS    Y6, Y5, Y0, Y0
	VXORPS       Y15, Y15, Y15
	VCMPPS       $0, Y15, Y5, Y6
	VBROADCASTSS C(116), Y15
	VBLENDVPS    Y6, Y15, Y0, Y0
	VXORPS       Y15, Y15, Y15
	VCMPPS       $1, Y15, Y5, Y6
	VBROADCASTSS C(112), Y15
	VBLENDVPS    Y6, Y15, Y0, Y0
	KEEP_NAN
	LOOP_TAIL(logloop)

logdone:
	VZEROUPPER
	RET

// func tanhAVX2(dst, src []float32)
TEXT ·tanhAVX2(SB), NOSPLIT, $0-48
	LOOP_HEAD(tanhdone)

tanhloop:
	VMOVUPS      (SI), Y5
	VBROADCASTSS C(124), Y15
	VANDPS       Y15, Y5, Y7

	// Small |x|: Y9 = ((k(z)·z)·a) + a with z = a².
	VMULPS       Y7, Y7, Y8
	VBROADCASTSS C(140), Y9
	VMULPS       Y8, Y9, Y9
	VBROADCASTSS C(144), Y15
	VADDPS       Y15, Y9, Y9
	VMULPS       Y8, Y9, Y9
	VBROADCASTSS C(148), Y15
	VADDPS       Y15, Y9, Y9
	VMULPS       Y8, Y9, Y9
	VBROADCASTSS C(152), Y15
	VADDPS       Y15, Y9, Y9
	VMULPS       Y8, Y9, Y9
	VBROADCASTSS C(156), Y15
	VADDPS       Y15, Y9, Y9
	VMULPS       Y8, Y9, Y9
	VMULPS       Y7, Y9, Y9
	VADDPS       Y7, Y9, Y9

	// Large |x|: Y0 = 1 - 2/(e**2a + 1) with a clamped to tanhMax.
	VBROADCASTSS C(136), Y15
	VMINPS       Y15, Y7, Y0
	VADDPS       Y0, Y0, Y0
	EXP_CLAMPED
	VBROADCASTSS C(48), Y15
	VADDPS       Y15, Y0, Y0
	VBROADCASTSS C(160), Y1
	VDIVPS       Y0, Y1, Y1
	VSUBPS       Y1, Y15, Y0

	// Select by a < tanhSmall, then copy the sign of x.
	VBROADCASTSS C(132), Y15
	VCMPPS       $1, Y15, Y7, Y6
	VBLENDVPS    Y6, Y9, Y0, Y0
	VBROADCASTSS C(128), Y15
	VANDPS       Y15, Y5, Y6
	VORPS        Y6, Y0, Y0
	KEEP_NAN
	LOOP_TAIL(tanhloop)

tanhdone:
	VZEROUPPER
	RET

// func sigmoidAVX2(dst, src []float32)
TEXT ·sigmoidAVX2(SB), NOSPLIT, $0-48
	LOOP_HEAD(sigmoiddone)

sigmoidloop:
	// e = e**max(-|x|, expMin), then (x < 0 ? e : 1) / (1 + e).
	VMOVUPS      (SI), Y5
	VBROADCASTSS C(128), Y15
	VORPS        Y15, Y5, Y0
	VBROADCASTSS C(4), Y15
	VMAXPS       Y15, Y0, Y0
	EXP_CLAMPED
	VBROADCASTSS C(48), Y15
	VADDPS       Y15, Y0, Y1
	VXORPS       Y2, Y2, Y2
	VCMPPS       $1, Y2, Y5, Y6
	VBLENDVPS    Y6, Y0, Y15, Y2
	VDIVPS       Y1, Y2, Y0
	KEEP_NAN
	LOOP_TAIL(sigmoidloop)

sigmoiddone:
	VZEROUPPER
	RET
