// needles.cc: see needles.h.
#include "keyscan/needles.h"

#include <openssl/crypto.h>

#include <utility>

#include "keyscan/hex.h"
#include "keyscan/hkdf_expand_label.h"
#include "keyscan/tls12_key_block.h"

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
    case LabelKind::kTls12ServerRandom:
      return NeedleCategory::kTls12Record;
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

// The TLS 1.2 AEAD suites' key-block layouts: the suite is not in the key
// log, so every layout is cut, and the needles of the others are never
// found. The 4-byte implicit IVs of AES-GCM are too short to search for.
struct Tls12Layout {
  const char* digest;  // the PRF's hash
  size_t key_len;
  size_t iv_len;  // 0: not searched
};
constexpr Tls12Layout kTls12Layouts[] = {
    {"SHA256", 16, 0},   // AES-128-GCM
    {"SHA256", 32, 12},  // ChaCha20-Poly1305
    {"SHA384", 32, 0},   // AES-256-GCM
};

// AddTls12RecordKeys appends the client and server write keys (and IVs)
// the master secret of `master` and `server_random` give, for every layout.
bool AddTls12RecordKeys(const KeyLogLine& master,
                        const std::vector<uint8_t>& server_random,
                        std::vector<Needle>* out, std::string* error) {
  for (const Tls12Layout& layout : kTls12Layouts) {
    // AEAD suites have no MAC keys: client key, server key, client IV,
    // server IV (RFC 5246 section 6.3).
    const size_t size = 2 * layout.key_len + 2 * layout.iv_len;
    std::vector<uint8_t> block(size);
    if (!Tls12KeyBlock(layout.digest, master.secret.data(),
                       master.secret.size(), master.client_random.data(),
                       server_random.data(), block.data(), size, error)) {
      *error = "key log line " + std::to_string(master.line_number) + ": " +
               *error;
      return false;
    }
    struct Cut {
      const char* writer;
      NeedleKind kind;
      size_t offset, len;
    };
    const Cut cuts[] = {
        {"client write", NeedleKind::kKey, 0, layout.key_len},
        {"server write", NeedleKind::kKey, layout.key_len, layout.key_len},
        {"client write", NeedleKind::kIv, 2 * layout.key_len, layout.iv_len},
        {"server write", NeedleKind::kIv, 2 * layout.key_len + layout.iv_len,
         layout.iv_len},
    };
    for (const Cut& cut : cuts) {
      if (cut.len == 0) continue;
      Needle needle = NeedleFor(master, layout.digest, cut.kind);
      needle.label = master.label + " " + cut.writer;
      needle.category = NeedleCategory::kTls12Record;
      needle.bytes.assign(block.begin() + cut.offset,
                          block.begin() + cut.offset + cut.len);
      out->push_back(std::move(needle));
    }
    OPENSSL_cleanse(block.data(), block.size());
  }
  return true;
}

// ServerRandomFor returns the SECRETMODE_SERVER_RANDOM line of the
// connection `master` names, or null.
const KeyLogLine* ServerRandomFor(const std::vector<KeyLogLine>& lines,
                                  const KeyLogLine& master) {
  for (const KeyLogLine& line : lines) {
    if (line.kind == LabelKind::kTls12ServerRandom &&
        line.client_random == master.client_random) {
      return &line;
    }
  }
  return nullptr;
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
    case NeedleCategory::kTls12Record:
      return "TLS 1.2 record key/IV";
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
    // A server random is public: it only completes a master secret's line.
    if (repeat || line.kind == LabelKind::kTls12ServerRandom) continue;

    const char* digest = line.kind == LabelKind::kTls12Master ? ""
                         : line.secret.size() == 48         ? "SHA384"
                                                            : "SHA256";
    Needle secret = NeedleFor(line, digest, NeedleKind::kSecret);
    secret.bytes = line.secret;
    needles.push_back(std::move(secret));
    if (line.kind == LabelKind::kTls12Master) {
      const KeyLogLine* server_random = ServerRandomFor(lines, line);
      if (server_random != nullptr) {
        ok = AddTls12RecordKeys(line, server_random->secret, &needles, error);
      }
      continue;
    }
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
