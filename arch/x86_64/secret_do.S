// secret_do.S: the x86-64 entry of secret mode.
//
//   int secret_do(void (*fn)(void *), void *arg);
//
// It takes the secret stack top the previous call planned, or asks the
// executor for one (secretmode_enter: a thread's first call, a nested call,
// a call after a longjmp out of fn, AddressSanitizer), runs fn(arg) on
// it, clears the registers before any compiled code runs, switches back, lets
// the executor erase what fn dirtied (secretmode_leave) and clears the
// registers again, so that the caller of secret_do sees zero in every
// caller-saved register.
//
// Exceptions: secret_do itself catches what fn throws. Its LSDA (at the end
// of this file) gives the call to fn a catch (...) landing pad for the C++
// personality routine; the pad hands the exception to secretmode_catch, which
// parks it, and joins the normal return path, so erasure runs before
// secretmode_rethrow throws it again from here. Catching here rather than in
// a compiled frame around fn saves a call and a frame on the secret stack:
// about a third of an empty call's cost (bench/RESULTS.md).
//
// Unwinding: the frame pointer %rbp keeps pointing at this frame while fn runs
// on the secret stack, and the CFA is defined through it, so gdb backtraces
// and C++ forced unwinding (pthread_exit) walk from fn's frames on the secret
// stack to secret_do's caller on the thread's own stack.

#if defined(__x86_64__) && defined(__linux__)

#include "arch/x86_64/clear_registers.inc"
#include "secret/fast_path_layout.h"

	.text
	.globl	secret_do
	.type	secret_do, @function
	.p2align 4
secret_do:
.Lsecret_do_begin:
	.cfi_startproc
	// The C++ personality routine reads this function's LSDA (below).
	.cfi_personality 0x9b, DW.ref.__gxx_personality_v0
	.cfi_lsda 0x1b, .Lsecret_do_lsda
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

	// Fast entry: no call is active on this thread and the last one planned
	// where this one starts (ThreadState::fast_enter); then mark the call
	// active and count it here, without secretmode_enter. rbx = the thread
	// state's offset from the thread pointer (initial-exec TLS).
	movq	_ZN6secret8internal14g_thread_stateE@gottpoff(%rip), %rbx
	cmpl	$0, %fs:SECRETMODE_TS_ACTIVE(%rbx)
	jne	.Lslow_enter
	cmpb	$0, %fs:SECRETMODE_TS_FAST_ENTER(%rbx)
	je	.Lslow_enter
	movq	%rbp, %fs:SECRETMODE_TS_CALLER_SP(%rbx)	// the caller's stack (see CallWasLeft)
	movl	$1, %fs:SECRETMODE_TS_ACTIVE(%rbx)
	incq	%fs:SECRETMODE_TS_CALLS(%rbx)
	movq	%fs:SECRETMODE_TS_STACK_TOP(%rbx), %rax
	movq	%fs:SECRETMODE_TS_SIGNAL_STACK_HI(%rbx), %rdx
	jmp	.Lswitch

.Lslow_enter:
	// rax = secret stack top, 0 (nested: run fn here) or an errno (< 4096);
	// rdx = top of the secret signal stack.
	call	secretmode_enter@PLT
	cmpq	$4096, %rax
	jb	.Lnot_switched
.Lswitch:
	movq	%rdx, %r14		// r14 = signal stack top, kept across fn

	// Switch: fn's whole call tree runs below this 16-byte aligned top.
	movq	%rax, %rsp
#if defined(__SANITIZE_ADDRESS__)
	// Under AddressSanitizer fn runs between the fiber annotations.
	movq	%r12, %rdi
	movq	%r13, %rsi
.Lfn_call:
	call	secretmode_run_on_fiber@PLT
#else
	movq	%r13, %rdi
.Lfn_call:
	call	*%r12			// fn(arg); a throw lands at .Lfn_threw
#endif
.Lfn_returned:
	// fn has returned (or its exception was caught and parked): clear the
	// registers first, with no compiled code in between.
	CLEAR_VECTOR_REGISTERS
	CLEAR_CALLER_SAVED_GPRS

	// Did a signal frame reach the secret signal stack? edi = 0 if not.
	SIGNAL_STACK_TOP_DIRTY %r14, %edi

	// Back on the caller's stack, just below the four saved registers.
	leaq	-32(%rbp), %rsp

#if !defined(__SANITIZE_ADDRESS__)
	// Fast leave, the common case: no signal frame, fn threw nothing and
	// went no deeper than prepared (no fence fault), the zone [fence, top)
	// is small enough to zero unread, and this call ends no predictor epoch.
	// Then the erasure's bookkeeping (SmallZoneErased, RecordDepth) is done
	// here, and the predictor's estimate and the fence stay as they were, so
	// the next call starts at the same top (PlanNextTop would return it).
	// Anything else goes to secretmode_leave. rbx = the thread state's TLS
	// offset (set on entry); r8-r11 survive secretmode_zero_small_range.
	testl	%edi, %edi
	jnz	.Lslow_leave
	cmpb	$0, %fs:SECRETMODE_TS_EXCEPTION_PENDING(%rbx)
	jne	.Lslow_leave
	cmpq	$0, %fs:SECRETMODE_TS_STACK_LOWEST_FAULT(%rbx)
	jne	.Lslow_leave
	// edi stays 0 until the checks pass: it is secretmode_leave's argument.
	movq	%fs:SECRETMODE_TS_STACK_FENCE(%rbx), %rcx	// rcx = fence
	movq	%fs:SECRETMODE_TS_STACK_TOP(%rbx), %rdx		// rdx = top
	movq	%rdx, %r8
	subq	%rcx, %r8			// r8 = zone = top - fence
	cmpq	$SECRETMODE_BLIND_ERASE_ZONE, %r8
	ja	.Lslow_leave
	// r9 = the predictor's recent depth: the larger of the two epochs'.
	movq	%fs:SECRETMODE_TS_EPOCH_MAX_DEPTH(%rbx), %r9
	movq	%fs:SECRETMODE_TS_PREVIOUS_EPOCH_MAX_DEPTH(%rbx), %r10
	cmpq	%r10, %r9
	cmovbq	%r10, %r9
	// r10 = the epoch's waste after this call: + (zone - recent), if positive.
	movq	%r8, %r10
	subq	%r9, %r10
	jae	.Lwaste_counted
	xorl	%r10d, %r10d
.Lwaste_counted:
	addq	%fs:SECRETMODE_TS_EPOCH_WASTE(%rbx), %r10
	cmpq	$SECRETMODE_EPOCH_WASTE_BUDGET, %r10
	jae	.Lslow_leave			// the epoch ends: C++ rolls it over
	// r11d = the epoch's calls after this one.
	movl	%fs:SECRETMODE_TS_EPOCH_CALLS(%rbx), %r11d
	incl	%r11d
	cmpl	$SECRETMODE_EPOCH_CALLS, %r11d
	jae	.Lslow_leave			// the epoch ends: C++ rolls it over
	// Zero the whole zone; eax != 0 when fn reached its bottom chunk.
	movq	%rcx, %rdi
	movq	%rdx, %rsi
	call	secretmode_zero_small_range
	testl	%eax, %eax
	jnz	.Lbottom_reached
	// Record the call as RecordDepth(recent, zone) would, and end it.
	movl	%r11d, %fs:SECRETMODE_TS_EPOCH_CALLS(%rbx)
	movq	%r10, %fs:SECRETMODE_TS_EPOCH_WASTE(%rbx)
	movq	%r9, %fs:SECRETMODE_TS_EPOCH_MAX_DEPTH(%rbx)
	addq	%r8, %fs:SECRETMODE_TS_BYTES_INSPECTED(%rbx)
	addq	%r8, %fs:SECRETMODE_TS_BYTES_ERASED(%rbx)
	movq	%r8, %fs:SECRETMODE_TS_LAST_DIRTY_BYTES(%rbx)
	movb	$1, %fs:SECRETMODE_TS_FAST_ENTER(%rbx)
	movl	$0, %fs:SECRETMODE_TS_ACTIVE(%rbx)
	CLEAR_CALLER_SAVED_GPRS		// the zone's bottom words passed through rcx
	jmp	.Lreturn
.Lbottom_reached:
	// The zone is zero; the predictor must widen it (C++).
	call	secretmode_leave_bottom_reached@PLT
	CLEAR_CALLER_SAVED_GPRS
	jmp	.Lreturn
.Lslow_leave:
#endif
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

.Lfn_threw:
	// Landing pad of the call to fn (the personality routine found the
	// catch (...) in the LSDA): rax = the exception, rsp = the secret stack
	// top as at the call, callee-saved registers as secret_do kept them.
	// secretmode_catch parks a C++ exception and returns; it rethrows forced
	// unwinding, which leaves through here to secret_do's caller.
	movq	%rax, %rdi
	call	secretmode_catch@PLT
	jmp	.Lfn_returned
.Lsecret_do_end:
	.cfi_endproc
	.size	secret_do, .-secret_do

#include "arch/secret_do_lsda.inc"

#endif  // __x86_64__ && __linux__

	.section .note.GNU-stack,"",@progbits
