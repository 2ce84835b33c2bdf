/* Byte offsets shared by register_snapshot.h (which static_asserts them
 * against the C++ structs) and register_snapshot_x86_64.S. Macros only, so
 * the assembler can include this file too. */
#ifndef SECRETMODE_TESTS_SUPPORT_REGISTER_SNAPSHOT_LAYOUT_H_
#define SECRETMODE_TESTS_SUPPORT_REGISTER_SNAPSHOT_LAYOUT_H_

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

/* SecretTestFillRequest. */
#define SECRET_TEST_FILL_PATTERN 0
#define SECRET_TEST_FILL_FN 8
#define SECRET_TEST_FILL_ARG 16

#endif /* SECRETMODE_TESTS_SUPPORT_REGISTER_SNAPSHOT_LAYOUT_H_ */
