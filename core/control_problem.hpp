// The ControlProblem concept and everything derived from a problem's pointwise definition:
// dynamics, Hamiltonian, optimal control/disturbance and the Lax–Friedrichs wave-speed bound.
//
// A problem is control- and disturbance-affine,
//     dx/dt = f(x, a, b, t) = f0(x, t) + G(x, t) a + K(x, t) b,
// with a in the control set A and b in the disturbance set B (box, ball, finite set). The control
// optimises in `control_mode` and the disturbance in the opposite sense. With a state running cost
// l(x, t) the Hamiltonian of the backward equation  V_t + H(x, grad V, t) = 0  is
//     H(x, p, t) = l(x, t) + p·f0 + ext_a (G^T p)·a + ext_b (K^T p)·b,
// where ext is max or min according to each player's mode (Isaacs' condition holds because the
// dynamics are separable in a and b). The problem only states f0, G, K, its sets and costs; the
// Hamiltonian, optimal inputs and wave speeds below are derived, never written per problem.
#pragma once
#include <array>
#include <charconv>
#include <cmath>
#include <concepts>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/sets.hpp"

namespace hjb {

template <int D>
using State = std::array<double, D>;

template <int D, int M>
using Matrix = std::array<std::array<double, M>, D>;  ///< D rows, M columns

/// One axis of a problem's computational domain.
struct AxisDomain {
  double lo = 0.0, hi = 1.0;
  bool periodic = false;  ///< periodic axes exclude the end point hi (it equals lo)
};

/// The pointwise affine decomposition of the dynamics at one (x, t).
template <int D, int MA, int MB>
struct AffineDynamics {
  State<D> drift{};             ///< f0(x, t)
  Matrix<D, MA> control{};      ///< G(x, t)
  Matrix<D, MB> disturbance{};  ///< K(x, t)
};

/// What every problem provides. `visit_parameters(f)` calls f(name, double&) for each tunable
/// parameter so configs, validation and output attributes share one list.
template <class P>
concept ControlProblem = requires(const P& p, P& mp, const State<P::dim>& x, double t) {
  { P::dim } -> std::convertible_to<int>;
  { P::control_dim } -> std::convertible_to<int>;
  { P::disturbance_dim } -> std::convertible_to<int>;
  { P::name() } -> std::convertible_to<std::string>;
  { P::description() } -> std::convertible_to<std::string>;
  { p.affine(x, t) } -> std::same_as<AffineDynamics<P::dim, P::control_dim, P::disturbance_dim>>;
  { p.target(x) } -> std::convertible_to<double>;
  {p.control_set()};
  {p.disturbance_set()};
  { p.domain() } -> std::same_as<std::array<AxisDomain, P::dim>>;
  { p.control_mode } -> std::convertible_to<Optimize>;
  mp.visit_parameters([](const char*, double&) {});
};

/// A parameter's value as the user would type it: the shortest text that reads back to it.
inline std::string parameter_text(double value) {
  char text[32];
  const auto end = std::to_chars(text, text + sizeof text, value).ptr;
  return std::string(text, end);
}
/// Range checks for a problem's validate(): each throws UsageError naming --problem.NAME. (A
/// non-finite value never gets here: apply_parameters, core/parameters.hpp, refuses it first.)
inline void require_positive(const char* name, double value) {
  if (!(value > 0))
    throw UsageError(std::string("--problem.") + name + " must be positive, got " + parameter_text(value));
}
inline void require_nonnegative(const char* name, double value) {
  if (!(value >= 0))
    throw UsageError(std::string("--problem.") + name + " must be non-negative, got " +
                     parameter_text(value));
}
inline void require_whole_positive(const char* name, double value) {
  if (!(value >= 1 && value == std::floor(value) && value <= 1e9))
    throw UsageError(std::string("--problem.") + name + " must be a positive whole number, got " +
                     parameter_text(value));
}
/// value in (0, max]: a step length beyond `max` leaves the range the model's integrator is meant for.
inline void require_in_range(const char* name, double value, double max) {
  if (!(value > 0 && value <= max))
    throw UsageError(std::string("--problem.") + name + " must be in (0, " + parameter_text(max) + "], got " +
                     parameter_text(value));
}
inline void require_discount(const char* name, double value) {
  if (!(value > 0 && value < 1))
    throw UsageError(std::string("--problem.") + name + " must be in (0, 1), got " + parameter_text(value));
}

/// Problems whose episodes end in terminal states (the step's result decides, as in the RL
/// environment): they provide is_terminal(x) and terminal_reward(x).
template <class P>
concept HasTerminalStates = requires(const P& p, const std::array<double, P::dim>& x) {
  { p.is_terminal(x) } -> std::convertible_to<bool>;
  { p.terminal_reward(x) } -> std::convertible_to<double>;
};

template <class P>
inline constexpr bool has_running_cost = requires(const P& p, const State<P::dim>& x, double t) {
  { p.running_cost(x, t) } -> std::convertible_to<double>;
};
template <class P>
inline constexpr bool has_obstacle = requires(const P& p, const State<P::dim>& x) {
  { p.obstacle(x) } -> std::convertible_to<double>;
};

/// f(x, a, b, t): the one definition of the dynamics, used by the solver and by simulations.
template <ControlProblem P>
State<P::dim> dynamics(const P& problem, const State<P::dim>& x, const Point<P::control_dim>& a,
                       const Point<P::disturbance_dim>& b, double t) {
  const auto f = problem.affine(x, t);
  State<P::dim> dx = f.drift;
  for (int i = 0; i < P::dim; ++i) {
    for (int j = 0; j < P::control_dim; ++j) dx[i] += f.control[i][j] * a[j];
    for (int j = 0; j < P::disturbance_dim; ++j) dx[i] += f.disturbance[i][j] * b[j];
  }
  return dx;
}

namespace detail {
template <std::size_t D, std::size_t M>
std::array<double, M> transpose_times(const std::array<std::array<double, M>, D>& g,
                                      const std::array<double, D>& p) {
  std::array<double, M> c{};
  for (std::size_t i = 0; i < D; ++i)
    for (std::size_t j = 0; j < M; ++j) c[j] += g[i][j] * p[i];
  return c;
}
}  // namespace detail

/// Optimal control and disturbance for costate p (the arguments of the Hamiltonian's ext).
template <ControlProblem P>
struct OptimalInputs {
  Point<P::control_dim> control;
  Point<P::disturbance_dim> disturbance;
};

template <ControlProblem P>
OptimalInputs<P> optimal_inputs(const P& problem, const State<P::dim>& x, const State<P::dim>& p, double t) {
  const auto f = problem.affine(x, t);
  const auto ea = problem.control_set().extremum(detail::transpose_times(f.control, p), problem.control_mode);
  const auto eb = problem.disturbance_set().extremum(detail::transpose_times(f.disturbance, p),
                                                     opposite(problem.control_mode));
  return {ea.argument, eb.argument};
}

/// H(x, p, t) from an already evaluated affine decomposition (the hot path of the schemes).
template <ControlProblem P>
inline double hamiltonian(const P& problem,
                          const AffineDynamics<P::dim, P::control_dim, P::disturbance_dim>& f,
                          const State<P::dim>& x, const State<P::dim>& p, double t) {
  double h = 0.0;
  for (int i = 0; i < P::dim; ++i) h += p[i] * f.drift[i];
  h += problem.control_set().extremum(detail::transpose_times(f.control, p), problem.control_mode).value;
  if constexpr (P::disturbance_dim > 0)
    h += problem.disturbance_set()
             .extremum(detail::transpose_times(f.disturbance, p), opposite(problem.control_mode))
             .value;
  if constexpr (has_running_cost<P>) h += problem.running_cost(x, t);
  return h;
}

template <ControlProblem P>
double hamiltonian(const P& problem, const State<P::dim>& x, const State<P::dim>& p, double t) {
  return hamiltonian(problem, problem.affine(x, t), x, p, t);
}

/// Bound on |dH/dp_i| over all costates (Mitchell, ToolboxLS manual eq. 25):
/// alpha_i = |f0_i| + sum_j |G_ij| max|a_j| + sum_j |K_ij| max|b_j|.
template <ControlProblem P>
inline State<P::dim> partial_max_magnitudes(
    const P& problem, const AffineDynamics<P::dim, P::control_dim, P::disturbance_dim>& f) {
  State<P::dim> alpha{};
  const auto ma = problem.control_set().max_magnitudes();
  for (int i = 0; i < P::dim; ++i) {
    alpha[i] = std::abs(f.drift[i]);
    for (int j = 0; j < P::control_dim; ++j) alpha[i] += std::abs(f.control[i][j]) * ma[j];
  }
  if constexpr (P::disturbance_dim > 0) {
    const auto mb = problem.disturbance_set().max_magnitudes();
    for (int i = 0; i < P::dim; ++i)
      for (int j = 0; j < P::disturbance_dim; ++j) alpha[i] += std::abs(f.disturbance[i][j]) * mb[j];
  }
  return alpha;
}

}  // namespace hjb
