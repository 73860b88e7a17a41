// Support functions of the input sets against brute-force enumeration of dense samples.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "core/sets.hpp"

using namespace hjb;

TEST(Sets, BoxExtremumMatchesEnumerationOfVertices) {
  const Box<2> box{{-1.0, -0.5}, {2.0, 0.25}};
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> u(-3, 3);
  for (int trial = 0; trial < 100; ++trial) {
    const Point<2> c{u(rng), u(rng)};
    double best_max = -INFINITY, best_min = INFINITY;
    for (double a0 : {box.lo[0], box.hi[0]})
      for (double a1 : {box.lo[1], box.hi[1]}) {
        best_max = std::max(best_max, c[0] * a0 + c[1] * a1);
        best_min = std::min(best_min, c[0] * a0 + c[1] * a1);
      }
    EXPECT_NEAR(box.extremum(c, Optimize::maximize).value, best_max, 1e-14);
    EXPECT_NEAR(box.extremum(c, Optimize::minimize).value, best_min, 1e-14);
  }
  EXPECT_EQ(box.max_magnitudes()[0], 2.0);
  EXPECT_EQ(box.max_magnitudes()[1], 0.5);
}

TEST(Sets, BallExtremumMatchesDenseSamplingOfTheSphere) {
  const Ball<2> ball{{0.5, -0.25}, 0.75};
  const Point<2> c{1.3, -0.4};
  double best_max = -INFINITY, best_min = INFINITY;
  for (int k = 0; k < 100000; ++k) {
    const double th = 2 * std::numbers::pi * k / 100000;
    const double v = c[0] * (ball.center[0] + ball.radius * std::cos(th)) +
                     c[1] * (ball.center[1] + ball.radius * std::sin(th));
    best_max = std::max(best_max, v);
    best_min = std::min(best_min, v);
  }
  const auto e = ball.extremum(c, Optimize::maximize);
  EXPECT_NEAR(e.value, best_max, 1e-8);
  EXPECT_NEAR(ball.extremum(c, Optimize::minimize).value, best_min, 1e-8);
  EXPECT_NEAR(c[0] * e.argument[0] + c[1] * e.argument[1], e.value, 1e-12);  // argument attains it
}

TEST(Sets, FiniteSetPicksTheBestPointAndBreaksTiesByOrder) {
  const FiniteSet<1> set{{{-1.0}, {0.0}, {1.0}}};
  EXPECT_EQ(set.extremum({2.0}, Optimize::maximize).argument[0], 1.0);
  EXPECT_EQ(set.extremum({2.0}, Optimize::minimize).argument[0], -1.0);
  EXPECT_EQ(set.extremum({0.0}, Optimize::minimize).argument[0], -1.0);  // tie: first listed
}

TEST(Sets, QuadraticCostBoxEqualsUnconstrainedLqrInsideTheBoundAndClampsOutside) {
  const QuadraticCostBox<1> q{{2.0}, {1.0}};
  // min_a c a + 2 a^2 = -c^2 / 8 at a = -c / 4 while |c / 4| <= 1.
  EXPECT_NEAR(q.extremum({2.0}, Optimize::minimize).value, -0.5, 1e-15);
  EXPECT_NEAR(q.extremum({2.0}, Optimize::minimize).argument[0], -0.5, 1e-15);
  // |c / 4| > 1: the constraint binds at a = -1: value -c + 2.
  EXPECT_NEAR(q.extremum({8.0}, Optimize::minimize).value, -8.0 + 2.0, 1e-15);
  // Brute force over the interval.
  double best = INFINITY;
  for (int k = 0; k <= 200000; ++k) {
    const double a = -1.0 + 2.0 * k / 200000;
    best = std::min(best, 3.0 * a + 2.0 * a * a);
  }
  EXPECT_NEAR(q.extremum({3.0}, Optimize::minimize).value, best, 1e-9);
}
