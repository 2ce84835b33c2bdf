// progress.cc: see progress.h.
#include "keyscan/progress.h"

#include <unistd.h>

#include <utility>

namespace keyscan {

Progress::Progress(std::FILE* stream, std::string what, uint64_t total_bytes)
    : stream_(stream),
      what_(std::move(what)),
      total_(total_bytes),
      tty_(stream != nullptr && isatty(fileno(stream)) == 1),
      last_(std::chrono::steady_clock::now()) {}

Progress::~Progress() { Finish(); }

void Progress::Advance(uint64_t bytes) {
  done_ += bytes;
  if (stream_ == nullptr) return;
  const auto now = std::chrono::steady_clock::now();
  const auto interval = tty_ ? std::chrono::milliseconds(200)
                             : std::chrono::milliseconds(1000);
  if (now - last_ < interval) return;
  last_ = now;
  Print(false);
}

void Progress::Finish() {
  if (finished_ || stream_ == nullptr) return;
  finished_ = true;
  Print(true);
}

void Progress::Print(bool final_line) {
  const double mib = 1024.0 * 1024.0;
  // The total is an estimate (resident sizes read before the scan), so the
  // percentage is capped rather than trusted.
  const uint64_t shown_total = total_ > done_ ? total_ : done_;
  const int percent =
      shown_total == 0 ? 100
                       : static_cast<int>(done_ * 100 / shown_total);
  std::fprintf(stream_, "%skeyscan: %s: %.1f of %.1f MiB scanned (%d%%)%s",
               tty_ ? "\r" : "", what_.c_str(), done_ / mib,
               shown_total / mib, final_line ? 100 : percent,
               tty_ && !final_line ? "" : "\n");
  std::fflush(stream_);
}

}  // namespace keyscan
