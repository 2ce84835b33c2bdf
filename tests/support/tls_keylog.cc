// tls_keylog.cc: see tls_keylog.h.
#include "tests/support/tls_keylog.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <cstring>
#include <utility>

namespace secret_test {
namespace {

enum class LabelType {
  kTls13Traffic,   // a traffic secret: key and IV are derived from it
  kTls13Exporter,  // an exporter secret: searched for as it is
  kTls12Master,    // CLIENT_RANDOM: the TLS 1.2 master secret
};

struct LabelInfo {
  const char* name;
  LabelType type;
};

constexpr LabelInfo kLabels[] = {
    {"CLIENT_EARLY_TRAFFIC_SECRET", LabelType::kTls13Traffic},
    {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", LabelType::kTls13Traffic},
    {"SERVER_HANDSHAKE_TRAFFIC_SECRET", LabelType::kTls13Traffic},
    {"CLIENT_TRAFFIC_SECRET_0", LabelType::kTls13Traffic},
    {"SERVER_TRAFFIC_SECRET_0", LabelType::kTls13Traffic},
    {"EARLY_EXPORTER_SECRET", LabelType::kTls13Exporter},
    {"EXPORTER_SECRET", LabelType::kTls13Exporter},
    {"CLIENT_RANDOM", LabelType::kTls12Master},
};

constexpr size_t kClientRandomSize = 32;
constexpr size_t kMasterSecretSize = 48;
constexpr size_t kIvSize = 12;

const LabelInfo* FindLabel(std::string_view name) {
  for (const LabelInfo& info : kLabels) {
    if (name == info.name) return &info;
  }
  return nullptr;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes `hex` into *out (sized exactly once, so no reallocation leaves a
// partial copy behind). On failure *out is wiped and *why says what is wrong.
bool DecodeHex(std::string_view hex, std::vector<uint8_t>* out,
               std::string* why) {
  if (hex.size() % 2 != 0) {
    *why = "odd number of hex digits (" + std::to_string(hex.size()) + ")";
    return false;
  }
  out->assign(hex.size() / 2, 0);
  for (size_t i = 0; i < out->size(); ++i) {
    const int hi = HexValue(hex[2 * i]);
    const int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      OPENSSL_cleanse(out->data(), out->size());
      out->clear();
      *why = "not a hex digit at position " +
             std::to_string(2 * i + (hi < 0 ? 0 : 1) + 1);
      return false;
    }
    (*out)[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

std::string ToHex(const std::vector<uint8_t>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    hex.push_back(kDigits[b >> 4]);
    hex.push_back(kDigits[b & 15]);
  }
  return hex;
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


bool SameLine(const KeyLogLine& a, const KeyLogLine& b) {
  return a.label == b.label && a.client_random == b.client_random &&
         a.secret == b.secret;
}

// Appends a needle whose bytes are derived with HkdfExpandLabel.
bool AddDerived(const KeyLogLine& line, const char* digest, NeedleKind kind,
                size_t size, std::vector<Needle>* out, std::string* error) {
  Needle needle;
  needle.label = line.label;
  needle.kind = kind;
  needle.hash = digest;
  needle.client_random_hex = ToHex(line.client_random);
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

std::string OpenSslErrors() {
  std::string text;
  unsigned long code;
  while ((code = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    if (!text.empty()) text += "; ";
    text += buf;
  }
  return text.empty() ? "no OpenSSL error queued" : text;
}

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

    const std::string where = "key log line " + std::to_string(line_number);
    const auto fail = [&](const std::string& why) {
      *error = where + ": " + why;
      WipeKeyLogLines(out);
      return false;
    };
    if (fields.size() != 3) {
      return fail("expected 3 fields (LABEL CLIENT_RANDOM SECRET), found " +
                  std::to_string(fields.size()));
    }
    const LabelInfo* info = FindLabel(fields[0]);
    if (info == nullptr) {
      return fail("unknown label \"" + std::string(fields[0]) + "\"");
    }
    KeyLogLine parsed;
    parsed.line_number = line_number;
    parsed.label = info->name;
    std::string why;
    if (!DecodeHex(fields[1], &parsed.client_random, &why)) {
      return fail("client random: " + why);
    }
    if (parsed.client_random.size() != kClientRandomSize) {
      return fail("client random has " +
                  std::to_string(parsed.client_random.size()) +
                  " bytes, expected 32");
    }
    if (!DecodeHex(fields[2], &parsed.secret, &why)) {
      return fail("secret: " + why);
    }
    const size_t n = parsed.secret.size();
    if (info->type == LabelType::kTls12Master && n != kMasterSecretSize) {
      OPENSSL_cleanse(parsed.secret.data(), n);
      return fail("CLIENT_RANDOM secret has " + std::to_string(n) +
                  " bytes, expected the 48-byte master secret");
    }
    if (info->type != LabelType::kTls12Master && n != 32 && n != 48) {
      OPENSSL_cleanse(parsed.secret.data(), n);
      return fail(std::string(info->name) + " secret has " +
                  std::to_string(n) +
                  " bytes, expected 32 (SHA-256) or 48 (SHA-384)");
    }
    out->push_back(std::move(parsed));
  }
  return true;
}

bool HkdfExpandLabel(const char* digest, const uint8_t* secret,
                     size_t secret_len, std::string_view label,
                     const uint8_t* context, size_t context_len, uint8_t* out,
                     size_t out_len, std::string* error) {
  // struct {
  //   uint16 length = out_len;
  //   opaque label<7..255> = "tls13 " + label;
  //   opaque context<0..255> = context;
  // } HkdfLabel;
  static constexpr char kPrefix[] = "tls13 ";
  const size_t full_label_len = sizeof(kPrefix) - 1 + label.size();
  if (out_len > 0xffff || full_label_len > 255 || context_len > 255) {
    *error = "HKDF-Expand-Label: length, label or context too long";
    return false;
  }
  std::vector<uint8_t> info;
  info.reserve(2 + 1 + full_label_len + 1 + context_len);
  info.push_back(static_cast<uint8_t>(out_len >> 8));
  info.push_back(static_cast<uint8_t>(out_len & 0xff));
  info.push_back(static_cast<uint8_t>(full_label_len));
  info.insert(info.end(), kPrefix, kPrefix + sizeof(kPrefix) - 1);
  info.insert(info.end(), label.begin(), label.end());
  info.push_back(static_cast<uint8_t>(context_len));
  if (context_len > 0) info.insert(info.end(), context, context + context_len);

  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, OSSL_KDF_NAME_HKDF, nullptr);
  if (kdf == nullptr) {
    *error = "EVP_KDF_fetch(HKDF) failed: " + OpenSslErrors();
    return false;
  }
  EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf);
  EVP_KDF_free(kdf);
  if (ctx == nullptr) {
    *error = "EVP_KDF_CTX_new failed: " + OpenSslErrors();
    return false;
  }
  int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                       const_cast<char*>(digest), 0),
      // In EXPAND_ONLY mode the key is the pseudorandom key (the secret).
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
                                        const_cast<uint8_t*>(secret),
                                        secret_len),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info.data(),
                                        info.size()),
      OSSL_PARAM_construct_end(),
  };
  const bool ok = EVP_KDF_derive(ctx, out, out_len, params) == 1;
  EVP_KDF_CTX_free(ctx);
  if (!ok) {
    OPENSSL_cleanse(out, out_len);
    *error = std::string("HKDF-Expand (") + digest + ") failed: " +
             OpenSslErrors();
    return false;
  }
  return true;
}

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

    const LabelType type = FindLabel(line.label)->type;
    const char* digest = type == LabelType::kTls12Master ? ""
                         : line.secret.size() == 48     ? "SHA384"
                                                        : "SHA256";
    Needle secret;
    secret.label = line.label;
    secret.kind = NeedleKind::kSecret;
    secret.hash = digest;
    secret.client_random_hex = ToHex(line.client_random);
    secret.bytes = line.secret;
    needles.push_back(std::move(secret));
    if (type != LabelType::kTls13Traffic) continue;

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

void WipeKeyLogLines(std::vector<KeyLogLine>* lines) {
  for (KeyLogLine& line : *lines) {
    OPENSSL_cleanse(line.secret.data(), line.secret.size());
  }
  lines->clear();
}

}  // namespace secret_test
