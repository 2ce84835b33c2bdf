// proc_maps.cc: see proc_maps.h.
#include "keyscan/proc_maps.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "keyscan/printable.h"

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

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads the hex digits at p, before `end`, and moves p past them. Not
// strtoull, which skips leading white space, newlines included: it would
// read past the end of the line (a blank line would take the next line's
// address, and leave p past `end`) and past text not NUL-terminated.
bool ParseHex(const char*& p, const char* end, uintptr_t* value) {
  uintptr_t v = 0;
  const char* q = p;
  for (; q < end && HexDigit(*q) >= 0; ++q) {
    if (v > (UINTPTR_MAX >> 4)) return false;  // more than 64 bits
    v = v << 4 | static_cast<uintptr_t>(HexDigit(*q));
  }
  if (q == p) return false;
  *value = v;
  p = q;
  return true;
}

// The number of an smaps "Key:   123 kB" value [p, end): 0 without digits,
// INT64_MAX above it (as strtoll gives, but without reading past the line).
int64_t ParseKb(const char* p, const char* end) {
  while (p < end && (*p == ' ' || *p == '\t')) ++p;
  int64_t v = 0;
  for (; p < end && *p >= '0' && *p <= '9'; ++p) {
    const int digit = *p - '0';
    if (v > (INT64_MAX - digit) / 10) return INT64_MAX;
    v = v * 10 + digit;
  }
  return v;
}

void SkipField(const char*& p, const char* end) {
  while (p < end && *p == ' ') ++p;
  while (p < end && *p != ' ') ++p;
}

// "start-end perms offset dev inode   path"; the path may contain spaces.
bool ParseHeader(const char* p, const char* end, Region* r) {
  if (!ParseHex(p, end, &r->start) || p == end || *p != '-') return false;
  ++p;
  if (!ParseHex(p, end, &r->end) || p == end || *p != ' ') return false;
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
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    const std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    const char* const p = line.data();
    const char* const end = p + line.size();
    if (!IsKeyLine(p, end)) {
      Region r;
      if (!ParseHeader(p, end, &r)) {
        *error = "cannot parse line of " + source + ": " + Printable(line);
        return false;
      }
      out->push_back(std::move(r));
    } else if (!out->empty() && line.compare(0, 4, "Rss:") == 0) {
      out->back().rss_kb = ParseKb(p + 4, end);
    } else if (!out->empty() && line.compare(0, 8, "VmFlags:") == 0) {
      out->back().vm_flags = std::string(p + 8, end) + " ";
    }
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
