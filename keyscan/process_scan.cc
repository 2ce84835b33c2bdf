// process_scan.cc: see process_scan.h.
#include "keyscan/process_scan.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <utility>

#include "keyscan/file_io.h"
#include "keyscan/needle_matcher.h"
#include "keyscan/proc_maps.h"
#include "keyscan/process_memory.h"
#include "keyscan/process_memory_class.h"
#include "keyscan/progress.h"
#include "keyscan/thread_stacks.h"

namespace keyscan {
namespace {

// Turns the scanner's chunks into residues.
class ResidueCollector : public ProcessMemoryVisitor {
 public:
  ResidueCollector(pid_t pid, const NeedleMatcher& matcher,
                   std::vector<ThreadStackPointer> threads,
                   const ScanSettings& settings, ScanResult* result)
      : pid_(pid),
        matcher_(matcher),
        threads_(std::move(threads)),
        settings_(settings),
        result_(result) {}

  void Regions(const std::vector<Region>& regions) override {
    regions_ = &regions;
    uint64_t total = 0;
    for (const Region& r : regions) {
      if (IsScannable(r, /*include_readonly=*/true,
                      /*include_no_access=*/true) &&
          r.rss_kb > 0) {
        total += uint64_t(r.rss_kb) * 1024;
      }
    }
    progress_ = std::make_unique<Progress>(settings_.progress,
                                           result_->target, total);
  }

  bool Chunk(const uint8_t* data, size_t len, uintptr_t address,
             size_t carried) override {
    progress_->Advance(len - carried);
    matches_.clear();
    matcher_.Search(data, len, carried, &matches_);
    for (const auto& [needle, offset] : matches_) {
      if (result_->residues.size() >= settings_.max_residues) {
        result_->truncated = true;
        return false;
      }
      Residue residue;
      residue.needle = needle;
      residue.address = address + offset;
      Describe(residue.address, &residue);
      result_->residues.push_back(std::move(residue));
    }
    return true;
  }

  void Finish() {
    if (progress_) progress_->Finish();
  }

 private:
  void Describe(uint64_t address, Residue* residue) {
    const Region* region =
        FindRegion(*regions_, static_cast<uintptr_t>(address));
    if (region == nullptr) {
      residue->memory_class = MemoryClass::kOther;
      residue->where = "(no mapping)";
      return;
    }
    auto it = classes_.find(region->start);
    if (it == classes_.end()) {
      std::pair<MemoryClass, std::string> c;
      c.first = ClassifyProcessMapping(*region, pid_, threads_, &c.second);
      it = classes_.emplace(region->start, std::move(c)).first;
    }
    residue->memory_class = it->second.first;
    residue->where = it->second.second;
  }

  pid_t pid_;
  const NeedleMatcher& matcher_;
  std::vector<ThreadStackPointer> threads_;
  const ScanSettings& settings_;
  ScanResult* result_;
  const std::vector<Region>* regions_ = nullptr;
  std::map<uintptr_t, std::pair<MemoryClass, std::string>> classes_;
  std::vector<std::pair<size_t, uint64_t>> matches_;
  std::unique_ptr<Progress> progress_;
};

// IsZombie returns whether /proc/PID/stat (under `proc`) says state Z.
bool IsZombie(const std::string& proc) {
  Fd fd(OpenReadOnly(proc + "/stat"));
  char buf[512];
  const ssize_t n = fd.get() < 0 ? -1 : read(fd.get(), buf, sizeof(buf) - 1);
  if (n <= 0) return false;
  buf[n] = '\0';
  // "PID (comm) S ...": comm may hold spaces and parentheses.
  const char* paren = std::strrchr(buf, ')');
  return paren != nullptr && paren[1] == ' ' && paren[2] == 'Z';
}

// CheckAccess turns the common failures into clear messages before the
// scan starts: the scanner itself only reports "open ...: <strerror>".
bool CheckAccess(pid_t pid, std::string* error) {
  const std::string proc = "/proc/" + std::to_string(pid);
  struct stat st;
  if (stat(proc.c_str(), &st) != 0) {
    *error = "no process with PID " + std::to_string(pid) + " (" + proc +
             ": " + std::strerror(errno) + ")";
    return false;
  }
  const int fd = open((proc + "/mem").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    *error = "cannot read the memory of process " + std::to_string(pid) +
             " (" + proc + "/mem: " + std::strerror(err) + ")";
    if (err == EACCES || err == EPERM) {
      *error +=
          ": run keyscan as root, or with ptrace rights over the process "
          "(CAP_SYS_PTRACE, or the same user with kernel.yama.ptrace_scope "
          "0)";
    } else if (IsZombie(proc)) {
      *error = "process " + std::to_string(pid) +
               " is a zombie (it exited, its parent has not reaped it): it "
               "has no memory to read";
    } else if (err == ENOENT || err == ESRCH) {
      *error = "no process with PID " + std::to_string(pid) + " (it exited)";
    }
    return false;
  }
  close(fd);
  return true;
}

}  // namespace

bool ScanProcess(pid_t pid, const std::vector<Needle>& needles,
                 const ScanSettings& settings, ScanResult* result,
                 std::string* error) {
  *result = ScanResult();
  result->target = "process " + std::to_string(pid);
  if (pid <= 0) {
    *error = "invalid PID " + std::to_string(pid);
    return false;
  }
  if (pid == getpid()) {
    *error = "keyscan cannot scan its own process (it holds the needles)";
    return false;
  }
  if (!CheckAccess(pid, error)) return false;

  NeedleMatcher matcher(needles);
  ResidueCollector collector(pid, matcher, ReadThreadStackPointers(pid),
                             settings, result);
  ProcessMemoryStats stats;
  ProcessMemoryOptions options;
  options.include_readonly = true;  // a secret may sit in any readable page
  options.include_no_access = true;  // ... or in one made PROT_NONE since
  options.query_residency = settings.query_residency;
  options.max_unknown_residency_bytes = settings.max_unknown_residency_bytes;
  const size_t overlap = matcher.MaxLength() > 0 ? matcher.MaxLength() - 1 : 0;
  const bool ok =
      VisitProcessMemory(pid, overlap, options, &collector, &stats);
  collector.Finish();
  DropContainedResidues(needles, &result->residues);
  result->bytes_scanned = stats.bytes_scanned;
  result->regions_scanned = stats.regions_scanned;
  result->regions_skipped = stats.regions_skipped;
  result->regions_ineligible = stats.regions_ineligible;
  result->regions_not_resident = stats.regions_not_resident;
  result->regions_unread = stats.regions_unread;
  result->bytes_unread = stats.bytes_unread;
  result->read_errors = stats.read_errors;
  if (!ok) {
    *error = "scanning process " + std::to_string(pid) + ": " + stats.error;
    return false;
  }
  if (stats.read_errors > 0) {
    result->notes.push_back(std::to_string(stats.read_errors) +
                            " read(s) of /proc/PID/mem failed (EIO); the "
                            "pages were skipped");
  }
  if (stats.regions_unread > 0) {
    result->notes.push_back(
        std::to_string(stats.regions_unread) +
        " eligible mapping(s) with resident pages were not read: their "
        "residency could not be queried (no PAGEMAP_SCAN or pagemap) and "
        "they are partly resident and larger than " +
        std::to_string(options.max_unknown_residency_bytes >> 20) +
        " MiB, or the query failed");
  }
  result->notes.push_back(
      "registers of a live process are not read: scan a core "
      "(gcore PID) for them");
  return true;
}

}  // namespace keyscan
