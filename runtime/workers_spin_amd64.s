//go:build amd64 && !purego

#include "textflag.h"

// func spinPause()
TEXT ·spinPause(SB), NOSPLIT, $0-0
	MOVL $4, AX
loop:
	PAUSE
	DECL AX
	JNZ  loop
	RET
