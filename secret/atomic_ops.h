// atomic_ops.h: atomic loads, stores and updates for secretmode's code that
// runs uninstrumented while sanitizer runtimes initialize (the allocator
// always, the executor under ThreadSanitizer), through GCC's builtins rather
// than std::atomic. std::atomic's member
// functions are shared (COMDAT) copies that the linker may take from an
// instrumented file, whereas these have internal linkage and are compiled
// into each file with its own flags.

#ifndef SECRETMODE_SECRET_ATOMIC_OPS_H_
#define SECRETMODE_SECRET_ATOMIC_OPS_H_

namespace secret {
namespace internal {
namespace {

template <typename T>
inline T LoadRelaxed(const T* p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }
template <typename T>
inline T LoadAcquire(const T* p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
template <typename T, typename V>
inline void StoreRelaxed(T* p, V v) { __atomic_store_n(p, static_cast<T>(v), __ATOMIC_RELAXED); }
template <typename T, typename V>
inline void StoreRelease(T* p, V v) { __atomic_store_n(p, static_cast<T>(v), __ATOMIC_RELEASE); }
template <typename T, typename V>
inline T AddRelaxed(T* p, V v) { return __atomic_fetch_add(p, static_cast<T>(v), __ATOMIC_RELAXED); }
template <typename T, typename V>
inline T ExchangeRelaxed(T* p, V v) { return __atomic_exchange_n(p, static_cast<T>(v), __ATOMIC_RELAXED); }
template <typename T, typename V>
inline T ExchangeAcquire(T* p, V v) { return __atomic_exchange_n(p, static_cast<T>(v), __ATOMIC_ACQUIRE); }

}  // namespace
}  // namespace internal
}  // namespace secret

#endif  // SECRETMODE_SECRET_ATOMIC_OPS_H_
