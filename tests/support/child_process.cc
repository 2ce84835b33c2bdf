#include "tests/support/child_process.h"

#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <thread>

namespace secret_test {
namespace {

// A socketpair rather than pipes: one fd per side for both directions, and
// MSG_NOSIGNAL turns a dead peer into an error instead of SIGPIPE.
bool SendAll(int fd, const void* data, size_t len) {
  const char* p = static_cast<const char*>(data);
  while (len > 0) {
    const ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}

bool SendMessage(int fd, const std::string& message) {
  const uint32_t len = static_cast<uint32_t>(message.size());
  return SendAll(fd, &len, sizeof len) &&
         SendAll(fd, message.data(), message.size());
}

// Reads exactly len bytes, giving up at `deadline` unless `block`.
bool RecvAll(int fd, void* data, size_t len,
             std::chrono::steady_clock::time_point deadline, bool block) {
  char* p = static_cast<char*>(data);
  while (len > 0) {
    if (!block) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd pfd = {fd, POLLIN, 0};
      const int r = poll(&pfd, 1, static_cast<int>(left.count()));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return false;
    }
    const ssize_t n = recv(fd, p, len, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;  // EOF: the peer is gone
    p += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}

bool RecvMessage(int fd, std::string* message,
                 std::chrono::steady_clock::time_point deadline, bool block) {
  uint32_t len = 0;
  if (!RecvAll(fd, &len, sizeof len, deadline, block)) return false;
  message->assign(len, '\0');
  return len == 0 || RecvAll(fd, &(*message)[0], len, deadline, block);
}

int CountThreads() {
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) return -1;
  int count = 0;
  while (const dirent* e = readdir(dir)) {
    if (e->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count;
}

// The threads a process has before main: 1 natively, 2 under qemu-user,
// which runs a thread of its own in every emulated process. fork is safe as
// long as no thread beyond these exists.
const int g_threads_at_start = CountThreads();

[[noreturn]] void RunChild(int fd, pid_t parent,
                           const ChildProcess::Body& body) {
  // Without this a parent killed mid-test would leave the child paused
  // forever.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(1);
  ChildChannel channel(fd);
  try {
    body(channel);
  } catch (...) {
    _exit(2);
  }
  // Idle, keeping the memory the body left behind for the parent to scan.
  for (;;) pause();
}

}  // namespace

void ChildChannel::Send(const std::string& message) {
  if (!SendMessage(fd_, message)) _exit(0);
}

std::string ChildChannel::Receive() {
  std::string message;
  if (!RecvMessage(fd_, &message, {}, /*block=*/true)) _exit(0);
  return message;
}

ChildProcess::ChildProcess(const Body& body) {
  const int threads = CountThreads();
  if (threads != g_threads_at_start) {
    error_ = "ChildProcess needs a single-threaded process, found " +
             std::to_string(threads) + " threads (" +
             std::to_string(g_threads_at_start) + " at start)";
    return;
  }
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    error_ = std::string("socketpair: ") + std::strerror(errno);
    return;
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    error_ = std::string("fork: ") + std::strerror(errno);
    close(fds[0]);
    close(fds[1]);
    return;
  }
  if (pid == 0) {
    close(fds[0]);
    RunChild(fds[1], parent, body);
  }
  close(fds[1]);
  pid_ = pid;
  fd_ = fds[0];
}

ChildProcess::~ChildProcess() { Kill(); }

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(other.pid_), fd_(other.fd_), error_(std::move(other.error_)) {
  other.pid_ = -1;
  other.fd_ = -1;
}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    Kill();
    pid_ = other.pid_;
    fd_ = other.fd_;
    error_ = std::move(other.error_);
    other.pid_ = -1;
    other.fd_ = -1;
  }
  return *this;
}

std::optional<std::string> ChildProcess::Receive(
    std::chrono::milliseconds timeout) {
  if (fd_ < 0) return std::nullopt;
  std::string message;
  if (!RecvMessage(fd_, &message, std::chrono::steady_clock::now() + timeout,
                   /*block=*/false)) {
    return std::nullopt;
  }
  return message;
}

bool ChildProcess::Send(const std::string& message) {
  return fd_ >= 0 && SendMessage(fd_, message);
}

int ChildProcess::Kill() {
  int status = -1;
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    // Bounded wait: a child stuck in uninterruptible sleep must not hang
    // the test run; at worst it stays a zombie until the test binary exits.
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
      const pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_) break;
      if ((r < 0 && errno != EINTR) ||
          std::chrono::steady_clock::now() > deadline) {
        status = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  Reset();
  return status;
}

void ChildProcess::Reset() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  pid_ = -1;
}

}  // namespace secret_test
