// What a problem must provide, and what it may: the one list, checked at compile time.
//
// Required of every time-dependent problem (the ControlProblem concept, core/control_problem.hpp):
//   static constexpr int dim, control_dim, disturbance_dim;
//   static std::string name(), description();
//   AffineDynamics<dim, control_dim, disturbance_dim> affine(const State<dim>& x, double t) const;
//   <set> control_set() const, disturbance_set() const;        // Box, Ball, FiniteSet, ... (core/sets.hpp)
//   double target(const State<dim>& x) const;                   // the terminal / target function
//   std::array<AxisDomain, dim> domain() const;
//   Optimize control_mode;                                      // the control's sense
//   template <class F> void visit_parameters(F&& f);            // f(name, double&) per parameter
//
// Optional, each switching a feature on — and each DECLARED in `static constexpr ProblemFeatures
// features{...}` (below): a declared feature whose member is missing or misspelt, and a member
// whose feature is not declared, are compile errors (check_problem), so a typo never silently
// turns a feature off.
//   .axis_names       static std::array<const char*, dim> axis_names();   (else x0, x1, ...)
//   .validate         void validate() const;                  range checks, UsageError naming --problem.NAME
//   .running_cost     double running_cost(const State<dim>&, double t) const;   optimal control, not only
//   reachability .obstacle         double obstacle(const State<dim>&) const;                 reach-avoid
//   .discrete_step    the exact discrete-time MDP (value/policy iteration, finite horizon):
//                       State<dim> discrete_step(const State<dim>&, const Point<control_dim>&) const;
//                       double step_cost(const State<dim>&, const Point<control_dim>&) const;
//                       Box<control_dim> action_box() const;  double discount;
//   .environment      an RL environment and episodes (needs .discrete_step):
//                       static constexpr int observation_dim;  double episode_steps;
//                       State<dim> sample_start(std::mt19937_64&) const;  Box<dim> start_box() const;
//                       std::array<double, observation_dim> observe(const State<dim>&) const;
//                       Box<observation_dim> observation_box() const;  (Gymnasium's observation space)
//   .separable_step_cost  step_cost(x, a) defined as state_step_cost(x) + action_step_cost(a), that sum
//                       being step_cost's own expression (bit for bit: the chains check every row):
//                       double state_step_cost(const State<dim>&) const;
//                       double action_step_cost(const Point<control_dim>&) const;
//                       (the stationary chain then stores one cost per node and one per action)
//   .terminal_states  bool is_terminal(const State<dim>&) const; double terminal_reward(const State<dim>&)
//   const; .discrete_actions static constexpr int discrete_actions;  (K actions per axis over the action box)
//   .rl_defaults      static constexpr RlDefaults rl_defaults;  (core/rl_mapping.hpp)
//   .enclosures       certified bounds (rl_baselines' box DP): over a box of states and a box of actions,
//                       Box<dim> step_enclosure(const Box<dim>&, const Box<control_dim>&) const;  (contains
//                       every image of the exact step) and double step_cost_lower(same) const (<= every
//                       step cost); with terminal states also Interval terminal_indicator(const Box<dim>&)
//                       const ([1, 1]: every state of the box terminal, [0, 0]: none, [0, 1]: unknown)
//   .autonomous       a declaration only: affine(x, t) does not depend on t
//
// Continuous-time stationary problems (discounted or exit-time diffusions, solved on Markov chain
// approximations) are another kind: ContinuousStationaryProblem below, optionally HasTargetSet; and
// time-dependent diffusions with quadratic control cost a third: SecondOrderProblem below.
#pragma once
#include <array>
#include <concepts>
#include <random>
#include <string>

#include "core/control_problem.hpp"
#include "core/interval.hpp"
#include "core/rl_mapping.hpp"
#include "core/sets.hpp"

namespace hjb {

/// The optional features a problem declares (see the list above).
struct ProblemFeatures {
  bool axis_names = false, validate = false, running_cost = false, obstacle = false, discrete_step = false,
       environment = false, terminal_states = false, discrete_actions = false, rl_defaults = false,
       enclosures = false, separable_step_cost = false;
  /// A declaration, not a member: affine(x, t) does not depend on t (the semi-Lagrangian tensor
  /// solver then computes its foot points once per step size). Leave it false when unsure.
  bool autonomous = false;
};

/// What the shared driver pieces need from any problem: a name, a domain, a control sense and a
/// parameter list (every ControlProblem, and the continuous-time stationary problems).
template <class P>
concept ConfigurableProblem = requires(const P& p, P& mp) {
  { P::dim } -> std::convertible_to<int>;
  { P::name() } -> std::convertible_to<std::string>;
  { p.domain() } -> std::same_as<std::array<AxisDomain, P::dim>>;
  { p.control_mode } -> std::convertible_to<Optimize>;
  mp.visit_parameters([](const char*, double&) {});
};

/// .discrete_step: the exact discrete-time MDP the chains solve (terminal states optional).
template <class P>
concept DiscreteStepProblem = ControlProblem<P> &&
    requires(const P& p, const State<P::dim>& x, const Point<P::control_dim>& a) {
  { p.discrete_step(x, a) } -> std::same_as<State<P::dim>>;
  { p.step_cost(x, a) } -> std::convertible_to<double>;
  { p.action_box() } -> std::same_as<Box<P::control_dim>>;
  { p.discount } -> std::convertible_to<double>;
};

/// .separable_step_cost: the step's cost is a state part plus an action part, and step_cost(x, a)
/// returns exactly state_step_cost(x) + action_step_cost(a).
template <class P>
concept SeparableStepCostProblem = DiscreteStepProblem<P> &&
    requires(const P& p, const State<P::dim>& x, const Point<P::control_dim>& a) {
  { p.state_step_cost(x) } -> std::convertible_to<double>;
  { p.action_step_cost(a) } -> std::convertible_to<double>;
};

/// .environment: an RL environment with episodes from a start distribution.
template <class P>
concept EnvironmentProblem = DiscreteStepProblem<P> &&
    requires(const P& p, const State<P::dim>& x, std::mt19937_64& rng) {
  { P::observation_dim } -> std::convertible_to<int>;
  { p.sample_start(rng) } -> std::same_as<State<P::dim>>;
  { p.start_box() } -> std::same_as<Box<P::dim>>;
  { p.observe(x) } -> std::same_as<std::array<double, P::observation_dim>>;
  { p.observation_box() } -> std::same_as<Box<P::observation_dim>>;
  { p.episode_steps } -> std::convertible_to<double>;
};

/// .enclosures: interval enclosures of the exact step and its cost (certified upper bounds).
template <class P>
concept EnclosedStepProblem = DiscreteStepProblem<P> &&
    requires(const P& p, const Box<P::dim>& x, const Box<P::control_dim>& a) {
  { p.step_enclosure(x, a) } -> std::same_as<Box<P::dim>>;
  { p.step_cost_lower(x, a) } -> std::convertible_to<double>;
};

/// A continuous-time stationary control problem with diagonal noise: drift f(x, a), noise
/// standard deviations s(x, a) per axis, cost rate l(x, a), discount rate rho >= 0, a control box;
/// optionally a target set (exit-time problems: the value there is exit_cost(x)).
template <class P>
concept ContinuousStationaryProblem = requires(const P& p, const std::array<double, P::dim>& x,
                                               const Point<P::control_dim>& a) {
  { p.drift(x, a) } -> std::same_as<std::array<double, P::dim>>;
  { p.noise(x, a) } -> std::same_as<std::array<double, P::dim>>;
  { p.cost_rate(x, a) } -> std::convertible_to<double>;
  { p.discount_rate() } -> std::convertible_to<double>;
  { p.action_box() } -> std::same_as<Box<P::control_dim>>;
};

/// A time-dependent second-order (diffusion) control problem of the quadratic-cost family on [0, T]:
///   dX = (b(x) + u) dt + sigma dW (u in R^dim, unbounded),
///   cost  integral of (|u|^2 / (2 sigma^2) + q(x)) dt + g(X_T),
/// whose HJB equation V_s + sigma^2/2 Lap V + min_u [|u|^2/(2 sigma^2) + (b + u).grad V] + q = 0 is
///   V_s + sigma^2/2 Lap V + b.grad V - sigma^2/2 |grad V|^2 + q = 0,  V(T, x) = g(x),
/// with the optimal feedback u* = -sigma^2 grad V. Solved by solver/algorithms/second_order.hpp.
template <class P>
concept SecondOrderProblem = requires(const P& p, const std::array<double, P::dim>& x) {
  { p.noise_scale() } -> std::convertible_to<double>;
  { p.reference_drift(x) } -> std::same_as<std::array<double, P::dim>>;
  { p.state_cost(x) } -> std::convertible_to<double>;
  { p.terminal_cost(x) } -> std::convertible_to<double>;
  { p.horizon() } -> std::convertible_to<double>;
};

template <class P>
concept HasTargetSet = requires(const P& p, const std::array<double, P::dim>& x) {
  { p.in_target(x) } -> std::convertible_to<bool>;
  { p.exit_cost(x) } -> std::convertible_to<double>;
};

/// The features P declares (none when it declares nothing).
template <class P>
constexpr ProblemFeatures declared_features() {
  if constexpr (requires { P::features; })
    return P::features;
  else
    return {};
}

/// Compile-time check of a catalogue entry: every declared feature is provided with the right
/// signatures, and every optional member present is declared. Returns true (for static_assert).
template <class P>
constexpr bool check_problem() {
  constexpr ProblemFeatures f = declared_features<P>();
  static_assert(ConfigurableProblem<P>,
                "a problem needs dim, name(), domain(), control_mode, visit_parameters");
  static_assert(
      f.axis_names == requires { P::axis_names(); },
      "axis_names: declared in `features` but missing (misspelt?), or present but not declared");
  static_assert(
      f.validate == requires(P & p) { p.validate(); },
      "validate(): declared in `features` but missing (misspelt?), or present but not declared");
  if constexpr (ControlProblem<P>) {
    static_assert(
        f.running_cost == has_running_cost<P>,
        "running_cost(x, t): declared in `features` but missing or with another signature, or present "
        "but not declared");
    static_assert(f.obstacle == has_obstacle<P>,
                  "obstacle(x): declared in `features` but missing or with another signature, or present but "
                  "not declared");
    static_assert(
        f.discrete_step == DiscreteStepProblem<P>,
        "the discrete-time MDP (discrete_step, step_cost, action_box, discount): declared in `features` "
        "but incomplete or misspelt, or present but not declared");
    static_assert(
        f.environment == EnvironmentProblem<P>,
        "the RL environment (observation_dim, sample_start, start_box, observe, episode_steps): declared "
        "in `features` but incomplete or misspelt, or present but not declared");
    static_assert(f.separable_step_cost == SeparableStepCostProblem<P>,
                  "state_step_cost / action_step_cost: declared in `features` but missing or with another "
                  "signature, or present but not declared");
    static_assert(f.enclosures == EnclosedStepProblem<P>,
                  "step_enclosure / step_cost_lower: declared in `features` but missing or with another "
                  "signature, or present but not declared");
    if constexpr (EnclosedStepProblem<P> && HasTerminalStates<P>)
      static_assert(
          requires(const P& p, const Box<P::dim>& x) {
            { p.terminal_indicator(x) } -> std::same_as<Interval>;
          },
          "a problem with enclosures and terminal states needs terminal_indicator(Box)");
  }
  static_assert(
      f.terminal_states == HasTerminalStates<P>,
      "is_terminal(x) / terminal_reward(x): declared in `features` but missing or misspelt, or present "
      "but not declared");
  static_assert(
      f.discrete_actions == requires { P::discrete_actions; },
      "discrete_actions: declared in `features` but missing (misspelt?), or present but not declared");
  static_assert(
      f.rl_defaults == requires { P::rl_defaults; },
      "rl_defaults: declared in `features` but missing (misspelt?), or present but not declared");
  return true;
}

}  // namespace hjb
