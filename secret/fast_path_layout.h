/* fast_path_layout.h: what secret_do's assembly fast path needs from the
 * C++ side: the byte offsets of the `ThreadState` fields it reads and
 * writes (from `g_thread_state`), and the predictor's constants.
 *
 * The assembly cannot see the C++ struct; thread_state.cc checks every
 * offset here with static_assert, so a change that moves a field fails to
 * compile instead of corrupting state. secret_stack.h defines its constants
 * from the ones here, so each lives once. */

#ifndef SECRETMODE_SECRET_FAST_PATH_LAYOUT_H_
#define SECRETMODE_SECRET_FAST_PATH_LAYOUT_H_

/* ---- ThreadState fields ---- */
#define SECRETMODE_TS_ACTIVE 0              /* uint32_t active */
#define SECRETMODE_TS_EXCEPTION_PENDING 5   /* bool exception_pending */
#define SECRETMODE_TS_FAST_ENTER 7          /* bool fast_enter */
#define SECRETMODE_TS_STACK_FENCE 32        /* uintptr_t stack.fence */
#define SECRETMODE_TS_STACK_TOP 40          /* uintptr_t stack.top */
#define SECRETMODE_TS_STACK_LOWEST_FAULT 48 /* uintptr_t stack.lowest_fault */
#define SECRETMODE_TS_EPOCH_CALLS 96        /* uint32_t stack.epoch_calls */
#define SECRETMODE_TS_EPOCH_WASTE 104       /* size_t stack.epoch_waste */
#define SECRETMODE_TS_EPOCH_MAX_DEPTH 112   /* size_t stack.epoch_max_depth */
#define SECRETMODE_TS_PREVIOUS_EPOCH_MAX_DEPTH 120
                                   /* size_t stack.previous_epoch_max_depth */
#define SECRETMODE_TS_SIGNAL_STACK_HI 144   /* uintptr_t signal_stack.hi */
#define SECRETMODE_TS_CALLS 224             /* uint64_t calls */
#define SECRETMODE_TS_BYTES_ERASED 232      /* uint64_t bytes_erased */
#define SECRETMODE_TS_BYTES_INSPECTED 240   /* uint64_t bytes_inspected */
#define SECRETMODE_TS_LAST_DIRTY_BYTES 248  /* uint64_t last_dirty_bytes */
#define SECRETMODE_TS_CALLER_SP 280         /* uintptr_t caller_sp */

/* ---- The predictor's constants (see secret_stack.h for what they mean) ---- */
#define SECRETMODE_BLIND_ERASE_ZONE 1024
#define SECRETMODE_EPOCH_CALLS 64
#define SECRETMODE_EPOCH_WASTE_BUDGET (256 * 1024)

#endif /* SECRETMODE_SECRET_FAST_PATH_LAYOUT_H_ */
