// Tiny routines with a known register effect, used to check that the
// snapshot helpers read back exactly what a callee left behind. AArch64.
#if defined(__aarch64__)

	.text

// void snapshot_test_set_x5_v20(const struct { uint64_t x5; uint8_t v20[16]; }* [x0])
// Sets x5 and v20 only.
	.globl	snapshot_test_set_x5_v20
	.type	snapshot_test_set_x5_v20, %function
	.p2align 4
snapshot_test_set_x5_v20:
	.cfi_startproc
	hint	#34			// bti c
	ldr	x5, [x0]
	ldr	q20, [x0, #8]
	ret
	.cfi_endproc
	.size	snapshot_test_set_x5_v20, .-snapshot_test_set_x5_v20

// void snapshot_test_set_v9_high(const uint64_t* value [x0])
// Sets bits 64-127 of v9 (through x1), keeping its callee-saved low half.
// As every AdvSIMD write, it zeroes z9's bits above 128.
	.globl	snapshot_test_set_v9_high
	.type	snapshot_test_set_v9_high, %function
	.p2align 4
snapshot_test_set_v9_high:
	.cfi_startproc
	hint	#34			// bti c
	ldr	x1, [x0]
	mov	v9.d[1], x1
	ret
	.cfi_endproc
	.size	snapshot_test_set_v9_high, .-snapshot_test_set_v9_high

// void snapshot_test_set_z3_p7_ffr(const struct { uint8_t z3[256];
//     uint8_t p7[32]; uint8_t ffr[32]; }* [x0])
// SVE only. Sets z3 and p7 from the first vector length (or vector length
// / 8) bytes of their arrays, and FFR through p0 (pass a run of leading
// ones: WRFFR of anything else leaves FFR UNPREDICTABLE).
	.globl	snapshot_test_set_z3_p7_ffr
	.type	snapshot_test_set_z3_p7_ffr, %function
	.p2align 4
snapshot_test_set_z3_p7_ffr:
	.cfi_startproc
	hint	#34			// bti c
	.arch_extension sve
	ldr	z3, [x0]
	add	x1, x0, #256
	ldr	p7, [x1]
	add	x1, x0, #288
	ldr	p0, [x1]
	wrffr	p0.b
	.arch_extension nosve
	ret
	.cfi_endproc
	.size	snapshot_test_set_z3_p7_ffr, .-snapshot_test_set_z3_p7_ffr

// void snapshot_test_set_nzcv_fpsr(const uint64_t values[2] [x0])
// NZCV = values[0], FPSR = values[1] (through x1, x2).
	.globl	snapshot_test_set_nzcv_fpsr
	.type	snapshot_test_set_nzcv_fpsr, %function
	.p2align 4
snapshot_test_set_nzcv_fpsr:
	.cfi_startproc
	hint	#34			// bti c
	ldp	x1, x2, [x0]
	msr	nzcv, x1
	msr	fpsr, x2
	ret
	.cfi_endproc
	.size	snapshot_test_set_nzcv_fpsr, .-snapshot_test_set_nzcv_fpsr

// void snapshot_test_break_x23_d12(const uint64_t values[2] [x0])
// Breaks AAPCS64 on purpose: x23 = values[0], d12 = values[1] (through x1,
// x2), as a callee that fails to preserve them would leave them. Only for
// secret_test_call_with_callee_saved, which restores both afterwards.
	.globl	snapshot_test_break_x23_d12
	.type	snapshot_test_break_x23_d12, %function
	.p2align 4
snapshot_test_break_x23_d12:
	.cfi_startproc
	hint	#34			// bti c
	ldp	x1, x2, [x0]
	mov	x23, x1
	fmov	d12, x2
	ret
	.cfi_endproc
	.size	snapshot_test_break_x23_d12, .-snapshot_test_break_x23_d12

	.section .note.GNU-stack,"",%progbits
#else
	.section .note.GNU-stack,"",%progbits
#endif
