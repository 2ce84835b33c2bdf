/* Tiny routines with a known register effect, used to check that the
 * snapshot helper reads back exactly what a callee left behind. */
#if defined(__x86_64__)

#if defined(__CET__)
#include <cet.h>
#else
#define _CET_ENDBR
#endif

	.text

/* void snapshot_test_set_r8_xmm3(const struct { uint64_t r8; uint8_t xmm3[16]; }* [rdi])
 * Sets r8 and xmm3 only. */
	.globl	snapshot_test_set_r8_xmm3
	.type	snapshot_test_set_r8_xmm3, @function
	.p2align 4
snapshot_test_set_r8_xmm3:
	.cfi_startproc
	_CET_ENDBR
	movq	0(%rdi), %r8
	movdqu	8(%rdi), %xmm3
	ret
	.cfi_endproc
	.size	snapshot_test_set_r8_xmm3, .-snapshot_test_set_r8_xmm3

/* void snapshot_test_set_ymm3(const uint8_t bytes[32] [rdi]); AVX only. */
	.globl	snapshot_test_set_ymm3
	.type	snapshot_test_set_ymm3, @function
	.p2align 4
snapshot_test_set_ymm3:
	.cfi_startproc
	_CET_ENDBR
	vmovdqu	(%rdi), %ymm3
	ret
	.cfi_endproc
	.size	snapshot_test_set_ymm3, .-snapshot_test_set_ymm3

/* void snapshot_test_set_carry(void*) / snapshot_test_clear_carry(void*):
 * CF = 1 / CF = 0 on return, everything else untouched. */
	.globl	snapshot_test_set_carry
	.type	snapshot_test_set_carry, @function
	.p2align 4
snapshot_test_set_carry:
	.cfi_startproc
	_CET_ENDBR
	stc
	ret
	.cfi_endproc
	.size	snapshot_test_set_carry, .-snapshot_test_set_carry

	.globl	snapshot_test_clear_carry
	.type	snapshot_test_clear_carry, @function
	.p2align 4
snapshot_test_clear_carry:
	.cfi_startproc
	_CET_ENDBR
	clc
	ret
	.cfi_endproc
	.size	snapshot_test_clear_carry, .-snapshot_test_clear_carry

	.section .note.GNU-stack,"",@progbits
#else
	.section .note.GNU-stack,"",%progbits
#endif
