// keyscan on core files: gdb's gcore dump of a child holding known secrets
// gives each copy in its class — main stack and thread stack found by the
// threads' stack pointers (NT_PRSTATUS), the heap and mmap'd memory as
// anonymous — and the secret a thread holds in ymm0 as "registers" (it
// lies in two XSAVE pieces, so this also proves the rebuilt registers).
// Truncated and non-core files are one-line errors.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "keyscan/core_scan.h"
#include "tests/keyscan_residue_child.h"
#include "tests/keyscan_residue_expect.h"

namespace keyscan_test {
namespace {

using keyscan::NeedleKind;
using Classes = std::vector<std::string>;

bool HaveGcore() { return system("command -v gcore >/dev/null 2>&1") == 0; }

// Gcore writes the child's core with gcore and returns its path ("" on
// failure).
std::string Gcore(pid_t pid) {
  const std::string prefix = ::testing::TempDir() + "/keyscan_core";
  // At most 1 GiB of core (ulimit -f counts KiB), whatever goes wrong.
  const std::string command = "ulimit -f 1048576; gcore -o " + prefix + " " +
                              std::to_string(pid) + " >/dev/null 2>&1";
  if (system(command.c_str()) != 0) return "";
  return prefix + "." + std::to_string(pid);
}

#define SKIP_WITHOUT_SMALL_CORES()                                          \
  do {                                                                      \
    if (!HaveGcore()) GTEST_SKIP() << "gdb's gcore is not installed";       \
    if (kAsan) {                                                            \
      GTEST_SKIP() << "AddressSanitizer's shadow makes a core tens of GB";  \
    }                                                                       \
  } while (0)

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAsan = true;
#else
constexpr bool kAsan = false;
#endif

TEST(KeyscanCoreFileTest, FindsCopiesAndRegistersInAGcoreDump) {
  SKIP_WITHOUT_SMALL_CORES();
  ResidueChild child;
  ASSERT_EQ(child.error(), "");
  const std::vector<keyscan::Needle>& needles = child.needles();
  const std::string core = Gcore(child.pid());
  ASSERT_NE(core, "") << "gcore failed";

  keyscan::ScanResult result;
  std::string error, where;
  ASSERT_TRUE(ScanCoreFile(core, needles, {}, &result, &error)) << error;
  EXPECT_GT(result.bytes_scanned, 0u);
  EXPECT_EQ(ClassesOf(result, needles, "CLIENT_TRAFFIC_SECRET_0",
                      NeedleKind::kSecret, 32, &where),
            Classes{"anonymous"})
      << where;
  EXPECT_EQ(ClassesOf(result, needles, "CLIENT_TRAFFIC_SECRET_0",
                      NeedleKind::kKey, 16, &where),
            Classes{"anonymous"})
      << where;
  EXPECT_EQ(ClassesOf(result, needles, "SERVER_TRAFFIC_SECRET_0",
                      NeedleKind::kIv, 12, &where),
            Classes{"anonymous"})
      << where;
  EXPECT_EQ(ClassesOf(result, needles, "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
                      NeedleKind::kSecret, 32, &where),
            Classes{"main stack"})
      << where;
  const Classes exporter = ClassesOf(result, needles, "EXPORTER_SECRET",
                                     NeedleKind::kSecret, 32, &where);
  EXPECT_EQ(exporter, (Classes{"thread stack", "registers"})) << where;
  EXPECT_NE(where.find("zmm0"), std::string::npos) << where;
  EXPECT_EQ(result.residues.size(), 7u) << Dump(result, needles);
  std::remove(core.c_str());
}

TEST(KeyscanCoreFileTest, TruncatedCoreIsAnError) {
  SKIP_WITHOUT_SMALL_CORES();
  ResidueChild child;
  ASSERT_EQ(child.error(), "");
  const std::string core = Gcore(child.pid());
  ASSERT_NE(core, "") << "gcore failed";
  std::ifstream in(core, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  std::remove(core.c_str());
  const std::string truncated = ::testing::TempDir() + "/keyscan_truncated";
  std::ofstream(truncated, std::ios::binary)
      << bytes.substr(0, bytes.size() / 2);

  keyscan::ScanResult result;
  std::string error;
  EXPECT_FALSE(ScanCoreFile(truncated, child.needles(), {}, &result, &error));
  EXPECT_NE(error.find("core file " + truncated + ": truncated: "),
            std::string::npos)
      << error;
  // Only the ELF header: the program headers are missing.
  std::ofstream(truncated, std::ios::binary) << bytes.substr(0, 100);
  EXPECT_FALSE(ScanCoreFile(truncated, child.needles(), {}, &result, &error));
  EXPECT_NE(error.find("truncated: "), std::string::npos) << error;
  std::remove(truncated.c_str());
}

TEST(KeyscanCoreFileTest, FilesThatAreNotCoresAreErrors) {
  keyscan::ScanResult result;
  std::string error;
  EXPECT_FALSE(ScanCoreFile("/proc/self/exe", {}, {}, &result, &error));
  EXPECT_NE(error.find("an ELF file but not a core file"), std::string::npos)
      << error;
  const std::string text = ::testing::TempDir() + "/keyscan_not_elf";
  std::ofstream(text) << "not a core\n";
  EXPECT_FALSE(ScanCoreFile(text, {}, {}, &result, &error));
  EXPECT_NE(error.find("not an ELF file"), std::string::npos) << error;
  EXPECT_FALSE(ScanCoreFile(text + ".missing", {}, {}, &result, &error));
  EXPECT_NE(error.find("cannot open core file"), std::string::npos) << error;
  std::remove(text.c_str());
}

}  // namespace
}  // namespace keyscan_test
