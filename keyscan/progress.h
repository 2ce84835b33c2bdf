// Progress of a long scan, on stderr.
#ifndef SECRETMODE_KEYSCAN_PROGRESS_H_
#define SECRETMODE_KEYSCAN_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace keyscan {

// Progress prints "keyscan: <what>: N of M MiB scanned (P%)" to `stream` at
// most a few times a second: rewriting one line when `stream` is a terminal,
// one line per second otherwise. A disabled Progress (stream == nullptr)
// prints nothing. Not thread-safe: one scanning thread calls it.
//
// WARNING: it prints sizes only, never scanned bytes.
class Progress {
 public:
  Progress(std::FILE* stream, std::string what, uint64_t total_bytes);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Advance adds `bytes` to the bytes done and prints a progress line when
  // at least the print interval has passed since the last one; a disabled
  // Progress only counts. Write errors on the stream are ignored. Not
  // thread-safe; not async-signal-safe (stdio).
  //
  // WARNING: it trusts the caller's counts: bytes beyond the estimated
  // total raise the total shown, and it cannot tell whether the bytes
  // were really read.
  void Advance(uint64_t bytes);
  // Finish prints the final count (ending the terminal line), so that a
  // requested progress report always says what was scanned. Idempotent;
  // the destructor calls it. Write errors are ignored. Not thread-safe; not
  // async-signal-safe (stdio).
  //
  // WARNING: the final line always says 100%, of what was counted: it is
  // not a coverage report; the report's coverage line and RESULT say
  // whether eligible memory was left unread.
  void Finish();

 private:
  void Print(bool final_line);

  std::FILE* stream_;
  std::string what_;
  uint64_t total_;
  uint64_t done_ = 0;
  bool tty_ = false;
  bool finished_ = false;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace keyscan

#endif  // SECRETMODE_KEYSCAN_PROGRESS_H_
