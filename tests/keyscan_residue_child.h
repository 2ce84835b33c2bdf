// A child process that holds known TLS secrets at known kinds of places,
// for keyscan's process and core-file tests.
#ifndef SECRETMODE_TESTS_KEYSCAN_RESIDUE_CHILD_H_
#define SECRETMODE_TESTS_KEYSCAN_RESIDUE_CHILD_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "keyscan/needles.h"
#include "tests/support/child_process.h"

namespace keyscan_test {

// ResidueChild forks a child, then makes up a key log of random secrets
// (after the fork, so the child holds only what it is sent) and sends the
// child, over a pipe straight into a private mapping, the bytes it plants:
//   CLIENT_TRAFFIC_SECRET_0 secret and its 16-byte key  -> heap (malloc)
//   SERVER_TRAFFIC_SECRET_0 secret and its IV           -> anonymous mmap
//   EXPORTER_SECRET                                     -> a second thread's
//       stack, and ymm0 of that thread while it blocks in read()
//   CLIENT_HANDSHAKE_TRAFFIC_SECRET                     -> the main stack
// The child then wipes what it received, and Wipe() has it wipe every copy.
class ResidueChild {
 public:
  ResidueChild();
  ~ResidueChild();

  // Empty when the child is ready; otherwise what went wrong.
  const std::string& error() const { return error_; }
  pid_t pid() const { return child_->pid(); }
  const std::string& key_log() const { return key_log_; }
  // The needles of key_log() (owned here, wiped by the destructor).
  const std::vector<keyscan::Needle>& needles() const { return needles_; }
  // Has the child wipe every planted copy; false on failure.
  bool Wipe();

 private:
  std::unique_ptr<secret_test::ChildProcess> child_;
  std::string key_log_;
  std::vector<keyscan::Needle> needles_;
  std::string error_;
};

}  // namespace keyscan_test

#endif  // SECRETMODE_TESTS_KEYSCAN_RESIDUE_CHILD_H_
