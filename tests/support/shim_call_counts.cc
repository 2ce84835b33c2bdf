// shim_call_counts.cc: see shim_call_counts.h.

#include "tests/support/shim_call_counts.h"

#include <vector>

#include "gtest/gtest.h"

namespace secret_test {
namespace {

std::vector<secret_shim_call_count> AllEntries() {
  std::vector<secret_shim_call_count> all(
      secret_shim_get_call_counts(nullptr, 0));
  secret_shim_get_call_counts(all.data(), all.size());
  return all;
}

}  // namespace

CountMap ReadCounts() {
  CountMap map;
  for (const auto& c : AllEntries()) map[c.name] = {c.calls, c.outermost};
  return map;
}

std::string Describe(const CountMap& counts) {
  std::string text;
  for (const auto& [name, c] : counts) {
    if (c.calls == 0) continue;
    text += "  " + name + ": " + std::to_string(c.calls) + " calls, " +
            std::to_string(c.outermost) + " outermost\n";
  }
  return text.empty() ? "  (no calls)\n" : text;
}

uint64_t Calls(const CountMap& counts, const std::string& name) {
  const auto it = counts.find(name);
  return it == counts.end() ? 0 : it->second.calls;
}

uint64_t Outermost(const CountMap& counts, const char* prefix) {
  uint64_t n = 0;
  for (const auto& [name, c] : counts) {
    if (name.rfind(prefix, 0) == 0) n += c.outermost;
  }
  return n;
}

void ExpectCalled(const CountMap& counts, const char* phase,
                  std::initializer_list<const char*> names) {
  for (const char* alternatives : names) {
    uint64_t calls = 0;
    std::string rest = alternatives;
    for (size_t bar; !rest.empty(); rest = rest.substr(bar + 1)) {
      bar = rest.find('|');
      calls += Calls(counts, rest.substr(0, bar));
      if (bar == std::string::npos) break;
    }
    EXPECT_GT(calls, 0u) << phase << ": " << alternatives
                         << " never reached its wrapper; counted:\n"
                         << Describe(counts);
  }
}

void ExpectOnlyLibsslSwitches(const CountMap& counts, const char* phase) {
  for (const auto& entry : AllEntries()) {
    const auto& c = counts.at(entry.name);
    if (std::string(entry.level) == "libssl") {
      EXPECT_EQ(c.outermost, c.calls) << phase << ": " << entry.name;
    } else {
      EXPECT_EQ(c.outermost, 0u)
          << phase << ": " << entry.name << " switched stacks itself";
    }
  }
}

}  // namespace secret_test
