// keyscan_residue_child.cc: see keyscan_residue_child.h.
#include "tests/keyscan_residue_child.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "keyscan/hex.h"
#include "tests/support/memory_scan.h"

namespace keyscan_test {
namespace {

// Layout of what the parent sends.
constexpr size_t kSecret = 32;
constexpr size_t kHeapSecret = 0;
constexpr size_t kAnonSecret = 32;
constexpr size_t kThreadSecret = 64;
constexpr size_t kMainStackSecret = 96;
constexpr size_t kHeapKey = 128;  // 16 bytes
constexpr size_t kAnonIv = 144;   // 12 bytes
constexpr size_t kPayload = 156;

// Locals must be on the real stacks, not AddressSanitizer's fake stacks.
#define KEYSCAN_REAL_STACK __attribute__((no_sanitize("address")))

void WipeBytes(void* p, size_t n) {
  volatile uint8_t* v = static_cast<volatile uint8_t*>(p);
  for (size_t i = 0; i < n; ++i) v[i] = 0;
}

bool ReadAll(int fd, uint8_t* buf, size_t n) {
  size_t done = 0;
  while (done < n) {
    const ssize_t got = read(fd, buf + done, n - done);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    done += static_cast<size_t>(got);
  }
  return true;
}

struct ThreadArgs {
  const uint8_t* source;
  int ready_fd;
  int wake_fd;
};

// Holds the exporter secret in its stack frame, and in ymm0 while it
// blocks in read(): the load and the system call are one asm statement,
// so no compiled code can touch ymm0 in between.
KEYSCAN_REAL_STACK void* HoldOnThreadStack(void* arg) {
  const ThreadArgs* a = static_cast<const ThreadArgs*>(arg);
  uint8_t secret[kSecret];
  secret_test::PlantSecret(secret, a->source, kSecret);
  const char ready = 1;
  if (write(a->ready_fd, &ready, 1) != 1) _exit(3);
  char wake = 0;
  long ret;
  asm volatile(
      "vmovdqu (%[s]), %%ymm0\n\t"
      "syscall"
      : "=a"(ret)
      : "a"(long{SYS_read}), "D"(long{a->wake_fd}), "S"(&wake),
        "d"(long{1}), [s] "r"(secret)
      : "rcx", "r11", "memory", "xmm0");
  (void)ret;
  WipeBytes(secret, sizeof(secret));
  asm volatile("vpxor %%xmm0, %%xmm0, %%xmm0" ::: "xmm0");
  return nullptr;
}

struct Planted {
  uint8_t* heap_secret = nullptr;
  uint8_t* heap_key = nullptr;
  uint8_t* anon = nullptr;
  pthread_t thread{};
  int wake_fd = -1;
};

// Holds the handshake secret in this frame until the parent says "wipe".
KEYSCAN_REAL_STACK void HoldOnMainStack(secret_test::ChildChannel& ch,
                                        uint8_t* incoming, Planted* p) {
  uint8_t secret[kSecret];
  secret_test::PlantSecret(secret, incoming + kMainStackSecret, kSecret);
  WipeBytes(incoming, kPayload);
  munmap(incoming, 4096);
  ch.Send("ready");
  if (ch.Receive() != "wipe") _exit(4);
  WipeBytes(secret, sizeof(secret));
  WipeBytes(p->heap_secret, kSecret);
  WipeBytes(p->heap_key, 16);
  WipeBytes(p->anon, 4096);
  const char wake = 1;
  if (write(p->wake_fd, &wake, 1) != 1) _exit(5);
  pthread_join(p->thread, nullptr);
  ch.Send("wiped");
}

void ChildBody(secret_test::ChildChannel& ch, int secrets_fd) {
  auto* incoming = static_cast<uint8_t*>(mmap(nullptr, 4096,
                                              PROT_READ | PROT_WRITE,
                                              MAP_PRIVATE | MAP_ANONYMOUS,
                                              -1, 0));
  if (incoming == MAP_FAILED || !ReadAll(secrets_fd, incoming, kPayload)) {
    _exit(2);
  }
  close(secrets_fd);
  Planted p;
  p.heap_secret = static_cast<uint8_t*>(std::malloc(kSecret));
  p.heap_key = static_cast<uint8_t*>(std::malloc(16));
  secret_test::PlantSecret(p.heap_secret, incoming + kHeapSecret, kSecret);
  secret_test::PlantSecret(p.heap_key, incoming + kHeapKey, 16);
  p.anon = static_cast<uint8_t*>(mmap(nullptr, 4096, PROT_READ | PROT_WRITE,
                                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  secret_test::PlantSecret(p.anon, incoming + kAnonSecret, kSecret);
  secret_test::PlantSecret(p.anon + 1024, incoming + kAnonIv, 12);

  int ready[2], wake[2];
  if (pipe(ready) != 0 || pipe(wake) != 0) _exit(2);
  ThreadArgs args{incoming + kThreadSecret, ready[1], wake[0]};
  p.wake_fd = wake[1];
  if (pthread_create(&p.thread, nullptr, &HoldOnThreadStack, &args) != 0) {
    _exit(2);
  }
  char c;
  if (read(ready[0], &c, 1) != 1) _exit(2);
  HoldOnMainStack(ch, incoming, &p);
}

std::string RandomHex(size_t n) {
  std::vector<uint8_t> bytes(n);
  secret_test::FillRandomSecret(bytes.data(), n);
  return keyscan::ToHex(bytes);
}

const keyscan::Needle* Find(const std::vector<keyscan::Needle>& needles,
                            const std::string& label, keyscan::NeedleKind kind,
                            size_t size) {
  for (const keyscan::Needle& n : needles) {
    if (n.label == label && n.kind == kind && n.bytes.size() == size) {
      return &n;
    }
  }
  return nullptr;
}

}  // namespace

ResidueChild::ResidueChild() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    error_ = std::string("pipe2: ") + std::strerror(errno);
    return;
  }
  const int read_end = fds[0];
  child_ = std::make_unique<secret_test::ChildProcess>(
      [read_end](secret_test::ChildChannel& ch) { ChildBody(ch, read_end); });
  close(fds[0]);
  if (!child_->ok()) {
    close(fds[1]);
    error_ = child_->error();
    return;
  }
  // The secrets exist only from here on, in the parent.
  const std::string cr = RandomHex(32);
  key_log_ = "CLIENT_TRAFFIC_SECRET_0 " + cr + " " + RandomHex(kSecret) +
             "\nSERVER_TRAFFIC_SECRET_0 " + cr + " " + RandomHex(kSecret) +
             "\nEXPORTER_SECRET " + cr + " " + RandomHex(kSecret) +
             "\nCLIENT_HANDSHAKE_TRAFFIC_SECRET " + cr + " " +
             RandomHex(kSecret) + "\n";
  if (!keyscan::NeedlesFromKeyLog(key_log_, &needles_, &error_)) {
    close(fds[1]);
    return;
  }
  using keyscan::NeedleKind;
  const struct {
    const char* label;
    NeedleKind kind;
    size_t size;
    size_t at;
  } parts[] = {
      {"CLIENT_TRAFFIC_SECRET_0", NeedleKind::kSecret, kSecret, kHeapSecret},
      {"SERVER_TRAFFIC_SECRET_0", NeedleKind::kSecret, kSecret, kAnonSecret},
      {"EXPORTER_SECRET", NeedleKind::kSecret, kSecret, kThreadSecret},
      {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", NeedleKind::kSecret, kSecret,
       kMainStackSecret},
      {"CLIENT_TRAFFIC_SECRET_0", NeedleKind::kKey, 16, kHeapKey},
      {"SERVER_TRAFFIC_SECRET_0", NeedleKind::kIv, 12, kAnonIv},
  };
  uint8_t payload[kPayload];
  for (const auto& part : parts) {
    const keyscan::Needle* n = Find(needles_, part.label, part.kind, part.size);
    if (n == nullptr) {
      error_ = std::string("no needle for ") + part.label;
      close(fds[1]);
      return;
    }
    std::memcpy(payload + part.at, n->bytes.data(), part.size);
  }
  const bool sent = write(fds[1], payload, sizeof(payload)) ==
                    static_cast<ssize_t>(sizeof(payload));
  WipeBytes(payload, sizeof(payload));
  close(fds[1]);
  if (!sent) {
    error_ = "could not send the secrets to the child";
    return;
  }
  if (child_->Receive().value_or("") != "ready") {
    error_ = "the child did not get ready";
  }
}

ResidueChild::~ResidueChild() { keyscan::WipeNeedles(&needles_); }

bool ResidueChild::Wipe() {
  return child_->Send("wipe") && child_->Receive().value_or("") == "wiped";
}

}  // namespace keyscan_test
