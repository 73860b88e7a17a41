// Process-grid factorisation for the Cartesian block partition.
#include "grids/distributed/partition.hpp"

#include <algorithm>
#include <numeric>

#include "core/error.hpp"

namespace hjb {

std::vector<int> process_dimensions(int ranks, const std::vector<std::int64_t>& shape) {
  const int d = static_cast<int>(shape.size());
  std::vector<int> factors(d, 0);
  MPI_Dims_create(ranks, d, factors.data());  // non-increasing order
  std::vector<int> order(d);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return shape[a] > shape[b]; });
  std::vector<int> dims(d, 1);
  for (int k = 0; k < d; ++k) dims[order[k]] = factors[k];
  for (int a = 0; a < d; ++a)
    HJB_CHECK(dims[a] <= shape[a], ValidationError,
              "cannot split axis " << a << " of " << shape[a] << " nodes over " << dims[a]
                                   << " ranks: use fewer MPI ranks or a finer grid");
  return dims;
}

}  // namespace hjb
