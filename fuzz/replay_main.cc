// replay_main.cc: the main of a fuzz target built without libFuzzer (see
// fuzz.bzl): runs LLVMFuzzerTestOneInput once on every input named on the
// command line, as a libFuzzer binary does when given files instead of a
// corpus to grow.
//
// Usage: NAME_fuzzer FILE_OR_DIR...  (a directory: each file in it, in
// name order, not recursively). Arguments starting with '-' are libFuzzer
// options and are ignored. Fails when no input is found, so that a
// misspelled or empty corpus does not pass as a test.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
// Optional in a fuzz target, as with libFuzzer.
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc,
                                                          char*** argv);

namespace {

namespace fs = std::filesystem;

bool AddInputs(const std::string& arg, std::vector<fs::path>* inputs) {
  std::error_code ec;
  if (fs::is_directory(arg, ec)) {
    std::vector<fs::path> files;
    for (const fs::directory_entry& e : fs::directory_iterator(arg, ec)) {
      if (e.is_regular_file(ec)) files.push_back(e.path());
    }
    if (ec) return false;
    std::sort(files.begin(), files.end());
    inputs->insert(inputs->end(), files.begin(), files.end());
    return true;
  }
  if (fs::is_regular_file(arg, ec)) {
    inputs->push_back(arg);
    return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] == '-') continue;
    if (!AddInputs(argv[i], &inputs)) {
      std::fprintf(stderr, "replay: cannot read %s\n", argv[i]);
      return 1;
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "replay: no inputs (usage: %s FILE_OR_DIR...)\n",
                 argv[0]);
    return 1;
  }
  for (const fs::path& path : inputs) {
    std::ifstream in(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)),
                            std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
      return 1;
    }
    // A heap block of exactly the input's size, as libFuzzer passes it, so
    // that AddressSanitizer reports a read one byte past the end (the
    // string's terminating NUL would hide it).
    std::unique_ptr<uint8_t[]> data(
        new uint8_t[bytes.empty() ? 1 : bytes.size()]);
    std::copy(bytes.begin(), bytes.end(), data.get());
    std::fprintf(stderr, "replay: %s (%zu bytes)\n", path.c_str(),
                 bytes.size());
    LLVMFuzzerTestOneInput(data.get(), bytes.size());
  }
  std::fprintf(stderr, "replay: %zu input(s) ran\n", inputs.size());
  return 0;
}
