// Scoring a policy and its critic against a value table (see score.hpp).
#include "rl_baselines/agents/score.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <random>
#include <sstream>

#include "core/error.hpp"
#include "core/rl_mapping.hpp"

namespace hjb::rl {

namespace {

/// The table's feedback as a closed-loop controller on an environment (snapped to a discrete action
/// set, where the interpolated feedback falls between its actions).
auto table_feedback_controller(const ValueTable& table) {
  return [&table](Environment& e, double* a) {
    table.feedback(e.state().data(), a);
    e.nearest_action(a);
  };
}

/// Runs a controller from the environment's current state: the episode return (rewards up to the
/// episode limit or a terminal state) and the discounted cost continued past the limit until
/// gamma^k < 1e-10 (or a terminal state); `visit` sees every state before its step inside the episode.
struct Trajectory {
  double episode_return = 0, cost = 0, cost_beyond_limit = 0;
};
template <class Act, class Visit>
Trajectory run_from(Environment& env, double gamma, Act&& act, Visit&& visit) {
  Trajectory t;
  std::vector<double> action(static_cast<std::size_t>(env.action_dim()));
  double discount = 1.0;
  bool past_limit = false;
  for (;;) {
    if (!past_limit) visit(env);
    act(env, action.data());
    const StepResult r = env.step(action.data());
    const double step_cost = discount * rl_mapping::value_from_return(r.reward);
    t.cost += step_cost;
    if (past_limit)
      t.cost_beyond_limit += step_cost;
    else
      t.episode_return += r.reward;
    discount *= gamma;
    if (r.terminated) break;
    if (r.truncated) {
      if (gamma >= 1.0) break;
      past_limit = true;
    }
    if (past_limit && discount < 1e-10) break;
  }
  return t;
}

}  // namespace

double policy_critic(const Policy& p, const double* observation) {
  const int n = p.actor.input_size();
  Eigen::MatrixXd obs = Eigen::Map<const Eigen::VectorXd>(observation, n);
  const Matrix prepared = p.prepare(obs);
  if (p.critic_kind == "state_value") return p.critic_scale * p.critics[0].predict(prepared.col(0))(0);
  // action_value: Q([observation, action in [-1, 1]])
  std::vector<double> action(static_cast<std::size_t>(p.action_dim()));
  p.act(observation, action.data());
  Vector input(n + p.action_dim());
  input.head(n) = prepared.col(0);
  for (int j = 0; j < p.action_dim(); ++j) {
    const double center = 0.5 * (p.action_high[j] + p.action_low[j]),
                 half = 0.5 * (p.action_high[j] - p.action_low[j]);
    input(n + j) = static_cast<float>(std::clamp((action[j] - center) / half, -1.0, 1.0));
  }
  double q = std::numeric_limits<double>::infinity();
  for (const Mlp& c : p.critics) q = std::min(q, static_cast<double>(c.predict(input)(0)));
  return p.critic_scale * q;
}

SampleSummary summarize(const std::vector<double>& x, double confidence, int resamples, std::uint64_t seed,
                        Worse worse) {
  HJB_CHECK(!x.empty(), UsageError, "summarize: an empty sample");
  HJB_CHECK(confidence > 0 && confidence < 1, UsageError, "the confidence level must lie in (0, 1)");
  SampleSummary s;
  s.count = static_cast<long>(x.size());
  s.confidence = confidence;
  const double n = static_cast<double>(x.size());
  s.mean = std::accumulate(x.begin(), x.end(), 0.0) / n;
  double var = 0;
  for (double v : x) var += (v - s.mean) * (v - s.mean);
  s.standard_error = x.size() > 1 ? std::sqrt(var / (n - 1) / n) : 0.0;
  s.median = quantile(x, 0.5);
  s.worse = worse;
  s.p90 = quantile(x, worse == Worse::larger ? 0.9 : 0.1);
  s.worst =
      worse == Worse::larger ? *std::max_element(x.begin(), x.end()) : *std::min_element(x.begin(), x.end());
  if (resamples > 0 && x.size() > 1) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::size_t> pick(0, x.size() - 1);
    std::vector<double> means(static_cast<std::size_t>(resamples));
    for (double& m : means) {
      double sum = 0;
      for (std::size_t i = 0; i < x.size(); ++i) sum += x[pick(rng)];
      m = sum / n;
    }
    s.ci_low = quantile(means, 0.5 * (1 - confidence));
    s.ci_high = quantile(means, 1 - 0.5 * (1 - confidence));
  } else {
    s.ci_low = s.ci_high = s.mean;
  }
  return s;
}

void ErrorNorms::add(double e) {
  e = std::abs(e);
  ++count;
  l1 += e;
  l2 += e * e;
  linf = std::max(linf, e);
}

void ErrorNorms::finish() {
  if (count == 0) return;
  l1 /= static_cast<double>(count);
  l2 = std::sqrt(l2 / static_cast<double>(count));
}

void require_same_parameters(const std::map<std::string, double>& table_parameters, const std::string& path,
                             const Environment& env) {
  const auto mine = env.parameters();
  for (const auto& [name, value] : table_parameters) {
    if (name == "name") continue;
    const auto it = mine.find(name);
    HJB_CHECK(it != mine.end(), ValidationError,
              path << ": the table's problem has a parameter '" << name << "' that problem '"
                   << env.problem_name() << "' does not");
    HJB_CHECK(std::abs(it->second - value) <= 1e-12 * std::max(1.0, std::abs(value)), ValidationError,
              path << ": solved with --problem." << name << " = " << value
                   << ", but the policy's environment has " << it->second
                   << " (a table of another problem instance: its optimum is not this one's)");
  }
}

void check_table_for(const ValueTable& table, const Environment& env) {
  const std::string& path = table.path();
  HJB_CHECK(table.problem() == env.problem_name(), ValidationError,
            path << ": a table of problem '" << table.problem() << "', not '" << env.problem_name() << "'");
  HJB_CHECK(table.mode() == "stationary" && table.numbers().count("discount"), ValidationError,
            path << ": a " << table.mode()
                 << " table, where a stationary (discounted) one is needed (hjbench solve --problem.name "
                 << env.problem_name() << " --solve.algorithm policy_iteration writes one)");
  const int dim = static_cast<int>(env.state().size());
  HJB_CHECK(table.dimension() == dim, ValidationError,
            path << ": a " << table.dimension() << "-D table, but problem '" << env.problem_name() << "' is "
                 << dim << "-D");
  require_same_parameters(table.problem_parameters(), path, env);
  const double gamma = table.numbers().at("discount");
  HJB_CHECK(std::abs(gamma - env.discount()) <= 1e-12, ValidationError,
            path << ": solved with discount " << gamma << ", the environment's is " << env.discount());
  HJB_CHECK(table.feedback_dim() == env.action_dim(), ValidationError,
            path << ": stores " << table.feedback_dim() << " feedback component(s), problem '"
                 << env.problem_name() << "' has " << env.action_dim() << " action(s)");
  const auto lo = env.start_low(), hi = env.start_high();
  for (int k = 0; k < dim; ++k)
    HJB_CHECK(table.periodic(k) || (lo[static_cast<std::size_t>(k)] >= table.lo(k) - 1e-12 &&
                                    hi[static_cast<std::size_t>(k)] <= table.hi(k) + 1e-12),
              ValidationError,
              path << ": the start distribution of '" << env.problem_name() << "' on axis '"
                   << table.axis_names()[static_cast<std::size_t>(k)] << "' (["
                   << lo[static_cast<std::size_t>(k)] << ", " << hi[static_cast<std::size_t>(k)]
                   << "]) is not inside the table's [" << table.lo(k) << ", " << table.hi(k) << "]");
}

Controller controller_of(const Policy& policy) {
  Controller c;
  c.act = [&policy](const double* observation, double* action) { policy.act(observation, action); };
  if (!policy.critics.empty()) {
    c.critic = [&policy](const double* observation) { return policy_critic(policy, observation); };
    c.critic_kind = policy.critic_kind;
  }
  return c;
}

namespace {

/// A controller's critic, if it has one.
struct CriticOf {
  const Controller& c;
  bool present() const { return static_cast<bool>(c.critic); }
  double operator()(const double* observation) const { return c.critic(observation); }
};

/// Critic and policy over uniform points of the table's box, and the critic along the visited states.
void score_domain(const Controller& controller, Environment& env_ref, const ValueTable& table,
                  const ScoreOptions& o, const std::vector<std::vector<double>>& visited, Score& s) {
  auto* env = &env_ref;
  const int dim = table.dimension(), act_dim = env->action_dim(), obs_dim = env->observation_dim();
  std::vector<double> obs(static_cast<std::size_t>(obs_dim));
  const CriticOf critic{controller};
  s.policy_domain.assign(static_cast<std::size_t>(act_dim), ErrorNorms{});
  std::mt19937_64 rng(o.seed + 7);
  std::vector<double> x(static_cast<std::size_t>(dim)), a(static_cast<std::size_t>(act_dim)),
      u(static_cast<std::size_t>(act_dim)), next_obs(static_cast<std::size_t>(obs_dim));
  auto critic_at = [&](const std::vector<double>& state) {
    env->set_state(state);
    env->observe(obs.data());
    return critic(obs.data());
  };
  for (int q = 0; q < o.domain_points; ++q) {
    for (int k = 0; k < dim; ++k)
      x[static_cast<std::size_t>(k)] = std::uniform_real_distribution<double>(table.lo(k), table.hi(k))(rng);
    const double v = table.value(x);
    env->set_state(x);
    env->observe(obs.data());
    controller.act(obs.data(), a.data());
    table.feedback(x.data(), u.data());
    for (int j = 0; j < act_dim; ++j)
      s.policy_domain[static_cast<std::size_t>(j)].add(a[static_cast<std::size_t>(j)] -
                                                       u[static_cast<std::size_t>(j)]);
    if (critic.present()) {
      const double c = critic(obs.data());
      s.critic_domain.add(rl_mapping::value_from_return(c) - v);
      const StepResult r = env->step(a.data());
      double target = r.reward;
      if (!r.terminated) {
        env->observe(next_obs.data());
        target += s.gamma * critic(next_obs.data());
      }
      s.critic_bellman.add(c - target);
    }
  }
  if (critic.present())
    for (const auto& state : visited)
      s.critic_visited.add(rl_mapping::value_from_return(critic_at(state)) - table.value(state));
  for (auto& n : s.policy_domain) n.finish();
  s.critic_domain.finish();
  s.critic_visited.finish();
  s.critic_bellman.finish();
}

/// The slice over the first two axes, the others at the centre of the start distribution.
void score_slice(const Controller& controller, Environment& env_ref, const Environment& prototype,
                 const ValueTable& table, const ScoreOptions& o, Score& s) {
  auto* env = &env_ref;
  const int dim = table.dimension(), act_dim = env->action_dim(), obs_dim = env->observation_dim();
  std::vector<double> obs(static_cast<std::size_t>(obs_dim)), a(static_cast<std::size_t>(act_dim)),
      u(static_cast<std::size_t>(act_dim));
  const CriticOf critic{controller};
  if (o.slice >= 2 && dim >= 2) {
    SliceMap& m = s.slice;
    m.n = o.slice;
    const auto lo = prototype.start_low(), hi = prototype.start_high();
    std::vector<double> p(static_cast<std::size_t>(dim));
    for (int k = 2; k < dim; ++k)
      p[static_cast<std::size_t>(k)] =
          0.5 * (lo[static_cast<std::size_t>(k)] + hi[static_cast<std::size_t>(k)]);
    for (int i = 0; i < m.n; ++i) {
      m.x.push_back(table.lo(0) + (table.hi(0) - table.lo(0)) * i / (m.n - 1));
      m.y.push_back(table.lo(1) + (table.hi(1) - table.lo(1)) * i / (m.n - 1));
    }
    for (int i = 0; i < m.n; ++i)
      for (int j = 0; j < m.n; ++j) {
        p[0] = m.x[static_cast<std::size_t>(i)];
        p[1] = m.y[static_cast<std::size_t>(j)];
        m.optimal.push_back(table.value(p));
        env->set_state(p);
        env->observe(obs.data());
        controller.act(obs.data(), a.data());
        table.feedback(p.data(), u.data());
        m.action.push_back(a[0]);
        m.feedback.push_back(u[0]);
        m.critic.push_back(critic.present() ? rl_mapping::value_from_return(critic(obs.data())) : NAN);
      }
  }
}

}  // namespace

Score score_policy(const Policy& policy, const Environment& prototype, const ValueTable& table,
                   const ScoreOptions& o) {
  require_policy_fits(policy, prototype);
  return score_controller(controller_of(policy), prototype, table, o);
}

Score score_controller(const Controller& controller, const Environment& prototype, const ValueTable& table,
                       const ScoreOptions& o) {
  HJB_CHECK(static_cast<bool>(controller.act), UsageError, "a controller without an action");
  HJB_CHECK(o.starts >= 1, UsageError, "--starts must be positive, got " << o.starts);
  HJB_CHECK(o.slice <= 1001 && o.domain_points <= 10000000, UsageError,
            "the slice has at most 1001 nodes per side and the domain sample at most 1e7 points, got "
                << o.slice << " and " << o.domain_points);
  HJB_CHECK(o.domain_points >= 0 && o.slice >= 0 && o.slice != 1, UsageError,
            "the domain sample and the slice need a non-negative size (the slice at least 2 per side)");
  check_table_for(table, prototype);
  if (o.coarse) {
    check_table_for(*o.coarse, prototype);
    HJB_CHECK(o.coarse->path() != table.path(), UsageError, "the coarse table is the table itself");
  }
  Score s;
  s.problem = prototype.problem_name();
  s.table_path = table.path();
  s.gamma = table.numbers().at("discount");
  s.episode_limit = prototype.episode_limit();
  s.critic_kind = controller.critic ? controller.critic_kind : std::string();
  s.axes = table.axis_names();
  auto env = prototype.clone();
  const int obs_dim = prototype.observation_dim();
  std::vector<double> obs(static_cast<std::size_t>(obs_dim));
  auto policy_act = [&](Environment& e, double* a) {
    e.observe(obs.data());
    controller.act(obs.data(), a);
  };
  const auto feedback_act = table_feedback_controller(table);
  std::vector<std::vector<double>> visited;
  const std::size_t visited_cap = 20000;
  std::mt19937_64 keep_rng(o.seed ^ 0x5bd1e995ULL);
  long visited_seen = 0;
  auto visit = [&](Environment& e) {  // reservoir sample of the visited states
    ++visited_seen;
    if (visited.size() < visited_cap) {
      visited.push_back(e.state());
    } else {
      std::uniform_int_distribution<long> pick(0, visited_seen - 1);
      const long j = pick(keep_rng);
      if (j < static_cast<long>(visited_cap)) visited[static_cast<std::size_t>(j)] = e.state();
    }
  };
  std::vector<double> gap_cost, gap_cert, fb_gap, gap_return;
  for (int e = 0; e < o.starts; ++e) {
    env->reset(o.seed + static_cast<std::uint64_t>(e));
    const std::vector<double> x0 = env->state();
    s.starts.push_back(x0);
    const double v = table.value(x0);
    const Trajectory tp = run_from(*env, s.gamma, policy_act, visit);
    env->set_state(x0);
    const Trajectory tf = run_from(*env, s.gamma, feedback_act, [](Environment&) {});
    s.optimal_value.push_back(v);
    s.policy_cost.push_back(tp.cost);
    s.feedback_cost.push_back(tf.cost);
    s.policy_return.push_back(tp.episode_return);
    s.feedback_return.push_back(tf.episode_return);
    s.policy_cost_beyond_limit += tp.cost_beyond_limit / o.starts;
    gap_cost.push_back(tp.cost - v);
    gap_cert.push_back(tp.cost - tf.cost);
    fb_gap.push_back(tf.cost - v);
    gap_return.push_back(tf.episode_return - tp.episode_return);
    if (o.coarse) {
      const double d = std::abs(v - o.coarse->value(x0));
      s.refinement_mean += d / o.starts;
      s.refinement_max = std::max(s.refinement_max, d);
    }
  }
  s.refined = o.coarse != nullptr;
  if (o.coarse) s.coarse_path = o.coarse->path();
  std::uint64_t boot = o.seed;
  s.gap_cost = summarize(gap_cost, o.confidence, o.bootstrap, ++boot);
  s.gap_certified = summarize(gap_cert, o.confidence, o.bootstrap, ++boot);
  s.feedback_gap = summarize(fb_gap, o.confidence, o.bootstrap, ++boot);
  s.gap_return = summarize(gap_return, o.confidence, o.bootstrap, ++boot);
  s.policy_episode_return = summarize(s.policy_return, o.confidence, o.bootstrap, ++boot, Worse::smaller);
  s.feedback_episode_return = summarize(s.feedback_return, o.confidence, o.bootstrap, ++boot, Worse::smaller);
  // Is the gap resolved by this table? Its interval must clear the table's own error at these starts.
  s.reference_error = std::abs(s.feedback_gap.mean) + 0.5 * (s.feedback_gap.ci_high - s.feedback_gap.ci_low);
  if (s.refined) s.reference_error = std::max(s.reference_error, s.refinement_mean);
  s.gap_within_reference_error = s.gap_cost.ci_low <= s.reference_error;
  if (s.gap_within_reference_error) {
    std::ostringstream w;
    w << "gap is within the reference's error: the gap's " << 100 * o.confidence << "% CI ["
      << s.gap_cost.ci_low << ", " << s.gap_cost.ci_high << "] reaches below the table's own error "
      << s.reference_error << " at these starts (" << (s.refined ? "|V - V_coarse| and " : "")
      << "J_feedback - V*): this table cannot tell the policy from optimal; use a finer table";
    s.warning = w.str();
  }

  score_domain(controller, *env, table, o, visited, s);
  score_slice(controller, *env, prototype, table, o, s);
  return s;
}

GapTracker::GapTracker(const Environment& env, const ValueTable& table, int count, std::uint64_t seed)
    : m_env(env.clone()) {
  HJB_CHECK(count >= 1, UsageError, "--evaluate.starts must be positive, got " << count);
  check_table_for(table, env);
  m_gamma = table.numbers().at("discount");
  const auto act = table_feedback_controller(table);
  for (int k = 0; k < count; ++k) {
    m_env->reset(seed + static_cast<std::uint64_t>(k));
    m_starts.push_back(m_env->state());
    m_v.push_back(table.value(m_starts.back()));
    m_feedback_returns.push_back(run_from(*m_env, m_gamma, act, [](Environment&) {}).episode_return);
  }
  m_feedback_return = summarize(m_feedback_returns, 0.95, 0).mean;
  m_mean_v = summarize(m_v, 0.95, 0).mean;
}

GapTracker::Point GapTracker::measure(const Policy& policy) const {
  require_policy_fits(policy, *m_env);
  return measure(controller_of(policy));
}

GapTracker::Point GapTracker::measure(const Controller& controller) const {
  std::vector<double> obs(static_cast<std::size_t>(m_env->observation_dim()));
  auto act = [&](Environment& e, double* a) {
    e.observe(obs.data());
    controller.act(obs.data(), a);
  };
  std::vector<double> returns, gap_cost, gap_return;
  for (std::size_t k = 0; k < m_starts.size(); ++k) {
    m_env->set_state(m_starts[k]);
    const Trajectory t = run_from(*m_env, m_gamma, act, [](Environment&) {});
    returns.push_back(t.episode_return);
    gap_cost.push_back(t.cost - m_v[k]);
    gap_return.push_back(m_feedback_returns[k] - t.episode_return);
  }
  const SampleSummary r = summarize(returns, 0.95, 0), c = summarize(gap_cost, 0.95, 0),
                      g = summarize(gap_return, 0.95, 0);  // no bootstrap: mean and SE only
  return {r.mean, r.standard_error, c.mean, c.standard_error, g.mean, g.standard_error};
}

double quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const double pos = q * static_cast<double>(values.size() - 1);
  const std::size_t i = static_cast<std::size_t>(std::floor(pos));
  const std::size_t j = std::min(i + 1, values.size() - 1);
  return values[i] + (pos - static_cast<double>(i)) * (values[j] - values[i]);
}

}  // namespace hjb::rl
