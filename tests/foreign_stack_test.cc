// foreign_stack_test.cc: code inside secret::Do that switches to a stack of
// its own (swapcontext here; fiber libraries and OpenSSL's ASYNC jobs, which
// OpenSSL runs inside SSL_do_handshake, do the same) is still inside the
// call. There, Enabled() holds, allocations come from the secret arena and a
// nested Do runs its function directly; back on the secret stack, the outer
// call goes on with its frames intact and is erased when it returns. Without
// this, a nested Do on the foreign stack took the outer call for one left by
// longjmp and erased its live frames (a crash when the job switched back).
// longjmp out of Do is still told apart: executor_api_test covers it. And
// a call that a coroutine started and paused holds the secret stack: a
// secret_do from the thread's own stack meanwhile fails with EBUSY.

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include <cstdint>

#include "gtest/gtest.h"
#include "secret/secret.h"
#include "secret/secret_c.h"
#include "tests/secret_holders.h"
#include "tests/secret_residue.h"

namespace secret_test {
namespace {

constexpr size_t kFiberStackSize = 256 * 1024;

// FiberStack owns a context that runs `entry` on a heap stack of its own and
// returns to `caller` when `entry` ends.
class FiberStack {
 public:
  FiberStack(ucontext_t* fiber, ucontext_t* caller, void (*entry)())
      : stack_(malloc(kFiberStackSize)) {
    ok_ = stack_ != nullptr && getcontext(fiber) == 0;
    if (!ok_) return;
    fiber->uc_stack.ss_sp = stack_;
    fiber->uc_stack.ss_size = kFiberStackSize;
    fiber->uc_link = caller;
    makecontext(fiber, entry, 0);
  }
  ~FiberStack() { free(stack_); }
  FiberStack(const FiberStack&) = delete;
  FiberStack& operator=(const FiberStack&) = delete;
  bool ok() const { return ok_; }

 private:
  void* stack_;
  bool ok_ = false;
};

struct Fiber {
  ucontext_t caller;
  ucontext_t fiber;
  // What the fiber saw.
  bool enabled = false;
  bool nested_ran = false;
  bool nested_enabled = false;
  uint64_t calls_before_nested = 0;
  uint64_t calls_after_nested = 0;
  bool block_in_arena = false;
  int switches = 0;
};

Fiber* g_fiber = nullptr;

void FiberMain() {
  Fiber& f = *g_fiber;
  f.enabled = secret::Enabled();
  f.calls_before_nested = secret::GetThreadStats().calls;
  secret::Do([&] {
    f.nested_ran = true;
    f.nested_enabled = secret::Enabled();
  });
  f.calls_after_nested = secret::GetThreadStats().calls;
  void* block = malloc(64);
  f.block_in_arena = secret_is_arena_block(block) != 0;
  free(block);
  // Back to the outer call, twice, as an ASYNC job pausing and resuming.
  ++f.switches;
  swapcontext(&f.fiber, &f.caller);
  ++f.switches;
  swapcontext(&f.fiber, &f.caller);
}

TEST(ForeignStackTest, StackSwitchInsideDoStaysInsideTheCall) {
  NewTestSecret();
  Fiber fiber;
  g_fiber = &fiber;
  FiberStack stack(&fiber.fiber, &fiber.caller, FiberMain);
  ASSERT_TRUE(stack.ok());

  uint64_t outer_check = 0;
  secret::Do([&] {
    // A live secret in this frame, which the fiber's nested Do must not
    // erase.
    volatile uint8_t live[kSecretSize];
    for (size_t i = 0; i < kSecretSize; ++i) live[i] = TestSecret()[i];
    swapcontext(&fiber.caller, &fiber.fiber);  // runs the fiber up to its pause
    swapcontext(&fiber.caller, &fiber.fiber);  // resumes it once more
    for (size_t i = 0; i < kSecretSize; ++i) {
      outer_check += live[i] == TestSecret()[i] ? 1 : 0;
    }
    EXPECT_TRUE(secret::Enabled());
  });

  EXPECT_TRUE(fiber.enabled) << "Enabled() is false on a stack switched to inside Do";
  EXPECT_TRUE(fiber.nested_ran);
  EXPECT_TRUE(fiber.nested_enabled);
  EXPECT_EQ(fiber.calls_after_nested, fiber.calls_before_nested)
      << "the nested Do switched stacks instead of running directly";
  EXPECT_TRUE(fiber.block_in_arena)
      << "an allocation on the switched-to stack did not come from the arena";
  EXPECT_EQ(fiber.switches, 2);
  EXPECT_EQ(outer_check, kSecretSize)
      << "the outer call's frame changed while the fiber ran";
  EXPECT_FALSE(secret::Enabled());
  // The outer call was erased as usual.
  EXPECT_TRUE(FindResidueInSelf().empty()) << FindResidueInSelf().Describe();
}

// The other way round: a coroutine starts the outermost call and pauses
// inside it, back on the thread's own stack (what an OpenSSL ASYNC job does
// when a wrapped call inside it pauses). The call is not over: a secret_do
// from the own stack meanwhile gets EBUSY instead of erasing the paused
// call's live frames, and the call finishes normally when resumed.
struct PausedCall {
  ucontext_t caller;
  ucontext_t fiber;
  uint64_t live_check = 0;
  bool finished = false;
};

PausedCall* g_paused = nullptr;

void PausingFiberMain() {
  PausedCall& p = *g_paused;
  secret::Do([&] {
    volatile uint8_t live[kSecretSize];
    for (size_t i = 0; i < kSecretSize; ++i) live[i] = TestSecret()[i];
    swapcontext(&p.fiber, &p.caller);  // pause with the call active
    for (size_t i = 0; i < kSecretSize; ++i) {
      p.live_check += live[i] == TestSecret()[i] ? 1 : 0;
    }
  });
  p.finished = true;
}

TEST(ForeignStackTest, CallPausedInACoroutineIsNotTakenForALongjmp) {
  NewTestSecret();
  PausedCall paused;
  g_paused = &paused;
  FiberStack stack(&paused.fiber, &paused.caller, PausingFiberMain);
  ASSERT_TRUE(stack.ok());
  // Make sure this thread has its secret stacks before the fiber runs.
  secret::Do([] {});

  swapcontext(&paused.caller, &paused.fiber);  // the fiber pauses inside Do
  ASSERT_FALSE(paused.finished);
  bool ran = false;
  const int err = secret_do([](void* r) { *static_cast<bool*>(r) = true; }, &ran);
  EXPECT_EQ(err, EBUSY);
  EXPECT_FALSE(ran);
  swapcontext(&paused.caller, &paused.fiber);  // resume: the call ends
  EXPECT_TRUE(paused.finished);
  EXPECT_EQ(paused.live_check, kSecretSize)
      << "the paused call's frame was erased or changed";

  // The thread is usable again, and nothing of the call is left.
  EXPECT_EQ(secret_do([](void* r) { *static_cast<bool*>(r) = true; }, &ran), 0);
  EXPECT_TRUE(ran);
  EXPECT_TRUE(FindResidueInSelf().empty()) << FindResidueInSelf().Describe();
}

}  // namespace
}  // namespace secret_test
