// RL environments built from the shared problem definitions: the step is the problem's own
// `discrete_step`, the reward its `step_cost` through the one mapping of core/rl_mapping.hpp.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/control_problem.hpp"
#include "core/error.hpp"
#include "core/problem_interface.hpp"
#include "core/rl_mapping.hpp"
#include "core/sets.hpp"

namespace hjb::rl {

/// A problem usable as an RL environment (core/problem_interface.hpp, .environment): its step
/// map, step cost, start distribution, observation, action box, episode length and discount.
template <class P>
concept MdpProblem = EnvironmentProblem<P>;

struct StepResult {
  double reward = 0.0;
  bool terminated = false;  ///< reached a terminal state (no bootstrapping)
  bool truncated = false;   ///< hit the episode limit (bootstrap from the last observation)
};

/// Type-erased environment so agents are compiled once, not per problem.
class Environment {
 public:
  virtual ~Environment() = default;
  virtual std::string problem_name() const = 0;
  /// The state's dimension (families such as lqr_mdp share a name across dimensions).
  virtual int state_dim() const = 0;
  virtual int observation_dim() const = 0;
  virtual int action_dim() const = 0;
  virtual std::vector<double> action_low() const = 0;
  virtual std::vector<double> action_high() const = 0;
  /// The observation space's bounds (Gymnasium's observation_space for its tasks).
  virtual std::vector<double> observation_low() const = 0;
  virtual std::vector<double> observation_high() const = 0;
  virtual int episode_limit() const = 0;
  /// Problems with a discrete action set (Acrobot's three torques): their number, else 0.
  virtual int discrete_action_count() const = 0;
  /// The k-th discrete action in environment units (action_dim() components).
  virtual std::vector<double> discrete_action(int k) const = 0;
  /// Makes `a` an action step() takes: for a discrete action set the nearest of its actions (a table's
  /// interpolated feedback falls between them); otherwise unchanged (the problem clips as its MDP does).
  virtual void nearest_action(double* a) const = 0;
  /// The solvers' action grid: `per_axis` evenly spaced actions per control dimension over the
  /// action box, the last component fastest (core/sets.hpp `action_grid`).
  virtual std::vector<std::vector<double>> action_grid(int per_axis) const = 0;
  /// The start distribution: uniform on [start_low, start_high] per axis (a point mass where the
  /// two are equal), the distribution reset() samples.
  virtual std::vector<double> start_low() const = 0;
  virtual std::vector<double> start_high() const = 0;
  virtual double discount() const = 0;
  /// Starts an episode from the problem's start distribution, reseeding the generator.
  virtual void reset(std::uint64_t seed) = 0;
  /// Starts an episode, continuing the generator.
  virtual void reset() = 0;
  /// Applies an action (environment units; the problem clips it as its MDP does). Throws UsageError
  /// for a non-finite action component and, for a discrete action set, for an action that is not
  /// one of discrete_action(k); ValidationError when the step leaves the finite numbers (parameters
  /// outside the model's range).
  virtual StepResult step(const double* action) = 0;
  virtual void observe(double* observation) const = 0;
  virtual std::vector<double> state() const = 0;
  /// The problem's parameters by name (what a table records as /problem attributes).
  virtual std::map<std::string, double> parameters() const = 0;
  /// Starts an episode from a given state (its size must be the problem's dimension).
  virtual void set_state(const std::vector<double>& x) = 0;
  virtual std::unique_ptr<Environment> clone() const = 0;
  /// Per state axis, the period of a periodic axis (an angle wrapped by the step: 2 pi) or 0.
  virtual std::vector<double> state_periods() const = 0;
  /// The task's training defaults for the RL baselines (the problem's `rl_defaults`, if any).
  virtual RlDefaults rl_defaults() const = 0;
};

template <MdpProblem P>
class ProblemEnvironment final : public Environment {
 public:
  explicit ProblemEnvironment(P problem) : m_problem(std::move(problem)) {
    if constexpr (requires { P::discrete_actions; })
      m_discrete = hjb::action_grid(m_problem.action_box(), P::discrete_actions);
  }
  std::string problem_name() const override { return P::name(); }
  int state_dim() const override { return P::dim; }
  int observation_dim() const override { return P::observation_dim; }
  int action_dim() const override { return P::control_dim; }
  std::vector<double> action_low() const override {
    const auto b = m_problem.action_box();
    return {b.lo.begin(), b.lo.end()};
  }
  std::vector<double> action_high() const override {
    const auto b = m_problem.action_box();
    return {b.hi.begin(), b.hi.end()};
  }
  std::vector<double> observation_low() const override {
    const auto b = m_problem.observation_box();
    return {b.lo.begin(), b.lo.end()};
  }
  std::vector<double> observation_high() const override {
    const auto b = m_problem.observation_box();
    return {b.hi.begin(), b.hi.end()};
  }
  int episode_limit() const override { return static_cast<int>(m_problem.episode_steps); }
  int discrete_action_count() const override { return static_cast<int>(m_discrete.size()); }
  std::vector<double> discrete_action(int k) const override {
    HJB_CHECK(!m_discrete.empty(), UsageError, "problem '" << P::name() << "' has continuous actions");
    const auto& a = m_discrete.at(static_cast<std::size_t>(k));
    return {a.begin(), a.end()};
  }
  void nearest_action(double* a) const override {
    if constexpr (requires { P::discrete_actions; }) {
      double best = std::numeric_limits<double>::infinity();
      Point<P::control_dim> chosen{};
      for (const auto& d : m_discrete) {
        double dist = 0.0;
        for (int j = 0; j < P::control_dim; ++j) dist += (d[j] - a[j]) * (d[j] - a[j]);
        if (dist < best) {
          best = dist;
          chosen = d;
        }
      }
      for (int j = 0; j < P::control_dim; ++j) a[j] = chosen[j];
    }
  }
  std::vector<std::vector<double>> action_grid(int per_axis) const override {
    std::vector<std::vector<double>> actions;
    for (const auto& a : hjb::action_grid(m_problem.action_box(), per_axis))
      actions.emplace_back(a.begin(), a.end());
    return actions;
  }
  std::vector<double> start_low() const override {
    const auto b = m_problem.start_box();
    return {b.lo.begin(), b.lo.end()};
  }
  std::vector<double> start_high() const override {
    const auto b = m_problem.start_box();
    return {b.hi.begin(), b.hi.end()};
  }
  double discount() const override { return m_problem.discount; }
  void reset(std::uint64_t seed) override {
    m_rng.seed(seed);
    reset();
  }
  void reset() override {
    m_state = m_problem.sample_start(m_rng);
    m_steps = 0;
  }
  StepResult step(const double* action) override {
    Point<P::control_dim> a;
    for (int j = 0; j < P::control_dim; ++j) {
      HJB_CHECK(std::isfinite(action[j]), UsageError,
                "action component " << j << " of problem '" << P::name() << "' is " << action[j]
                                    << ", not a finite number");
      a[j] = action[j];
    }
    if constexpr (requires { P::discrete_actions; }) check_discrete(a);
    StepResult r;
    r.reward = rl_mapping::reward_from_step_cost(m_problem.step_cost(m_state, a));
    const State<P::dim> next = m_problem.discrete_step(m_state, a);
    for (int i = 0; i < P::dim; ++i)
      HJB_CHECK(std::isfinite(next[i]), ValidationError,
                "the step of problem '" << P::name() << "' left the finite numbers (state component " << i
                                        << " is " << next[i]
                                        << "): its parameters are outside the range the model is meant for");
    m_state = next;
    ++m_steps;
    if constexpr (requires { m_problem.is_terminal(m_state); }) {
      if (m_problem.is_terminal(m_state)) {
        r.terminated = true;
        r.reward += m_problem.terminal_reward(m_state);
      }
    }
    r.truncated = !r.terminated && m_steps >= episode_limit();
    return r;
  }
  void observe(double* observation) const override {
    const auto o = m_problem.observe(m_state);
    for (int i = 0; i < P::observation_dim; ++i) observation[i] = o[i];
  }
  std::vector<double> state() const override { return {m_state.begin(), m_state.end()}; }
  std::map<std::string, double> parameters() const override {
    std::map<std::string, double> values;
    P copy = m_problem;
    copy.visit_parameters([&](const char* name, double& value) { values[name] = value; });
    return values;
  }
  void set_state(const std::vector<double>& x) override {
    HJB_CHECK(x.size() == static_cast<std::size_t>(P::dim), UsageError,
              "a state of problem '" << P::name() << "' has " << P::dim << " components, got " << x.size());
    for (int i = 0; i < P::dim; ++i) m_state[i] = x[i];
    m_steps = 0;
  }
  std::unique_ptr<Environment> clone() const override { return std::make_unique<ProblemEnvironment>(*this); }
  std::vector<double> state_periods() const override {
    std::vector<double> periods;
    for (const auto& axis : m_problem.domain()) periods.push_back(axis.periodic ? axis.hi - axis.lo : 0.0);
    return periods;
  }
  RlDefaults rl_defaults() const override {
    if constexpr (requires { P::rl_defaults; })
      return P::rl_defaults;
    else
      return {};
  }
  const P& problem() const { return m_problem; }

 private:
  /// A discrete action set (Acrobot's three torques) takes its own actions only.
  void check_discrete(const Point<P::control_dim>& a) const {
    for (const auto& d : m_discrete)
      if (d == a) return;
    std::ostringstream allowed;
    for (const auto& d : m_discrete) allowed << " " << d[0];
    throw UsageError("problem '" + P::name() + "' takes one of its " + std::to_string(P::discrete_actions) +
                     " discrete actions (" + allowed.str().substr(1) + "), got " + std::to_string(a[0]));
  }
  P m_problem;
  /// The discrete action set (Acrobot's three torques), built once: step() checks against it.
  std::vector<Point<P::control_dim>> m_discrete;
  State<P::dim> m_state{};
  std::mt19937_64 m_rng{0};
  int m_steps = 0;
};

/// The registered MDP problems ("pendulum", "mountain_car", ...) with parameters applied; `dim`
/// picks the dimension of a family with several ("lqr_mdp": 2 or 3; 0: the first). Throws
/// UsageError for an unknown name, dimension or parameter.
std::unique_ptr<Environment> make_environment(const std::string& name,
                                              const std::map<std::string, double>& parameters = {},
                                              int dim = 0);
/// Each MDP problem's name once.
std::vector<std::string> environment_names();

/// N environments in lockstep with automatic reset; episode seeds derive from one seed.
class VectorEnvironment {
 public:
  VectorEnvironment(const Environment& prototype, int count, std::uint64_t seed);
  int size() const { return static_cast<int>(m_envs.size()); }
  Environment& operator[](int i) { return *m_envs[i]; }
  /// Steps environment i; on termination or truncation stores the final observation in
  /// `final_observation` (for bootstrapping), records the episode return and resets.
  StepResult step(int i, const double* action, double* final_observation);
  void observe(int i, double* observation) const { m_envs[i]->observe(observation); }
  /// Returns of episodes finished since the last call.
  std::vector<double> take_finished_returns();

 private:
  std::vector<std::unique_ptr<Environment>> m_envs;
  std::vector<double> m_running_return, m_finished;
  std::mt19937_64 m_seeds;
};

}  // namespace hjb::rl
