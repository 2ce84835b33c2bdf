/* boringssl_allocation.c: allocates through BoringSSL's OPENSSL_malloc.
 * tests/boringssl_allocator_binding_test.sh links it against the patched
 * libcrypto without secretmode's memory hooks, which must fail. */
#include <openssl/mem.h>

int main(void) {
  void* p = OPENSSL_malloc(32);
  OPENSSL_free(p);
  return 0;
}
