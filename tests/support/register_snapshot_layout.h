/* Byte offsets shared by register_snapshot.h (which static_asserts them
 * against the C++ structs) and register_snapshot_<arch>.S. Macros only, so
 * the assembler can include this file too. */
#ifndef SECRETMODE_TESTS_SUPPORT_REGISTER_SNAPSHOT_LAYOUT_H_
#define SECRETMODE_TESTS_SUPPORT_REGISTER_SNAPSHOT_LAYOUT_H_

#if defined(__x86_64__)

/* RegisterSnapshot: gpr[16] in this order. */
#define SECRET_TEST_SNAP_RAX 0
#define SECRET_TEST_SNAP_RBX 8
#define SECRET_TEST_SNAP_RCX 16
#define SECRET_TEST_SNAP_RDX 24
#define SECRET_TEST_SNAP_RSI 32
#define SECRET_TEST_SNAP_RDI 40
#define SECRET_TEST_SNAP_RBP 48
#define SECRET_TEST_SNAP_RSP 56
#define SECRET_TEST_SNAP_R8 64
#define SECRET_TEST_SNAP_R9 72
#define SECRET_TEST_SNAP_R10 80
#define SECRET_TEST_SNAP_R11 88
#define SECRET_TEST_SNAP_R12 96
#define SECRET_TEST_SNAP_R13 104
#define SECRET_TEST_SNAP_R14 112
#define SECRET_TEST_SNAP_R15 120
#define SECRET_TEST_SNAP_RFLAGS 128
#define SECRET_TEST_SNAP_RSP_BEFORE_CALL 136
#define SECRET_TEST_SNAP_VECTOR_LEVEL 144 /* uint32_t */
#define SECRET_TEST_SNAP_K 152            /* k0..k7, 8 bytes each */
#define SECRET_TEST_SNAP_VEC 256          /* 32 slots of 64 bytes */
#define SECRET_TEST_SNAP_VEC_STRIDE 64
#define SECRET_TEST_SNAP_SIZE 2304

/* Values of secret_test_vector_level: which registers the helpers touch. */
#define SECRET_TEST_VEC_SSE 0       /* xmm0-15 */
#define SECRET_TEST_VEC_AVX 1       /* ymm0-15 */
#define SECRET_TEST_VEC_AVX512 2    /* zmm0-31, k0-7 via kmovw (16 bits) */
#define SECRET_TEST_VEC_AVX512BW 3  /* zmm0-31, k0-7 via kmovq (64 bits) */

#elif defined(__aarch64__)

/* RegisterSnapshot: x[31] = x0..x30, 8 bytes each, from offset 0. */
#define SECRET_TEST_SNAP_X 0
#define SECRET_TEST_SNAP_SP 248
#define SECRET_TEST_SNAP_SP_BEFORE_CALL 256
#define SECRET_TEST_SNAP_NZCV 264
#define SECRET_TEST_SNAP_FPSR 272
#define SECRET_TEST_SNAP_VECTOR_LEVEL 280 /* uint32_t */
#define SECRET_TEST_SNAP_SVE_BYTES 284    /* uint32_t: rdvl #1, 0 without SVE */
#define SECRET_TEST_SNAP_V 320            /* v0..v31, 16 bytes each */
/* SVE state, sized for the architectural maximum vector length (2048 bits):
 * z0..z31 in 256-byte slots, p0..p15 and FFR in 32-byte slots; each holds
 * its register's current length, the rest of the slot is left as it was. */
#define SECRET_TEST_SNAP_Z 832
#define SECRET_TEST_SNAP_Z_STRIDE 256
#define SECRET_TEST_SNAP_P 9024
#define SECRET_TEST_SNAP_P_STRIDE 32
#define SECRET_TEST_SNAP_FFR 9536
#define SECRET_TEST_SNAP_SIZE 9600

/* Values of secret_test_vector_level: which registers the helpers touch. */
#define SECRET_TEST_VEC_ADVSIMD 0 /* v0-31 */
#define SECRET_TEST_VEC_SVE 1     /* z0-31 at the current length, p0-15, FFR */

/* What secret_test_fill_registers_and_call leaves in the status registers:
 * all of N, Z, C, V; every cumulative floating-point exception flag (IOC,
 * DZC, OFC, UFC, IXC, IDC) and the saturation flag QC. */
#define SECRET_TEST_FILL_NZCV 0xf0000000
#define SECRET_TEST_FILL_FPSR 0x0800009f

/* SecretTestCalleeSaved: x19..x29, then the low 64 bits of v8..v15. */
#define SECRET_TEST_CS_X 0
#define SECRET_TEST_CS_D 88
#define SECRET_TEST_CS_SP_BEFORE_CALL 152
#define SECRET_TEST_CS_SP 160
#define SECRET_TEST_CS_SIZE 168

#endif

/* SecretTestFillRequest. */
#define SECRET_TEST_FILL_PATTERN 0
#define SECRET_TEST_FILL_FN 8
#define SECRET_TEST_FILL_ARG 16

#endif /* SECRETMODE_TESTS_SUPPORT_REGISTER_SNAPSHOT_LAYOUT_H_ */
