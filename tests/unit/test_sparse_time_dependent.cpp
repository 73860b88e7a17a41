// The time-dependent semi-Lagrangian scheme on sparse grids against the exact eikonal front
// |x| - 1 + tau (errors and observed orders printed per level, both bases and the full grid with
// the same scheme), and the coefficients of the combination technique.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>

#include "problems/eikonal.hpp"
#include "solver/algorithms/sparse_time_dependent.hpp"

using namespace hjb;

namespace {
/// Max and mean error at 2000 fixed points of [-1, 1]^2 after tau = 0.5.
std::pair<double, double> front_error(const sparse::SparseGrid& grid) {
  problems::Eikonal<2> eikonal;
  SparseTimeOptions o;
  o.horizon = 0.5;
  const auto r = sparse_time_dependent(eikonal, grid, o);
  sparse::GridInterpolant v(grid);
  v.set_values(r.values);
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  double worst = 0.0, sum = 0.0;
  for (int q = 0; q < 2000; ++q) {
    State<2> x{u(rng), u(rng)};
    const double e = std::abs(v(x.data()) - eikonal.exact(x, o.horizon));
    worst = std::max(worst, e);
    sum += e;
  }
  return {worst, sum / 2000};
}
}  // namespace

TEST(SparseTimeDependent, EikonalFrontConvergesOnSparseAndFullGrids) {
  const std::vector<double> lo{-2, -2}, hi{2, 2};
  for (const char* kind : {"boundary", "extrapolating", "full"}) {
    double previous = 0.0, first = 0.0, last = 0.0;
    for (int n = 5; n <= 8; ++n) {
      const sparse::SparseGrid grid = std::string(kind) == "full"
                                          ? sparse::SparseGrid(2, 2 * (n - 2), lo, hi, {n - 2, n - 2})
                                          : sparse::SparseGrid(2, n, lo, hi, {}, sparse::parse_basis(kind));
      const auto [worst, mean] = front_error(grid);
      std::printf("  %-13s level %d  nodes %6lld  max error %.3e  mean error %.3e%s", kind, n,
                  static_cast<long long>(grid.size()), worst, mean, previous > 0 ? "" : "\n");
      if (previous > 0) std::printf("  mean-error rate %.2f\n", std::log2(previous / mean));
      if (n == 5) first = mean;
      last = mean;
      previous = mean;
    }
    // Close to first order over three refinements (exactly first order: a factor 8; the sparse
    // grids lose a log factor and the kink at the origin).
    EXPECT_LT(last, first / 3) << kind;
  }
}

TEST(SparseTimeDependent, CrossPolytopeFrontIsAsAccurateOnTheSparseGridAsOnTheFullGrid) {
  // The diamond |x - 0.1|_1 = 1 under box controls stays a sum of 1-D functions, which the
  // boundary-free sparse grid of level n represents as a 1-D grid of level n does: the scheme gives
  // the full grid's values with far fewer nodes; both converge to the closed form.
  constexpr int D = 3;
  const problems::Diamond<D> diamond;
  const std::vector<double> lo(D, -2.0), hi(D, 2.0);
  SparseTimeOptions o;
  o.horizon = 0.5;
  o.inputs_per_axis = 2;
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<State<D>> points(1000);
  for (auto& x : points)
    for (double& c : x) c = u(rng);
  double first = 0.0, last = 0.0;
  for (int n = 3; n <= 5; ++n) {
    const sparse::SparseGrid full(D, D * n, lo, hi, sparse::Levels(D, n));
    const sparse::SparseGrid sparse_grid(D, n, lo, hi, {}, sparse::Basis::extrapolating);
    const auto rf = sparse_time_dependent(diamond, full, o);
    const auto rs = sparse_time_dependent(diamond, sparse_grid, o);
    sparse::GridInterpolant vf(full), vs(sparse_grid);
    vf.set_values(rf.values);
    vs.set_values(rs.values);
    double difference = 0.0, worst = 0.0;
    for (const auto& x : points) {
      difference = std::max(difference, std::abs(vf(x.data()) - vs(x.data())));
      worst = std::max(worst, std::abs(vs(x.data()) - diamond.exact(x, o.horizon)));
    }
    std::printf("  level %d: sparse %lld nodes, full %lld nodes, max |sparse - full| %.1e, max error %.3e\n",
                n, static_cast<long long>(sparse_grid.size()), static_cast<long long>(full.size()),
                difference, worst);
    EXPECT_LE(difference, 1e-10) << "level " << n;
    if (n == 3) first = worst;
    last = worst;
  }
  std::printf("  max-error rate over two refinements: %.2f\n", 0.5 * std::log2(first / last));
  EXPECT_LT(last, first / 2.5);
}

#include "solver/algorithms/combination.hpp"

TEST(CombinationTechnique, ComponentsAndCoefficients) {
  // d = 2, n = 3: the 4 grids with |j| = 3 (+1) and the 3 with |j| = 2 (-1).
  const auto c2 = combination_components(2, 3, 2);
  ASSERT_EQ(c2.size(), 7u);
  for (int d = 1; d <= 6; ++d)
    for (int n = 0; n <= 6; ++n) {
      const auto c = combination_components(d, n, 1);
      double sum = 0.0;
      std::size_t expected = 0;
      for (int q = 0; q < d && q <= n; ++q) {  // compositions of n - q into d parts: C(n - q + d - 1, d - 1)
        double count = 1;
        for (int k = 1; k <= d - 1; ++k) count = count * (n - q + k) / k;
        expected += static_cast<std::size_t>(std::lround(count));
      }
      for (const auto& comp : c) {
        sum += comp.coefficient;
        int total = 0;
        for (int l : comp.levels) {
          EXPECT_GE(l, 1);
          total += l - 1;
        }
        EXPECT_GE(total, n - d + 1);
        EXPECT_LE(total, n);
      }
      EXPECT_EQ(c.size(), expected) << "d = " << d << ", n = " << n;
      if (n >= d - 1) {
        EXPECT_NEAR(sum, 1.0, 1e-12) << "d = " << d << ", n = " << n;
      }
    }
}

TEST(CombinationTechnique, TheSetOfCoarserCombinationsHoldsEachOfThemExactly) {
  // The grids of levels n, n - 1, n - 2 each once: level n's first, in order, with their
  // coefficients; every coarser combination recovered exactly, the extra grids outside level n.
  for (int d = 1; d <= 5; ++d)
    for (int n = 1; n <= 6; ++n) {
      const auto set = combination_set(d, n, 2, 2);
      const auto level_n = combination_components(d, n, 2);
      ASSERT_EQ(set.coefficients.size(), static_cast<std::size_t>(std::min(n, 3))) << d << " " << n;
      for (std::size_t c = 0; c < level_n.size(); ++c) {
        EXPECT_EQ(set.components[c].levels, level_n[c].levels);
        EXPECT_EQ(set.components[c].coefficient, level_n[c].coefficient);
      }
      for (std::size_t c = level_n.size(); c < set.components.size(); ++c)
        EXPECT_EQ(set.components[c].coefficient, 0.0);
      for (std::size_t k = 0; k < set.coefficients.size(); ++k) {
        const auto expected = combination_components(d, n - static_cast<int>(k), 2);
        std::size_t nonzero = 0;
        for (std::size_t c = 0; c < set.components.size(); ++c) {
          if (set.coefficients[k][c] == 0.0) continue;
          ++nonzero;
          bool found = false;
          for (const auto& e : expected)
            if (e.levels == set.components[c].levels) {
              EXPECT_EQ(e.coefficient, set.coefficients[k][c]);
              found = true;
            }
          EXPECT_TRUE(found);
        }
        EXPECT_EQ(nonzero, expected.size()) << "d = " << d << ", n = " << n << ", k = " << k;
      }
    }
}
