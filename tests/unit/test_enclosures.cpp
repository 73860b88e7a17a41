// Interval enclosures (core/interval.hpp and the problems' step_enclosure / step_cost_lower /
// terminal_indicator) against the exact step: every image of a dense sample of points of random boxes
// (corners included) must lie inside the enclosure, every cost above its lower bound.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>
#include <type_traits>

#include "core/interval.hpp"
#include "problems/acrobot.hpp"
#include "problems/lqr_mdp.hpp"
#include "problems/mountain_car.hpp"
#include "problems/pendulum.hpp"

namespace hjb {
namespace {

TEST(Interval, SinAndCosContainEverySampledValue) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> centre(-20.0, 20.0), width(0.0, 4.0), unit(0.0, 1.0);
  for (int trial = 0; trial < 2000; ++trial) {
    const double lo = centre(rng), hi = lo + (trial % 10 == 0 ? 0.0 : width(rng));
    const Interval s = sin(Interval(lo, hi)), c = cos(Interval(lo, hi));
    for (int k = 0; k <= 200; ++k) {
      const double x = k == 200 ? hi : lo + (hi - lo) * (k < 100 ? k / 100.0 : unit(rng));
      ASSERT_TRUE(s.contains(std::sin(x))) << "sin on [" << lo << ", " << hi << "] at " << x;
      ASSERT_TRUE(c.contains(std::cos(x))) << "cos on [" << lo << ", " << hi << "] at " << x;
    }
  }
  // Extrema inside: the full range is reached.
  EXPECT_EQ(sin(Interval(1.0, 2.0)).hi, 1.0);
  EXPECT_EQ(cos(Interval(3.0, 3.5)).lo, -1.0);
}

TEST(Interval, ArithmeticIsOutward) {
  const Interval a(0.1, 0.3), b(-0.7, 0.2);
  const Interval p = a * b, s = a + b, d = a - b, q = sqr(b);
  EXPECT_LE(p.lo, 0.3 * -0.7);
  EXPECT_GE(p.hi, 0.3 * 0.2);
  EXPECT_LE(s.lo, 0.1 + -0.7);
  EXPECT_GE(d.hi, 0.3 + 0.7);
  EXPECT_EQ(q.lo, 0.0);
  EXPECT_GE(q.hi, 0.49);
}

/// Acrobot's enclosure holds its angles before wrapping (modulo 2 pi).
template <class P>
inline constexpr bool wraps_angles = std::is_same_v<P, problems::Acrobot>;

/// Samples a random box of the domain (some of width 0 on an axis) and random action interval, then
/// points of box x interval (all corners, then uniform), and checks the enclosures.
template <class P>
void check_enclosures(const P& problem, double box_scale, int trials, std::uint64_t seed) {
  constexpr int D = P::dim;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const auto domain = problem.domain();
  const auto actions = problem.action_box();
  long checked = 0;
  for (int trial = 0; trial < trials; ++trial) {
    Box<D> x;
    for (int k = 0; k < D; ++k) {
      const double span = domain[k].hi - domain[k].lo,
                   w = trial % 7 == 0 ? 0.0 : box_scale * span * unit(rng);
      x.lo[k] = domain[k].lo + (span - w) * unit(rng);
      x.hi[k] = x.lo[k] + w;
    }
    Box<1> a;
    {
      // Actions beyond the box too (the problems clip them).
      const double span = actions.hi[0] - actions.lo[0], w = trial % 5 == 0 ? 0.0 : 0.3 * span * unit(rng);
      a.lo[0] = actions.lo[0] - 0.2 * span + (1.4 * span - w) * unit(rng);
      a.hi[0] = a.lo[0] + w;
    }
    const Box<D> e = problem.step_enclosure(x, a);
    const double cost_lower = problem.step_cost_lower(x, a);
    for (int k = 0; k < 200; ++k) {
      State<D> s;
      Point<1> u;
      for (int i = 0; i < D; ++i) {
        const double t = k < (1 << (D + 1)) ? ((k >> i) & 1) : unit(rng);
        s[i] = x.lo[i] + (x.hi[i] - x.lo[i]) * t;
      }
      const double t = k < (1 << (D + 1)) ? ((k >> D) & 1) : unit(rng);
      u[0] = a.lo[0] + (a.hi[0] - a.lo[0]) * t;
      const State<D> y = problem.discrete_step(s, u);
      for (int i = 0; i < D; ++i) {
        double yi = y[i];
        if (wraps_angles<P> && i < 2 && (yi < e.lo[i] || yi > e.hi[i]))  // Acrobot: modulo 2 pi
          yi += 2 * std::numbers::pi * std::round((0.5 * (e.lo[i] + e.hi[i]) - yi) / (2 * std::numbers::pi));
        ASSERT_TRUE(e.lo[i] <= yi && yi <= e.hi[i])
            << P::name() << ": axis " << i << " image " << y[i] << " outside [" << e.lo[i] << ", " << e.hi[i]
            << "] (trial " << trial << ")";
      }
      ASSERT_LE(cost_lower, problem.step_cost(s, u)) << P::name() << " trial " << trial;
      if constexpr (requires { problem.terminal_indicator(e); }) {
        const Interval term = problem.terminal_indicator(e);
        if (problem.is_terminal(y))
          ASSERT_GE(term.hi, 1.0) << "a terminal image the indicator excludes";
        else
          ASSERT_LT(term.lo, 1.0) << "a non-terminal image the indicator calls surely terminal";
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 200L * trials);
}

TEST(Enclosures, PendulumContainsEverySampledStep) {
  check_enclosures(problems::Pendulum{}, 0.05, 3000, 1);
  check_enclosures(problems::Pendulum{}, 0.5, 500, 2);  // wide boxes: sin's extrema inside
}

TEST(Enclosures, MountainCarContainsEverySampledStep) {
  check_enclosures(problems::MountainCar{}, 0.05, 3000, 3);
  check_enclosures(problems::MountainCar{}, 0.5, 500, 4);
  // Boxes at the left wall (the stop rule) and at the goal (the terminal indicator).
  const problems::MountainCar car;
  const Box<2> wall{{-1.2, -0.07}, {-1.19, -0.01}};
  const Box<2> e = car.step_enclosure(wall, {{-1.0}, {1.0}});
  EXPECT_EQ(e.lo[0], -1.2);
  EXPECT_GE(e.hi[1], 0.0);
  EXPECT_EQ(car.terminal_indicator({{0.46, 0.0}, {0.5, 0.01}}).lo, 1.0);
  EXPECT_EQ(car.terminal_indicator({{0.40, 0.0}, {0.44, 0.01}}).hi, 0.0);
}

TEST(Enclosures, LqrMdpContainsEverySampledStep) {
  check_enclosures(problems::LqrMdp<2>{}, 0.05, 2000, 5);
  check_enclosures(problems::LqrMdp<3>{}, 0.1, 1000, 6);
}

TEST(Enclosures, AcrobotContainsEverySampledStep) {
  // Small boxes (the RK4 enclosure widens with the box) and wide ones; torques anywhere in [-1.4, 1.4].
  check_enclosures(problems::Acrobot{}, 0.01, 1500, 7);
  check_enclosures(problems::Acrobot{}, 0.1, 300, 8);
  // The terminal indicator: the tip above the bar for every state of a box near theta1 = pi.
  const problems::Acrobot acrobot;
  constexpr double pi = std::numbers::pi;
  EXPECT_EQ(acrobot.terminal_indicator({{pi - 0.1, -0.1, 0, 0}, {pi, 0.1, 0, 0}}).lo, 1.0);
  EXPECT_EQ(acrobot.terminal_indicator({{-0.1, -0.1, 0, 0}, {0.1, 0.1, 0, 0}}).hi, 0.0);
}

TEST(Enclosures, PendulumAngleCostLowerBound) {
  using problems::Pendulum;
  constexpr double pi = std::numbers::pi;
  EXPECT_EQ(Pendulum::normalized_angle_square_lower(-0.1, 0.2), 0.0);
  EXPECT_NEAR(Pendulum::normalized_angle_square_lower(0.5, 0.7), 0.25, 1e-15);
  EXPECT_NEAR(Pendulum::normalized_angle_square_lower(2 * pi + 0.5, 2 * pi + 0.7), 0.25, 1e-12);
  // Across pi: angle_normalize jumps to -pi; the smallest square is near 3.0 or -3.0 ends.
  EXPECT_NEAR(Pendulum::normalized_angle_square_lower(3.0, 3.3), std::min(9.0, std::pow(3.3 - 2 * pi, 2)),
              1e-12);
}

}  // namespace
}  // namespace hjb
