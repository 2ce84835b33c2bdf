// needles.cc: see needles.h.
#include "keyscan/needles.h"

#include <openssl/crypto.h>

#include <utility>

#include "keyscan/hex.h"
#include "keyscan/hkdf_expand_label.h"

namespace keyscan {
namespace {

constexpr size_t kIvSize = 12;

bool SameLine(const KeyLogLine& a, const KeyLogLine& b) {
  return a.label == b.label && a.client_random == b.client_random &&
         a.secret == b.secret;
}

NeedleCategory CategoryOf(LabelKind kind) {
  switch (kind) {
    case LabelKind::kTls13Traffic:
      return NeedleCategory::kTls13Traffic;
    case LabelKind::kTls13Exporter:
      return NeedleCategory::kTls13Exporter;
    case LabelKind::kTls12Master:
      return NeedleCategory::kTls12Master;
  }
  return NeedleCategory::kTls13Traffic;
}

Needle NeedleFor(const KeyLogLine& line, const char* digest, NeedleKind kind) {
  Needle needle;
  needle.label = line.label;
  needle.kind = kind;
  needle.category = CategoryOf(line.kind);
  needle.hash = digest;
  needle.client_random_hex = ToHex(line.client_random);
  needle.line_number = line.line_number;
  return needle;
}

// Appends a needle whose bytes are derived with HkdfExpandLabel.
bool AddDerived(const KeyLogLine& line, const char* digest, NeedleKind kind,
                size_t size, std::vector<Needle>* out, std::string* error) {
  Needle needle = NeedleFor(line, digest, kind);
  needle.bytes.assign(size, 0);
  if (!HkdfExpandLabel(digest, line.secret.data(), line.secret.size(),
                       kind == NeedleKind::kKey ? "key" : "iv", nullptr, 0,
                       needle.bytes.data(), size, error)) {
    *error = "key log line " + std::to_string(line.line_number) + " (" +
             line.label + "): " + *error;
    return false;
  }
  out->push_back(std::move(needle));
  return true;
}

}  // namespace

const char* NeedleKindName(NeedleKind kind) {
  switch (kind) {
    case NeedleKind::kSecret:
      return "secret";
    case NeedleKind::kKey:
      return "key";
    case NeedleKind::kIv:
      return "iv";
  }
  return "?";
}

const char* NeedleCategoryName(NeedleCategory category) {
  switch (category) {
    case NeedleCategory::kTls13Traffic:
      return "TLS 1.3 traffic secret/key/IV";
    case NeedleCategory::kTls13Exporter:
      return "TLS 1.3 exporter secret";
    case NeedleCategory::kTls12Master:
      return "TLS 1.2 master secret";
  }
  return "?";
}

std::string Needle::Describe() const {
  std::string text = label + " " + NeedleKindName(kind) + " (" +
                     std::to_string(bytes.size()) + " bytes";
  if (!hash.empty()) text += ", " + hash;
  text += ", client_random " + client_random_hex.substr(0, 16) + "...)";
  return text;
}

bool NeedlesFromKeyLog(std::string_view key_log, std::vector<Needle>* out,
                       std::string* error) {
  std::vector<KeyLogLine> lines;
  if (!ParseKeyLog(key_log, &lines, error)) return false;

  std::vector<Needle> needles;
  bool ok = true;
  for (size_t i = 0; ok && i < lines.size(); ++i) {
    const KeyLogLine& line = lines[i];
    bool repeat = false;
    for (size_t j = 0; j < i && !repeat; ++j) repeat = SameLine(lines[j], line);
    if (repeat) continue;

    const char* digest = line.kind == LabelKind::kTls12Master ? ""
                         : line.secret.size() == 48         ? "SHA384"
                                                            : "SHA256";
    Needle secret = NeedleFor(line, digest, NeedleKind::kSecret);
    secret.bytes = line.secret;
    needles.push_back(std::move(secret));
    if (line.kind != LabelKind::kTls13Traffic) continue;

    if (line.secret.size() == 32) {
      ok = AddDerived(line, digest, NeedleKind::kKey, 16, &needles, error) &&
           AddDerived(line, digest, NeedleKind::kKey, 32, &needles, error);
    } else {
      ok = AddDerived(line, digest, NeedleKind::kKey, 32, &needles, error);
    }
    ok = ok && AddDerived(line, digest, NeedleKind::kIv, kIvSize, &needles,
                          error);
  }
  WipeKeyLogLines(&lines);
  if (!ok) {
    WipeNeedles(&needles);
    return false;
  }
  out->reserve(out->size() + needles.size());
  for (Needle& needle : needles) out->push_back(std::move(needle));
  return true;
}

void WipeNeedles(std::vector<Needle>* needles) {
  for (Needle& needle : *needles) {
    OPENSSL_cleanse(needle.bytes.data(), needle.bytes.size());
  }
  needles->clear();
}

}  // namespace keyscan
