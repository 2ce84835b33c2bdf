// Proves ChildProcess neither hangs nor leaks processes.
#include "tests/support/child_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include "gtest/gtest.h"

namespace secret_test {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

bool Reaped(pid_t pid) { return kill(pid, 0) == -1 && errno == ESRCH; }

char ProcessState(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), {});
  const size_t paren = stat.rfind(')');
  return paren == std::string::npos || paren + 2 >= stat.size()
             ? '?'
             : stat[paren + 2];
}

TEST(ChildProcessTest, ExchangesMessagesBothWays) {
  ChildProcess child([](ChildChannel& ch) {
    ch.Send("ready");
    const std::string got = ch.Receive();
    ch.Send("echo:" + got);
  });
  ASSERT_TRUE(child.ok()) << child.error();
  EXPECT_EQ(child.Receive().value_or("<none>"), "ready");
  ASSERT_TRUE(child.Send("ping"));
  EXPECT_EQ(child.Receive().value_or("<none>"), "echo:ping");
}

TEST(ChildProcessTest, StaysAliveAfterBodyReturnsInsteadOfReturningIntoGtest) {
  ChildProcess child([](ChildChannel& ch) { ch.Send("done"); });
  ASSERT_TRUE(child.ok()) << child.error();
  ASSERT_EQ(child.Receive().value_or(""), "done");
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(ProcessState(child.pid()), 'S');  // blocked in pause()
  EXPECT_FALSE(child.Receive(milliseconds(50)).has_value());
}

TEST(ChildProcessTest, ReceiveTimesOut) {
  ChildProcess child([](ChildChannel& ch) { ch.Receive(); });
  ASSERT_TRUE(child.ok()) << child.error();
  const auto start = steady_clock::now();
  EXPECT_FALSE(child.Receive(milliseconds(100)).has_value());
  const auto waited = steady_clock::now() - start;
  EXPECT_GE(waited, milliseconds(90));
  EXPECT_LT(waited, milliseconds(2000));
}

TEST(ChildProcessTest, ReceiveReturnsPromptlyWhenChildDies) {
  ChildProcess child([](ChildChannel&) { _exit(3); });
  ASSERT_TRUE(child.ok()) << child.error();
  const auto start = steady_clock::now();
  EXPECT_FALSE(child.Receive(std::chrono::seconds(10)).has_value());
  EXPECT_LT(steady_clock::now() - start, std::chrono::seconds(5));
  const int status = child.Kill();
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 3);
  EXPECT_FALSE(child.Send("anyone?"));  // no SIGPIPE either
}

TEST(ChildProcessTest, ExceptionInBodyExitsChild) {
  ChildProcess child([](ChildChannel&) { throw std::runtime_error("boom"); });
  ASSERT_TRUE(child.ok()) << child.error();
  EXPECT_FALSE(child.Receive().has_value());
  const int status = child.Kill();
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 2);
}

TEST(ChildProcessTest, DestructorKillsAndReaps) {
  pid_t pid = -1;
  {
    ChildProcess child([](ChildChannel& ch) { ch.Send("up"); });
    ASSERT_TRUE(child.ok()) << child.error();
    ASSERT_EQ(child.Receive().value_or(""), "up");
    pid = child.pid();
    EXPECT_FALSE(Reaped(pid));
  }
  EXPECT_TRUE(Reaped(pid));  // a zombie would still answer kill(pid, 0)
}

TEST(ChildProcessTest, MoveTransfersOwnership) {
  ChildProcess a([](ChildChannel& ch) { ch.Send("a"); });
  ASSERT_TRUE(a.ok()) << a.error();
  const pid_t pid = a.pid();
  ChildProcess b = std::move(a);
  EXPECT_FALSE(a.ok());  // NOLINT(bugprone-use-after-move): documented state
  EXPECT_EQ(b.pid(), pid);
  EXPECT_EQ(b.Receive().value_or(""), "a");
  b.Kill();
  EXPECT_TRUE(Reaped(pid));
}

TEST(ChildProcessTest, RefusesToForkAMultithreadedProcess) {
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::thread other([&] {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return release; });
  });
  ChildProcess child([](ChildChannel& ch) { ch.Send("should not run"); });
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  other.join();
  EXPECT_FALSE(child.ok());
  EXPECT_NE(child.error().find("thread"), std::string::npos) << child.error();
}

}  // namespace
}  // namespace secret_test
