// core_scan.cc: see core_scan.h.
#include "keyscan/core_scan.h"

#include <elf.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <utility>

#include "keyscan/core_file.h"
#include "keyscan/core_memory_class.h"
#include "keyscan/file_io.h"
#include "keyscan/needle_matcher.h"
#include "keyscan/progress.h"
#include "keyscan/scratch_buffer.h"
#include "keyscan/x86_vector_registers.h"

namespace keyscan {
namespace {

constexpr size_t kReadChunk = size_t{1} << 20;

const char* NoteName(uint32_t type) {
  switch (type) {
    case NT_PRSTATUS:
      return "NT_PRSTATUS";
    case NT_FPREGSET:
      return "NT_FPREGSET";
    case NT_X86_XSTATE:
      return "NT_X86_XSTATE";
  }
  return "note";
}

// Scans the memory segments, in address order, carrying bytes across
// segments that continue each other.
class SegmentScanner {
 public:
  SegmentScanner(int fd, const CoreFile& core, const NeedleMatcher& matcher,
                 const ScanSettings& settings, uint8_t* buffer,
                 ScanResult* result, Progress* progress)
      : fd_(fd),
        core_(core),
        matcher_(matcher),
        settings_(settings),
        buffer_(buffer),
        result_(result),
        progress_(progress) {}

  // Returns false with *error when the file cannot be read.
  bool Run(std::string* error) {
    std::vector<const CoreSegment*> order;
    for (const CoreSegment& s : core_.segments) order.push_back(&s);
    std::sort(order.begin(), order.end(),
              [](const CoreSegment* a, const CoreSegment* b) {
                return a->vaddr < b->vaddr;
              });
    const size_t overlap =
        matcher_.MaxLength() > 0 ? matcher_.MaxLength() - 1 : 0;
    size_t carry = 0;
    uint64_t carry_end = 0;  // address just past the carried bytes
    for (const CoreSegment* s : order) {
      if (s->filesz == 0) {
        carry = 0;
        continue;
      }
      if (s->vaddr != carry_end) carry = 0;
      std::string where;
      const MemoryClass cls = ClassifyCoreSegment(*s, core_, &where);
      for (uint64_t done = 0; done < s->filesz;) {
        const size_t want =
            static_cast<size_t>(std::min<uint64_t>(kReadChunk, s->filesz - done));
        if (!ReadAt(fd_, s->offset + done, buffer_ + carry, want)) {
          *error = "cannot read the segment at file offset " +
                   std::to_string(s->offset + done) + ": " +
                   (errno != 0 ? std::strerror(errno) : "short read");
          return false;
        }
        const size_t total = carry + want;
        const uint64_t base = s->vaddr + done - carry;
        matches_.clear();
        matcher_.Search(buffer_, total, carry, &matches_);
        for (const auto& [needle, offset] : matches_) {
          if (!Add(needle, base + offset, cls, where)) return true;
        }
        progress_->Advance(want);
        result_->bytes_scanned += want;
        done += want;
        const size_t next_carry = std::min(overlap, total);
        std::memmove(buffer_, buffer_ + total - next_carry, next_carry);
        carry = next_carry;
      }
      ++result_->regions_scanned;
      // Bytes past filesz were not dumped: a match cannot continue there.
      carry_end = s->filesz == s->memsz ? s->vaddr + s->memsz : 0;
      if (carry_end == 0) carry = 0;
    }
    return true;
  }

 private:
  // Records one copy; a copy that starts in the carried tail of the
  // previous, adjacent segment is reported with this segment's class.
  // Returns false at the residue limit, to stop the scan.
  bool Add(size_t needle, uint64_t address, MemoryClass cls,
           const std::string& where) {
    if (result_->residues.size() >= settings_.max_residues) {
      result_->truncated = true;
      return false;
    }
    Residue r;
    r.needle = needle;
    r.address = address;
    r.memory_class = cls;
    r.where = where;
    result_->residues.push_back(std::move(r));
    return true;
  }

  int fd_;
  const CoreFile& core_;
  const NeedleMatcher& matcher_;
  const ScanSettings& settings_;
  uint8_t* buffer_;
  ScanResult* result_;
  Progress* progress_;
  std::vector<std::pair<size_t, uint64_t>> matches_;
};

// Scans each thread's register notes, and on x86-64 its whole vector
// registers; one residue per needle and thread, naming every place.
bool ScanRegisters(int fd, const CoreFile& core, const NeedleMatcher& matcher,
                   uint8_t* buffer, size_t buffer_size, ScanResult* result,
                   std::string* error) {
  std::map<std::pair<int, size_t>, std::set<std::string>> found;
  std::vector<std::pair<size_t, uint64_t>> matches;
  std::map<std::string, size_t> too_large;  // note name -> count
  for (const CoreRegisterNote& note : core.registers) {
    if (note.size > buffer_size - kX86VectorImageSize) {
      ++too_large[NoteName(note.type)];
      continue;
    }
    const size_t size = static_cast<size_t>(note.size);
    if (!ReadAt(fd, note.offset, buffer, size)) {
      *error = std::string("cannot read a ") + NoteName(note.type) + " note";
      return false;
    }
    matches.clear();
    matcher.Search(buffer, size, 0, &matches);
    for (const auto& m : matches) {
      found[{note.tid, m.first}].insert(NoteName(note.type));
    }
    if (core.machine == EM_X86_64 && note.type == NT_X86_XSTATE) {
      uint8_t* image = buffer + size;
      if (AssembleX86VectorRegisters(buffer, size, image)) {
        matches.clear();
        matcher.Search(image, kX86VectorImageSize, 0, &matches);
        for (const auto& m : matches) {
          const size_t reg = static_cast<size_t>(m.second) / 64;
          found[{note.tid, m.first}].insert("zmm" + std::to_string(reg));
        }
      }
    }
    explicit_bzero(buffer, size + kX86VectorImageSize);
  }
  for (const auto& [key, places] : found) {
    Residue r;
    r.needle = key.second;
    r.memory_class = MemoryClass::kRegisters;
    r.where = "thread " + std::to_string(key.first) + ":";
    for (const std::string& p : places) r.where += " " + p;
    result->residues.push_back(std::move(r));
  }
  for (const auto& [name, count] : too_large) {
    result->notes.push_back(
        std::to_string(count) + " " + name + " register note(s) larger than " +
        std::to_string(buffer_size - kX86VectorImageSize) +
        " bytes were not searched (too large to parse)");
  }
  return true;
}

// NotDumpedNote returns a note on the segments whose bytes the core does
// not hold (p_filesz < p_memsz), or "" when it holds every byte.
std::string NotDumpedNote(const CoreFile& core) {
  size_t segments = 0;
  uint64_t bytes = 0;
  for (const CoreSegment& s : core.segments) {
    if (s.filesz < s.memsz) {
      ++segments;
      bytes += s.memsz - s.filesz;
    }
  }
  if (segments == 0) return "";
  char mib[32];
  std::snprintf(mib, sizeof(mib), "%.1f", bytes / (1024.0 * 1024.0));
  return std::to_string(segments) + " segment(s) with " +
         std::to_string(bytes) + " bytes (" + mib +
         " MiB) of memory not dumped (p_filesz < p_memsz) were not "
         "searched: normal for MADV_DONTDUMP memory (secretmode's secret "
         "stacks and arena), memory excluded by coredump_filter, and "
         "read-only file mappings the dumper left out";
}

}  // namespace

bool ScanCoreFile(const std::string& path, const std::vector<Needle>& needles,
                  const ScanSettings& settings, ScanResult* result,
                  std::string* error) {
  *result = ScanResult();
  result->target = "core file " + path;
  Fd fd(OpenReadOnly(path));
  if (fd.get() < 0) {
    *error = "cannot open core file " + path + ": " + std::strerror(errno);
    return false;
  }
  CoreFile core;
  if (!ReadCoreFile(fd.get(), &core, error)) {
    *error = "core file " + path + ": " + *error;
    return false;
  }
  NeedleMatcher matcher(needles);
  const size_t overlap = matcher.MaxLength();
  // Register notes are read whole; an XSAVE area is a few KiB.
  ScratchBuffer buffer(kReadChunk + overlap + kX86VectorImageSize);
  if (buffer.data() == nullptr) {
    *error = "cannot map a scan buffer: " + std::string(std::strerror(errno));
    return false;
  }
  uint64_t total = 0;
  for (const CoreSegment& s : core.segments) total += s.filesz;
  Progress progress(settings.progress, result->target, total);
  SegmentScanner segments(fd.get(), core, matcher, settings, buffer.data(),
                          result, &progress);
  std::string why;
  if (!segments.Run(&why) ||
      !ScanRegisters(fd.get(), core, matcher, buffer.data(), buffer.size(),
                     result, &why)) {
    *error = "core file " + path + ": " + why;
    return false;
  }
  progress.Finish();
  DropContainedResidues(needles, &result->residues);
  result->notes.push_back(
      "MADV_DONTDUMP memory (secretmode's secret stacks and arena) is not "
      "in core files");
  const std::string not_dumped = NotDumpedNote(core);
  if (!not_dumped.empty()) result->notes.push_back(not_dumped);
  if (core.files.empty()) {
    result->notes.push_back(
        "the core has no NT_FILE note: file-backed mappings are reported as "
        "anonymous");
  }
  return true;
}

}  // namespace keyscan
