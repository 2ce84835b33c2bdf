// openssl_symbols.cc: see openssl_symbols.h.

#include "shim/openssl/openssl_symbols.h"

#include <dlfcn.h>
#include <link.h>
#include <string.h>

#include <string>
#include <vector>

namespace secret_shim {
namespace {

// The shim's own object: the executable it is linked into, or the preloaded
// library. A lookup that finds a definition there found a wrapper.
const void* ShimObjectBase() {
  Dl_info info;
  if (dladdr(reinterpret_cast<const void*>(&ShimObjectBase), &info) == 0) {
    return nullptr;
  }
  return info.dli_fbase;
}

bool DefinedByShim(void* fn) {
  Dl_info info;
  return dladdr(fn, &info) != 0 && info.dli_fbase == ShimObjectBase();
}

// OpenSslObjects returns the paths of the loaded libssl and libcrypto
// objects. Only their names are collected while dl_iterate_phdr holds the
// loader's lock: dlopen and dlsym, which take the loader's other lock, run
// after it returns (the other order deadlocks against a concurrent dlopen).
std::vector<std::string> OpenSslObjects() {
  std::vector<std::string> paths;
  dl_iterate_phdr(
      [](dl_phdr_info* object, size_t, void* arg) {
        const char* base = strrchr(object->dlpi_name, '/');
        base = base != nullptr ? base + 1 : object->dlpi_name;
        if (strncmp(base, "libssl.so", 9) == 0 ||
            strncmp(base, "libcrypto.so", 12) == 0) {
          static_cast<std::vector<std::string>*>(arg)->push_back(
              object->dlpi_name);
        }
        return 0;
      },
      &paths);
  return paths;
}

// SearchLocalScopes looks `name` up in each loaded libssl and libcrypto (and,
// through its handle, in what it depends on), skipping the shim's own
// definition.
void* SearchLocalScopes(const char* name) {
  for (const std::string& path : OpenSslObjects()) {
    // RTLD_NOLOAD: a handle to the object already loaded. It is kept, not
    // closed, so that the function found stays mapped.
    void* handle = dlopen(path.c_str(), RTLD_LAZY | RTLD_NOLOAD);
    if (handle == nullptr) continue;
    void* fn = dlsym(handle, name);
    if (fn != nullptr && !DefinedByShim(fn)) return fn;
  }
  return nullptr;
}

}  // namespace

void* FindNextDefinition(const char* name) {
  // RTLD_NEXT is relative to the caller's object: this file is linked into
  // the same object as the wrappers.
  void* fn = dlsym(RTLD_NEXT, name);
  return fn != nullptr ? fn : SearchLocalScopes(name);
}

void* FindOpenSslFunction(const char* name) {
  void* fn = dlsym(RTLD_DEFAULT, name);
  return fn != nullptr ? fn : SearchLocalScopes(name);
}

}  // namespace secret_shim
