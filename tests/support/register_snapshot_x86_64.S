/* Register capture and register dirtying helpers for erasure tests.
 * See register_snapshot.h for the C declarations and the exact contracts.
 * AT&T syntax; System V AMD64 ABI. */
#if defined(__x86_64__)

#include "tests/support/register_snapshot_layout.h"

/* Indirect-branch-tracking landing pads when built with -fcf-protection;
 * <cet.h> also emits the matching GNU property note. */
#if defined(__CET__)
#include <cet.h>
#else
#define _CET_ENDBR
#endif

	.hidden	secret_test_vector_level
	.text

/* void secret_test_call_and_snapshot(void (*call)(void*) [rdi], void* arg [rsi],
 *                                    RegisterSnapshot* out [rdx])
 * Calls call(arg); the instructions right after the call store the registers
 * exactly as the callee left them. */
	.globl	secret_test_call_and_snapshot
	.type	secret_test_call_and_snapshot, @function
	.p2align 4
secret_test_call_and_snapshot:
	.cfi_startproc
	_CET_ENDBR
	/* rbx is callee-saved, so it carries `out` across the call; saving the
	 * caller's rbx also realigns rsp to 16 bytes for the call below. */
	pushq	%rbx
	.cfi_def_cfa_offset 16
	.cfi_offset %rbx, -16
	movq	%rdx, %rbx
	movq	%rsp, SECRET_TEST_SNAP_RSP_BEFORE_CALL(%rbx)
	movq	%rdi, %rax		/* call target */
	movq	%rsi, %rdi		/* arg */
	call	*%rax

	/* GPRs first: plain stores change neither registers nor flags.
	 * gpr[rbx] records `out`, gpr[rsp] our rsp after the return. */
	movq	%rax, SECRET_TEST_SNAP_RAX(%rbx)
	movq	%rbx, SECRET_TEST_SNAP_RBX(%rbx)
	movq	%rcx, SECRET_TEST_SNAP_RCX(%rbx)
	movq	%rdx, SECRET_TEST_SNAP_RDX(%rbx)
	movq	%rsi, SECRET_TEST_SNAP_RSI(%rbx)
	movq	%rdi, SECRET_TEST_SNAP_RDI(%rbx)
	movq	%rbp, SECRET_TEST_SNAP_RBP(%rbx)
	movq	%rsp, SECRET_TEST_SNAP_RSP(%rbx)
	movq	%r8, SECRET_TEST_SNAP_R8(%rbx)
	movq	%r9, SECRET_TEST_SNAP_R9(%rbx)
	movq	%r10, SECRET_TEST_SNAP_R10(%rbx)
	movq	%r11, SECRET_TEST_SNAP_R11(%rbx)
	movq	%r12, SECRET_TEST_SNAP_R12(%rbx)
	movq	%r13, SECRET_TEST_SNAP_R13(%rbx)
	movq	%r14, SECRET_TEST_SNAP_R14(%rbx)
	movq	%r15, SECRET_TEST_SNAP_R15(%rbx)

	/* rflags, still untouched by the stores above. rax is free now. */
	pushfq
	.cfi_adjust_cfa_offset 8
	popq	%rax
	.cfi_adjust_cfa_offset -8
	movq	%rax, SECRET_TEST_SNAP_RFLAGS(%rbx)

	/* Vector state: the widest the C++ side enabled (never wider than
	 * cpuid+xgetbv allow, which would fault). Recorded in the snapshot. */
	movl	secret_test_vector_level(%rip), %eax
	movl	%eax, SECRET_TEST_SNAP_VECTOR_LEVEL(%rbx)
	cmpl	$SECRET_TEST_VEC_AVX512, %eax
	jae	.Lsnap_zmm
	cmpl	$SECRET_TEST_VEC_AVX, %eax
	jae	.Lsnap_ymm

	/* SSE only: xmm0-15, 16 bytes into each 64-byte slot. */
	.irp	i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movdqu	%xmm\i, (SECRET_TEST_SNAP_VEC + SECRET_TEST_SNAP_VEC_STRIDE * \i)(%rbx)
	.endr
	jmp	.Lsnap_done

	/* AVX: ymm0-15, 32 bytes each. */
.Lsnap_ymm:
	.irp	i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	vmovdqu	%ymm\i, (SECRET_TEST_SNAP_VEC + SECRET_TEST_SNAP_VEC_STRIDE * \i)(%rbx)
	.endr
	jmp	.Lsnap_done

	/* AVX-512: zmm0-31, 64 bytes each, then the opmask registers. */
.Lsnap_zmm:
	.irp	i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	vmovdqu64 %zmm\i, (SECRET_TEST_SNAP_VEC + SECRET_TEST_SNAP_VEC_STRIDE * \i)(%rbx)
	.endr
	cmpl	$SECRET_TEST_VEC_AVX512BW, %eax
	jae	.Lsnap_k64
	/* AVX512F without BW has only 16-bit k moves. */
	.irp	i, 0,1,2,3,4,5,6,7
	kmovw	%k\i, (SECRET_TEST_SNAP_K + 8 * \i)(%rbx)
	.endr
	jmp	.Lsnap_done
.Lsnap_k64:
	.irp	i, 0,1,2,3,4,5,6,7
	kmovq	%k\i, (SECRET_TEST_SNAP_K + 8 * \i)(%rbx)
	.endr

.Lsnap_done:
	/* Restore the caller's rbx; rax etc. now hold snapshot scratch values,
	 * which is fine for a void function. */
	popq	%rbx
	.cfi_def_cfa_offset 8
	.cfi_restore %rbx
	ret
	.cfi_endproc
	.size	secret_test_call_and_snapshot, .-secret_test_call_and_snapshot

/* void secret_test_fill_registers_and_call(const SecretTestFillRequest* [rdi])
 * Loads request->pattern (64 bytes) into every caller-saved GPR but rdi and
 * into all vector and k registers, then calls request->fn(request->arg).
 * After fn returns only `pop rbx; ret` run, which leave caller-saved
 * registers and flags as fn left them. */
	.globl	secret_test_fill_registers_and_call
	.type	secret_test_fill_registers_and_call, @function
	.p2align 4
secret_test_fill_registers_and_call:
	.cfi_startproc
	_CET_ENDBR
	/* rbx (callee-saved) holds the request across the loads; the push also
	 * aligns rsp to 16 bytes for the call. */
	pushq	%rbx
	.cfi_def_cfa_offset 16
	.cfi_offset %rbx, -16
	movq	%rdi, %rbx
	movq	SECRET_TEST_FILL_PATTERN(%rbx), %rax	/* rax = pattern until the GPR loads */
	movl	secret_test_vector_level(%rip), %ecx
	cmpl	$SECRET_TEST_VEC_AVX512, %ecx
	jae	.Lfill_zmm
	cmpl	$SECRET_TEST_VEC_AVX, %ecx
	jae	.Lfill_ymm

	/* SSE only: xmm0-15 = pattern[0..16). */
	.irp	i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movdqu	(%rax), %xmm\i
	.endr
	jmp	.Lfill_gpr

	/* AVX: ymm0-15 = pattern[0..32). */
.Lfill_ymm:
	.irp	i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	vmovdqu	(%rax), %ymm\i
	.endr
	jmp	.Lfill_gpr

	/* AVX-512: zmm0-31 = pattern[0..64); k<i> = pattern[8i..8i+8) (BW) or
	 * pattern[8i..8i+2) (F only). */
.Lfill_zmm:
	.irp	i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	vmovdqu64 (%rax), %zmm\i
	.endr
	cmpl	$SECRET_TEST_VEC_AVX512BW, %ecx
	jae	.Lfill_k64
	.irp	i, 0,1,2,3,4,5,6,7
	kmovw	(8 * \i)(%rax), %k\i
	.endr
	jmp	.Lfill_gpr
.Lfill_k64:
	.irp	i, 0,1,2,3,4,5,6,7
	kmovq	(8 * \i)(%rax), %k\i
	.endr

	/* GPRs last, rax (the pattern pointer) very last; rdi = the argument. */
.Lfill_gpr:
	movq	SECRET_TEST_FILL_ARG(%rbx), %rdi
	movq	8(%rax), %rcx
	movq	16(%rax), %rdx
	movq	24(%rax), %rsi
	movq	32(%rax), %r8
	movq	40(%rax), %r9
	movq	48(%rax), %r10
	movq	56(%rax), %r11
	movq	0(%rax), %rax
	call	*SECRET_TEST_FILL_FN(%rbx)
	popq	%rbx
	.cfi_def_cfa_offset 8
	.cfi_restore %rbx
	ret
	.cfi_endproc
	.size	secret_test_fill_registers_and_call, .-secret_test_fill_registers_and_call

/* void secret_test_noop(void*): touches nothing. */
	.globl	secret_test_noop
	.type	secret_test_noop, @function
	.p2align 4
secret_test_noop:
	.cfi_startproc
	_CET_ENDBR
	ret
	.cfi_endproc
	.size	secret_test_noop, .-secret_test_noop

/* void secret_test_clear_caller_saved(void*): the erasure a correct
 * implementation must at least achieve. Zeroes the vector registers of the
 * current level, k0-k7, then rax, rcx, rdx, rsi, rdi, r8-r11. */
	.globl	secret_test_clear_caller_saved
	.type	secret_test_clear_caller_saved, @function
	.p2align 4
secret_test_clear_caller_saved:
	.cfi_startproc
	_CET_ENDBR
	movl	secret_test_vector_level(%rip), %eax
	cmpl	$SECRET_TEST_VEC_AVX, %eax
	jb	.Lclear_xmm
	/* vzeroall clears ymm0-15 (zmm0-15 whole) but not zmm16-31 or k. */
	vzeroall
	cmpl	$SECRET_TEST_VEC_AVX512, %eax
	jb	.Lclear_gpr
	.irp	i, 16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	vpxord	%zmm\i, %zmm\i, %zmm\i
	.endr
	/* VEX mask ops zero the destination's upper bits, so kxorw clears all
	 * 64 bits even without AVX512BW. */
	.irp	i, 0,1,2,3,4,5,6,7
	kxorw	%k\i, %k\i, %k\i
	.endr
	jmp	.Lclear_gpr
.Lclear_xmm:
	.irp	i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	pxor	%xmm\i, %xmm\i
	.endr
	/* 32-bit xor zero-extends to the full 64-bit register. */
.Lclear_gpr:
	xorl	%eax, %eax
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	xorl	%esi, %esi
	xorl	%edi, %edi
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
	xorl	%r11d, %r11d
	ret
	.cfi_endproc
	.size	secret_test_clear_caller_saved, .-secret_test_clear_caller_saved

	/* No executable stack for the final binary. */
	.section .note.GNU-stack,"",@progbits

#else  /* !__x86_64__ */
	/* Other architectures provide their own file; keep the stack
	 * non-executable even for this empty object. */
	.section .note.GNU-stack,"",%progbits
#endif
