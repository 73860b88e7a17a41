// Vectors whose resize() leaves trivially constructible elements uninitialised: for large arrays
// that the next loop writes in full anyway (the stationary chain's transitions, 147 MB at 501^2
// with 21 actions), the zero fill before it would be one more pass over memory.
#pragma once
#include <memory>
#include <new>
#include <type_traits>
#include <vector>

namespace hjb {

/// std::allocator whose value-initialising construct (vector::resize) default-initialises instead.
/// Everything else is std::allocator_traits's (C++20): rebinding by the template argument, and
/// construction with arguments by std::construct_at.
template <class T>
struct UninitializedAllocator : std::allocator<T> {
  using std::allocator<T>::allocator;
  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
};

/// A std::vector whose resize() does not zero the new elements (every one must be written first).
template <class T>
using UninitializedVector = std::vector<T, UninitializedAllocator<T>>;

}  // namespace hjb
