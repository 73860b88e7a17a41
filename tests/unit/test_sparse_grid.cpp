// Regular sparse grids with boundary: node counts, hierarchisation round trip, interpolation at the
// nodes, exactness on multilinear functions, and the interpolation error O(h^2 |log h|^(d-1)) of a
// smooth function in d = 2..6 (observed rates printed and bounded).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>

#include "grids/sparse/sparse_grid.hpp"

using hjb::sparse::SparseGrid;

namespace {
std::vector<double> nodal(const SparseGrid& g, double (*f)(const double*, int)) {
  std::vector<double> v(static_cast<std::size_t>(g.size()));
  double x[hjb::sparse::max_dimension];
  for (std::int64_t p = 0; p < g.size(); ++p) {
    g.coordinates(p, x);
    v[p] = f(x, g.dimension());
  }
  return v;
}
double smooth(const double* x, int d) {
  double r2 = 0.0;
  for (int k = 0; k < d; ++k) r2 += (x[k] - 0.3) * (x[k] - 0.3);
  return std::exp(-r2);
}
double multilinear(const double* x, int d) {
  double v = 1.0;
  for (int k = 0; k < d; ++k) v *= 0.5 + (k + 1) * x[k];
  return v;
}
}  // namespace

TEST(SparseGrid, CountsNodesAndRefusesBadLevels) {
  for (int n = 1; n <= 8; ++n) EXPECT_EQ(SparseGrid(1, n, {0.0}, {1.0}).size(), (1 << n) + 1);
  // Independently: the points i / 2^n of the full grid whose per-axis levels (0 at the ends,
  // n - trailing zeros of i inside) sum to at most n; and count_nodes agrees without building.
  for (int d = 2; d <= 4; ++d)
    for (int n = 1; n <= 5; ++n) {
      const long side = (1L << n) + 1;
      long full = 1, expected = 0;
      for (int k = 0; k < d; ++k) full *= side;
      for (long q = 0; q < full; ++q) {
        long rest = q;
        int sum = 0;
        for (int k = 0; k < d; ++k) {
          const long i = rest % side;
          rest /= side;
          sum += (i == 0 || i == side - 1) ? 0 : n - __builtin_ctzl(static_cast<unsigned long>(i));
        }
        expected += sum <= n;
      }
      const SparseGrid g(d, n, std::vector<double>(d, 0.0), std::vector<double>(d, 1.0));
      EXPECT_EQ(g.size(), expected) << "d = " << d << ", n = " << n;
      EXPECT_EQ(SparseGrid::count_nodes(d, n, g.caps()), static_cast<double>(expected));
    }
  // Level 1 in 2-D with boundary (l1 + l2 <= 1): the 4 corners and the 4 edge midpoints.
  EXPECT_EQ(SparseGrid(2, 1, {0, 0}, {1, 1}).size(), 8);
  EXPECT_THROW(SparseGrid(2, 0, {0, 0}, {1, 1}), std::invalid_argument);
  EXPECT_THROW(SparseGrid(11, 3, std::vector<double>(11, 0.0), std::vector<double>(11, 1.0)),
               std::invalid_argument);
  EXPECT_THROW(SparseGrid(2, 3, {0, 0}, {1, 1}, {3}), std::invalid_argument);
  EXPECT_THROW(SparseGrid(2, 3, {0, 0}, {1, 1}, {4, 1}), std::invalid_argument);
  EXPECT_THROW(SparseGrid(10, 30, std::vector<double>(10, 0.0), std::vector<double>(10, 1.0)),
               std::invalid_argument);
}

TEST(SparseGrid, HierarchisationRoundTripsAndTheInterpolantMatchesAtTheNodes) {
  for (int d : {1, 2, 3, 5}) {
    const SparseGrid g(d, 5, std::vector<double>(d, -1.0), std::vector<double>(d, 2.0));
    const std::vector<double> values = nodal(g, smooth);
    std::vector<double> s = values;
    g.hierarchize(s);
    double x[hjb::sparse::max_dimension], worst_node = 0.0;
    for (std::int64_t p = 0; p < g.size(); p += 7) {
      g.coordinates(p, x);
      worst_node = std::max(worst_node, std::abs(g.evaluate(s, x) - values[p]));
    }
    g.dehierarchize(s);
    double worst_round_trip = 0.0;
    for (std::size_t p = 0; p < s.size(); ++p)
      worst_round_trip = std::max(worst_round_trip, std::abs(s[p] - values[p]));
    EXPECT_LE(worst_node, 1e-13) << "d = " << d;
    EXPECT_LE(worst_round_trip, 1e-13) << "d = " << d;
  }
}

TEST(SparseGrid, ReproducesMultilinearFunctionsEverywhere) {
  std::mt19937_64 rng(3);
  for (int d : {1, 2, 4, 6}) {
    const SparseGrid g(d, 2, std::vector<double>(d, 0.0), std::vector<double>(d, 1.0));
    std::vector<double> s = nodal(g, multilinear);
    g.hierarchize(s);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    double x[hjb::sparse::max_dimension], worst = 0.0;
    for (int q = 0; q < 200; ++q) {
      for (int k = 0; k < d; ++k) x[k] = u(rng);
      worst = std::max(worst, std::abs(g.evaluate(s, x) - multilinear(x, d)));
    }
    EXPECT_LE(worst, 1e-12) << "d = " << d;
  }
}

namespace {
/// Interpolates the smooth Gaussian on grids of levels last - 3 .. last in d = 2..6 and bounds the
/// error divided by its predicted size h^2 |log2 h|^(d-1) (printing errors and observed rates).
void check_interpolation_rates(hjb::sparse::Basis basis, const int (&last_level)[7]) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const std::string name = hjb::sparse::to_string(basis);
  for (int d = 2; d <= 6; ++d) {
    std::vector<std::vector<double>> points(2000, std::vector<double>(d));
    for (auto& p : points)
      for (double& c : p) c = u(rng);
    double previous = 0.0, first_scaled = 0.0, scaled = 0.0;
    for (int n = last_level[d] - 3; n <= last_level[d]; ++n) {
      const SparseGrid g(d, n, std::vector<double>(d, 0.0), std::vector<double>(d, 1.0), {}, basis);
      std::vector<double> s = nodal(g, smooth);
      g.hierarchize(s);
      double worst = 0.0;
      for (const auto& p : points)
        worst = std::max(worst, std::abs(g.evaluate(s, p.data()) - smooth(p.data(), d)));
      scaled = worst * std::pow(4.0, n) / std::pow(static_cast<double>(n), d - 1);
      if (n == last_level[d] - 3) first_scaled = scaled;
      std::printf("  %s d = %d  level %2d  nodes %9lld  max error %.3e%s", name.c_str(), d, n,
                  static_cast<long long>(g.size()), worst, previous > 0 ? "" : "\n");
      if (previous > 0) std::printf("  rate %.2f\n", std::log2(previous / worst));
      previous = worst;
    }
    std::printf("  %s d = %d  error / (h^2 |log h|^(d-1)): %.3g at the first level, %.3g at the last\n",
                name.c_str(), d, first_scaled, scaled);
    EXPECT_LE(scaled, 2.0 * first_scaled) << name << ", d = " << d;
  }
}
}  // namespace

TEST(SparseGrid, InterpolationErrorIsSecondOrderUpToTheLogFactor) {
  check_interpolation_rates(hjb::sparse::Basis::boundary, {0, 0, 10, 9, 8, 7, 7});
}

// The boundary-free extrapolating basis (modified linear hats).
using hjb::sparse::Basis;

TEST(SparseGridExtrapolating, CountsNodesIndependently) {
  for (int n = 1; n <= 8; ++n)
    EXPECT_EQ(SparseGrid(1, n, {0.0}, {1.0}, {}, Basis::extrapolating).size(), (1 << n) - 1);
  // The interior points i / 2^n of the full grid whose per-axis levels n - trailing zeros of i
  // satisfy sum (l_k - 1) <= n - 1.
  for (int d = 2; d <= 4; ++d)
    for (int n = 1; n <= 5; ++n) {
      const long side = (1L << n) - 1;
      long full = 1, expected = 0;
      for (int k = 0; k < d; ++k) full *= side;
      for (long q = 0; q < full; ++q) {
        long rest = q;
        int sum = 0;
        for (int k = 0; k < d; ++k) {
          const long i = rest % side + 1;
          rest /= side;
          sum += n - __builtin_ctzl(static_cast<unsigned long>(i)) - 1;
        }
        expected += sum <= n - 1;
      }
      const SparseGrid g(d, n, std::vector<double>(d, 0.0), std::vector<double>(d, 1.0), {},
                         Basis::extrapolating);
      EXPECT_EQ(g.size(), expected) << "d = " << d << ", n = " << n;
      EXPECT_EQ(SparseGrid::count_nodes(d, n, g.caps(), Basis::extrapolating), static_cast<double>(expected));
    }
  // Per-axis levels start at 1 without boundary.
  EXPECT_THROW(SparseGrid(2, 3, {0, 0}, {1, 1}, {0, 3}, Basis::extrapolating), std::invalid_argument);
  EXPECT_THROW(hjb::sparse::parse_basis("modlinear"), std::invalid_argument);
}

TEST(SparseGridExtrapolating, RoundTripsMatchesAtNodesAndReproducesMultilinearFunctions) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(-0.2, 1.2);  // also outside: clamped to the box
  for (int d : {1, 2, 3, 5}) {
    const SparseGrid g(d, d + 2, std::vector<double>(d, 0.0), std::vector<double>(d, 1.0), {},
                       Basis::extrapolating);
    const std::vector<double> values = nodal(g, smooth);
    std::vector<double> s = values;
    g.hierarchize(s);
    double x[hjb::sparse::max_dimension], worst_node = 0.0;
    for (std::int64_t p = 0; p < g.size(); p += 3) {
      g.coordinates(p, x);
      worst_node = std::max(worst_node, std::abs(g.evaluate(s, x) - values[p]));
    }
    g.dehierarchize(s);
    double worst_round_trip = 0.0;
    for (std::size_t p = 0; p < s.size(); ++p)
      worst_round_trip = std::max(worst_round_trip, std::abs(s[p] - values[p]));
    EXPECT_LE(worst_node, 1e-13) << "d = " << d;
    EXPECT_LE(worst_round_trip, 1e-13) << "d = " << d;
    // Multilinear functions are in the space once every axis reaches level 2 (n >= d + 1), and the
    // extrapolating functions reproduce them up to the boundary.
    std::vector<double> m = nodal(g, multilinear);
    g.hierarchize(m);
    double worst = 0.0;
    for (int q = 0; q < 300; ++q) {
      for (int k = 0; k < d; ++k) x[k] = std::clamp(u(rng), 0.0, 1.0);
      worst = std::max(worst, std::abs(g.evaluate(m, x) - multilinear(x, d)));
    }
    EXPECT_LE(worst, 1e-12) << "d = " << d;
  }
}

TEST(SparseGridExtrapolating, InterpolationErrorIsSecondOrderUpToTheLogFactor) {
  check_interpolation_rates(Basis::extrapolating, {0, 0, 10, 9, 9, 8, 8});
}

// Spatially adaptive sparse grids.
#include "grids/sparse/adaptive_sparse_grid.hpp"

namespace {
double kink(const double* x, int d) {  // a cone: |x - c|, its kink off the grid lines
  double r2 = 0.0;
  for (int k = 0; k < d; ++k) r2 += (x[k] - 0.37) * (x[k] - 0.37);
  return std::sqrt(r2);
}

/// Refines `a` on the kink: up to `rounds` times, sample it at the nodes, hierarchise, refine where
/// |surplus| > eps (up to max_level); ends with `values` sampled at the final nodes and `s` their
/// surpluses.
void refine_on_kink(hjb::sparse::AdaptiveSparseGrid& a, std::vector<double>& values, std::vector<double>& s,
                    int rounds, double eps, int max_level) {
  double x[hjb::sparse::max_dimension];
  auto sample = [&] {
    values.resize(static_cast<std::size_t>(a.size()));
    for (std::int64_t p = 0; p < a.size(); ++p) {
      a.coordinates(p, x);
      values[p] = kink(x, a.dimension());
    }
    s = values;
    a.hierarchize(s);
  };
  for (int round = 0; round < rounds; ++round) {
    sample();
    if (a.refine(s, values, eps, max_level) == 0) break;
  }
  sample();
}
}  // namespace

TEST(AdaptiveSparseGrid, StartsAsTheRegularGridAndEvaluatesTheSame) {
  for (Basis basis : {Basis::boundary, Basis::extrapolating}) {
    const SparseGrid g(3, 5, {0, 0, 0}, {1, 1, 1}, {}, basis);
    const hjb::sparse::AdaptiveSparseGrid a(g);
    ASSERT_EQ(a.size(), g.size());
    std::vector<double> s = nodal(g, smooth), sa = s;
    g.hierarchize(s);
    a.hierarchize(sa);
    double worst_surplus = 0.0;
    for (std::size_t p = 0; p < s.size(); ++p)
      worst_surplus = std::max(worst_surplus, std::abs(s[p] - sa[p]));
    std::mt19937_64 rng(2);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    double x[3], worst = 0.0;
    for (int q = 0; q < 200; ++q) {
      for (double& c : x) c = u(rng);
      worst = std::max(worst, std::abs(g.evaluate(s, x) - a.evaluate(sa, x)));
    }
    EXPECT_LE(worst_surplus, 1e-14);
    EXPECT_LE(worst, 1e-13);
  }
}

TEST(AdaptiveSparseGrid, RefinementByTheSurplusBeatsTheRegularGridOnAKink) {
  // Refine where |surplus| is large, re-sample the function at the new nodes, repeat; compare the
  // max error at random points with regular grids of about as many nodes.
  std::mt19937_64 rng(4);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const int d = 2;
  std::vector<std::array<double, 2>> points(4000);
  for (auto& p : points) p = {u(rng), u(rng)};
  auto max_error = [&](auto& grid, const std::vector<double>& s) {
    double worst = 0.0;
    for (const auto& p : points)
      worst = std::max(worst, std::abs(grid.evaluate(s, p.data()) - kink(p.data(), d)));
    return worst;
  };
  for (Basis basis : {Basis::boundary, Basis::extrapolating}) {
    hjb::sparse::AdaptiveSparseGrid a(SparseGrid(d, 4, {0, 0}, {1, 1}, {}, basis));
    std::vector<double> values, s;
    double x[2];
    refine_on_kink(a, values, s, 12, 1e-3, 14);
    const double adaptive_error = max_error(a, s);
    // The interpolant matches at every node, and the round trip restores the values.
    double worst_node = 0.0;
    for (std::int64_t p = 0; p < a.size(); p += 5) {
      a.coordinates(p, x);
      worst_node = std::max(worst_node, std::abs(a.evaluate(s, x) - values[p]));
    }
    std::vector<double> back = s;
    a.dehierarchize(back);
    double round_trip = 0.0;
    for (std::size_t p = 0; p < back.size(); ++p)
      round_trip = std::max(round_trip, std::abs(back[p] - values[p]));
    EXPECT_LE(worst_node, 1e-12);
    EXPECT_LE(round_trip, 1e-12);
    // The smallest regular grid with at least as many nodes.
    int n = 1;
    while (SparseGrid::count_nodes(d, n, {}, basis) < static_cast<double>(a.size())) ++n;
    const SparseGrid g(d, n, {0, 0}, {1, 1}, {}, basis);
    std::vector<double> r = nodal(g, kink);
    g.hierarchize(r);
    const double regular_error = max_error(g, r);
    std::printf("  %s: adaptive %lld nodes, max error %.3e; regular level %d, %lld nodes, max error %.3e\n",
                hjb::sparse::to_string(basis).c_str(), static_cast<long long>(a.size()), adaptive_error, n,
                static_cast<long long>(g.size()), regular_error);
    EXPECT_LT(adaptive_error, 0.5 * regular_error);
    // Coarsening removes small-surplus leaves and keeps the set closed (hierarchisation needs every parent).
    const std::int64_t before = a.size();
    const std::int64_t removed = a.coarsen(s, values, 1e-4);
    EXPECT_GT(removed, 0);
    EXPECT_EQ(a.size(), before - removed);
    std::vector<double> again = values;
    EXPECT_NO_THROW(a.hierarchize(again));
  }
}

TEST(AdaptiveSparseGrid, CoarseningKeepsTheChildrenRefinementWouldAddAgain) {
  // What a solver adapting after every step does: refine where |surplus| > eps; the new children
  // take the interpolant's value (surplus 0 until the next step computes them). Coarsening below
  // eps / 10 right after must not drop them again; without refine_threshold it drops them all.
  const double eps = 1e-2;
  for (Basis basis : {Basis::boundary, Basis::extrapolating}) {
    const SparseGrid g(2, 3, {0, 0}, {1, 1}, {}, basis);
    hjb::sparse::AdaptiveSparseGrid a(g), b(g);
    std::vector<double> va = nodal(g, kink), vb = va, sa = va;
    a.hierarchize(sa);
    std::vector<double> sb = sa;
    const std::int64_t before = a.size();
    const std::int64_t added = a.refine(sa, va, eps, 10);
    ASSERT_EQ(b.refine(sb, vb, eps, 10), added);
    ASSERT_GT(added, 0);
    sa = va;
    a.hierarchize(sa);
    sb = vb;
    b.hierarchize(sb);
    EXPECT_EQ(a.coarsen(sa, va, 0.1 * eps, eps), 0);
    EXPECT_EQ(a.size(), before + added);
    // The one-argument form (no refinement to protect) removes the new leaves: every node added
    // is a leaf whose surplus is rounding noise.
    EXPECT_GE(b.coarsen(sb, vb, 0.1 * eps), added / 2);
  }
}

TEST(AdaptiveSparseGrid, RestoredFromItsNodeListBehavesAsTheOriginal) {
  // What a checkpoint restart does: rebuild a refined grid from its levels and indices on the box of
  // an anisotropic starting grid; the rebuilt grid keeps the node order, evaluates the same, and
  // refines and coarsens exactly as the original (the starting grid's nodes are never coarsened).
  const SparseGrid regular(2, 5, {0, 0}, {1, 1}, {5, 3}, Basis::boundary);
  hjb::sparse::AdaptiveSparseGrid a(regular);
  std::vector<double> values, s;
  refine_on_kink(a, values, s, 3, 1e-3, 9);
  std::vector<int> levels(static_cast<std::size_t>(2 * a.size()));
  std::vector<std::int64_t> indices(levels.size());
  for (std::int64_t p = 0; p < a.size(); ++p) a.level_index(p, &levels[2 * p], &indices[2 * p]);
  hjb::sparse::AdaptiveSparseGrid b(regular, levels, indices);
  ASSERT_EQ(b.size(), a.size());
  for (int k = 0; k < 2; ++k) EXPECT_EQ(b.max_level(k), a.max_level(k));
  std::vector<double> va = values, vb = values, sa = values, sb = values;
  a.hierarchize(sa);
  b.hierarchize(sb);
  EXPECT_EQ(sa, sb);
  const double point[2] = {0.3, 0.71};
  EXPECT_EQ(a.evaluate(sa, point), b.evaluate(sb, point));
  // A coarsening threshold above every surplus removes all removable leaves: the same ones.
  const std::int64_t removed_a = a.coarsen(sa, va, 1e9), removed_b = b.coarsen(sb, vb, 1e9);
  EXPECT_GT(removed_a, 0);
  EXPECT_EQ(removed_a, removed_b);
  EXPECT_EQ(va, vb);
  // A node list that is not closed under parents is refused (level 2 without its level-1 parent).
  std::vector<int> bad_levels{0, 0, 2, 0};
  std::vector<std::int64_t> bad_indices{0, 0, 1, 0};
  EXPECT_THROW(hjb::sparse::AdaptiveSparseGrid(regular, bad_levels, bad_indices), std::invalid_argument);
}

TEST(AdaptiveSparseGrid, EvaluationEqualsTheSumOverEveryNodesBasisFunction) {
  // evaluate() walks only the subspaces (extrapolating basis: the nodes) with a basis function
  // non-zero at the point; the brute-force sum of every node's surplus times its function must give
  // the same value. Boundary basis: level 0 the two linear boundary functions, level l >= 1 the hat
  // of width 2^(1-l) at i 2^-l. Extrapolating basis: level 1 the constant 1, level l >= 2 the hat,
  // continued linearly to the box's face beyond the outermost nodes (i = 1, 2^l - 1). Coarsening
  // in between: the walk's node links must follow removals too.
  for (const Basis basis : {Basis::boundary, Basis::extrapolating})
    for (const int d : {2, 3}) {
      const std::vector<double> lo(static_cast<std::size_t>(d), 0.0), hi(static_cast<std::size_t>(d), 1.0);
      hjb::sparse::AdaptiveSparseGrid a(SparseGrid(d, 3, lo, hi, {}, basis));
      std::vector<double> values, s;
      refine_on_kink(a, values, s, 8, d == 2 ? 1e-3 : 4e-3, 10);
      const std::int64_t refined = a.size();
      a.coarsen(s, values, 2e-3);
      a.hierarchize(s = values);
      std::mt19937_64 rng(8);
      std::uniform_real_distribution<double> u(0.0, 1.0);
      double worst = 0.0, x[3];
      int l[3];
      std::int64_t i[3];
      for (int q = 0; q < 300; ++q) {
        for (int k = 0; k < d; ++k) x[k] = u(rng);
        double brute = 0.0;
        for (std::int64_t p = 0; p < a.size(); ++p) {
          a.level_index(p, l, i);
          double phi = 1.0;
          for (int k = 0; k < d; ++k) {
            const double t = std::ldexp(x[k], l[k]) - static_cast<double>(i[k]);
            const bool outer = (i[k] == 1 && t < 0) || (i[k] == (std::int64_t{1} << l[k]) - 1 && t > 0);
            if (basis == Basis::boundary)
              phi *= l[k] == 0 ? (i[k] == 0 ? 1.0 - x[k] : x[k]) : std::max(0.0, 1.0 - std::abs(t));
            else
              phi *= l[k] == 1            ? 1.0
                     : l[k] >= 2 && outer ? 1.0 + std::abs(t)
                                          : std::max(0.0, 1.0 - std::abs(t));
          }
          brute += s[p] * phi;
        }
        worst = std::max(worst, std::abs(a.evaluate(s, x) - brute));
      }
      std::printf(
          "  %s basis, %d-D: %lld adaptive nodes (%lld before coarsening, deepest level %d): "
          "max |evaluate - brute force| %.1e\n",
          basis == Basis::boundary ? "boundary" : "extrapolating", d, static_cast<long long>(a.size()),
          static_cast<long long>(refined), a.max_level(0), worst);
      EXPECT_GT(a.size(), 200);
      EXPECT_LT(a.size(), refined);
      EXPECT_LE(worst, 1e-12);
    }
}

TEST(SparseGrid, LimitedInterpolantStaysInTheRangeOfItsDataAndIsExactWhereTheDataAreLinear) {
  // A jump (the MountainCar value's kind of feature): the plain sparse interpolant overshoots the
  // data's range between nodes; the limited one never leaves the range of the nodal values it combines.
  // On a linear function (no overshoot) both are the same with the boundary basis (the extrapolating
  // basis continues linearly beyond its outermost nodes, which the limiter cuts).
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (const auto basis : {hjb::sparse::Basis::boundary, hjb::sparse::Basis::extrapolating}) {
    const SparseGrid g(2, 7, {0.0, 0.0}, {1.0, 1.0}, {}, basis);
    std::vector<double> jump(static_cast<std::size_t>(g.size())), plane(jump.size());
    double x[2];
    for (std::int64_t p = 0; p < g.size(); ++p) {
      g.coordinates(p, x);
      jump[p] = x[0] + 0.7 * x[1] > 0.61 ? 1.0 : 0.0;
      plane[p] = 0.3 + x[0] - 2.0 * x[1];
    }
    std::vector<double> sj = jump, sp = plane;
    g.hierarchize(sj);
    g.hierarchize(sp);
    double plain_low = 0.0, plain_high = 1.0, limited_low = 0.0, limited_high = 1.0, plane_difference = 0.0;
    for (int q = 0; q < 20000; ++q) {
      x[0] = u(rng);
      x[1] = u(rng);
      plain_low = std::min(plain_low, g.evaluate(sj, x));
      plain_high = std::max(plain_high, g.evaluate(sj, x));
      limited_low = std::min(limited_low, g.evaluate_limited(sj, jump, x));
      limited_high = std::max(limited_high, g.evaluate_limited(sj, jump, x));
      plane_difference =
          std::max(plane_difference, std::abs(g.evaluate_limited(sp, plane, x) - g.evaluate(sp, x)));
    }
    std::printf("  %s basis: jump data in [0, 1]; plain interpolant [%.3f, %.3f], limited [%.3f, %.3f]\n",
                hjb::sparse::to_string(basis).c_str(), plain_low, plain_high, limited_low, limited_high);
    EXPECT_LT(plain_low, -0.01);  // the overshoot the limiter exists for
    EXPECT_GE(limited_low, 0.0);
    EXPECT_LE(limited_high, 1.0);
    if (basis == hjb::sparse::Basis::boundary) {
      EXPECT_LE(plane_difference, 1e-12);
    }
  }
}
