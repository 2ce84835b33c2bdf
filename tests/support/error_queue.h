// error_queue.h: this thread's OpenSSL or BoringSSL error queue as one line
// of text, for the messages of test programs. Header-only: it compiles
// against the includer's library.

#ifndef SECRETMODE_TESTS_SUPPORT_ERROR_QUEUE_H_
#define SECRETMODE_TESTS_SUPPORT_ERROR_QUEUE_H_

#include <openssl/err.h>

#include <string>

namespace secret_test {

// ErrorQueueText empties this thread's error queue and returns its errors
// joined with "; ", or "no error queued". Thread-safe (the queue is per
// thread).
inline std::string ErrorQueueText() {
  std::string all;
  char line[256];
  while (const unsigned long e = ERR_get_error()) {
    ERR_error_string_n(e, line, sizeof(line));
    if (!all.empty()) all += "; ";
    all += line;
  }
  return all.empty() ? "no error queued" : all;
}

}  // namespace secret_test

#endif  // SECRETMODE_TESTS_SUPPORT_ERROR_QUEUE_H_
