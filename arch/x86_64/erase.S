// erase.S: x86-64 scan-and-zero of a secret stack range, and vector clearing.
//
//   uintptr_t secretmode_erase_range(uintptr_t lo, uintptr_t hi);
//   uintptr_t secretmode_zero_small_range(uintptr_t lo, uintptr_t hi);
//   void secretmode_clear_vector_registers(void);
//
// The secret stack is all zero between calls, so everything below the lowest
// non-zero 64-byte chunk of [lo, hi) is still zero: the routine reads upward
// until it finds that chunk, then writes zeros from it to hi. Reads and writes
// together touch each byte of the range once. The words it loads are secret;
// they live only in vector registers, which it zeroes before returning.

#if defined(__x86_64__) && defined(__linux__)

#include "arch/x86_64/clear_registers.inc"

// Ranges at least this long are zeroed with `rep stosb` where the CPU has
// ERMS (the size above which glibc's memset switches to it).
#define SECRETMODE_REP_STOS_MIN 2048

	.text
	.globl	secretmode_erase_range
	.hidden	secretmode_erase_range		// called directly, never through a PLT: secret_do.S keeps r8-r11 across it
	.type	secretmode_erase_range, @function
	.p2align 4
secretmode_erase_range:
	.cfi_startproc
	// rdi = lo, rsi = hi (both 64-byte aligned); rax walks upward.
	movq	%rdi, %rax
	cmpl	$0, secretmode_vector_level(%rip)
	jne	.Lavx_scan128

	// SSE2: 64 bytes per step; pcmpeqb against zero marks zero bytes.
	pxor	%xmm4, %xmm4
.Lsse_scan:
	cmpq	%rsi, %rax
	jae	.Lclean
	movdqa	(%rax), %xmm0
	por	16(%rax), %xmm0
	por	32(%rax), %xmm0
	por	48(%rax), %xmm0
	pcmpeqb	%xmm4, %xmm0
	pmovmskb %xmm0, %ecx
	cmpl	$0xffff, %ecx
	jne	.Lsse_zero
	addq	$64, %rax
	jmp	.Lsse_scan
.Lsse_zero:
	// rax = first dirty chunk; zero [rax, hi) with 16-byte stores of xmm4.
	movq	%rax, %rdx
.Lsse_zero_loop:
	movdqa	%xmm4, (%rdx)
	movdqa	%xmm4, 16(%rdx)
	movdqa	%xmm4, 32(%rdx)
	movdqa	%xmm4, 48(%rdx)
	addq	$64, %rdx
	cmpq	%rsi, %rdx
	jb	.Lsse_zero_loop
	pxor	%xmm0, %xmm0		// xmm0 held secret words
	ret

.Lavx_scan128:
	// AVX: 128 bytes per step while at least 128 remain.
	leaq	128(%rax), %rdx
	cmpq	%rsi, %rdx
	ja	.Lavx_scan64
	vmovdqa	(%rax), %ymm0
	vpor	32(%rax), %ymm0, %ymm0
	vmovdqa	64(%rax), %ymm1
	vpor	96(%rax), %ymm1, %ymm1
	vptest	%ymm0, %ymm0
	jnz	.Lavx_zero
	vptest	%ymm1, %ymm1
	jnz	.Lavx_zero_upper_half
	movq	%rdx, %rax
	jmp	.Lavx_scan128
.Lavx_zero_upper_half:
	// The first 64 bytes of this step were clean.
	addq	$64, %rax
	jmp	.Lavx_zero
.Lavx_scan64:
	// Tail: the last 64 bytes, if any.
	cmpq	%rsi, %rax
	jae	.Lavx_clean
	vmovdqa	(%rax), %ymm0
	vpor	32(%rax), %ymm0, %ymm0
	vptest	%ymm0, %ymm0
	jnz	.Lavx_zero
.Lavx_clean:
	vpxor	%ymm0, %ymm0, %ymm0
	vpxor	%ymm1, %ymm1, %ymm1
	vzeroupper
.Lclean:
	pxor	%xmm0, %xmm0		// SSE scan: xmm0 held a mask of the zone's bytes
	movq	%rsi, %rax
	ret
.Lavx_zero:
	// rax = first dirty chunk; zero [rax, hi) with 32-byte stores.
	vpxor	%ymm0, %ymm0, %ymm0	// ymm0/ymm1 held secret words
	vpxor	%ymm1, %ymm1, %ymm1
	movq	%rax, %rdx
	// With ERMS, `rep stosb` zeroes [rax, hi) when it is at least
	// SECRETMODE_REP_STOS_MIN bytes: faster than the vector loop there
	// (bench/RESULTS.md). It writes al = 0; rdx keeps the return value.
	cmpl	$0, secretmode_rep_stos_fast(%rip)
	je	.Lavx_zero128
	movq	%rsi, %rcx
	subq	%rax, %rcx		// rcx = bytes to zero
	cmpq	$SECRETMODE_REP_STOS_MIN, %rcx
	jb	.Lavx_zero128
	movq	%rax, %rdi		// rdi = first dirty chunk
	xorl	%eax, %eax		// al = the byte to store
	rep stosb
	movq	%rdx, %rax		// return the first dirty chunk
	vzeroupper
	ret
	// 128-byte stores while at least 128 bytes remain, then one 64-byte.
.Lavx_zero128:
	leaq	128(%rdx), %rcx
	cmpq	%rsi, %rcx
	ja	.Lavx_zero64
	vmovdqa	%ymm0, (%rdx)
	vmovdqa	%ymm0, 32(%rdx)
	vmovdqa	%ymm0, 64(%rdx)
	vmovdqa	%ymm0, 96(%rdx)
	movq	%rcx, %rdx
	jmp	.Lavx_zero128
.Lavx_zero64:
	cmpq	%rsi, %rdx
	jae	.Lavx_zero_done
	vmovdqa	%ymm0, (%rdx)
	vmovdqa	%ymm0, 32(%rdx)
.Lavx_zero_done:
	vzeroupper
	ret
	.cfi_endproc
	.size	secretmode_erase_range, .-secretmode_erase_range

// uintptr_t secretmode_zero_small_range(uintptr_t lo, uintptr_t hi);
//
// For zones of a few hundred bytes, reading before writing costs more than
// writing: fn's frames were just written with 8-byte stores, and the wider
// loads of a scan cannot be forwarded from them. This zeroes all of [lo, hi)
// without reading it, except the lowest 64-byte chunk, which fn has usually
// not touched: it returns non-zero when that chunk was dirty (fn went to the
// bottom of the zone, so the predictor must widen it). Clobbers rax, rcx,
// rdi and ymm0/xmm1 only: secret_do's fast leave keeps state in r8-r11.
	.globl	secretmode_zero_small_range
	.hidden	secretmode_zero_small_range		// called directly, never through a PLT: secret_do.S keeps r8-r11 across it
	.type	secretmode_zero_small_range, @function
	.p2align 4
secretmode_zero_small_range:
	.cfi_startproc
	// rdi = lo, rsi = hi (both 64-byte aligned, lo < hi).
	// eax = whether the lowest chunk holds a non-zero byte, read with 8-byte
	// loads: fn wrote it with 8-byte stores (pushes, spills) just before, and
	// wider loads would wait for those stores instead of forwarding them.
	movq	(%rdi), %rcx
	orq	8(%rdi), %rcx
	orq	16(%rdi), %rcx
	orq	24(%rdi), %rcx
	orq	32(%rdi), %rcx
	orq	40(%rdi), %rcx
	orq	48(%rdi), %rcx
	orq	56(%rdi), %rcx
	setnz	%al
	movzbl	%al, %eax
	xorl	%ecx, %ecx		// rcx held secret words
	cmpl	$0, secretmode_vector_level(%rip)
	je	.Lsmall_sse
	// AVX: zero with 32-byte stores.
	vpxor	%xmm0, %xmm0, %xmm0
.Lsmall_avx_loop:
	vmovdqa	%ymm0, (%rdi)		// zero 64 bytes per step, bottom up
	vmovdqa	%ymm0, 32(%rdi)
	addq	$64, %rdi
	cmpq	%rsi, %rdi
	jb	.Lsmall_avx_loop
	vzeroupper
	ret
.Lsmall_sse:
	// SSE2: the same with 16-byte stores.
	pxor	%xmm1, %xmm1
.Lsmall_sse_loop:
	movdqa	%xmm1, (%rdi)		// zero 64 bytes per step, bottom up
	movdqa	%xmm1, 16(%rdi)
	movdqa	%xmm1, 32(%rdi)
	movdqa	%xmm1, 48(%rdi)
	addq	$64, %rdi
	cmpq	%rsi, %rdi
	jb	.Lsmall_sse_loop
	ret
	.cfi_endproc
	.size	secretmode_zero_small_range, .-secretmode_zero_small_range

	.globl	secretmode_clear_vector_registers
	.type	secretmode_clear_vector_registers, @function
	.p2align 4
secretmode_clear_vector_registers:
	.cfi_startproc
	// All vector registers are caller-saved, so zeroing them is legal here.
	CLEAR_VECTOR_REGISTERS
	ret
	.cfi_endproc
	.size	secretmode_clear_vector_registers, .-secretmode_clear_vector_registers

#endif  // __x86_64__ && __linux__

	.section .note.GNU-stack,"",@progbits
