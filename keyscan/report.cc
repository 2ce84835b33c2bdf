// report.cc: see report.h.
#include "keyscan/report.h"

#include <cinttypes>
#include <map>
#include <string>

#include "keyscan/printable.h"

namespace keyscan {
namespace {

constexpr NeedleCategory kCategories[] = {
    NeedleCategory::kTls13Traffic, NeedleCategory::kTls13Exporter,
    NeedleCategory::kTls12Master, NeedleCategory::kTls12Record};

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u >= 0x7f) {
      // Paths are bytes, not necessarily UTF-8: escape everything unusual.
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string HexAddress(uint64_t address) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "0x%" PRIx64, address);
  return buf;
}

// "SERVER_TRAFFIC_SECRET_0 key 16B SHA256"
std::string ShortName(const Needle& n) {
  std::string s = n.label + " " + NeedleKindName(n.kind) + " " +
                  std::to_string(n.bytes.size()) + "B";
  if (!n.hash.empty()) s += " " + n.hash;
  return s;
}

}  // namespace

bool IsExpected(const Needle& needle, const ReportPolicy& policy) {
  return policy.expect_cached_master_secrets &&
         needle.category == NeedleCategory::kTls12Master;
}

size_t UnexpectedResidues(const ScanResult& result,
                          const std::vector<Needle>& needles,
                          const ReportPolicy& policy) {
  size_t n = 0;
  for (const Residue& r : result.residues) {
    if (!IsExpected(needles[r.needle], policy)) ++n;
  }
  return n;
}

void WriteTable(std::FILE* out, const ScanResult& result,
                const std::vector<Needle>& needles,
                const ReportPolicy& policy) {
  const size_t unexpected = UnexpectedResidues(result, needles, policy);
  const size_t expected = result.residues.size() - unexpected;
  std::fprintf(out,
               "keyscan: %s: %zu needle(s) searched in %.1f MiB (%zu "
               "regions)\n",
               Printable(result.target).c_str(), needles.size(),
               result.bytes_scanned / (1024.0 * 1024.0),
               result.regions_scanned);
  std::fprintf(out,
               "coverage: %zu region(s) read, %zu not eligible (never read: "
               "[vvar], [vsyscall], devices), %zu with nothing resident, "
               "%zu eligible but not read (%.1f MiB), %zu read error(s)\n",
               result.regions_scanned, result.regions_ineligible,
               result.regions_not_resident, result.regions_unread,
               result.bytes_unread / (1024.0 * 1024.0), result.read_errors);

  // Rows: needle -> count per class.
  std::map<size_t, std::map<MemoryClass, size_t>> rows;
  for (const Residue& r : result.residues) ++rows[r.needle][r.memory_class];

  for (const NeedleCategory category : kCategories) {
    size_t copies = 0;
    for (const auto& [needle, classes] : rows) {
      if (needles[needle].category != category) continue;
      for (const auto& [cls, count] : classes) copies += count;
    }
    const bool expected_category =
        category == NeedleCategory::kTls12Master &&
        policy.expect_cached_master_secrets;
    std::fprintf(out, "\n%s: %zu cop%s%s\n", NeedleCategoryName(category),
                 copies, copies == 1 ? "y" : "ies",
                 expected_category && copies > 0
                     ? " (expected: --expect-cached-master-secrets)"
                     : "");
    for (const auto& [needle, classes] : rows) {
      const Needle& n = needles[needle];
      if (n.category != category) continue;
      size_t count = 0;
      std::string where;
      for (const auto& [cls, c] : classes) {
        count += c;
        if (!where.empty()) where += ", ";
        where += std::string(MemoryClassName(cls)) + " " + std::to_string(c);
      }
      std::fprintf(out, "  %-44s client_random %.16s...  %4zu  %s\n",
                   ShortName(n).c_str(), n.client_random_hex.c_str(), count,
                   where.c_str());
    }
  }

  if (!result.residues.empty()) {
    std::fprintf(out, "\nCopies:\n");
    for (const Residue& r : result.residues) {
      const Needle& n = needles[r.needle];
      const std::string address =
          r.memory_class == MemoryClass::kRegisters ? "-"
                                                     : HexAddress(r.address);
      std::fprintf(out, "  %-18s %-13s %s  [%s]\n", address.c_str(),
                   MemoryClassName(r.memory_class), n.Describe().c_str(),
                   Printable(r.where).c_str());
    }
  }
  for (const std::string& note : result.notes) {
    std::fprintf(out, "note: %s\n", note.c_str());
  }
  if (result.truncated) {
    std::fprintf(out, "note: stopped recording at %zu copies\n",
                 result.residues.size());
  }
  if (ScanIncomplete(result)) {
    std::fprintf(out,
                 "\nRESULT: INCOMPLETE scan (%zu eligible region(s), %.1f "
                 "MiB, and %zu read error(s) not read): %zu unexpected "
                 "residue(s), %zu expected\n",
                 result.regions_unread,
                 result.bytes_unread / (1024.0 * 1024.0), result.read_errors,
                 unexpected, expected);
  } else {
    std::fprintf(out, "\nRESULT: %zu unexpected residue(s), %zu expected\n",
                 unexpected, expected);
  }
}

void WriteJson(std::FILE* out, const ScanResult& result,
               const std::vector<Needle>& needles,
               const ReportPolicy& policy) {
  const size_t unexpected = UnexpectedResidues(result, needles, policy);
  std::fprintf(out,
               "{\"target\":%s,\"needles\":%zu,\"bytes_scanned\":%" PRIu64
               ",\"regions_scanned\":%zu,\"read_errors\":%zu,"
               "\"regions_ineligible\":%zu,\"regions_not_resident\":%zu,"
               "\"regions_unread\":%zu,\"bytes_unread\":%" PRIu64 ","
               "\"complete\":%s,"
               "\"truncated\":%s,\"unexpected_residues\":%zu,"
               "\"expected_residues\":%zu,\"residues\":[",
               JsonString(result.target).c_str(), needles.size(),
               result.bytes_scanned, result.regions_scanned,
               result.read_errors, result.regions_ineligible,
               result.regions_not_resident, result.regions_unread,
               result.bytes_unread, ScanIncomplete(result) ? "false" : "true",
               result.truncated ? "true" : "false", unexpected,
               result.residues.size() - unexpected);
  bool first = true;
  for (const Residue& r : result.residues) {
    const Needle& n = needles[r.needle];
    const std::string address =
        r.memory_class == MemoryClass::kRegisters
            ? "null"
            : JsonString(HexAddress(r.address));
    std::fprintf(
        out,
        "%s{\"label\":%s,\"kind\":\"%s\",\"category\":\"%s\","
        "\"length\":%zu,\"hash\":%s,\"client_random\":\"%s\","
        "\"key_log_line\":%d,\"expected\":%s,\"address\":%s,"
        "\"class\":\"%s\",\"where\":%s}",
        first ? "" : ",", JsonString(n.label).c_str(), NeedleKindName(n.kind),
        NeedleCategoryName(n.category), n.bytes.size(),
        JsonString(n.hash).c_str(), n.client_random_hex.c_str(),
        n.line_number, IsExpected(n, policy) ? "true" : "false",
        address.c_str(), MemoryClassName(r.memory_class),
        JsonString(r.where).c_str());
    first = false;
  }
  std::fprintf(out, "],\"notes\":[");
  first = true;
  for (const std::string& note : result.notes) {
    std::fprintf(out, "%s%s", first ? "" : ",", JsonString(note).c_str());
    first = false;
  }
  std::fprintf(out, "]}\n");
}

}  // namespace keyscan
