// openssl_symbols.cc: see openssl_symbols.h.

#include "shim/openssl/openssl_symbols.h"

#include <dlfcn.h>
#include <link.h>
#include <string.h>

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

struct Search {
  const char* name;
  void* found;
};

// Looks `search->name` up in a loaded libssl or libcrypto (and, through the
// handle, in what it depends on).
int SearchOpenSslObject(dl_phdr_info* object, size_t, void* arg) {
  Search* search = static_cast<Search*>(arg);
  const char* base = strrchr(object->dlpi_name, '/');
  base = base != nullptr ? base + 1 : object->dlpi_name;
  if (strncmp(base, "libssl.so", 9) != 0 &&
      strncmp(base, "libcrypto.so", 12) != 0) {
    return 0;
  }
  // RTLD_NOLOAD: a handle to the object already loaded. It is kept, not
  // closed, so that the function found stays mapped.
  void* handle = dlopen(object->dlpi_name, RTLD_LAZY | RTLD_NOLOAD);
  if (handle == nullptr) return 0;
  void* fn = dlsym(handle, search->name);
  if (fn == nullptr || DefinedByShim(fn)) return 0;
  search->found = fn;
  return 1;
}

void* SearchLocalScopes(const char* name) {
  Search search = {name, nullptr};
  dl_iterate_phdr(SearchOpenSslObject, &search);
  return search.found;
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
