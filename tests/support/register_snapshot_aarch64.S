// Register capture and register dirtying helpers for erasure tests, AArch64
// (AAPCS64). See register_snapshot.h for the C declarations and the exact
// contracts. SVE instructions run only when secret_test_vector_level says
// the CPU has SVE (register_snapshot.cc sets it from AT_HWCAP); anywhere else
// they would fault.
#if defined(__aarch64__)

#include "tests/support/register_snapshot_layout.h"

	.hidden	secret_test_vector_level
	.text

// LOAD_VECTOR_LEVEL \w: \w = secret_test_vector_level. Sets no flags, so it
// may run between a callee's return and the snapshot of NZCV.
.macro LOAD_VECTOR_LEVEL w, x
	adrp	\x, secret_test_vector_level
	ldr	\w, [\x, :lo12:secret_test_vector_level]
.endm

// void secret_test_call_and_snapshot(void (*call)(void*) [x0], void* arg [x1],
//                                    RegisterSnapshot* out [x2])
// Calls call(arg); the instructions right after the call store the registers
// exactly as the callee left them. None of them sets flags.
	.globl	secret_test_call_and_snapshot
	.type	secret_test_call_and_snapshot, %function
	.p2align 4
secret_test_call_and_snapshot:
	.cfi_startproc
	hint	#34			// bti c
	// Frame: x29/x30, x19 (carries `out` across the call), and d8-d15,
	// restored after the snapshot so that a callee that broke them cannot
	// break our compiled caller.
	stp	x29, x30, [sp, #-96]!
	.cfi_def_cfa_offset 96
	.cfi_offset x29, -96
	.cfi_offset x30, -88
	mov	x29, sp
	str	x19, [sp, #16]
	.cfi_offset x19, -80
	stp	d8, d9, [sp, #32]
	.cfi_offset d8, -64
	.cfi_offset d9, -56
	stp	d10, d11, [sp, #48]
	.cfi_offset d10, -48
	.cfi_offset d11, -40
	stp	d12, d13, [sp, #64]
	.cfi_offset d12, -32
	.cfi_offset d13, -24
	stp	d14, d15, [sp, #80]
	.cfi_offset d14, -16
	.cfi_offset d15, -8
	mov	x19, x2
	mov	x9, sp
	str	x9, [x19, #SECRET_TEST_SNAP_SP_BEFORE_CALL]
	mov	x9, x0			// call target
	mov	x0, x1			// arg
	blr	x9

	// x0-x30 first: plain stores change neither registers nor flags.
	// x[19] records `out`, x[29] our frame pointer, x[30] the return address.
	stp	x0, x1, [x19, #(SECRET_TEST_SNAP_X + 0)]
	stp	x2, x3, [x19, #(SECRET_TEST_SNAP_X + 16)]
	stp	x4, x5, [x19, #(SECRET_TEST_SNAP_X + 32)]
	stp	x6, x7, [x19, #(SECRET_TEST_SNAP_X + 48)]
	stp	x8, x9, [x19, #(SECRET_TEST_SNAP_X + 64)]
	stp	x10, x11, [x19, #(SECRET_TEST_SNAP_X + 80)]
	stp	x12, x13, [x19, #(SECRET_TEST_SNAP_X + 96)]
	stp	x14, x15, [x19, #(SECRET_TEST_SNAP_X + 112)]
	stp	x16, x17, [x19, #(SECRET_TEST_SNAP_X + 128)]
	stp	x18, x19, [x19, #(SECRET_TEST_SNAP_X + 144)]
	stp	x20, x21, [x19, #(SECRET_TEST_SNAP_X + 160)]
	stp	x22, x23, [x19, #(SECRET_TEST_SNAP_X + 176)]
	stp	x24, x25, [x19, #(SECRET_TEST_SNAP_X + 192)]
	stp	x26, x27, [x19, #(SECRET_TEST_SNAP_X + 208)]
	stp	x28, x29, [x19, #(SECRET_TEST_SNAP_X + 224)]
	str	x30, [x19, #(SECRET_TEST_SNAP_X + 240)]

	// sp, then the status registers; x9 is free now that all are stored.
	mov	x9, sp
	str	x9, [x19, #SECRET_TEST_SNAP_SP]
	mrs	x9, nzcv
	str	x9, [x19, #SECRET_TEST_SNAP_NZCV]
	mrs	x9, fpsr
	str	x9, [x19, #SECRET_TEST_SNAP_FPSR]

	// v0-v31, the 128-bit views, at every level.
	.irp	i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	str	q\i, [x19, #(SECRET_TEST_SNAP_V + 16 * \i)]
	.endr

	// SVE: the level and the vector length the state was saved with, then
	// z0-z31 (sve_bytes each) and p0-p15 and FFR (sve_bytes / 8 each), each
	// at the start of its slot. FFR is read through p0, already saved.
	LOAD_VECTOR_LEVEL w9, x9
	str	w9, [x19, #SECRET_TEST_SNAP_VECTOR_LEVEL]
	cbz	w9, .Lsnap_done
	.arch_extension sve
	rdvl	x10, #1
	str	w10, [x19, #SECRET_TEST_SNAP_SVE_BYTES]
	add	x10, x19, #SECRET_TEST_SNAP_Z
	.irp	i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	str	z\i, [x10]
	add	x10, x10, #SECRET_TEST_SNAP_Z_STRIDE
	.endr
	mov	x10, #SECRET_TEST_SNAP_P
	add	x10, x19, x10
	.irp	i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	str	p\i, [x10]
	add	x10, x10, #SECRET_TEST_SNAP_P_STRIDE
	.endr
	rdffr	p0.b
	mov	x10, #SECRET_TEST_SNAP_FFR
	add	x10, x19, x10
	str	p0, [x10]
	.arch_extension nosve

.Lsnap_done:
	// Restore our caller's callee-saved registers; the caller-saved ones
	// now hold snapshot scratch values, which is fine for a void function.
	ldp	d14, d15, [sp, #80]
	ldp	d12, d13, [sp, #64]
	ldp	d10, d11, [sp, #48]
	ldp	d8, d9, [sp, #32]
	.cfi_restore d8
	.cfi_restore d9
	.cfi_restore d10
	.cfi_restore d11
	.cfi_restore d12
	.cfi_restore d13
	.cfi_restore d14
	.cfi_restore d15
	ldr	x19, [sp, #16]
	.cfi_restore x19
	ldp	x29, x30, [sp], #96
	.cfi_restore x29
	.cfi_restore x30
	.cfi_def_cfa_offset 0
	ret
	.cfi_endproc
	.size	secret_test_call_and_snapshot, .-secret_test_call_and_snapshot

// Frame of secret_test_fill_registers_and_call: x29/x30, x19-x21, d8-d15,
// and a 256-byte buffer (one Z register at the longest vector length) that
// stages the repeated pattern and later merges d8-d15 back into z8-z15.
#define FILL_D 48
#define FILL_BUF 112
#define FILL_FRAME (FILL_BUF + SECRET_TEST_SNAP_Z_STRIDE)

// void secret_test_fill_registers_and_call(const SecretTestFillRequest* [x0])
// Loads request->pattern (64 bytes) into every caller-saved GPR but x0, into
// all vector state, NZCV and FPSR, then calls request->fn(request->arg).
// After fn returns it puts back only what AAPCS64 says a callee preserves.
	.globl	secret_test_fill_registers_and_call
	.type	secret_test_fill_registers_and_call, %function
	.p2align 4
secret_test_fill_registers_and_call:
	.cfi_startproc
	hint	#34			// bti c
	// x19 = the request, x20 = the pattern (then the buffer), x21 = fn
	// (then scratch): callee-saved, so they survive fn and cannot hold
	// pattern bytes. d8-d15 are saved to be merged back after fn.
	stp	x29, x30, [sp, #-FILL_FRAME]!
	.cfi_def_cfa_offset FILL_FRAME
	.cfi_offset x29, -FILL_FRAME
	.cfi_offset x30, -(FILL_FRAME - 8)
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	.cfi_offset x19, -(FILL_FRAME - 16)
	.cfi_offset x20, -(FILL_FRAME - 24)
	str	x21, [sp, #32]
	.cfi_offset x21, -(FILL_FRAME - 32)
	stp	d8, d9, [sp, #FILL_D]
	.cfi_offset d8, -(FILL_FRAME - FILL_D)
	.cfi_offset d9, -(FILL_FRAME - FILL_D - 8)
	stp	d10, d11, [sp, #(FILL_D + 16)]
	.cfi_offset d10, -(FILL_FRAME - FILL_D - 16)
	.cfi_offset d11, -(FILL_FRAME - FILL_D - 24)
	stp	d12, d13, [sp, #(FILL_D + 32)]
	.cfi_offset d12, -(FILL_FRAME - FILL_D - 32)
	.cfi_offset d13, -(FILL_FRAME - FILL_D - 40)
	stp	d14, d15, [sp, #(FILL_D + 48)]
	.cfi_offset d14, -(FILL_FRAME - FILL_D - 48)
	.cfi_offset d15, -(FILL_FRAME - FILL_D - 56)
	mov	x19, x0
	ldr	x20, [x19, #SECRET_TEST_FILL_PATTERN]
	LOAD_VECTOR_LEVEL w9, x9
	cbnz	w9, .Lfill_sve

	// AdvSIMD only: v0-v31 = pattern[0..16).
	.irp	i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ldr	q\i, [x20]
	.endr
	b	.Lfill_status

.Lfill_sve:
	// SVE: stage the pattern four times over in the buffer (the longest
	// vector), so that z0-z31 = pattern repeated, byte b = pattern[b % 64].
	// q0-q3 carry it there and are overwritten by the Z loads.
	add	x9, sp, #FILL_BUF
	ldp	q0, q1, [x20]
	ldp	q2, q3, [x20, #32]
	.irp	off, 0,64,128,192
	stp	q0, q1, [x9, #\off]
	stp	q2, q3, [x9, #(\off + 32)]
	.endr
	.arch_extension sve
	.irp	i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ldr	z\i, [x9]
	.endr
	// p0-p15 = pattern[0..VL/8). FFR all true: it can only hold a run of
	// leading ones (a first-fault load's result; WRFFR of anything else
	// leaves it UNPREDICTABLE), and all true is the most it can hold.
	.irp	i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	ldr	p\i, [x20]
	.endr
	setffr
	.arch_extension nosve

.Lfill_status:
	// NZCV and FPSR: every flag set, as arithmetic on the secret could
	// leave them.
	mov	x9, #(SECRET_TEST_FILL_FPSR & 0xffff)
	movk	x9, #(SECRET_TEST_FILL_FPSR >> 16), lsl #16
	msr	fpsr, x9
	mov	x9, #SECRET_TEST_FILL_NZCV
	msr	nzcv, x9

	// GPRs last: x1-x8 and x9-x16 = the pattern's eight words, x17-x18 =
	// its first two; x0 = the argument.
	ldr	x21, [x19, #SECRET_TEST_FILL_FN]
	ldr	x0, [x19, #SECRET_TEST_FILL_ARG]
	ldp	x1, x2, [x20]
	ldp	x3, x4, [x20, #16]
	ldp	x5, x6, [x20, #32]
	ldp	x7, x8, [x20, #48]
	ldp	x9, x10, [x20]
	ldp	x11, x12, [x20, #16]
	ldp	x13, x14, [x20, #32]
	ldp	x15, x16, [x20, #48]
	ldp	x17, x18, [x20]
	blr	x21

	// Put back the caller's low halves of v8-v15 and change no other bit:
	// nothing here writes a caller-saved register or the flags (cbnz does
	// not set them), and x20/x21 are ours.
	LOAD_VECTOR_LEVEL w21, x21
	cbnz	w21, .Lrestore_sve
	// AdvSIMD: an element insert keeps bits 64-127.
	.irp	i, 8,9,10,11,12,13,14,15
	ldr	x21, [sp, #(FILL_D + 8 * (\i - 8))]
	mov	v\i\().d[0], x21
	.endr
	b	.Lrestore_done

.Lrestore_sve:
	// SVE: any AdvSIMD write would zero the bits above 128, so each z<i>
	// goes through memory: stored whole, its low 8 bytes replaced, loaded.
	add	x20, sp, #FILL_BUF
	.arch_extension sve
	.irp	i, 8,9,10,11,12,13,14,15
	str	z\i, [x20]
	ldr	x21, [sp, #(FILL_D + 8 * (\i - 8))]
	str	x21, [x20]
	ldr	z\i, [x20]
	.endr
	.arch_extension nosve

.Lrestore_done:
	// The buffer held pattern copies and what fn left in z8-z15: zero it,
	// so that memory scans of this process do not find them.
	add	x20, sp, #FILL_BUF
	.irp	off, 0,16,32,48,64,80,96,112,128,144,160,176,192,208,224,240
	stp	xzr, xzr, [x20, #\off]
	.endr
	ldp	x19, x20, [sp, #16]
	.cfi_restore x19
	.cfi_restore x20
	ldr	x21, [sp, #32]
	.cfi_restore x21
	ldp	x29, x30, [sp], #FILL_FRAME
	.cfi_restore x29
	.cfi_restore x30
	.cfi_restore d8
	.cfi_restore d9
	.cfi_restore d10
	.cfi_restore d11
	.cfi_restore d12
	.cfi_restore d13
	.cfi_restore d14
	.cfi_restore d15
	.cfi_def_cfa_offset 0
	ret
	.cfi_endproc
	.size	secret_test_fill_registers_and_call, .-secret_test_fill_registers_and_call

// void secret_test_noop(void*): touches nothing.
	.globl	secret_test_noop
	.type	secret_test_noop, %function
	.p2align 4
secret_test_noop:
	.cfi_startproc
	hint	#34			// bti c
	ret
	.cfi_endproc
	.size	secret_test_noop, .-secret_test_noop

// void secret_test_clear_caller_saved(void*): the erasure a correct
// implementation must at least achieve, written independently of
// arch/aarch64/clear_registers.inc.
	.globl	secret_test_clear_caller_saved
	.type	secret_test_clear_caller_saved, %function
	.p2align 4
secret_test_clear_caller_saved:
	.cfi_startproc
	hint	#34			// bti c
	// v0-v7 and v16-v31 whole. Every AdvSIMD write also zeroes the bits of
	// the Z register above 128.
	.irp	i, 0,1,2,3,4,5,6,7,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	eor	v\i\().16b, v\i\().16b, v\i\().16b
	.endr
	// v8-v15: a scalar move of d<i> onto itself keeps the callee-saved low
	// 64 bits and zeroes all above them.
	.irp	i, 8,9,10,11,12,13,14,15
	fmov	d\i, d\i
	.endr
	msr	fpsr, xzr
	// SVE: the predicates, then FFR from the cleared p0.
	LOAD_VECTOR_LEVEL w9, x9
	cbz	w9, .Lclear_gpr
	.arch_extension sve
	.irp	i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	pfalse	p\i\().b
	.endr
	wrffr	p0.b
	.arch_extension nosve
.Lclear_gpr:
	// x0-x18 (x9 held the level), then the flags.
	.irp	i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18
	mov	x\i, #0
	.endr
	msr	nzcv, xzr
	ret
	.cfi_endproc
	.size	secret_test_clear_caller_saved, .-secret_test_clear_caller_saved

// void secret_test_call_with_callee_saved(const CalleeSavedRegisters* in [x0],
//     CalleeSavedRegisters* out [x1], void (*call)(void*) [x2], void* arg [x3])
// Loads in->x into x19-x29 and in->d into d8-d15, calls call(arg), and
// stores those registers and sp into *out as call left them.
	.globl	secret_test_call_with_callee_saved
	.type	secret_test_call_with_callee_saved, %function
	.p2align 4
secret_test_call_with_callee_saved:
	.cfi_startproc
	hint	#34			// bti c
	// Frame: x29/x30, our caller's x19-x28 and d8-d15, and `out`, which
	// no register can carry: every callee-saved one holds a marker.
	stp	x29, x30, [sp, #-176]!
	.cfi_def_cfa_offset 176
	.cfi_offset x29, -176
	.cfi_offset x30, -168
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	.cfi_offset x19, -160
	.cfi_offset x20, -152
	stp	x21, x22, [sp, #32]
	.cfi_offset x21, -144
	.cfi_offset x22, -136
	stp	x23, x24, [sp, #48]
	.cfi_offset x23, -128
	.cfi_offset x24, -120
	stp	x25, x26, [sp, #64]
	.cfi_offset x25, -112
	.cfi_offset x26, -104
	stp	x27, x28, [sp, #80]
	.cfi_offset x27, -96
	.cfi_offset x28, -88
	stp	d8, d9, [sp, #96]
	.cfi_offset d8, -80
	.cfi_offset d9, -72
	stp	d10, d11, [sp, #112]
	.cfi_offset d10, -64
	.cfi_offset d11, -56
	stp	d12, d13, [sp, #128]
	.cfi_offset d12, -48
	.cfi_offset d13, -40
	stp	d14, d15, [sp, #144]
	.cfi_offset d14, -32
	.cfi_offset d15, -24
	str	x1, [sp, #160]
	mov	x9, sp
	str	x9, [x1, #SECRET_TEST_CS_SP_BEFORE_CALL]

	// The markers. x29 too: from here on the CFA is sp-based only, and the
	// frame record written above already links our caller's frame.
	ldp	x19, x20, [x0, #(SECRET_TEST_CS_X + 0)]
	ldp	x21, x22, [x0, #(SECRET_TEST_CS_X + 16)]
	ldp	x23, x24, [x0, #(SECRET_TEST_CS_X + 32)]
	ldp	x25, x26, [x0, #(SECRET_TEST_CS_X + 48)]
	ldp	x27, x28, [x0, #(SECRET_TEST_CS_X + 64)]
	ldr	x29, [x0, #(SECRET_TEST_CS_X + 80)]
	ldp	d8, d9, [x0, #(SECRET_TEST_CS_D + 0)]
	ldp	d10, d11, [x0, #(SECRET_TEST_CS_D + 16)]
	ldp	d12, d13, [x0, #(SECRET_TEST_CS_D + 32)]
	ldp	d14, d15, [x0, #(SECRET_TEST_CS_D + 48)]
	mov	x9, x2			// call target
	mov	x0, x3			// arg
	blr	x9

	// sp first (an unbalanced callee makes the load of `out` read the
	// wrong slot, which the test then sees as a crash or wrong values),
	// then the callee-saved registers as call left them.
	mov	x9, sp
	ldr	x10, [sp, #160]
	str	x9, [x10, #SECRET_TEST_CS_SP]
	stp	x19, x20, [x10, #(SECRET_TEST_CS_X + 0)]
	stp	x21, x22, [x10, #(SECRET_TEST_CS_X + 16)]
	stp	x23, x24, [x10, #(SECRET_TEST_CS_X + 32)]
	stp	x25, x26, [x10, #(SECRET_TEST_CS_X + 48)]
	stp	x27, x28, [x10, #(SECRET_TEST_CS_X + 64)]
	str	x29, [x10, #(SECRET_TEST_CS_X + 80)]
	stp	d8, d9, [x10, #(SECRET_TEST_CS_D + 0)]
	stp	d10, d11, [x10, #(SECRET_TEST_CS_D + 16)]
	stp	d12, d13, [x10, #(SECRET_TEST_CS_D + 32)]
	stp	d14, d15, [x10, #(SECRET_TEST_CS_D + 48)]

	// Restore our caller's registers.
	ldp	d14, d15, [sp, #144]
	ldp	d12, d13, [sp, #128]
	ldp	d10, d11, [sp, #112]
	ldp	d8, d9, [sp, #96]
	ldp	x27, x28, [sp, #80]
	ldp	x25, x26, [sp, #64]
	ldp	x23, x24, [sp, #48]
	ldp	x21, x22, [sp, #32]
	ldp	x19, x20, [sp, #16]
	.cfi_restore x19
	.cfi_restore x20
	.cfi_restore x21
	.cfi_restore x22
	.cfi_restore x23
	.cfi_restore x24
	.cfi_restore x25
	.cfi_restore x26
	.cfi_restore x27
	.cfi_restore x28
	.cfi_restore d8
	.cfi_restore d9
	.cfi_restore d10
	.cfi_restore d11
	.cfi_restore d12
	.cfi_restore d13
	.cfi_restore d14
	.cfi_restore d15
	ldp	x29, x30, [sp], #176
	.cfi_restore x29
	.cfi_restore x30
	.cfi_def_cfa_offset 0
	ret
	.cfi_endproc
	.size	secret_test_call_with_callee_saved, .-secret_test_call_with_callee_saved

	// No executable stack for the final binary.
	.section .note.GNU-stack,"",%progbits

#else  // !__aarch64__
	// Other architectures provide their own file; keep the stack
	// non-executable even for this empty object.
	.section .note.GNU-stack,"",%progbits
#endif
