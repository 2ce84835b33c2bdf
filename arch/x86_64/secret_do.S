// secret_do.S: the x86-64 entry of secret mode.
//
//   int secret_do(void (*fn)(void *), void *arg);
//
// It asks the executor for a secret stack (secretmode_enter), runs fn(arg) on
// it through secretmode_run_guarded (which catches exceptions), clears the
// registers before any compiled code runs, switches back, lets the executor
// erase what fn dirtied (secretmode_leave) and clears the registers again, so
// that the caller of secret_do sees zero in every caller-saved register.
//
// Unwinding: the frame pointer %rbp keeps pointing at this frame while fn runs
// on the secret stack, and the CFA is defined through it, so gdb backtraces
// and C++ forced unwinding (pthread_exit) walk from fn's frames on the secret
// stack to secret_do's caller on the thread's own stack.

#if defined(__x86_64__) && defined(__linux__)

#include "arch/x86_64/clear_registers.inc"

	.text
	.globl	secret_do
	.type	secret_do, @function
	.p2align 4
secret_do:
	.cfi_startproc
	// Frame: %rbp anchors the CFA for the whole call, across the switch.
	pushq	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset %rbp, -16
	movq	%rsp, %rbp
	.cfi_def_cfa_register %rbp
	// Save the callee-saved registers we use to carry fn and arg across
	// secretmode_enter; four pushes keep %rsp 16-byte aligned for calls.
	pushq	%rbx
	.cfi_offset %rbx, -24
	pushq	%r12
	.cfi_offset %r12, -32
	pushq	%r13
	.cfi_offset %r13, -40
	pushq	%r14
	.cfi_offset %r14, -48
	movq	%rdi, %r12		// r12 = fn
	movq	%rsi, %r13		// r13 = arg

	// rax = secret stack top, 0 (nested: run fn here) or an errno (< 4096);
	// rdx = top of the secret signal stack.
	call	secretmode_enter@PLT
	cmpq	$4096, %rax
	jb	.Lnot_switched
	movq	%rdx, %r14		// r14 = signal stack top, kept across fn

	// Switch: fn's whole call tree runs below this 16-byte aligned top.
	movq	%rax, %rsp
	movq	%r12, %rdi
	movq	%r13, %rsi
	call	secretmode_run_guarded@PLT

	// fn has returned (or its exception was caught and parked): clear the
	// registers first, with no compiled code in between.
	CLEAR_VECTOR_REGISTERS
	CLEAR_CALLER_SAVED_GPRS

	// Did a signal frame reach the secret signal stack? edi = 0 if not.
	SIGNAL_STACK_TOP_DIRTY %r14, %edi

	// Back on the caller's stack, just below the four saved registers.
	leaq	-32(%rbp), %rsp
	// Erase the secret stack (and the signal stack if edi != 0); eax != 0
	// when fn threw.
	call	secretmode_leave@PLT
	testl	%eax, %eax
	jnz	.Lrethrow
	// The erasure passed secret words through registers: its assembly zeroes
	// the vector registers it used, and the compiled code around it uses
	// general registers only (//secret is built with -mgeneral-regs-only),
	// so the vector registers are still as the first clearing left them.
	// Under AddressSanitizer, its runtime's fiber bookkeeping ran too.
#if defined(__SANITIZE_ADDRESS__)
	CLEAR_VECTOR_REGISTERS
#endif
	CLEAR_CALLER_SAVED_GPRS		// also makes the return value 0

.Lreturn:
	.cfi_remember_state
	// Restore the callee-saved registers and return eax to the caller.
	popq	%r14
	.cfi_restore %r14
	popq	%r13
	.cfi_restore %r13
	popq	%r12
	.cfi_restore %r12
	popq	%rbx
	.cfi_restore %rbx
	popq	%rbp
	.cfi_restore %rbp
	.cfi_def_cfa %rsp, 8
	ret
	.cfi_restore_state

.Lnot_switched:
	// rax != 0: an errno from secretmode_enter; fn did not run.
	testq	%rax, %rax
	jnz	.Lreturn
	// Nested call: fn runs on the secret stack we are already on; the
	// outermost secret_do erases it.
	movq	%r13, %rdi
	call	*%r12
	xorl	%eax, %eax
	jmp	.Lreturn

.Lrethrow:
	// Rethrow fn's exception from here, after erasure. Never returns.
	call	secretmode_rethrow@PLT
	ud2
	.cfi_endproc
	.size	secret_do, .-secret_do

#endif  // __x86_64__ && __linux__

	.section .note.GNU-stack,"",@progbits
