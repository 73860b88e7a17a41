// Linear–quadratic regulator in any dimension D: the closed-form (Riccati) benchmark.
#pragma once
#include <string>

#include "core/control_problem.hpp"
#include "core/problem_interface.hpp"

namespace hjb::problems {

/// dx/dt = A x + B a, running cost x^T Q x + a^T R a (Q, R diagonal), terminal value x^T Qf x.
/// The control minimises over |a_j| <= control_bound; with the bound above the optimal feedback
/// -R^{-1} B^T P x on the domain this is the classical LQR, V(x, t) = x^T P(t) x with
/// -dP/dt = A^T P + P A + Q - P B R^{-1} B^T P, P(T) = Qf.
template <int D>
struct LQR {
  static constexpr int dim = D, control_dim = D, disturbance_dim = 0;
  /// The optional members it provides (core/problem_interface.hpp checks them at compile time).
  static constexpr ProblemFeatures features{.validate = true, .running_cost = true, .autonomous = true};
  static std::string name() { return "lqr"; }
  static std::string description() { return "linear-quadratic regulator, Riccati closed form"; }

  Matrix<D, D> a{}, b{};
  State<D> q{}, r{}, qf{};
  double control_bound = 10.0, half_width = 1.0;
  Optimize control_mode = Optimize::minimize;

  LQR() {
    for (int i = 0; i < D; ++i) {
      b[i][i] = 1.0;
      q[i] = r[i] = qf[i] = 1.0;
    }
  }

  template <class F>
  void visit_parameters(F&& f) {
    static const auto names = [] {
      std::array<std::array<std::string, 5>, D * D> n;
      for (int i = 0; i < D; ++i)
        for (int j = 0; j < D; ++j) {
          const std::string ij = std::to_string(i) + std::to_string(j);
          n[i * D + j] = {"a" + ij, "b" + ij, "q" + std::to_string(i), "r" + std::to_string(i),
                          "qf" + std::to_string(i)};
        }
      return n;
    }();
    for (int i = 0; i < D; ++i)
      for (int j = 0; j < D; ++j) {
        f(names[i * D + j][0].c_str(), a[i][j]);
        f(names[i * D + j][1].c_str(), b[i][j]);
      }
    for (int i = 0; i < D; ++i) {
      f(names[i * D][2].c_str(), q[i]);
      f(names[i * D][3].c_str(), r[i]);
      f(names[i * D][4].c_str(), qf[i]);
    }
    f("control_bound", control_bound);
    f("half_width", half_width);
  }

  /// Throws UsageError naming --problem.NAME for a value outside the model's range.
  void validate() const {
    require_positive("control_bound", control_bound);
    require_positive("half_width", half_width);
  }

  AffineDynamics<D, D, 0> affine(const State<D>& x, double) const {
    AffineDynamics<D, D, 0> f;
    for (int i = 0; i < D; ++i)
      for (int j = 0; j < D; ++j) f.drift[i] += a[i][j] * x[j];
    f.control = b;
    return f;
  }
  QuadraticCostBox<D> control_set() const {
    QuadraticCostBox<D> s;
    for (int j = 0; j < D; ++j) {
      s.weight[j] = r[j];
      s.bound[j] = control_bound;
    }
    return s;
  }
  Box<0> disturbance_set() const { return {}; }
  double running_cost(const State<D>& x, double) const {
    double c = 0.0;
    for (int i = 0; i < D; ++i) c += q[i] * x[i] * x[i];
    return c;
  }
  double target(const State<D>& x) const {
    double c = 0.0;
    for (int i = 0; i < D; ++i) c += qf[i] * x[i] * x[i];
    return c;
  }
  std::array<AxisDomain, D> domain() const {
    std::array<AxisDomain, D> d;
    for (auto& ax : d) ax = {-half_width, half_width, false};
    return d;
  }
};

}  // namespace hjb::problems
