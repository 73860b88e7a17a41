// Multi-indices of tensor-grid nodes (global node numbers per axis).
#pragma once
#include <array>
#include <cstdint>

namespace hjb {

template <int D>
using Index = std::array<std::int64_t, D>;

}  // namespace hjb
