// The pointwise scheme parts of solver/schemes against their defining properties: Lax–Friedrichs
// consistency and monotonicity, TVD Runge–Kutta orders and convexity, the BRT clip, and the
// semi-Lagrangian transitions (probabilities that reproduce affine functions) and foot-point
// interpolation (exact for the polynomials of its degree, limited to the cell's corners).
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <random>
#include <set>

#include "grids/multilinear.hpp"
#include "problems/catalog.hpp"
#include "solver/schemes/input_candidates.hpp"
#include "solver/schemes/lax_friedrichs.hpp"
#include "solver/schemes/reachability.hpp"
#include "solver/schemes/second_order_upwind.hpp"
#include "solver/schemes/semi_lagrangian_interpolation.hpp"
#include "solver/schemes/semi_lagrangian_transition.hpp"
#include "solver/schemes/tvd_runge_kutta.hpp"

using namespace hjb;

namespace {
/// H(p) = |p|_2 + 0.3 p_0: |dH/dp_i| <= 1.3.
double test_hamiltonian(const std::array<double, 2>& p) { return std::hypot(p[0], p[1]) + 0.3 * p[0]; }
}  // namespace

TEST(LaxFriedrichs, IsConsistentWithTheHamiltonian) {
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> u(-3, 3);
  for (int k = 0; k < 100; ++k) {
    const std::array<double, 2> p{u(rng), u(rng)}, alpha{1.3, 1.3};
    EXPECT_DOUBLE_EQ(lax_friedrichs_hamiltonian<2>(test_hamiltonian, p, p, alpha), test_hamiltonian(p));
  }
}

TEST(LaxFriedrichs, IsMonotoneWhenAlphaBoundsTheHamiltonianSlope) {
  // Non-increasing in p⁻, non-decreasing in p⁺ (V_tau = Ĥ), for alpha >= |dH/dp|.
  std::mt19937_64 rng(2);
  std::uniform_real_distribution<double> u(-3, 3);
  const std::array<double, 2> alpha{1.3, 1.3};
  int violations = 0;
  for (int k = 0; k < 2000; ++k) {
    std::array<double, 2> pl{u(rng), u(rng)}, pr{u(rng), u(rng)};
    const double h0 = lax_friedrichs_hamiltonian<2>(test_hamiltonian, pl, pr, alpha);
    const int axis = k % 2;
    auto pl_up = pl, pr_up = pr;
    pl_up[axis] += 0.01;
    pr_up[axis] += 0.01;
    if (lax_friedrichs_hamiltonian<2>(test_hamiltonian, pl_up, pr, alpha) > h0 + 1e-14) ++violations;
    if (lax_friedrichs_hamiltonian<2>(test_hamiltonian, pl, pr_up, alpha) < h0 - 1e-14) ++violations;
  }
  EXPECT_EQ(violations, 0);
  // With too little dissipation monotonicity fails somewhere (the bound is needed, not decoration).
  const std::array<double, 2> small{0.1, 0.1}, pl{1.0, 0.0}, pr{1.0, 0.0};
  auto pl_up = pl;
  pl_up[0] += 0.01;
  EXPECT_GT(lax_friedrichs_hamiltonian<2>(test_hamiltonian, pl_up, pr, small),
            lax_friedrichs_hamiltonian<2>(test_hamiltonian, pl, pr, small));
}

TEST(LaxFriedrichs, CflRateIsTheSumOfAlphaOverSpacing) {
  const auto t = lax_friedrichs<3>({0, 0, 0}, {0, 0, 0}, {1.0, 2.0, 3.0}, {10.0, 5.0, 1.0});
  EXPECT_DOUBLE_EQ(t.cfl_rate, 10.0 + 10.0 + 3.0);
}

TEST(TvdRungeKutta, StagesAreConvexCombinationsOfEulerSteps) {
  for (auto integrator : {TimeIntegrator::rk1, TimeIntegrator::rk2, TimeIntegrator::rk3}) {
    for (const TvdStage& s : tvd_stages(integrator)) {
      EXPECT_GE(s.keep, 0.0);
      EXPECT_GE(s.weight, 0.0);
      EXPECT_DOUBLE_EQ(s.keep + s.weight, 1.0);
    }
    EXPECT_EQ(tvd_stages(integrator).front().keep, 0.0) << "the first stage starts from u^n";
  }
}

namespace {
/// Integrates du/dtau = -u + sin(tau) from u(0) = 1 to tau = 1 with n steps of the table.
double integrate(TimeIntegrator integrator, int n) {
  const double dt = 1.0 / n;
  double u = 1.0, tau = 0.0;
  for (int k = 0; k < n; ++k) {
    const double base = u;
    double from = u;
    for (const TvdStage& s : tvd_stages(integrator)) {
      const double rate = -from + std::sin(tau + s.rate_time * dt);
      double out;
      tvd_stage_update(s, dt, &base, &from, &rate, &out, 1);
      from = out;
    }
    u = from;
    tau += dt;
  }
  return u;
}
}  // namespace

TEST(TvdRungeKutta, ObservedOrdersAreOneTwoThree) {
  // Exact: u = 1.5 e^{-tau} + (sin tau - cos tau) / 2.
  const double exact = 1.5 * std::exp(-1.0) + 0.5 * (std::sin(1.0) - std::cos(1.0));
  const TimeIntegrator integrators[] = {TimeIntegrator::rk1, TimeIntegrator::rk2, TimeIntegrator::rk3};
  for (int order = 1; order <= 3; ++order) {
    const double e1 = std::abs(integrate(integrators[order - 1], 40) - exact);
    const double e2 = std::abs(integrate(integrators[order - 1], 80) - exact);
    const double observed = std::log2(e1 / e2);
    std::printf("TVD-RK%d: errors %.3e, %.3e, observed order %.2f\n", order, e1, e2, observed);
    EXPECT_NEAR(observed, order, 0.15);
  }
}

TEST(ReachMode, TheTubeClipsPositiveRatesAndTheSetDoesNot) {
  EXPECT_EQ(reach_rate(0.7, ReachMode::tube), 0.0);
  EXPECT_EQ(reach_rate(-0.7, ReachMode::tube), -0.7);
  EXPECT_EQ(reach_rate(0.7, ReachMode::set), 0.7);
  EXPECT_EQ(constrain_by_obstacle(-1.0, 0.5), -0.5) << "inside the obstacle the value is raised";
  EXPECT_EQ(constrain_by_obstacle(-1.0, 2.0), -1.0);
}

namespace {
/// A 2-D step map x' = A x + b u (no clipping), cost |x|^2 + u^2, action box [-1, 1].
struct LinearStep {
  static constexpr int dim = 2, control_dim = 1;
  State<2> discrete_step(const State<2>& x, const Point<1>& a) const {
    return {0.9 * x[0] + 0.2 * x[1], -0.1 * x[0] + 0.95 * x[1] + 0.3 * a[0]};
  }
  double step_cost(const State<2>& x, const Point<1>& a) const {
    return x[0] * x[0] + x[1] * x[1] + a[0] * a[0];
  }
};
}  // namespace

TEST(SemiLagrangian, TransitionsAreProbabilitiesThatReproduceAffineFunctions) {
  const std::array<Axis, 2> axes{Axis{"x", -2.0, 2.0, 41, false}, Axis{"y", -3.0, 3.0, 30, true}};
  LinearStep problem;
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> ux(-1.5, 1.5), uy(-3.0, 3.0), ua(-1.0, 1.0);
  double worst = 0.0;
  for (int k = 0; k < 500; ++k) {
    const State<2> x{ux(rng), uy(rng)};
    const Point<1> a{ua(rng)};
    const auto t = semi_lagrangian_transition(problem, axes, x, a);
    EXPECT_DOUBLE_EQ(t.cost, problem.step_cost(x, a));
    double sum = 0.0, first = 0.0;
    for (int c = 0; c < 4; ++c) {
      EXPECT_GE(t.cell.weight[c], 0.0);
      sum += t.cell.weight[c];
      first += t.cell.weight[c] * axes[0].coordinate(t.cell.node[c][0]);
    }
    EXPECT_NEAR(sum, 1.0, 1e-14);
    const auto y = problem.discrete_step(x, a);
    worst = std::max(worst, std::abs(first - y[0]));  // the non-periodic coordinate is affine
  }
  EXPECT_LT(worst, 1e-12);
}

TEST(SemiLagrangian, AFootPointOnANodeMovesThereWithProbabilityOne) {
  const std::array<Axis, 2> axes{Axis{"x", 0.0, 1.0, 11, false}, Axis{"y", 0.0, 1.0, 10, true}};
  const auto cell = cell_weights<2>(axes, {0.3, 0.5});
  double at_node = 0.0;
  for (int c = 0; c < 4; ++c)
    if (cell.node[c] == Index<2>{3, 5}) at_node += cell.weight[c];
  EXPECT_NEAR(at_node, 1.0, 1e-12);
  // Periodic wrap: y = 0.95 lies between node 9 and node 0.
  const auto wrapped = cell_weights<2>(axes, {0.0, 0.95});
  bool reaches_zero = false;
  for (int c = 0; c < 4; ++c) reaches_zero |= (wrapped.node[c][1] == 0 && wrapped.weight[c] > 0.4);
  EXPECT_TRUE(reaches_zero);
}

TEST(SemiLagrangian, ActionGridSpansTheBoxWithTheLastComponentFastest) {
  const auto actions = action_grid<2>(Box<2>{{-1.0, 0.0}, {1.0, 2.0}}, 3);
  ASSERT_EQ(actions.size(), 9u);
  EXPECT_EQ(actions.front(), (Point<2>{-1.0, 0.0}));
  EXPECT_EQ(actions[1], (Point<2>{-1.0, 1.0}));
  EXPECT_EQ(actions.back(), (Point<2>{1.0, 2.0}));
  EXPECT_EQ(action_grid<1>(Box<1>{{-2.0}, {4.0}}, 1).front()[0], 1.0) << "one action: the midpoint";
}

TEST(SemiLagrangian, AStepIntoTheGoalLeavesTheChainWithTheTerminalReward) {
  const problems::MountainCar car;
  const std::array<Axis, 2> axes{Axis{"position", -1.2, 0.6, 181, false},
                                 Axis{"velocity", -0.07, 0.07, 141, false}};
  // From p = 0.44, v = 0.03 every force reaches p >= 0.45 with v >= 0: terminal.
  const auto t = semi_lagrangian_transition(car, axes, {0.44, 0.03}, {0.5});
  EXPECT_TRUE(t.terminal);
  EXPECT_DOUBLE_EQ(t.cost, 0.1 * 0.25 - car.goal_reward);
  for (double w : t.cell.weight) EXPECT_EQ(w, 0.0);
  // Far from the goal: an ordinary transition whose weights sum to 1.
  const auto u = semi_lagrangian_transition(car, axes, {-0.5, 0.0}, {1.0});
  EXPECT_FALSE(u.terminal);
  double sum = 0.0;
  for (double w : u.cell.weight) sum += w;
  EXPECT_NEAR(sum, 1.0, 1e-15);
}

TEST(StartSetMean, IsExactForMultilinearFunctionsPointMassesAndPeriodicAxes) {
  const Axis x{"x", -1.0, 2.0, 31, false}, theta{"theta", -M_PI, M_PI, 40, true};
  std::vector<double> q;
  // Mean of f(x) = x over [lo, hi] is (lo + hi) / 2 for any interval inside the axis.
  for (auto [lo, hi] : {std::pair{-1.0, 2.0}, {-0.37, 1.21}, {0.05, 0.06}}) {
    ASSERT_TRUE(uniform_mean_weights(x, lo, hi, q));
    double mean = 0.0, total = 0.0;
    for (std::int64_t i = 0; i < x.n; ++i) {
      mean += q[i] * x.coordinate(i);
      total += q[i];
    }
    EXPECT_NEAR(total, 1.0, 1e-14);
    EXPECT_NEAR(mean, 0.5 * (lo + hi), 1e-14);
  }
  // A point mass is interpolation.
  ASSERT_TRUE(uniform_mean_weights(x, 0.33, 0.33, q));
  double at = 0.0;
  for (std::int64_t i = 0; i < x.n; ++i) at += q[i] * x.coordinate(i);
  EXPECT_NEAR(at, 0.33, 1e-14);
  // A whole period weighs every node equally; a window across the seam wraps.
  ASSERT_TRUE(uniform_mean_weights(theta, -M_PI, M_PI, q));
  for (double w : q) EXPECT_NEAR(w, 1.0 / 40, 1e-15);
  ASSERT_TRUE(uniform_mean_weights(theta, 3.0, 3.5, q));
  double total = 0.0;
  for (double w : q) total += w;
  EXPECT_NEAR(total, 1.0, 1e-14);
  EXPECT_GT(q[0], 0.0);  // node -pi = pi receives weight from both sides of the seam
  // Outside a non-periodic axis, or more than a period: refused.
  EXPECT_FALSE(uniform_mean_weights(x, -1.5, 0.0, q));
  EXPECT_FALSE(uniform_mean_weights(theta, -4.0, 4.0, q));
  // 2-D: the mean of the bilinear f = x * y over a box is the product of the means.
  const std::vector<Axis> axes{x, Axis{"y", 0.0, 1.0, 11, false}};
  std::vector<double> values;
  for (std::int64_t i = 0; i < axes[0].n; ++i)
    for (std::int64_t j = 0; j < axes[1].n; ++j)
      values.push_back(axes[0].coordinate(i) * axes[1].coordinate(j));
  EXPECT_NEAR(uniform_box_mean(axes, values, {-0.5, 0.2}, {1.5, 0.9}), 0.5 * 0.55, 1e-13);
  EXPECT_THROW(uniform_box_mean(axes, values, {-0.5, 0.2}, {1.5, 1.9}), std::invalid_argument);
}

TEST(GradedAxis, NodesFollowTheSinhMapAndInterpolationIsExactForAffineFunctions) {
  const hjb::Axis ax{"v", -3.0, 5.0, 21, false, 2.0};
  EXPECT_EQ(ax.coordinate(0), -3.0);
  EXPECT_EQ(ax.coordinate(20), 5.0);
  for (std::int64_t i = 0; i < 21; ++i) {
    const double s = -1.0 + 2.0 * static_cast<double>(i) / 20.0;
    EXPECT_NEAR(ax.coordinate(i), 1.0 + 4.0 * std::sinh(2.0 * s) / std::sinh(2.0), 1e-14);
    if (i > 0) {
      EXPECT_GT(ax.coordinate(i), ax.coordinate(i - 1));
    }
  }
  // The middle cell is about b / sinh(b) = 0.55 of the uniform spacing (0.4), the end cells 2.1x.
  EXPECT_NEAR(ax.min_spacing() / ax.spacing(), 2.0 / std::sinh(2.0), 0.01);
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(-3.5, 5.5);
  std::vector<double> values(21);
  for (std::int64_t i = 0; i < 21; ++i) values[static_cast<std::size_t>(i)] = 0.7 * ax.coordinate(i) - 2.0;
  for (int k = 0; k < 2000; ++k) {
    const double x = u(rng);
    std::int64_t i;
    double w;
    hjb::locate(ax, x, i, w);
    const double xc = std::clamp(x, -3.0, 5.0);
    ASSERT_TRUE(i >= 0 && i <= 19 && ax.coordinate(i) <= xc && xc <= ax.coordinate(i + 1)) << x;
    EXPECT_NEAR(hjb::interpolate_table({ax}, values, &x), 0.7 * xc - 2.0, 1e-12);
  }
  // The mean over an interval of the piecewise-linear interpolant: exact for an affine function.
  std::vector<double> q;
  ASSERT_TRUE(hjb::uniform_mean_weights(ax, -1.3, 4.1, q));
  double mean = 0.0;
  for (std::size_t i = 0; i < q.size(); ++i) mean += q[i] * values[i];
  EXPECT_NEAR(mean, 0.7 * 0.5 * (-1.3 + 4.1) - 2.0, 1e-12);
  // Grading 0 is the uniform axis.
  const hjb::Axis flat{"v", -3.0, 5.0, 21, false, 0.0}, plain{"v", -3.0, 5.0, 21, false};
  for (std::int64_t i = 0; i < 21; ++i) EXPECT_EQ(flat.coordinate(i), plain.coordinate(i));
}

// locate_many (vectorised, cloned per instruction set) gives every point the cell and fraction that
// locate gives it, bit for bit: inside, at nodes, at the periodic seam, far outside, -0.0 and the
// extreme and non-finite feet that locate_many hands back to locate.
TEST(Interpolation, LocateManyIsLocateBitForBit) {
  const double pi = std::acos(-1.0), inf = std::numeric_limits<double>::infinity();
  const std::vector<hjb::Axis> axes = {
      {"theta", -pi, pi, 64, true}, {"omega", -8.0, 8.0, 41, false}, {"v", -3.0, 5.0, 21, false, 2.0}};
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> near(-12.0, 12.0), far(-1e6, 1e6);
  for (const hjb::Axis& ax : axes) {
    std::vector<double> x = {-0.0, 0.0, ax.lo, ax.hi, -pi, pi};
    for (std::int64_t i = 0; i < ax.n; ++i) x.push_back(ax.coordinate(i));
    for (int k = 0; k < 3000; ++k) x.push_back(k % 10 == 0 ? far(rng) : near(rng));
    const std::int64_t ordinary = static_cast<std::int64_t>(x.size());
    x.insert(x.end(), {1e300, -1e300, inf, -inf, std::nan("")});
    for (const bool extreme : {false, true}) {  // a batch with extreme points takes the fallback
      const std::int64_t count = extreme ? static_cast<std::int64_t>(x.size()) : ordinary;
      std::vector<int> i(x.size());
      std::vector<double> w(x.size());
      hjb::locate_many(ax, ax.spacing(), x.data(), count, i.data(), w.data());
      for (std::int64_t k = 0; k < count; ++k) {
        std::int64_t ik = 0;
        double wk = 0.0;
        hjb::locate(ax, ax.spacing(), x[k], ik, wk);
        // (locate's cell of a NaN, or of an infinite periodic coordinate, is no cell: its w is NaN.)
        if (ik == static_cast<int>(ik)) {
          EXPECT_EQ(i[k], ik) << ax.name << " x = " << x[k];
        }
        EXPECT_EQ(std::bit_cast<std::uint64_t>(w[k]), std::bit_cast<std::uint64_t>(wk))
            << ax.name << " x = " << x[k];
      }
    }
  }
}

TEST(ProblemCatalog, NamesAreUniquePerDimensionAndEveryProblemDescribesItself) {
  std::set<std::pair<std::string, int>> seen;
  problems::for_each_catalog_entry([&]<std::size_t I, class P>() {
    EXPECT_TRUE(seen.insert({P::name(), P::dim}).second) << P::name() << " twice in " << P::dim << "-D";
    EXPECT_FALSE(P::description().empty()) << P::name();
  });
  EXPECT_EQ(seen.size(), problems::catalog_size);
}

// The second-order upwind update v0 + dt * rate (solver/schemes/second_order_upwind.hpp) is a
// monotone scheme within its CFL limit: nondecreasing in each of vm, v0, vp when dt * cfl <= 1,
// checked by finite perturbations at random states; and it reproduces -V_s of a smooth V.
TEST(SecondOrderUpwind, MonotoneWithinTheCflLimitAndConsistent) {
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> u(-2.0, 2.0);
  for (int trial = 0; trial < 2000; ++trial) {
    const double vm = u(rng), v0 = u(rng), vp = u(rng), b = u(rng), s2 = 0.05 + std::abs(u(rng));
    const double inv_h = 10.0;
    const auto base = kernels::second_order_axis(vm, v0, vp, inv_h, s2, b);
    const double eps = 1e-7;
    // The step's own limit, with room for the perturbed states' larger |u|.
    const double dt = 0.9 / (base.cfl + s2 * 2 * eps * inv_h * inv_h);
    const double update = v0 + dt * base.rate;
    const double up_m = v0 + dt * kernels::second_order_axis(vm + eps, v0, vp, inv_h, s2, b).rate;
    const double up_p = v0 + dt * kernels::second_order_axis(vm, v0, vp + eps, inv_h, s2, b).rate;
    const double up_0 = v0 + eps + dt * kernels::second_order_axis(vm, v0 + eps, vp, inv_h, s2, b).rate;
    EXPECT_GE(up_m - update, -1e-12) << vm << " " << v0 << " " << vp << " b " << b << " s2 " << s2;
    EXPECT_GE(up_p - update, -1e-12) << vm << " " << v0 << " " << vp << " b " << b << " s2 " << s2;
    EXPECT_GE(up_0 - update, -1e-12) << vm << " " << v0 << " " << vp << " b " << b << " s2 " << s2;
  }
  // Consistency: V = x^2 / 2 + x at x = 0.3 with h = 1e-3: -V_s = s2/2 V'' + b V' - s2/2 V'^2.
  const double h = 1e-3, x = 0.3, s2 = 0.8, b = -0.4;
  auto v = [](double y) { return 0.5 * y * y + y; };
  const auto r = kernels::second_order_axis(v(x - h), v(x), v(x + h), 1 / h, s2, b);
  const double dv = x + 1;
  EXPECT_NEAR(r.rate, 0.5 * s2 + b * dv - 0.5 * s2 * dv * dv, 1e-2);
  EXPECT_NEAR(r.u, -s2 * dv, 1e-2);
}

namespace {
/// A padded 3-D block of 9 x 10 x 11 values f(i, j, k) (last axis contiguous) and its strides.
template <class F>
std::vector<double> padded_block(F&& f, Index<3>& stride) {
  const int n0 = 9, n1 = 10, n2 = 11;
  stride = {n1 * n2, n2, 1};
  std::vector<double> v(static_cast<std::size_t>(n0 * n1 * n2));
  for (int i = 0; i < n0; ++i)
    for (int j = 0; j < n1; ++j)
      for (int k = 0; k < n2; ++k) v[static_cast<std::size_t>(i * n1 * n2 + j * n2 + k)] = f(i, j, k);
  return v;
}
}  // namespace

TEST(SemiLagrangianInterpolation, CubicIsExactForCubicsAndLinearForMultilinearFunctions) {
  // Increasing in every coordinate, so the value inside a cell lies between its lowest and highest
  // corner and the limiter is inactive: a(x) + b(y) c(z) with increasing positive cubics.
  const auto a = [](double x) { return 0.5 + x + 0.02 * x * x * x; };
  const auto b = [](double y) { return 1.0 + 0.3 * y + 0.01 * y * y * y; };
  const auto c = [](double z) { return 2.0 + 0.1 * z + 0.05 * z * z + 0.003 * z * z * z; };
  const auto cubic = [&](double x, double y, double z) { return a(x) + b(y) * c(z); };
  const auto bilinear = [](double x, double y, double z) {
    return 1.0 + 0.5 * x - 0.25 * y * z + 0.1 * x * y * z;
  };
  Index<3> stride;
  const auto vc = padded_block([&](int i, int j, int k) { return cubic(i, j, k); }, stride);
  const auto vl = padded_block([&](int i, int j, int k) { return bilinear(i, j, k); }, stride);
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int q = 0; q < 200; ++q) {
    SlFoot<3> foot;
    const Index<3> cell{1 + static_cast<std::int64_t>(q % 6), 1 + static_cast<std::int64_t>(q % 7),
                        1 + static_cast<std::int64_t>(q % 8)};
    for (int d = 0; d < 3; ++d) foot.set_fraction(d, u(rng));
    foot.offset = static_cast<std::int32_t>(cell[0] * stride[0] + cell[1] * stride[1] + cell[2]);
    const double x = static_cast<double>(cell[0]) + foot.fraction(0),
                 y = static_cast<double>(cell[1]) + foot.fraction(1),
                 z = static_cast<double>(cell[2]) + foot.fraction(2);
    EXPECT_NEAR((sl_interpolate<3, true>(vc.data(), stride, foot)), cubic(x, y, z), 1e-11);
    EXPECT_NEAR((sl_interpolate<3, false>(vl.data(), stride, foot)), bilinear(x, y, z), 1e-12);
  }
}

TEST(SemiLagrangianInterpolation, AFootKeepsItsFractionToHalfAFixedPointStepAndBelowOne) {
  SlFoot<2> foot;
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int q = 0; q < 1000; ++q) {
    const double t = u(rng);
    foot.set_fraction(1, t);
    EXPECT_LE(std::abs(foot.fraction(1) - t), 0x1p-32) << t;
  }
  foot.set_fraction(0, 0.0);
  EXPECT_EQ(foot.fraction(0), 0.0);
  // The fraction of a displacement just below a whole number rounds to 1 in double; the foot
  // stays in its cell.
  foot.set_fraction(0, std::nextafter(1.0, 0.0));
  EXPECT_LT(foot.fraction(0), 1.0);
  foot.set_fraction(0, 1.0);
  EXPECT_LT(foot.fraction(0), 1.0);
  EXPECT_GT(foot.fraction(0), 1.0 - 0x1p-30);
}

TEST(SemiLagrangianInterpolation, TheCubicStaysWithinTheCellsCorners) {
  // A kink |i - 4| + |j - 4| + |k - 5| (and noise): the unlimited cubic overshoots near it.
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Index<3> stride;
  const auto v = padded_block(
      [&](int i, int j, int k) { return std::abs(i - 4) + std::abs(j - 4) + std::abs(k - 5) + 0.3 * u(rng); },
      stride);
  for (int q = 0; q < 500; ++q) {
    SlFoot<3> foot;
    const Index<3> cell{1 + static_cast<std::int64_t>(q % 6), 1 + static_cast<std::int64_t>((q / 6) % 7),
                        1 + static_cast<std::int64_t>((q / 42) % 8)};
    for (int d = 0; d < 3; ++d) foot.set_fraction(d, u(rng));
    foot.offset = static_cast<std::int32_t>(cell[0] * stride[0] + cell[1] * stride[1] + cell[2]);
    double lo = v[static_cast<std::size_t>(foot.offset)], hi = lo;
    for (int corner = 0; corner < 8; ++corner) {
      const double w = v[static_cast<std::size_t>(foot.offset + (corner & 1) * stride[0] +
                                                  ((corner >> 1) & 1) * stride[1] + ((corner >> 2) & 1))];
      lo = std::min(lo, w);
      hi = std::max(hi, w);
    }
    const double value = sl_interpolate<3, true>(v.data(), stride, foot);
    EXPECT_GE(value, lo);
    EXPECT_LE(value, hi);
  }
}

TEST(InputCandidates, HoldEveryExtremiserOnlyForBoxVerticesAndFiniteSets) {
  const Box<2> box{{-1.0, -2.0}, {1.0, 3.0}};
  EXPECT_TRUE(candidates_hold_extremisers(box, input_candidates(box, 2)));
  EXPECT_TRUE(candidates_hold_extremisers(box, input_candidates(box, 5)));
  EXPECT_FALSE(candidates_hold_extremisers(box, input_candidates(box, 1)));  // the midpoint only
  // And the claim itself: every extremum over the box is one of the candidates.
  const auto candidates = input_candidates(box, 3);
  std::mt19937_64 rng(7);
  std::normal_distribution<double> g;
  for (int q = 0; q < 100; ++q) {
    const Point<2> c{g(rng), q % 10 == 0 ? 0.0 : g(rng)};
    for (Optimize mode : {Optimize::minimize, Optimize::maximize}) {
      const auto e = box.extremum(c, mode);
      EXPECT_NE(std::find(candidates.begin(), candidates.end(), e.argument), candidates.end());
    }
  }
  const Ball<2> ball{{0.0, 0.0}, 1.0};
  EXPECT_FALSE(candidates_hold_extremisers(ball, input_candidates(ball, 3)));
  const FiniteSet<2> finite{{{0.0, 1.0}, {1.0, 0.0}}};
  EXPECT_TRUE(candidates_hold_extremisers(finite, input_candidates(finite, 3)));
  // Per problem, both players: Air3D's turn-rate boxes, the eikonal's ball of directions.
  const problems::Air3D air3d;
  EXPECT_TRUE(costate_adds_no_candidate(air3d, input_candidates(air3d.control_set(), 2),
                                        input_candidates(air3d.disturbance_set(), 2)));
  EXPECT_FALSE(costate_adds_no_candidate(air3d, input_candidates(air3d.control_set(), 1),
                                         input_candidates(air3d.disturbance_set(), 2)));
  const problems::Eikonal<2> eikonal;
  EXPECT_FALSE(costate_adds_no_candidate(eikonal, input_candidates(eikonal.control_set(), 2),
                                         input_candidates(eikonal.disturbance_set(), 2)));
}
