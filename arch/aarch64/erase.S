// erase.S: AArch64 scan-and-zero of a secret stack range, and vector clearing.
//
//   uintptr_t secretmode_erase_range(uintptr_t lo, uintptr_t hi);
//   uintptr_t secretmode_zero_small_range(uintptr_t lo, uintptr_t hi);
//   void secretmode_clear_vector_registers(void);
//
// The secret stack is all zero between calls, so everything below the lowest
// non-zero 64-byte chunk of [lo, hi) is still zero: the routine reads upward
// until it finds that chunk, then writes zeros from it to hi. Reads and writes
// together touch each byte of the range once. The words it loads are secret;
// the registers that held them are zeroed before it returns.

#if defined(__aarch64__) && defined(__linux__)

#include "arch/aarch64/clear_registers.inc"

	.text
	.globl	secretmode_erase_range
	.hidden	secretmode_erase_range
	.type	secretmode_erase_range, %function
	.p2align 4
secretmode_erase_range:
	.cfi_startproc
	hint	#34			// bti c
	// x0 = lo, x1 = hi (both 64-byte aligned); x0 walks upward.
.Lscan:
	cmp	x0, x1
	b.hs	.Lclean
	// OR the chunk's four 16-byte lanes together; umaxv folds them to one
	// word that is zero only if every byte was (a sum could wrap to zero).
	ldp	q0, q1, [x0]
	ldp	q2, q3, [x0, #32]
	orr	v0.16b, v0.16b, v1.16b
	orr	v2.16b, v2.16b, v3.16b
	orr	v0.16b, v0.16b, v2.16b
	umaxv	s0, v0.4s
	fmov	w2, s0
	cbnz	w2, .Lzero
	add	x0, x0, #64
	b	.Lscan
.Lclean:
	// Nothing dirty: return hi. v0-v3 held only zeros.
	mov	x0, x1
	ret
.Lzero:
	// x0 = first dirty chunk (the return value); zero [x0, hi) from x2.
	movi	v0.16b, #0		// v0-v3 and w2 held secret words
	movi	v1.16b, #0
	movi	v2.16b, #0
	movi	v3.16b, #0
	mov	x2, x0
.Lzero_loop:
	stp	q0, q0, [x2]
	stp	q0, q0, [x2, #32]
	add	x2, x2, #64
	cmp	x2, x1
	b.lo	.Lzero_loop
	ret
	.cfi_endproc
	.size	secretmode_erase_range, .-secretmode_erase_range

// uintptr_t secretmode_zero_small_range(uintptr_t lo, uintptr_t hi);
//
// Zeroes all of [lo, hi) without reading it, except the lowest 64-byte chunk:
// returns non-zero when that chunk was dirty (fn went to the bottom of the
// zone, so the predictor must widen it).
	.globl	secretmode_zero_small_range
	.hidden	secretmode_zero_small_range
	.type	secretmode_zero_small_range, %function
	.p2align 4
secretmode_zero_small_range:
	.cfi_startproc
	hint	#34			// bti c
	// x0 = lo, x1 = hi (both 64-byte aligned, lo < hi).
	// x2 = OR of the lowest chunk's eight words.
	ldp	x2, x3, [x0]
	ldp	x4, x5, [x0, #16]
	orr	x2, x2, x3
	orr	x4, x4, x5
	ldp	x3, x5, [x0, #32]
	orr	x2, x2, x4
	orr	x3, x3, x5
	ldp	x4, x5, [x0, #48]
	orr	x2, x2, x3
	orr	x4, x4, x5
	orr	x2, x2, x4
	mov	x3, xzr			// x3-x5 held secret words
	mov	x4, xzr
	mov	x5, xzr
	movi	v0.16b, #0
.Lsmall_loop:
	stp	q0, q0, [x0]		// zero 64 bytes per step, bottom up
	stp	q0, q0, [x0, #32]
	add	x0, x0, #64
	cmp	x0, x1
	b.lo	.Lsmall_loop
	cmp	x2, #0
	cset	x0, ne			// the return value: was the bottom dirty?
	mov	x2, xzr
	ret
	.cfi_endproc
	.size	secretmode_zero_small_range, .-secretmode_zero_small_range

	.globl	secretmode_clear_vector_registers
	.type	secretmode_clear_vector_registers, %function
	.p2align 4
secretmode_clear_vector_registers:
	.cfi_startproc
	hint	#34			// bti c
	// Only the caller-saved vector state is cleared (see the macro).
	CLEAR_VECTOR_REGISTERS
	mov	x16, xzr
	ret
	.cfi_endproc
	.size	secretmode_clear_vector_registers, .-secretmode_clear_vector_registers

#endif  // __aarch64__ && __linux__

	.section .note.GNU-stack,"",%progbits
