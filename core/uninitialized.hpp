// Vectors whose resize() leaves trivially constructible elements uninitialised: for large arrays
// that the next loop writes in full anyway (the stationary chain's transitions, 147 MB at 501^2
// with 21 actions), the zero fill before it would be one more pass over memory.
#pragma once
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace hjb {

/// std::allocator whose value-initialising construct (vector::resize) default-initialises instead.
template <class T>
struct UninitializedAllocator : std::allocator<T> {
  using std::allocator<T>::allocator;
  template <class U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

/// A std::vector whose resize() does not zero the new elements (every one must be written first).
template <class T>
using UninitializedVector = std::vector<T, UninitializedAllocator<T>>;

}  // namespace hjb
