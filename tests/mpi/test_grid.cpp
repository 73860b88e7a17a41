// Distributed tensor grid in d = 1..6: partition, halo exchange (periodic wrap and physical
// boundaries), multilinear interpolation. Every check is reduced over ranks.
#include <gtest/gtest.h>
#include <petscsys.h>

#include <random>

#include "grids/distributed/halo_exchange.hpp"
#include "grids/distributed/interpolation.hpp"
#include "grids/distributed/tensor_grid.hpp"

using namespace hjb;

namespace {

MPI_Comm world() { return PETSC_COMM_WORLD; }

long sum_over_ranks(long x) {
  long s;
  MPI_Allreduce(&x, &s, 1, MPI_LONG, MPI_SUM, world());
  return s;
}
double max_over_ranks(double x) {
  double s;
  MPI_Allreduce(&x, &s, 1, MPI_DOUBLE, MPI_MAX, world());
  return s;
}

/// Test grids: mixed periodic and bounded axes, some axes only 3 nodes long so a width-3 halo
/// reaches past the neighbouring rank.
template <int D>
std::array<Axis, D> test_axes() {
  const std::int64_t sizes[6] = {9, 8, 5, 4, 3, 3};
  std::array<Axis, D> axes;
  for (int a = 0; a < D; ++a)
    axes[a] = {"x" + std::to_string(a), -1.0 + 0.1 * a, 2.0 + 0.3 * a, sizes[(a + D) % 6] + (D <= 2 ? 4 : 0),
               a % 2 == 1};
  return axes;
}

template <int D>
OwnedVec vector_of(const TensorGrid<D>& grid, const std::function<double(const Index<D>&)>& f) {
  OwnedVec v = grid.create_vector();
  PetscScalar* p;
  VecGetArray(v, &p);
  for (std::int64_t l = 0; l < grid.owned_count(); ++l) p[l] = f(grid.owned_node(l));
  VecRestoreArray(v, &p);
  return v;
}

template <int D>
void check_partition() {
  TensorGrid<D> grid(world(), test_axes<D>());
  std::vector<long> owned(grid.global_count(), 0);
  PetscInt first, last;
  const OwnedVec v = grid.create_vector();
  VecGetOwnershipRange(v, &first, &last);
  long index_errors = 0;
  for (std::int64_t l = 0; l < grid.owned_count(); ++l) {
    const auto g = grid.owned_node(l);
    owned[grid.natural_index(g)] += 1;
    if (grid.petsc_index(g) != first + l) ++index_errors;
    if (grid.from_natural_index(grid.natural_index(g)) != g) ++index_errors;
  }
  std::vector<long> total(owned.size());
  MPI_Allreduce(owned.data(), total.data(), static_cast<int>(owned.size()), MPI_LONG, MPI_SUM, world());
  long not_once = 0;
  for (long t : total) not_once += (t != 1);
  EXPECT_EQ(not_once, 0) << "nodes not owned exactly once in " << D << "-D";
  EXPECT_EQ(sum_over_ranks(index_errors), 0);
}

template <int D>
void check_halo_exchange(int width) {
  TensorGrid<D> grid(world(), test_axes<D>());
  // Unique value per node: its natural index.
  const OwnedVec v =
      vector_of<D>(grid, [&](const Index<D>& g) { return static_cast<double>(grid.natural_index(g)); });
  HaloExchange<D> halo(grid, width, HaloShape::faces);
  std::vector<double> padded(halo.padded_count(), -1.0);
  halo.exchange(v, padded.data());
  long checked = 0, wrong = 0;
  for (std::int64_t k = 0; k < halo.padded_count(); ++k) {
    std::int64_t rest = k;
    Index<D> g;
    int outside = 0;
    bool in_domain = true;
    for (int a = D - 1; a >= 0; --a) {
      const std::int64_t local = rest % halo.padded_extent()[a] - width;
      rest /= halo.padded_extent()[a];
      if (local < 0 || local >= grid.owned_extent()[a]) ++outside;
      std::int64_t gi = grid.owned_start()[a] + local;
      const std::int64_t n = grid.axis(a).n;
      if (grid.axis(a).periodic)
        gi = ((gi % n) + n) % n;
      else if (gi < 0 || gi >= n)
        in_domain = false;
      g[a] = gi;
    }
    if (outside > 1 || !in_domain) continue;
    ++checked;
    if (padded[k] != static_cast<double>(grid.natural_index(g))) ++wrong;
  }
  EXPECT_EQ(sum_over_ranks(wrong), 0) << D << "-D halo of width " << width;
  EXPECT_GT(sum_over_ranks(checked), 0);
}

template <int D>
void check_boundary_extrapolation() {
  TensorGrid<D> grid(world(), test_axes<D>());
  // An affine function: linear extrapolation reproduces it exactly beyond the boundary.
  auto f = [&](const std::array<double, D>& x) {
    double s = 0.5;
    for (int a = 0; a < D; ++a) s += (a + 1) * 0.25 * x[a];
    return s;
  };
  const OwnedVec v = vector_of<D>(grid, [&](const Index<D>& g) { return f(grid.coordinates(g)); });
  HaloExchange<D> halo(grid, 2, HaloShape::faces);
  std::vector<double> padded(halo.padded_count(), NAN);
  halo.exchange(v, padded.data());
  halo.fill_boundary(padded.data(), BoundaryCondition::extrapolate);
  double err = 0.0;
  long checked = 0;
  for (int a = 0; a < D; ++a) {
    if (grid.axis(a).periodic || grid.owned_start()[a] != 0) continue;
    // The ghost two cells below the first owned node of the block.
    Index<D> local{};
    std::int64_t off = 0;
    for (int b = 0; b < D; ++b) off += (local[b] + 2 - (b == a ? 2 : 0)) * halo.stride()[b];
    auto g = grid.owned_start();
    auto x = grid.coordinates(g);
    x[a] -= 2 * grid.axis(a).spacing();
    err = std::max(err, std::abs(padded[off] - f(x)));
    ++checked;
  }
  EXPECT_LT(max_over_ranks(err), 1e-12);
  // Reflection: every ghost below the first node equals that node's value.
  halo.exchange(v, padded.data());
  halo.fill_boundary(padded.data(), BoundaryCondition::reflect);
  double reflect_err = 0.0;
  for (int a = 0; a < D; ++a) {
    if (grid.axis(a).periodic || grid.owned_start()[a] != 0) continue;
    std::int64_t node = 0, ghost1 = 0, ghost2 = 0;
    for (int b = 0; b < D; ++b) {
      node += 2 * halo.stride()[b];
      ghost1 += (b == a ? 1 : 2) * halo.stride()[b];
      ghost2 += (b == a ? 0 : 2) * halo.stride()[b];
    }
    reflect_err = std::max(
        {reflect_err, std::abs(padded[ghost1] - padded[node]), std::abs(padded[ghost2] - padded[node])});
  }
  EXPECT_EQ(max_over_ranks(reflect_err), 0.0);
}

template <int D>
void check_interpolation() {
  TensorGrid<D> grid(world(), test_axes<D>());
  // f is affine in each coordinate separately (multilinear), so interpolation is exact in every
  // cell except the wrap-around cells of periodic axes (avoided here).
  auto f = [&](const std::array<double, D>& x) {
    double s = 1.0, prod = 1.0;
    for (int a = 0; a < D; ++a) {
      s += (0.3 + a) * x[a];
      prod *= (1.0 + 0.1 * x[a]);
    }
    return s + prod;
  };
  const OwnedVec v = vector_of<D>(grid, [&](const Index<D>& g) { return f(grid.coordinates(g)); });
  GridInterpolator<D> interp(grid);
  interp.update(v);
  std::mt19937 rng(42);  // the same points on every rank
  long owned = 0;
  double err = 0.0;
  const int points = 400;
  for (int k = 0; k < points; ++k) {
    std::array<double, D> x;
    for (int a = 0; a < D; ++a) {
      const Axis& ax = grid.axis(a);
      const double top = ax.periodic ? ax.coordinate(ax.n - 1) : ax.hi;
      x[a] = std::uniform_real_distribution<double>(ax.lo, top)(rng);
    }
    if (!interp.owns(x)) continue;
    ++owned;
    err = std::max(err, std::abs(interp(x) - f(x)));
  }
  EXPECT_EQ(sum_over_ranks(owned), points) << "each point must have exactly one owner";
  EXPECT_LT(max_over_ranks(err), 1e-12);
}

/// owned_cell_position against petsc_index: for every lower corner g of the grid, a position p >= 0
/// exactly when every corner g + bits (no wrap) is a node this rank owns, and then corner c is the
/// owned entry p + sum of bits * stride.
template <int D>
void check_owned_cell_position() {
  TensorGrid<D> grid(world(), test_axes<D>());
  const OwnedVec v = grid.create_vector();
  PetscInt first, last;
  VecGetOwnershipRange(v, &first, &last);
  std::int64_t stride[D];
  for (int a = D - 1; a >= 0; --a) stride[a] = a == D - 1 ? 1 : stride[a + 1] * grid.owned_extent()[a + 1];
  long wrong = 0, found = 0;
  for (std::int64_t k = 0; k < grid.global_count(); ++k) {
    const Index<D> g = grid.from_natural_index(k);
    bool all_owned = true;
    std::int64_t expected_first = -1;
    for (int c = 0; c < (1 << D); ++c) {
      Index<D> corner = g;
      std::int64_t offset = 0;
      for (int a = 0; a < D; ++a) {
        corner[a] += (c >> a) & 1;
        offset += ((c >> a) & 1) * stride[a];
      }
      bool in_grid = true;
      for (int a = 0; a < D; ++a) in_grid = in_grid && corner[a] < grid.axis(a).n;
      const PetscInt q = in_grid ? grid.petsc_index(corner) : -1;
      if (!in_grid || q < first || q >= last) {
        all_owned = false;
        break;
      }
      if (c == 0) expected_first = q - first;
      if (q - first != expected_first + offset) ++wrong;  // the block is not row-major as assumed
    }
    const std::int64_t p = grid.owned_cell_position(g);
    if (all_owned ? p != expected_first : p != -1) ++wrong;
    if (p >= 0) ++found;
  }
  EXPECT_EQ(sum_over_ranks(wrong), 0) << D << "-D";
  EXPECT_GT(sum_over_ranks(found), 0) << D << "-D: no cell lies inside a block";
}

}  // namespace

TEST(TensorGrid, PartitionCoversEveryNodeOnceInOneToSixDimensions) {
  check_partition<1>();
  check_partition<2>();
  check_partition<3>();
  check_partition<4>();
  check_partition<5>();
  check_partition<6>();
}

TEST(TensorGrid, HaloExchangeDeliversNeighbourValuesWithPeriodicWrap) {
  for (int width : {1, 3}) {
    check_halo_exchange<1>(width);
    check_halo_exchange<2>(width);
    check_halo_exchange<3>(width);
    check_halo_exchange<4>(width);
    check_halo_exchange<5>(width);
    check_halo_exchange<6>(width);
  }
}

TEST(TensorGrid, LinearExtrapolationBeyondTheBoundaryIsExactForAffineData) {
  check_boundary_extrapolation<1>();
  check_boundary_extrapolation<3>();
  check_boundary_extrapolation<6>();
}

TEST(TensorGrid, MultilinearInterpolationIsExactForMultilinearFunctions) {
  check_interpolation<1>();
  check_interpolation<2>();
  check_interpolation<3>();
  check_interpolation<4>();
  check_interpolation<5>();
  check_interpolation<6>();
}

TEST(TensorGrid, InterpolationWrapsAroundPeriodicAxes) {
  const std::array<Axis, 1> axes{Axis{"theta", 0.0, 1.0, 10, true}};
  TensorGrid<1> grid(world(), axes);
  const OwnedVec v =
      vector_of<1>(grid, [](const Index<1>& g) { return g[0] == 0 ? 1.0 : (g[0] == 9 ? 3.0 : 0.0); });
  GridInterpolator<1> interp(grid);
  interp.update(v);
  // Between the last node (x = 0.9, value 3) and node 0 at x = 1.0 (value 1); x = -0.05 wraps to 0.95.
  double err = 0.0;
  for (double x : {0.95, -0.05, 1.95})
    if (interp.owns({x})) err = std::max(err, std::abs(interp({x}) - 2.0));
  EXPECT_LT(max_over_ranks(err), 1e-12);
}

TEST(TensorGrid, OwnedCellPositionIsTheFirstCornersEntryWhenTheRankOwnsEveryCorner) {
  check_owned_cell_position<1>();
  check_owned_cell_position<2>();
  check_owned_cell_position<3>();
  check_owned_cell_position<4>();
}
