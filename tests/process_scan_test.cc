// process_scan_test.cc: whole-process proofs from outside. A child does the
// work and pauses; the parent reads the child's memory through /proc/PID/mem
// and, with gdb's gcore, its core dump.

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <string>

#include "gtest/gtest.h"
#include "secret/secret.h"
#include "tests/secret_holders.h"
#include "tests/secret_residue.h"
#include "tests/support/child_process.h"

namespace secret_test {
namespace {

volatile uint64_t g_sink;

class ProcessScanTest : public ::testing::Test {
 protected:
  void SetUp() override { NewTestSecret(); }
};

TEST_F(ProcessScanTest, ChildWithoutDoShowsTheSecret) {
  ChildProcess child([](ChildChannel& ch) {
    // Below a hole, so that the frames of Send do not overwrite it.
    g_sink = HoldBelowHole(TestSecret());
    ch.Send("done");
  });
  ASSERT_TRUE(child.ok()) << child.error();
  ASSERT_EQ(child.Receive().value_or(""), "done");
  const Residue residue = FindResidueInProcess(child.pid());
  EXPECT_GT(residue.bytes_scanned, 0u);
  EXPECT_FALSE(residue.empty());
}

TEST_F(ProcessScanTest, ChildAfterDoShowsNothing) {
  ChildProcess child([](ChildChannel& ch) {
    secret::Do([] { g_sink = HoldBelowHole(TestSecret()); });
    ch.Send("done");
  });
  ASSERT_TRUE(child.ok()) << child.error();
  ASSERT_EQ(child.Receive().value_or(""), "done");
  const Residue residue = FindResidueInProcess(child.pid());
  EXPECT_GT(residue.bytes_scanned, 0u);
  EXPECT_TRUE(residue.empty()) << residue.Describe();
}

// Dump is the child's core as gdb's gcore writes it, read whole.
std::string Dump(pid_t pid) {
  const std::string prefix = ::testing::TempDir() + "/secretmode_core";
  // At most 1 GiB of core (ulimit -f counts KiB), whatever goes wrong.
  const std::string command = "ulimit -f 1048576; gcore -o " + prefix + " " +
                              std::to_string(pid) + " >/dev/null 2>&1";
  if (system(command.c_str()) != 0) return "";
  const std::string path = prefix + "." + std::to_string(pid);
  std::ifstream in(path, std::ios::binary);
  std::string core((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  unlink(path.c_str());
  return core;
}

// CopiesInCore counts the secret's copies in a core, up to two: the child's
// copy of the test's own buffer is always one.
int CopiesInCore(const std::string& core) {
  const std::string needle(reinterpret_cast<const char*>(TestSecret()),
                           kSecretSize);
  const size_t first = core.find(needle);
  if (first == std::string::npos) return 0;
  return core.find(needle, first + 1) == std::string::npos ? 1 : 2;
}

bool HaveGcore() { return system("command -v gcore >/dev/null 2>&1") == 0; }

// Under AddressSanitizer a core holds its shadow memory: tens of GB.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kCoresAreHuge = true;
#else
constexpr bool kCoresAreHuge = false;
#endif

#define SKIP_IF_NO_SMALL_CORES()                                            \
  do {                                                                      \
    if (!HaveGcore()) GTEST_SKIP() << "gdb's gcore is not installed";       \
    if (kCoresAreHuge) {                                                    \
      GTEST_SKIP() << "AddressSanitizer's shadow makes a core tens of GB";  \
    }                                                                       \
  } while (0)

// CopiesInDumpOfChild starts a child running `hold`, which makes the secret
// live somewhere, sends "holding" and waits to be killed. It checks through
// /proc/PID/mem that the secret is live in the child, and returns how many
// copies the child's gcore dump holds (up to two; the child's copy of the
// test's own buffer is always one), or -1 after reporting a failure.
int CopiesInDumpOfChild(const ChildProcess::Body& hold) {
  ChildProcess child(hold);
  if (!child.ok()) {
    ADD_FAILURE() << child.error();
    return -1;
  }
  const std::string said = child.Receive().value_or("");
  if (said != "holding") {
    ADD_FAILURE() << "the child said \"" << said << "\"";
    return -1;
  }
  if (FindResidueInProcess(child.pid()).whole.empty()) {
    ADD_FAILURE() << "the secret should be live in the child";
    return -1;
  }
  const std::string core = Dump(child.pid());
  if (core.empty()) {
    ADD_FAILURE() << "gcore failed";
    return -1;
  }
  return CopiesInCore(core);
}

// While f still runs (paused inside Do), the secret is live on the secret
// stack, which a core dump leaves out (MADV_DONTDUMP): the dump holds only
// the test's own buffer.
TEST_F(ProcessScanTest, CoreDumpDuringDoLeavesTheSecretStackOut) {
  SKIP_IF_NO_SMALL_CORES();
  EXPECT_EQ(CopiesInDumpOfChild([](ChildChannel& ch) {
              secret::Do([&ch] {
                volatile uint8_t live[kSecretSize];
                for (size_t i = 0; i < kSecretSize; ++i) live[i] = TestSecret()[i];
                ch.Send("holding");
                ch.Receive();  // paused here, inside Do, until killed
                g_sink = live[0];
              });
            }),
            1)
      << "0: the dump misses even the buffer; 2: the live copy on the secret "
         "stack was dumped";
}

// Without Do, the same pause shows the live secret in the dump twice.
TEST_F(ProcessScanTest, CoreDumpWithoutDoContainsTheLiveSecret) {
  SKIP_IF_NO_SMALL_CORES();
  EXPECT_EQ(CopiesInDumpOfChild([](ChildChannel& ch) {
              volatile uint8_t live[kSecretSize];
              for (size_t i = 0; i < kSecretSize; ++i) live[i] = TestSecret()[i];
              ch.Send("holding");
              ch.Receive();
              g_sink = live[0];
            }),
            2);
}

// A secret held in a live arena block (here allocated inside Do, as a TLS
// library's key would be) is left out of the dump (MADV_DONTDUMP).
TEST_F(ProcessScanTest, CoreDumpLeavesLiveArenaBlocksOut) {
  SKIP_IF_NO_SMALL_CORES();
  EXPECT_EQ(CopiesInDumpOfChild([](ChildChannel& ch) {
              uint8_t* key = nullptr;
              secret::Do([&] { key = static_cast<uint8_t*>(malloc(kSecretSize)); });
              memcpy(key, TestSecret(), kSecretSize);
              ch.Send(secret_is_arena_block(key) ? "holding" : "not in the arena");
              ch.Receive();
              g_sink = key[0];
            }),
            1)
      << "2: the arena block was dumped";
}

// The same key in a plain malloc block is in the dump.
TEST_F(ProcessScanTest, CoreDumpContainsLivePlainHeapBlocks) {
  SKIP_IF_NO_SMALL_CORES();
  EXPECT_EQ(CopiesInDumpOfChild([](ChildChannel& ch) {
              uint8_t* key = static_cast<uint8_t*>(malloc(kSecretSize));
              memcpy(key, TestSecret(), kSecretSize);
              ch.Send("holding");
              ch.Receive();
              g_sink = key[0];
            }),
            2);
}

}  // namespace
}  // namespace secret_test
