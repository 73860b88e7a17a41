// Cartesian block partition of an N-D index space over MPI ranks (no 3-D limit).
#pragma once
#include <mpi.h>

#include <cstdint>
#include <vector>

namespace hjb {

/// Balanced split of n indices into p contiguous parts: part k starts at
/// k * (n / p) + min(k, n % p). Pointwise, no MPI.
struct BalancedSplit {
  std::int64_t n = 0;
  int parts = 1;
  std::int64_t start(int k) const { return k * (n / parts) + std::min<std::int64_t>(k, n % parts); }
  std::int64_t extent(int k) const { return n / parts + (k < n % parts ? 1 : 0); }
  /// The part owning index i.
  int owner(std::int64_t i) const {
    const std::int64_t q = n / parts, r = n % parts;
    if (i < r * (q + 1)) return static_cast<int>(i / (q + 1));
    return static_cast<int>(r + (i - r * (q + 1)) / q);
  }
};

/// Process-grid dimensions for `ranks` processes over axes with sizes `shape`: MPI_Dims_create's
/// balanced factorisation, with the larger factors given to the longer axes and no axis split into
/// more parts than it has nodes. Throws ValidationError when no such assignment exists.
std::vector<int> process_dimensions(int ranks, const std::vector<std::int64_t>& shape);

}  // namespace hjb
