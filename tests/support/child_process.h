// A forked child that stays alive so its memory can be inspected with
// FindInProcess.
//
//   ChildProcess child([&](ChildChannel& ch) {
//     PlantSecret();
//     ch.Send("ready");
//     ch.Receive();          // wait for the parent's next command
//     WipeSecret();
//     ch.Send("wiped");
//   });                      // afterwards the child idles until killed
//   ASSERT_TRUE(child.ok()) << child.error();
//   ASSERT_EQ(child.Receive().value_or(""), "ready");
//   ... FindInProcess(child.pid(), ...) ...
//
// The child never returns into the caller (e.g. gtest): after the body it
// blocks until killed, and on an exception it _exit()s. It also dies with
// the parent (PR_SET_PDEATHSIG). Fork only from a single-threaded process;
// the constructor refuses otherwise, since the child could deadlock on a
// lock (e.g. malloc's) held by a thread that does not exist in the child.
#ifndef SECRETMODE_TESTS_SUPPORT_CHILD_PROCESS_H_
#define SECRETMODE_TESTS_SUPPORT_CHILD_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace secret_test {

// The child's end of the connection to the parent.
class ChildChannel {
 public:
  explicit ChildChannel(int fd) : fd_(fd) {}
  void Send(const std::string& message);
  // Blocks for the parent's next message; _exit(0)s if the parent is gone.
  std::string Receive();

 private:
  int fd_;
};

class ChildProcess {
 public:
  using Body = std::function<void(ChildChannel&)>;

  explicit ChildProcess(const Body& body);
  // Kills (SIGKILL) and reaps the child.
  ~ChildProcess();
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool ok() const { return pid_ > 0; }
  const std::string& error() const { return error_; }
  pid_t pid() const { return pid_; }

  // The child's next message; nullopt on timeout or if the child died.
  std::optional<std::string> Receive(
      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // False if the child is gone.
  bool Send(const std::string& message);
  // SIGKILL and reap (waiting at most ~5 s); returns the wait status, or -1
  // if there was no child or it could not be reaped. Idempotent.
  int Kill();

 private:
  void Reset();

  pid_t pid_ = -1;
  int fd_ = -1;
  std::string error_;
};

}  // namespace secret_test

#endif  // SECRETMODE_TESTS_SUPPORT_CHILD_PROCESS_H_
