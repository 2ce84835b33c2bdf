// proc_maps.cc: see proc_maps.h.
#include "keyscan/proc_maps.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace keyscan {
namespace {

// procfs files report size 0, so they must be read until EOF.
bool ReadWholeFile(const std::string& path, std::string* out,
                   std::string* error) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = "open " + path + ": " + std::strerror(errno);
    return false;
  }
  out->clear();
  char buf[16384];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *error = "read " + path + ": " + std::strerror(errno);
      close(fd);
      return false;
    }
    if (n == 0) break;
    out->append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return true;
}

bool ParseHex(const char*& p, uintptr_t* value) {
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(p, &end, 16);
  if (end == p || errno != 0) return false;
  *value = static_cast<uintptr_t>(v);
  p = end;
  return true;
}

void SkipField(const char*& p, const char* end) {
  while (p < end && *p == ' ') ++p;
  while (p < end && *p != ' ') ++p;
}

// "start-end perms offset dev inode   path"; the path may contain spaces.
bool ParseHeader(const char* p, const char* end, Region* r) {
  if (!ParseHex(p, &r->start) || *p != '-') return false;
  ++p;
  if (!ParseHex(p, &r->end) || *p != ' ') return false;
  ++p;
  const char* perms = p;
  while (p < end && *p != ' ') ++p;
  r->perms.assign(perms, p);
  SkipField(p, end);  // offset
  SkipField(p, end);  // dev
  SkipField(p, end);  // inode
  while (p < end && *p == ' ') ++p;
  r->name.assign(p, end);
  if (r->name.empty()) r->name = "[anon]";
  return r->perms.size() == 4 && r->end > r->start;
}

// smaps key lines have a ':' in their first token; headers never do.
bool IsKeyLine(const char* p, const char* end) {
  for (; p < end && *p != ' '; ++p) {
    if (*p == ':') return true;
  }
  return false;
}

}  // namespace

bool ParseMaps(std::string_view text, const std::string& source,
               std::vector<Region>* out, std::string* error) {
  out->clear();
  const char* p = text.data();
  const char* const text_end = p + text.size();
  while (p < text_end) {
    const char* eol = static_cast<const char*>(
        std::memchr(p, '\n', static_cast<size_t>(text_end - p)));
    if (eol == nullptr) eol = text_end;
    if (!IsKeyLine(p, eol)) {
      Region r;
      if (!ParseHeader(p, eol, &r)) {
        *error = "cannot parse line of " + source + ": " + std::string(p, eol);
        return false;
      }
      out->push_back(std::move(r));
    } else if (!out->empty() && std::strncmp(p, "Rss:", 4) == 0) {
      out->back().rss_kb = std::strtoll(p + 4, nullptr, 10);
    } else if (!out->empty() && std::strncmp(p, "VmFlags:", 8) == 0) {
      out->back().vm_flags = std::string(p + 8, eol) + " ";
    }
    p = eol + 1;
  }
  std::sort(out->begin(), out->end(),
            [](const Region& a, const Region& b) { return a.start < b.start; });
  return true;
}

bool ReadMaps(pid_t pid, bool with_rss, std::vector<Region>* out,
              std::string* error) {
  const std::string path = "/proc/" +
                           (pid == 0 ? std::string("self")
                                     : std::to_string(pid)) +
                           (with_rss ? "/smaps" : "/maps");
  std::string text;
  if (!ReadWholeFile(path, &text, error)) return false;
  return ParseMaps(text, path, out, error);
}

const Region* FindRegion(const std::vector<Region>& regions,
                         uintptr_t address) {
  auto it = std::upper_bound(
      regions.begin(), regions.end(), address,
      [](uintptr_t a, const Region& r) { return a < r.start; });
  if (it == regions.begin()) return nullptr;
  --it;
  return it->contains(address) ? &*it : nullptr;
}

}  // namespace keyscan
