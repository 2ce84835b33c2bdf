// key_log.cc: see key_log.h.
#include "keyscan/key_log.h"

#include <openssl/crypto.h>

#include <utility>

#include "keyscan/hex.h"
#include "keyscan/printable.h"

namespace keyscan {
namespace {

struct LabelInfo {
  const char* name;
  LabelKind kind;
};

constexpr LabelInfo kLabels[] = {
    {"CLIENT_EARLY_TRAFFIC_SECRET", LabelKind::kTls13Traffic},
    {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", LabelKind::kTls13Traffic},
    {"SERVER_HANDSHAKE_TRAFFIC_SECRET", LabelKind::kTls13Traffic},
    {"CLIENT_TRAFFIC_SECRET_0", LabelKind::kTls13Traffic},
    {"SERVER_TRAFFIC_SECRET_0", LabelKind::kTls13Traffic},
    {"EARLY_EXPORTER_SECRET", LabelKind::kTls13Exporter},
    {"EXPORTER_SECRET", LabelKind::kTls13Exporter},
    {"CLIENT_RANDOM", LabelKind::kTls12Master},
    {"SECRETMODE_SERVER_RANDOM", LabelKind::kTls12ServerRandom},
};

constexpr size_t kClientRandomSize = 32;
constexpr size_t kMasterSecretSize = 48;

const LabelInfo* FindLabel(std::string_view name) {
  for (const LabelInfo& info : kLabels) {
    if (name == info.name) return &info;
  }
  return nullptr;
}

// Splits on runs of spaces and tabs.
std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

// ParseLine fills *parsed from the fields of one non-blank line, or returns
// false with *why (the secret is wiped on failure).
bool ParseLine(const std::vector<std::string_view>& fields,
               KeyLogLine* parsed, std::string* why) {
  if (fields.size() != 3) {
    *why = "expected 3 fields (LABEL CLIENT_RANDOM SECRET), found " +
           std::to_string(fields.size());
    return false;
  }
  const LabelInfo* info = FindLabel(fields[0]);
  if (info == nullptr) {
    // Quoted for the terminal the message ends up on: the log is the
    // target's text.
    *why = "unknown label \"" + Printable(fields[0]) + "\"";
    return false;
  }
  parsed->label = info->name;
  parsed->kind = info->kind;
  std::string hex_why;
  if (!DecodeHex(fields[1], &parsed->client_random, &hex_why)) {
    *why = "client random: " + hex_why;
    return false;
  }
  if (parsed->client_random.size() != kClientRandomSize) {
    *why = "client random has " +
           std::to_string(parsed->client_random.size()) +
           " bytes, expected 32";
    return false;
  }
  if (!DecodeHex(fields[2], &parsed->secret, &hex_why)) {
    *why = "secret: " + hex_why;
    return false;
  }
  const size_t n = parsed->secret.size();
  if (info->kind == LabelKind::kTls12Master && n != kMasterSecretSize) {
    *why = "CLIENT_RANDOM secret has " + std::to_string(n) +
           " bytes, expected the 48-byte master secret";
  } else if (info->kind == LabelKind::kTls12ServerRandom && n != 32) {
    *why = "SECRETMODE_SERVER_RANDOM has " + std::to_string(n) +
           " bytes, expected the 32-byte server random";
  } else if (info->kind != LabelKind::kTls12Master &&
             info->kind != LabelKind::kTls12ServerRandom && n != 32 &&
             n != 48) {
    *why = std::string(info->name) + " secret has " + std::to_string(n) +
           " bytes, expected 32 (SHA-256) or 48 (SHA-384)";
  } else {
    return true;
  }
  OPENSSL_cleanse(parsed->secret.data(), n);
  return false;
}

}  // namespace

bool ParseKeyLog(std::string_view text, std::vector<KeyLogLine>* out,
                 std::string* error) {
  WipeKeyLogLines(out);
  int line_number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    const std::vector<std::string_view> fields = Fields(line);
    if (fields.empty() || fields[0][0] == '#') continue;

    KeyLogLine parsed;
    parsed.line_number = line_number;
    std::string why;
    if (!ParseLine(fields, &parsed, &why)) {
      *error = "key log line " + std::to_string(line_number) + ": " + why;
      WipeKeyLogLines(out);
      return false;
    }
    out->push_back(std::move(parsed));
  }
  return true;
}

void WipeKeyLogLines(std::vector<KeyLogLine>* lines) {
  for (KeyLogLine& line : *lines) {
    OPENSSL_cleanse(line.secret.data(), line.secret.size());
  }
  lines->clear();
}

}  // namespace keyscan
