// switch_floor_x86_64.S: the least work any secret_do must do on x86-64,
// for executor_bench's BM_Floor_Empty (see bench/RESULTS.md): switch to a
// given stack, call fn(arg), clear the vector and caller-saved registers,
// check 128 bytes at the top of a signal stack, zero a 128-byte zone of the
// stack fn ran on, and return. No bookkeeping, no exception handling, no
// thread state: what is left of secret_do's cost when all of that is free.
//
//   void secretmode_bench_floor(void (*fn)(void*), void* arg,
//                               void* stack_top, void* signal_stack_top);

#if defined(__x86_64__) && defined(__linux__)

#include "arch/x86_64/clear_registers.inc"

	.text
	.globl	secretmode_bench_floor
	.type	secretmode_bench_floor, @function
	.p2align 4
secretmode_bench_floor:
	.cfi_startproc
	// Frame: %rbp anchors the CFA across the switch, as in secret_do.
	pushq	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset %rbp, -16
	movq	%rsp, %rbp
	.cfi_def_cfa_register %rbp
	pushq	%rbx			// rbx = stack top, kept across fn
	.cfi_offset %rbx, -24
	pushq	%r12			// r12 = signal stack top, kept across fn
	.cfi_offset %r12, -32
	movq	%rdx, %rbx
	movq	%rcx, %r12
	// Switch and call fn(arg) (rdi = fn, rsi = arg).
	movq	%rdx, %rsp
	movq	%rdi, %rax
	movq	%rsi, %rdi
	call	*%rax
	// The same clearing, signal-stack check and zeroing as secret_do, from
	// the same macros and routine (arch/x86_64/clear_registers.inc, erase.S).
	CLEAR_VECTOR_REGISTERS
	CLEAR_CALLER_SAVED_GPRS
	SIGNAL_STACK_TOP_DIRTY %r12, %edi	// the result is not used
	// Back on the caller's stack, then zero the 128 bytes below the top of
	// the stack fn ran on.
	leaq	-16(%rbp), %rsp
	leaq	-128(%rbx), %rdi
	movq	%rbx, %rsi
	call	secretmode_zero_small_range
	CLEAR_CALLER_SAVED_GPRS
	popq	%r12
	.cfi_restore %r12
	popq	%rbx
	.cfi_restore %rbx
	popq	%rbp
	.cfi_restore %rbp
	.cfi_def_cfa %rsp, 8
	ret
	.cfi_endproc
	.size	secretmode_bench_floor, .-secretmode_bench_floor

#endif  // __x86_64__ && __linux__

	.section .note.GNU-stack,"",@progbits
