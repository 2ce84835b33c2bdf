// Fuzzes keyscan's ELF core reader (ReadCoreFile) with the input as the
// core file, then the scan built on it (ScanCoreFile: the segments, their
// classification by the notes, the register notes and the XSAVE
// reassembly) and both reports of what it found. A core file is untrusted:
// its notes and bytes come from the process under test, and a corrupt or
// hostile core must not crash keyscan, make it read out of bounds, or
// forge lines of its report.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "keyscan/core_file.h"
#include "keyscan/core_scan.h"
#include "keyscan/needles.h"
#include "keyscan/report.h"
#include "keyscan/residue.h"
#include "keyscan/scan_settings.h"

namespace {

// The input becomes a file without touching the disk: one memfd, rewritten
// for every input (ReadCoreFile takes a descriptor, ScanCoreFile a path:
// /proc/self/fd/N).
int CoreFd() {
  static const int fd = memfd_create("fuzz-core", MFD_CLOEXEC);
  FUZZ_CHECK(fd >= 0);
  return fd;
}

void WriteCore(const uint8_t* data, size_t size) {
  const int fd = CoreFd();
  FUZZ_CHECK(ftruncate(fd, 0) == 0);
  size_t done = 0;
  while (done < size) {
    const ssize_t n = pwrite(fd, data + done, size - done,
                             static_cast<off_t>(done));
    FUZZ_CHECK(n > 0);
    done += static_cast<size_t>(n);
  }
}

keyscan::Needle MakeNeedle(const char* bytes, keyscan::NeedleKind kind,
                           keyscan::NeedleCategory category) {
  keyscan::Needle needle;
  needle.label = category == keyscan::NeedleCategory::kTls12Master
                     ? "CLIENT_RANDOM"
                     : "SERVER_TRAFFIC_SECRET_0";
  needle.kind = kind;
  needle.category = category;
  needle.client_random_hex.assign(64, 'a');
  needle.line_number = 1;
  needle.bytes.assign(bytes, bytes + std::strlen(bytes));
  return needle;
}

// What the scan looks for; the seeds in fuzz/corpus/core_file hold these
// byte strings in segments and register notes (fuzz/make_corpus.py).
const std::vector<keyscan::Needle>& Needles() {
  static const std::vector<keyscan::Needle> needles = {
      MakeNeedle("FUZZ-IV-0123", keyscan::NeedleKind::kIv,
                 keyscan::NeedleCategory::kTls13Traffic),
      MakeNeedle("KEYSCAN-FUZZ-KEY", keyscan::NeedleKind::kKey,
                 keyscan::NeedleCategory::kTls13Traffic),
      MakeNeedle("KEYSCAN-FUZZ-SECRET-0123456789ab",
                 keyscan::NeedleKind::kSecret,
                 keyscan::NeedleCategory::kTls12Master),
  };
  return needles;
}

void CheckCore(const keyscan::CoreFile& core, size_t size) {
  FUZZ_CHECK(core.file_size == size);
  FUZZ_CHECK(!core.segments.empty());
  for (const keyscan::CoreSegment& s : core.segments) {
    FUZZ_CHECK(s.filesz <= s.memsz);
    FUZZ_CHECK(s.offset <= size && s.filesz <= size - s.offset);
  }
  for (const keyscan::CoreRegisterNote& r : core.registers) {
    FUZZ_CHECK(r.offset <= size && r.size <= size - r.offset);
  }
}

// A residue in memory must be a copy of its needle in the file: in a
// segment that holds the whole copy, or across segments (adjacent ones, the
// copy then checked only to start in one). Malformed cores may list
// overlapping segments, with different bytes for the same address: one of
// them must hold the copy.
void CheckResidue(const keyscan::Residue& r, const keyscan::CoreFile& core,
                  const uint8_t* data) {
  FUZZ_CHECK(r.needle < Needles().size());
  if (r.memory_class == keyscan::MemoryClass::kRegisters) return;
  const std::vector<uint8_t>& bytes = Needles()[r.needle].bytes;
  bool starts_in_a_segment = false;
  bool copy_in_a_segment = false;
  bool spans_segments = false;
  for (const keyscan::CoreSegment& s : core.segments) {
    if (r.address < s.vaddr || r.address - s.vaddr >= s.filesz) continue;
    starts_in_a_segment = true;
    const uint64_t at = r.address - s.vaddr;
    if (bytes.size() > s.filesz - at) {
      spans_segments = true;
    } else if (std::memcmp(data + s.offset + at, bytes.data(),
                           bytes.size()) == 0) {
      copy_in_a_segment = true;
    }
  }
  FUZZ_CHECK(starts_in_a_segment);
  FUZZ_CHECK(copy_in_a_segment || spans_segments);
}

// Writes a report to memory with `write` and returns it.
template <typename Writer>
std::string Report(Writer write) {
  char* text = nullptr;
  size_t length = 0;
  std::FILE* out = open_memstream(&text, &length);
  FUZZ_CHECK(out != nullptr);
  write(out);
  FUZZ_CHECK(std::fclose(out) == 0);
  std::string report(text, length);
  std::free(text);
  return report;
}

// The reports go to terminals and to programs: whatever the core's paths
// hold, the JSON is printable ASCII on one line, and the table has no
// control characters and exactly one RESULT line, its last.
void CheckReports(const keyscan::ScanResult& result) {
  keyscan::ReportPolicy policy;
  policy.expect_cached_master_secrets = result.residues.size() % 2 == 1;
  const std::string json = Report([&](std::FILE* out) {
    keyscan::WriteJson(out, result, Needles(), policy);
  });
  FUZZ_CHECK(!json.empty() && json.back() == '\n');
  for (size_t i = 0; i + 1 < json.size(); ++i) {
    FUZZ_CHECK(json[i] >= 0x20 && json[i] < 0x7f);
  }
  const std::string table = Report([&](std::FILE* out) {
    keyscan::WriteTable(out, result, Needles(), policy);
  });
  size_t results = 0;
  size_t line_start = 0;
  for (size_t i = 0; i < table.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(table[i]);
    FUZZ_CHECK(c == '\n' || (c >= 0x20 && c != 0x7f));
    if (c != '\n') continue;
    if (table.compare(line_start, 7, "RESULT:") == 0) {
      ++results;
      FUZZ_CHECK(i + 1 == table.size());
    }
    line_start = i + 1;
  }
  FUZZ_CHECK(results == 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  WriteCore(data, size);
  keyscan::CoreFile core;
  std::string error;
  const bool read = keyscan::ReadCoreFile(CoreFd(), &core, &error);
  if (read) {
    CheckCore(core, size);
  } else {
    FUZZ_CHECK(!error.empty() && error.find('\n') == std::string::npos);
  }

  keyscan::ScanSettings settings;
  settings.max_residues = 16;  // small, so that inputs reach the limit
  keyscan::ScanResult result;
  std::string scan_error;
  const bool scanned = keyscan::ScanCoreFile(
      "/proc/self/fd/" + std::to_string(CoreFd()), Needles(), settings,
      &result, &scan_error);
  // The scan reads the same file: it runs exactly when the reader accepts it.
  FUZZ_CHECK(scanned == read);
  if (!scanned) return 0;
  uint64_t dumped = 0;
  for (const keyscan::CoreSegment& s : core.segments) dumped += s.filesz;
  FUZZ_CHECK(result.bytes_scanned <= dumped);
  FUZZ_CHECK(result.truncated || result.bytes_scanned == dumped);
  for (const keyscan::Residue& r : result.residues) CheckResidue(r, core, data);
  CheckReports(result);
  return 0;
}
