// keyscan on core files: gdb's gcore dump of a child holding known secrets
// gives each copy in its class — main stack and thread stack found by the
// threads' stack pointers (NT_PRSTATUS), the heap and mmap'd memory as
// anonymous — and the secret a thread holds in ymm0 as "registers" (it
// lies in two XSAVE pieces, so this also proves the rebuilt registers).
// Truncated and non-core files are one-line errors. Memory a core does not
// hold (p_filesz < p_memsz) and register notes too large to search are
// reported as notes.
#include <elf.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "keyscan/cli.h"
#include "keyscan/core_scan.h"
#include "tests/keyscan_residue_child.h"
#include "tests/keyscan_residue_expect.h"
#include "tests/keyscan_synthetic_core.h"

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

TEST(KeyscanCoreFileTest, NotesMemoryNotDumpedAndRegisterNotesTooLarge) {
  std::vector<uint8_t> secret(32);
  for (size_t i = 0; i < secret.size(); ++i) secret[i] = uint8_t(0xa0 + i);
  std::string key_log = "CLIENT_TRAFFIC_SECRET_0 " + std::string(64, '7') + " ";
  for (const uint8_t b : secret) {
    char buf[3];
    std::snprintf(buf, sizeof(buf), "%02x", b);
    key_log += buf;
  }
  std::vector<keyscan::Needle> needles;
  std::string error;
  ASSERT_TRUE(keyscan::NeedlesFromKeyLog(key_log + "\n", &needles, &error))
      << error;
  const std::string path = ::testing::TempDir() + "/keyscan_synthetic_core";
  std::ofstream(path, std::ios::binary) << SyntheticCore(secret);

  keyscan::ScanResult result;
  ASSERT_TRUE(ScanCoreFile(path, needles, {}, &result, &error)) << error;
  std::remove(path.c_str());
  EXPECT_EQ(result.bytes_scanned, 0x1000u);
  ASSERT_EQ(result.residues.size(), 1u) << Dump(result, needles);
  EXPECT_EQ(result.residues[0].address, 0x10000u + 64);
  std::string notes;
  for (const std::string& n : result.notes) notes += n + "\n";
  EXPECT_NE(notes.find("1 segment(s) with 8192 bytes (0.0 MiB) of memory not "
                       "dumped (p_filesz < p_memsz)"),
            std::string::npos)
      << notes;
  EXPECT_NE(notes.find("MADV_DONTDUMP"), std::string::npos) << notes;
  EXPECT_NE(notes.find("1 NT_X86_XSTATE register note(s) larger than"),
            std::string::npos)
      << notes;

  // A core without a single dumped byte: the command line says nothing
  // was read, with exit status 2, never "clean".
  std::ofstream(path, std::ios::binary) << SyntheticCore(secret, 0);
  const std::string log_path = ::testing::TempDir() + "/keyscan_synthetic.log";
  std::ofstream(log_path) << key_log << "\n";
  std::string args[] = {"keyscan", "--keylog", log_path, "--core", path};
  char* argv[] = {&args[0][0], &args[1][0], &args[2][0], &args[3][0],
                  &args[4][0], nullptr};
  char* out_text = nullptr;
  char* err_text = nullptr;
  size_t out_size = 0, err_size = 0;
  std::FILE* out = open_memstream(&out_text, &out_size);
  std::FILE* err = open_memstream(&err_text, &err_size);
  EXPECT_EQ(keyscan::RunCli(5, argv, out, err), keyscan::kExitError);
  std::fclose(out);
  std::fclose(err);
  const std::string out_string(out_text, out_size), err_string(err_text, err_size);
  std::free(out_text);
  std::free(err_text);
  std::remove(path.c_str());
  std::remove(log_path.c_str());
  EXPECT_EQ(out_string, "");
  EXPECT_EQ(err_string, "keyscan: error: core file " + path +
                            ": no memory could be read (nothing eligible was "
                            "resident, or the core holds no memory bytes): "
                            "nothing was searched\n");
  keyscan::WipeNeedles(&needles);
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
