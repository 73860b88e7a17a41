// Derived Hamiltonians, optimal inputs and wave-speed bounds against brute-force optimisation
// over sampled inputs; closed forms of the problems against simulation.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "core/control_problem.hpp"
#include "problems/air3d.hpp"
#include "problems/car4d.hpp"
#include "problems/catalog.hpp"
#include "problems/double_integrator.hpp"
#include "problems/dubins_car.hpp"
#include "problems/eikonal.hpp"
#include "problems/lqr.hpp"

using namespace hjb;
using namespace hjb::problems;

namespace {

/// ext_a ext_b p·f(x, a, b) by enumeration of sampled inputs (players in the problem's senses).
template <class P>
double brute_force_hamiltonian(const P& problem, const State<P::dim>& x, const State<P::dim>& p,
                               const std::vector<Point<P::control_dim>>& as,
                               const std::vector<Point<P::disturbance_dim>>& bs) {
  const bool a_max = problem.control_mode == Optimize::maximize;
  double outer = a_max ? -INFINITY : INFINITY;
  for (const auto& a : as) {
    double inner = a_max ? INFINITY : -INFINITY;
    for (const auto& b : bs) {
      const auto f = dynamics(problem, x, a, b, 0.0);
      double v = 0.0;
      for (int i = 0; i < P::dim; ++i) v += p[i] * f[i];
      inner = a_max ? std::min(inner, v) : std::max(inner, v);
    }
    outer = a_max ? std::max(outer, inner) : std::min(outer, inner);
  }
  return outer;
}

std::vector<Point<1>> interval(double lo, double hi, int n) {
  std::vector<Point<1>> s;
  for (int k = 0; k <= n; ++k) s.push_back({lo + (hi - lo) * k / n});
  return s;
}
std::vector<Point<2>> disc_boundary(double r, int n) {
  std::vector<Point<2>> s;
  for (int k = 0; k < n; ++k)
    s.push_back({r * std::cos(2 * std::numbers::pi * k / n), r * std::sin(2 * std::numbers::pi * k / n)});
  return s;
}

}  // namespace

TEST(Problems, Air3DHamiltonianEqualsMaxMinOverSampledTurnRates) {
  Air3D air;
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(-6, 6);
  for (int trial = 0; trial < 50; ++trial) {
    const State<3> x{u(rng), u(rng), u(rng)}, p{u(rng), u(rng), u(rng)};
    const double brute = brute_force_hamiltonian(air, x, p, interval(-1, 1, 40), interval(-1, 1, 40));
    EXPECT_NEAR(hamiltonian(air, x, p, 0.0), brute, 1e-12);
  }
}

TEST(Problems, Car4DHamiltonianWithDiscDisturbanceMatchesSampling) {
  Car4D car;
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<Point<2>> controls;
  for (double a : {-1.0, 1.0})
    for (double b : {-1.0, 1.0}) controls.push_back({a, b});
  for (int trial = 0; trial < 30; ++trial) {
    const State<4> x{3 * u(rng), 3 * u(rng), u(rng), 3 * u(rng)}, p{u(rng), u(rng), u(rng), u(rng)};
    const double brute = brute_force_hamiltonian(car, x, p, controls, disc_boundary(0.25, 20000));
    EXPECT_NEAR(hamiltonian(car, x, p, 0.0), brute, 1e-7);
  }
}

TEST(Problems, OptimalInputsAttainTheHamiltonian) {
  DubinsCar car;
  car.disturbance_radius = 0.3;
  const State<3> x{0.4, -1.0, 0.7}, p{0.3, -0.8, 1.2};
  const auto opt = optimal_inputs(car, x, p, 0.0);
  const auto f = dynamics(car, x, opt.control, opt.disturbance, 0.0);
  double pf = 0.0;
  for (int i = 0; i < 3; ++i) pf += p[i] * f[i];
  EXPECT_NEAR(pf, hamiltonian(car, x, p, 0.0), 1e-12);
  EXPECT_EQ(opt.control[0], -1.0);  // minimising p_theta * w * a with p_theta > 0
}

TEST(Problems, PartialMaxMagnitudesBoundEverySampledVelocity) {
  Air3D air;
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(-10, 10);
  for (int trial = 0; trial < 50; ++trial) {
    const State<3> x{u(rng), u(rng), u(rng)};
    const auto alpha = partial_max_magnitudes(air, air.affine(x, 0.0));
    for (const auto& a : interval(-1, 1, 10))
      for (const auto& b : interval(-1, 1, 10)) {
        const auto f = dynamics(air, x, a, b, 0.0);
        for (int i = 0; i < 3; ++i) EXPECT_LE(std::abs(f[i]), alpha[i] + 1e-12);
      }
  }
}

TEST(Problems, DoubleIntegratorMinimumTimeMatchesBangBangSimulation) {
  DoubleIntegrator di;
  // Simulate the switching-curve feedback a = -sign(x + v|v|/2) with a fine step and compare the
  // time to reach a tiny neighbourhood of the origin with the closed form.
  for (const State<2> start : {State<2>{1.0, 0.0}, State<2>{-0.5, 1.0}, State<2>{0.3, -1.2}}) {
    double x = start[0], v = start[1], t = 0.0;
    const double dt = 1e-5;
    while (std::hypot(x, v) > 2e-3 && t < 10.0) {
      const double s = x + v * std::abs(v) / 2.0;
      const double a = s > 0 ? -1.0 : (s < 0 ? 1.0 : (v > 0 ? -1.0 : 1.0));
      x += v * dt + 0.5 * a * dt * dt;
      v += a * dt;
      t += dt;
    }
    EXPECT_NEAR(t, di.minimum_time_to_origin(start), 5e-3);
  }
}

TEST(Problems, LqrHamiltonianIsTheRiccatiQuadraticForm) {
  LQR<2> lqr;
  lqr.a[0][1] = 1.0;
  lqr.r = {2.0, 0.5};
  const State<2> x{0.3, -0.2}, p{0.1, 0.4};
  // H = x^T Q x + p^T A x - (1/4) sum_j (B^T p)_j^2 / r_j  (B = I).
  const double expected =
      (x[0] * x[0] + x[1] * x[1]) + p[0] * x[1] - 0.25 * (p[0] * p[0] / 2.0 + p[1] * p[1] / 0.5);
  EXPECT_NEAR(hamiltonian(lqr, x, p, 0.0), expected, 1e-15);
}

TEST(Problems, EikonalHamiltonianIsSpeedTimesGradientNorm) {
  Eikonal<3> e;
  e.speed = 2.0;
  const State<3> x{0.1, 0.2, 0.3}, p{1.0, -2.0, 2.0};
  EXPECT_NEAR(hamiltonian(e, x, p, 0.0), 6.0, 1e-14);
  e.control_mode = Optimize::minimize;
  EXPECT_NEAR(hamiltonian(e, x, p, 0.0), -6.0, 1e-14);
}

// `.autonomous` is a declaration the solvers trust (the method of lines keeps the dynamics of the
// first stage, the semi-Lagrangian solver its foot points): checked here for every catalogue entry
// that declares it, at random states and times, bit for bit.
TEST(Problems, DeclaredAutonomousDynamicsDoNotDependOnTime) {
  int checked = 0;
  hjb::problems::for_each_catalog_entry([&]<std::size_t I, class P>() {
    if constexpr (declared_features<P>().autonomous) {
      P problem{};
      std::mt19937_64 rng(I);
      const auto domain = problem.domain();
      for (int sample = 0; sample < 200; ++sample) {
        State<P::dim> x;
        for (int a = 0; a < P::dim; ++a)
          x[a] = std::uniform_real_distribution<double>(domain[a].lo, domain[a].hi)(rng);
        const double t = std::uniform_real_distribution<double>(-50.0, 50.0)(rng);
        const auto f0 = problem.affine(x, 0.0), ft = problem.affine(x, t);
        ASSERT_EQ(f0.drift, ft.drift) << P::name();
        ASSERT_EQ(f0.control, ft.control) << P::name();
        ASSERT_EQ(f0.disturbance, ft.disturbance) << P::name();
      }
      ++checked;
    }
  });
  EXPECT_GE(checked, 9);  // Air3D, the cars, the eikonal family, LQR, ... (core/problem_interface.hpp)
}
