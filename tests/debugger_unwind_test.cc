// debugger_unwind_test.cc: the stack switch keeps debuggers and unwinders
// working. gdb, attached to a child paused inside f, walks from f's frames on
// the secret stack through secret_do to the function that called Do; and
// the C library's unwinder (backtrace) does the same from inside f.

#include <execinfo.h>
#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "secret/secret.h"
#include "tests/support/child_process.h"

namespace secret_test {
namespace {

volatile int g_sink;

// The function whose frame, on the thread's own stack, must appear below
// secret_do in every backtrace taken inside f.
__attribute__((noinline)) void CallerOutsideDo(ChildChannel& ch) {
  secret::Do([&ch] {
    ch.Send("inside");
    ch.Receive();  // paused here until killed
  });
  g_sink = 1;
}

std::string RunCommand(const std::string& command) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe.get())) > 0) out.append(buf.data(), n);
  return out;
}

TEST(DebuggerUnwindTest, GdbBacktraceCrossesTheStackSwitch) {
  if (system("command -v gdb >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "gdb is not installed";
  }
  ChildProcess child([](ChildChannel& ch) { CallerOutsideDo(ch); });
  ASSERT_TRUE(child.ok()) << child.error();
  ASSERT_EQ(child.Receive().value_or(""), "inside");
  const std::string bt =
      RunCommand("gdb -nx -batch -p " + std::to_string(child.pid()) +
          " -ex 'thread apply all bt' 2>&1");
  EXPECT_NE(bt.find("secret_do"), std::string::npos) << bt;
  EXPECT_NE(bt.find("CallerOutsideDo"), std::string::npos) << bt;
  EXPECT_EQ(bt.find("Backtrace stopped"), std::string::npos) << bt;
}

// Inside f the unwinder must see every frame it sees outside Do (down to
// main and the C library's start), plus those of Do itself; had it stopped
// at the stack switch it would see only f's few frames.
TEST(DebuggerUnwindTest, LibraryUnwinderCrossesTheStackSwitch) {
  void* frames[256];
  const int outside = backtrace(frames, 256);
  int inside = 0;
  secret::Do([&] { inside = backtrace(frames, 256); });
  EXPECT_GT(outside, 5);
  EXPECT_GT(inside, outside);
}

}  // namespace
}  // namespace secret_test
