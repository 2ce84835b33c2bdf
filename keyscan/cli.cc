// cli.cc: see cli.h.
#include "keyscan/cli.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "keyscan/core_scan.h"
#include "keyscan/needles.h"
#include "keyscan/process_scan.h"
#include "keyscan/report.h"
#include "keyscan/usage.h"

namespace keyscan {
namespace {

struct Arguments {
  std::string keylog;
  std::string core;
  pid_t pid = 0;
  bool have_pid = false;
  bool json = false;
  bool help = false;
  int progress = -1;  // -1: when stderr is a terminal
  ReportPolicy policy;
};

bool ParsePid(const char* text, pid_t* pid) {
  char* end = nullptr;
  errno = 0;
  const long v = std::strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v <= 0 || v > 0x7fffffff) {
    return false;
  }
  *pid = static_cast<pid_t>(v);
  return true;
}

bool ParseArguments(int argc, char** argv, Arguments* a, std::string* error) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&](std::string* out) {
      if (i + 1 >= argc) {
        *error = arg + " needs a value";
        return false;
      }
      *out = argv[++i];
      return true;
    };
    std::string v;
    if (arg == "--help" || arg == "-h") {
      a->help = true;
    } else if (arg == "--keylog") {
      if (!value(&a->keylog)) return false;
    } else if (arg == "--core") {
      if (!value(&a->core)) return false;
    } else if (arg == "--pid") {
      if (!value(&v)) return false;
      if (!ParsePid(v.c_str(), &a->pid)) {
        *error = "--pid needs a process id, got \"" + v + "\"";
        return false;
      }
      a->have_pid = true;
    } else if (arg == "--json") {
      a->json = true;
    } else if (arg == "--progress") {
      a->progress = 1;
    } else if (arg == "--no-progress") {
      a->progress = 0;
    } else if (arg == "--expect-cached-master-secrets") {
      a->policy.expect_cached_master_secrets = true;
    } else {
      *error = "unknown argument \"" + arg + "\" (see --help)";
      return false;
    }
  }
  if (a->help) return true;
  if (a->keylog.empty()) {
    *error = "--keylog FILE is required (see --help)";
    return false;
  }
  if (a->have_pid == !a->core.empty()) {
    *error = "give exactly one of --pid PID and --core FILE (see --help)";
    return false;
  }
  return true;
}

// Reads the key log whole; on failure *error says why.
bool ReadKeyLog(const std::string& path, std::string* text,
                std::string* error) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = "cannot read key log " + path + ": " + std::strerror(errno);
    return false;
  }
  char buf[65536];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *error = "cannot read key log " + path + ": " + std::strerror(errno);
      close(fd);
      OPENSSL_cleanse(buf, sizeof(buf));
      return false;
    }
    if (n == 0) break;
    text->append(buf, static_cast<size_t>(n));
  }
  close(fd);
  OPENSSL_cleanse(buf, sizeof(buf));
  return true;
}

// The key log's secrets, wiped when it goes out of scope. The string's
// growth may leave freed partial copies in the heap: keyscan scans other
// processes, never itself, so they do not distort its results.
class KeyLogText {
 public:
  ~KeyLogText() { OPENSSL_cleanse(&text_[0], text_.size()); }
  std::string* get() { return &text_; }

 private:
  std::string text_;
};

int Fail(std::FILE* err, const std::string& message) {
  std::fprintf(err, "keyscan: error: %s\n", message.c_str());
  return kExitError;
}

}  // namespace

int ExitStatusFor(const ScanResult& result, const std::vector<Needle>& needles,
                  const ReportPolicy& policy) {
  if (UnexpectedResidues(result, needles, policy) > 0 || result.truncated) {
    return kExitResidues;
  }
  if (result.bytes_scanned == 0 || ScanIncomplete(result)) return kExitError;
  return kExitClean;
}

int RunCli(int argc, char** argv, std::FILE* out, std::FILE* err) {
  Arguments args;
  std::string error;
  if (!ParseArguments(argc, argv, &args, &error)) return Fail(err, error);
  if (args.help) {
    std::fputs(kUsage, out);
    return kExitClean;
  }

  std::vector<Needle> needles;
  {
    KeyLogText text;
    if (!ReadKeyLog(args.keylog, text.get(), &error)) return Fail(err, error);
    if (!NeedlesFromKeyLog(*text.get(), &needles, &error)) {
      return Fail(err, "key log " + args.keylog + ": " + error);
    }
  }
  if (needles.empty()) {
    return Fail(err, "key log " + args.keylog +
                         " holds no secrets (it is empty or has only blank "
                         "and comment lines)");
  }

  ScanSettings settings;
  const bool progress =
      args.progress == 1 || (args.progress == -1 && isatty(fileno(err)) == 1);
  settings.progress = progress ? err : nullptr;
  ScanResult result;
  const bool ok =
      args.have_pid
          ? ScanProcess(args.pid, needles, settings, &result, &error)
          : ScanCoreFile(args.core, needles, settings, &result, &error);
  if (!ok) {
    WipeNeedles(&needles);
    return Fail(err, error);
  }
  const int status = ExitStatusFor(result, needles, args.policy);
  if (status == kExitError && result.bytes_scanned == 0 &&
      result.residues.empty()) {
    WipeNeedles(&needles);
    return Fail(err, result.target +
                         ": no memory could be read (nothing eligible was "
                         "resident, or the core holds no memory bytes): "
                         "nothing was searched");
  }
  if (args.json) {
    WriteJson(out, result, needles, args.policy);
  } else {
    WriteTable(out, result, needles, args.policy);
  }
  std::fflush(out);
  WipeNeedles(&needles);
  if (status == kExitError) {
    char mib[32];
    std::snprintf(mib, sizeof(mib), "%.1f",
                  result.bytes_unread / (1024.0 * 1024.0));
    return Fail(err, result.target + ": scan incomplete: " +
                         std::to_string(result.regions_unread) +
                         " eligible region(s) and " + mib +
                         " MiB of eligible memory were not read (" +
                         std::to_string(result.read_errors) +
                         " read error(s)); no unexpected residue in what "
                         "was read");
  }
  return status;
}

}  // namespace keyscan
