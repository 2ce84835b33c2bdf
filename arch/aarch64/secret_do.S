// secret_do.S: the AArch64 entry of secret mode.
//
//   int secret_do(void (*fn)(void *), void *arg);
//
// It asks the executor for the secret stack top (secretmode_enter), runs
// fn(arg) on it, clears the registers before any compiled code runs, switches
// back, lets the executor erase what fn dirtied (secretmode_leave) and clears
// the registers again, so that the caller of secret_do sees zero in every
// caller-saved register. The x86-64 version's assembly fast path (a call
// planned by the previous one, small zones zeroed here) is not ported yet:
// every call goes through secretmode_enter and secretmode_leave.
//
// Exceptions: as on x86-64, secret_do's LSDA (at the end of this file) gives
// the call to fn a catch (...) landing pad, which hands the exception to
// secretmode_catch; erasure then runs before secretmode_rethrow throws it
// again from here.
//
// Unwinding: the frame pointer x29 keeps pointing at this frame while fn runs
// on the secret stack, and the CFA is defined through it, so gdb backtraces
// and C++ forced unwinding (pthread_exit) walk from fn's frames on the secret
// stack to secret_do's caller on the thread's own stack.

#if defined(__aarch64__) && defined(__linux__)

#include "arch/aarch64/clear_registers.inc"

	.text
	.globl	secret_do
	.type	secret_do, %function
	.p2align 4
secret_do:
.Lsecret_do_begin:
	.cfi_startproc
	// The C++ personality routine reads this function's LSDA (below).
	.cfi_personality 0x9b, DW.ref.__gxx_personality_v0
	.cfi_lsda 0x1b, .Lsecret_do_lsda
	hint	#34			// bti c: a valid indirect-call target
	// Frame: x29/x30 at the bottom, then the callee-saved registers that
	// carry fn, arg and the signal stack top across the calls below.
	stp	x29, x30, [sp, #-48]!
	.cfi_def_cfa_offset 48
	.cfi_offset x29, -48
	.cfi_offset x30, -40
	mov	x29, sp
	// x29 anchors the CFA for the whole call, across the switch.
	.cfi_def_cfa x29, 48
	stp	x19, x20, [sp, #16]
	.cfi_offset x19, -32
	.cfi_offset x20, -24
	str	x21, [sp, #32]
	.cfi_offset x21, -16
	mov	x19, x0			// x19 = fn
	mov	x20, x1			// x20 = arg

	// x0 = secret stack top, 0 (nested: run fn here) or an errno (< 4096);
	// x1 = top of the secret signal stack.
	bl	secretmode_enter
	cmp	x0, #4096
	b.lo	.Lnot_switched
	mov	x21, x1			// x21 = signal stack top, kept across fn

	// Switch: fn's whole call tree runs below this 16-byte aligned top.
	mov	sp, x0
#if defined(__SANITIZE_ADDRESS__)
	// Under AddressSanitizer fn runs between the fiber annotations.
	mov	x0, x19
	mov	x1, x20
.Lfn_call:
	bl	secretmode_run_on_fiber
#else
	mov	x0, x20
.Lfn_call:
	blr	x19			// fn(arg); a throw lands at .Lfn_threw
#endif
.Lfn_returned:
	// fn has returned (or its exception was caught and parked): clear the
	// registers first, with no compiled code in between.
	CLEAR_VECTOR_REGISTERS
	CLEAR_CALLER_SAVED_GPRS

	// Did a signal frame reach the secret signal stack? w0 = 0 if not: it
	// is secretmode_leave's argument.
	SIGNAL_STACK_TOP_DIRTY x21, w0

	// Back on the caller's stack, at this frame's base.
	mov	sp, x29

	// Erase the secret stack (and the signal stack if w0 != 0); w0 != 0
	// when fn threw. The compiled code it runs uses general registers only
	// (//secret is built with -mgeneral-regs-only), and the erasure's
	// assembly zeroes the vector registers it used, so the vector registers
	// are still as the first clearing left them.
	bl	secretmode_leave
	cbnz	w0, .Lrethrow
	// Under AddressSanitizer, its runtime's fiber bookkeeping ran too.
#if defined(__SANITIZE_ADDRESS__)
	CLEAR_VECTOR_REGISTERS
#endif
	CLEAR_CALLER_SAVED_GPRS		// also makes the return value 0

.Lreturn:
	.cfi_remember_state
	// Restore the callee-saved registers and return w0 to the caller.
	ldr	x21, [sp, #32]
	.cfi_restore x21
	ldp	x19, x20, [sp, #16]
	.cfi_restore x19
	.cfi_restore x20
	ldp	x29, x30, [sp], #48
	.cfi_restore x29
	.cfi_restore x30
	.cfi_def_cfa sp, 0
	ret
	.cfi_restore_state

.Lnot_switched:
	// x0 != 0: an errno from secretmode_enter; fn did not run.
	cbnz	x0, .Lreturn
	// Nested call: fn runs on the secret stack we are already on; the
	// outermost secret_do erases it.
	mov	x0, x20
	blr	x19
	mov	w0, #0
	b	.Lreturn

.Lrethrow:
	// Rethrow fn's exception from here, after erasure. Never returns.
	bl	secretmode_rethrow
	brk	#1

.Lfn_threw:
	// Landing pad of the call to fn (the personality routine found the
	// catch (...) in the LSDA): x0 = the exception, sp = the secret stack
	// top as at the call, callee-saved registers as secret_do kept them.
	// secretmode_catch parks a C++ exception and returns; it rethrows forced
	// unwinding, which leaves through here to secret_do's caller.
	bl	secretmode_catch
	b	.Lfn_returned
.Lsecret_do_end:
	.cfi_endproc
	.size	secret_do, .-secret_do

#include "arch/secret_do_lsda.inc"

#endif  // __aarch64__ && __linux__

	.section .note.GNU-stack,"",%progbits
