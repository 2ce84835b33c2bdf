// keyscan on a live process: a child holding known secrets in its heap, an
// anonymous mapping, its main stack and another thread's stack gives one
// copy of each, in the right memory class; after the child wipes them,
// none.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "keyscan/proc_maps.h"
#include "keyscan/process_memory_class.h"
#include "keyscan/process_scan.h"
#include "tests/keyscan_residue_child.h"
#include "tests/keyscan_residue_expect.h"

namespace keyscan_test {
namespace {

using keyscan::NeedleKind;
using Classes = std::vector<std::string>;

// Sanitizers replace malloc with allocators of their own, in anonymous
// mappings; the brk heap is glibc's.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr char kMallocClass[] = "anonymous";
#else
constexpr char kMallocClass[] = "heap";
#endif

TEST(KeyscanProcessScanTest, FindsEachPlantedCopyInItsClassAndNoneAfterWipe) {
  ResidueChild child;
  ASSERT_EQ(child.error(), "");
  const std::vector<keyscan::Needle>& needles = child.needles();

  keyscan::ScanResult result;
  std::string error, where;
  ASSERT_TRUE(ScanProcess(child.pid(), needles, {}, &result, &error)) << error;
  EXPECT_GT(result.bytes_scanned, 0u);
  EXPECT_EQ(ClassesOf(result, needles, "CLIENT_TRAFFIC_SECRET_0",
                      NeedleKind::kSecret, 32, &where),
            Classes{kMallocClass})
      << where;
  EXPECT_EQ(ClassesOf(result, needles, "CLIENT_TRAFFIC_SECRET_0",
                      NeedleKind::kKey, 16, &where),
            Classes{kMallocClass})
      << where;
  EXPECT_EQ(ClassesOf(result, needles, "SERVER_TRAFFIC_SECRET_0",
                      NeedleKind::kSecret, 32, &where),
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
  EXPECT_EQ(ClassesOf(result, needles, "EXPORTER_SECRET", NeedleKind::kSecret,
                      32, &where),
            Classes{"thread stack"})
      << where;
  EXPECT_NE(where.find(" thread "), std::string::npos) << where;
  // Nothing else: no stray copy made by the child or the transfer.
  EXPECT_EQ(result.residues.size(), 6u) << Dump(result, needles);

  ASSERT_TRUE(child.Wipe());
  ASSERT_TRUE(ScanProcess(child.pid(), needles, {}, &result, &error)) << error;
  EXPECT_GT(result.bytes_scanned, 0u);
  EXPECT_TRUE(result.residues.empty()) << Dump(result, needles);
}

// secretmode's mappings carry no name on kernels without
// CONFIG_ANON_VMA_NAME (this one): they are told apart by their madvise
// flags, which take precedence over the stack pointers (a thread blocked
// inside secret::Do has its stack pointer on the secret stack).
TEST(KeyscanProcessScanTest, ClassifiesMappingsByNameFlagsAndStackPointers) {
  const std::vector<keyscan::ThreadStackPointer> threads = {{100, 0x1800},
                                                            {101, 0x3800}};
  const auto classify = [&](const std::string& name, const std::string& flags,
                            uintptr_t start) {
    keyscan::Region r;
    r.start = start;
    r.end = start + 0x1000;
    r.perms = "rw-p";
    r.name = name;
    r.vm_flags = flags;
    std::string where;
    return std::string(keyscan::MemoryClassName(
        keyscan::ClassifyProcessMapping(r, 100, threads, &where)));
  };
  EXPECT_EQ(classify("[anon]", " rd wr mr mw me ac dd wf ", 0x1000),
            "secret stack");
  EXPECT_EQ(classify("[anon]", " rd wr mr mw me ac dd ", 0x5000),
            "secret arena");
  EXPECT_EQ(classify("[heap]", " rd wr mr mw me ac ", 0x5000), "heap");
  EXPECT_EQ(classify("[stack]", " rd wr mr mw me gd ac ", 0x5000),
            "main stack");
  EXPECT_EQ(classify("[anon]", " rd wr mr mw me ac ", 0x1000), "main stack");
  EXPECT_EQ(classify("[anon]", " rd wr mr mw me ac ", 0x3000),
            "thread stack");
  EXPECT_EQ(classify("[anon]", " rd wr mr mw me ac ", 0x5000), "anonymous");
  EXPECT_EQ(classify("/usr/lib/libssl.so.3", " rd mr mw me ac ", 0x5000),
            "file-backed");
  EXPECT_EQ(classify("[vdso]", " rd ex mr mw me de ", 0x5000), "other");
}

TEST(KeyscanProcessScanTest, MissingProcessIsAClearError) {
  keyscan::ScanResult result;
  std::string error;
  // PIDs above pid_max (at most 4194304) never exist.
  EXPECT_FALSE(ScanProcess(4194305 + 7, {}, {}, &result, &error));
  EXPECT_NE(error.find("no process with PID 4194312"), std::string::npos)
      << error;
}

TEST(KeyscanProcessScanTest, RefusesToScanItself) {
  keyscan::ScanResult result;
  std::string error;
  EXPECT_FALSE(ScanProcess(getpid(), {}, {}, &result, &error));
  EXPECT_NE(error.find("its own process"), std::string::npos) << error;
}

}  // namespace
}  // namespace keyscan_test
