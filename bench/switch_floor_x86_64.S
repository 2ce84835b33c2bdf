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
	// Clear the vector registers and the caller-saved GPRs.
	vzeroall
	xorl	%eax, %eax
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	xorl	%esi, %esi
	xorl	%edi, %edi
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
	xorl	%r11d, %r11d
	// Signal stack check: OR the top 128 bytes (the result is not used).
	vmovdqa	-32(%r12), %ymm0
	vpor	-64(%r12), %ymm0, %ymm0
	vpor	-96(%r12), %ymm0, %ymm0
	vpor	-128(%r12), %ymm0, %ymm0
	vptest	%ymm0, %ymm0
	setnz	%al
	vpxor	%xmm0, %xmm0, %xmm0
	// Zero the 128 bytes below the stack top.
	vmovdqa	%ymm0, -32(%rbx)
	vmovdqa	%ymm0, -64(%rbx)
	vmovdqa	%ymm0, -96(%rbx)
	vmovdqa	%ymm0, -128(%rbx)
	vzeroupper
	xorl	%eax, %eax
	// Back on the caller's stack.
	leaq	-16(%rbp), %rsp
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
