// SAC's training loop (train_sac, sac.hpp), phase by phase: networks, an optional critic warm start
// from a table, the behaviour action (uniform or AR(1)-correlated exploration first), the replay
// buffer, and per update the soft Bellman targets, the twin critics, the optional model-based
// residual, the reparameterised actor, the temperature and the Polyak targets. Hand-written
// gradients; the random generator is drawn in a fixed order (a seed gives the same policy).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <tuple>

#include "core/error.hpp"
#include "rl_baselines/agents/sac.hpp"
#include "rl_baselines/agents/score.hpp"

namespace hjb::rl {

namespace {

constexpr float min_log_std = -20.0f, max_log_std = 2.0f;

/// One SAC run: options, networks, optimisers, replay buffer, environment and random generator.
struct SacTraining {
  const Environment& prototype;
  const SacOptions& o;
  const long total_steps;
  const std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  std::mt19937_64 rng;
  std::normal_distribution<float> normal{0.0f, 1.0f};
  std::uniform_real_distribution<float> uniform{-1.0f, 1.0f};
  const int obs_dim, k, b;
  const double target_entropy;
  Policy policy;
  Mlp& actor = policy.actor;
  Mlp q1, q2, q1_target, q2_target;
  float log_alpha, log_alpha_grad = 0.0f;
  Adam actor_adam, q1_adam, q2_adam, alpha_adam;
  MlpGradients actor_grads, q1_grads, q2_grads;
  double warm_start_queries = 0, model_queries = 0;

  // Replay buffer, and the states behind its observations (the model-based residual steps states).
  int capacity = 0, state_dim = 0, model_batch = 0;
  Matrix buf_obs, buf_next, buf_act;
  Eigen::MatrixXd buf_state;
  std::unique_ptr<Environment> model, env;
  std::vector<float> buf_reward;
  std::vector<char> buf_terminal;
  int stored = 0, cursor = 0;

  std::vector<double> obs, next_obs, env_action;
  double episode_return = 0.0;
  std::vector<double> finished;
  MlpWorkspace aws, q1ws, q2ws, tws1, tws2, aws_next;
  Matrix mb_obs, mb_next, mb_act, q_in, d_q, d_out, eps, q_input_grad;
  std::vector<int> picks;
  const bool correlated;
  const float c, c_fresh;
  std::vector<float> noise;

  SacTraining(const Environment& env_, const SacOptions& options, long steps, std::uint64_t seed)
      : prototype(env_),
        o(options),
        total_steps(steps),
        rng(seed),
        obs_dim(env_.observation_dim()),
        k(env_.action_dim()),
        b(options.batch),
        target_entropy(options.target_entropy != 0.0 ? options.target_entropy : -static_cast<double>(k)),
        correlated(options.noise_correlation > 0),
        c(static_cast<float>(options.noise_correlation)),
        c_fresh(std::sqrt(1.0f - c * c)) {
    init_networks(seed);
    if (o.warm_start_table) warm_start(*o.warm_start_table);
    capacity = static_cast<int>(std::min<long>(o.buffer, total_steps));
    buf_obs.resize(obs_dim, capacity);
    buf_next.resize(obs_dim, capacity);
    buf_act.resize(k, capacity);
    state_dim = prototype.state_dim();
    model_batch = o.model_batch;
    buf_state.resize(model_batch > 0 ? state_dim : 0, model_batch > 0 ? capacity : 0);
    model = prototype.clone();
    buf_reward.resize(capacity);
    buf_terminal.resize(capacity);
    env = prototype.clone();
    env->reset(rng());
    obs.resize(obs_dim);
    next_obs.resize(obs_dim);
    env_action.resize(k);
    mb_obs.resize(obs_dim, b);
    mb_next.resize(obs_dim, b);
    mb_act.resize(k, b);
    q_in.resize(obs_dim + k, b);
    d_q.resize(1, b);
    eps.resize(k, b);
    picks.resize(b);
    noise.resize(k);
    if (correlated) restart_noise();
  }

  void init_networks(std::uint64_t seed) {
    policy.algorithm = "sac";
    policy.problem = prototype.problem_name();
    policy.state_dim = prototype.state_dim();
    policy.kind = PolicyKind::squashed_gaussian;
    policy.state_dependent_std = true;
    policy.normalize_observations = false;
    policy.observation_normalizer.resize(obs_dim);
    policy.log_std = Vector::Zero(k);
    policy.action_low = prototype.action_low();
    policy.action_high = prototype.action_high();
    policy.hyperparameters = o.as_map();
    policy.seed = seed;
    std::vector<int> actor_sizes{obs_dim}, q_sizes{obs_dim + k};
    for (int h : o.hidden) {
      actor_sizes.push_back(h);
      q_sizes.push_back(h);
    }
    actor_sizes.push_back(2 * k);
    q_sizes.push_back(1);
    actor = Mlp(actor_sizes, o.activation);
    actor.init_scaled_uniform(rng);
    q1 = Mlp(q_sizes, o.activation);
    q2 = Mlp(q_sizes, o.activation);
    q1.init_scaled_uniform(rng);
    q2.init_scaled_uniform(rng);
    q1_target = q1;
    q2_target = q2;
    log_alpha = std::log(static_cast<float>(o.initial_alpha));
    actor_grads = actor.zero_gradients();
    q1_grads = q1.zero_gradients();
    q2_grads = q2.zero_gradients();
  }

  /// Critic warm start: Q fitted to the one-step lookahead of the table's value,
  /// Q(s, a) = r + gamma (1 - d) (-V(s')), on states uniform over its box and uniform actions.
  void warm_start(const ValueTable& table) {
    check_table_for(table, prototype);
    auto probe = prototype.clone();
    const int dim = table.dimension();
    std::vector<double> x(dim), o_buf(obs_dim), env_a(k);
    Matrix w_in(obs_dim + k, b), w_d(1, b);
    std::vector<float> w_y(b);
    MlpWorkspace w_ws;
    for (int it = 0; it < o.warm_start_steps; ++it) {
      for (int s = 0; s < b; ++s) {
        for (int d = 0; d < dim; ++d)
          x[d] = std::uniform_real_distribution<double>(table.lo(d), table.hi(d))(rng);
        probe->set_state(x);
        probe->observe(o_buf.data());
        w_in.col(s).head(obs_dim) = Eigen::Map<Eigen::VectorXd>(o_buf.data(), obs_dim).cast<float>();
        Vector a(k);
        for (int j = 0; j < k; ++j) a[j] = uniform(rng);
        w_in.col(s).tail(k) = a;
        policy.to_environment(a.data(), env_a.data());
        const StepResult r = probe->step(env_a.data());
        w_y[s] = static_cast<float>(r.reward + (r.terminated ? 0.0 : o.gamma * -table.value(probe->state())));
      }
      warm_start_queries += b;
      for (auto [q, grads, adam] :
           {std::tuple{&q1, &q1_grads, &q1_adam}, std::tuple{&q2, &q2_grads, &q2_adam}}) {
        const Matrix& qv = q->forward(w_in, w_ws);
        for (int s = 0; s < b; ++s) w_d(0, s) = (qv(0, s) - w_y[s]) / b;
        q->backward(w_ws, w_d, *grads);
        adam->step(q->parameters(*grads), static_cast<float>(o.critic_learning_rate));
      }
    }
    q1_target = q1;
    q2_target = q2;
  }

  void restart_noise() {
    for (float& e : noise) e = normal(rng);
  }

  /// a' ~ pi(.|s') for every column of the actor's output, with log pi(a'|s') (critic targets).
  void sample_actions(const Matrix& out, Matrix& act, std::vector<double>& logp) {
    const int n = static_cast<int>(out.cols());
    act.resize(k, n);
    logp.assign(static_cast<std::size_t>(n), 0.0);
    for (int s = 0; s < n; ++s)
      for (int j = 0; j < k; ++j) {
        const float ls = std::clamp(out(k + j, s), min_log_std, max_log_std), e = normal(rng);
        const float u = out(j, s) + std::exp(ls) * e;
        act(j, s) = std::tanh(u);
        logp[static_cast<std::size_t>(s)] += squashed_log_prob(u, e, ls);
      }
  }

  /// The behaviour action in [-1, 1]^k: uniform (or the squashed AR(1) noise) before learning
  /// starts, then the policy's squashed Gaussian sample.
  Vector behaviour_action(long step) {
    Vector a(k);
    if (correlated && step > 0)
      for (float& e : noise) e = c * e + c_fresh * normal(rng);
    if (step < o.learning_starts) {
      for (int j = 0; j < k; ++j) a[j] = correlated ? std::tanh(noise[j]) : uniform(rng);
    } else {
      const Vector out = actor.predict(Eigen::Map<Eigen::VectorXd>(obs.data(), obs_dim).cast<float>());
      for (int j = 0; j < k; ++j) {
        const float ls = std::clamp(out[k + j], min_log_std, max_log_std);
        a[j] = std::tanh(out[j] + std::exp(ls) * (correlated ? noise[j] : normal(rng)));
      }
    }
    return a;
  }

  /// One environment step with the behaviour action, stored in the replay buffer.
  void act_and_store(long step) {
    env->observe(obs.data());
    const Vector a = behaviour_action(step);
    policy.to_environment(a.data(), env_action.data());
    const std::vector<double> x_before = model_batch > 0 ? env->state() : std::vector<double>{};
    const StepResult r = env->step(env_action.data());
    env->observe(next_obs.data());
    if (model_batch > 0)
      buf_state.col(cursor) = Eigen::Map<const Eigen::VectorXd>(x_before.data(), state_dim);
    buf_obs.col(cursor) = Eigen::Map<Eigen::VectorXd>(obs.data(), obs_dim).cast<float>();
    buf_next.col(cursor) = Eigen::Map<Eigen::VectorXd>(next_obs.data(), obs_dim).cast<float>();
    buf_act.col(cursor) = a;
    buf_reward[cursor] = static_cast<float>(r.reward);
    buf_terminal[cursor] = r.terminated;
    cursor = (cursor + 1) % capacity;
    stored = std::min(stored + 1, capacity);
    episode_return += r.reward;
    if (r.terminated || r.truncated) {
      finished.push_back(episode_return);
      episode_return = 0.0;
      env->reset();
      if (correlated) restart_noise();
    }
  }

  /// The twin critics' step on the minibatch: y = r + gamma (1 - d) (min Q'(s', a') - alpha log pi(a'|s')),
  /// mean squared error / 2.
  void critic_step(float alpha) {
    Matrix next_act;
    std::vector<double> next_logp;
    sample_actions(actor.forward(mb_next, aws_next), next_act, next_logp);
    q_in.topRows(obs_dim) = mb_next;
    q_in.bottomRows(k) = next_act;
    const Matrix& t1 = q1_target.forward(q_in, tws1);
    const Matrix& t2 = q2_target.forward(q_in, tws2);
    std::vector<float> y(b);
    for (int s = 0; s < b; ++s)
      y[s] = static_cast<float>(soft_bellman_target(buf_reward[picks[s]], buf_terminal[picks[s]], o.gamma,
                                                    t1(0, s), t2(0, s), alpha, next_logp[s]));
    q_in.topRows(obs_dim) = mb_obs;
    q_in.bottomRows(k) = mb_act;
    for (auto [q, ws, grads, adam] :
         {std::tuple{&q1, &q1ws, &q1_grads, &q1_adam}, std::tuple{&q2, &q2ws, &q2_grads, &q2_adam}}) {
      const Matrix& qv = q->forward(q_in, *ws);
      for (int s = 0; s < b; ++s) d_q(0, s) = (qv(0, s) - y[s]) / b;
      q->backward(*ws, d_q, *grads);
      adam->step(q->parameters(*grads), static_cast<float>(o.critic_learning_rate));
    }
  }

  /// HJB-informed: the same soft Bellman residual on synthetic transitions of the model (states
  /// from the replay buffer, uniform actions; model queries, counted apart).
  void model_step(float alpha, std::uniform_int_distribution<int>& pick) {
    Matrix m_obs(obs_dim, model_batch), m_next(obs_dim, model_batch), m_act(k, model_batch);
    std::vector<float> m_reward(model_batch);
    std::vector<char> m_terminal(model_batch);
    std::vector<double> m_action(k), m_o(obs_dim);
    for (int s = 0; s < model_batch; ++s) {
      const Eigen::VectorXd xs = buf_state.col(pick(rng));
      model->set_state(std::vector<double>(xs.data(), xs.data() + state_dim));
      model->observe(m_o.data());
      m_obs.col(s) = Eigen::Map<Eigen::VectorXd>(m_o.data(), obs_dim).cast<float>();
      for (int j = 0; j < k; ++j) m_act(j, s) = uniform(rng);
      const Vector aj = m_act.col(s);
      policy.to_environment(aj.data(), m_action.data());
      const StepResult mr = model->step(m_action.data());
      model->observe(m_o.data());
      m_next.col(s) = Eigen::Map<Eigen::VectorXd>(m_o.data(), obs_dim).cast<float>();
      m_reward[s] = static_cast<float>(mr.reward);
      m_terminal[s] = mr.terminated;
    }
    model_queries += model_batch;
    MlpWorkspace m_aws, m_t1, m_t2, m_q;
    Matrix m_next_act, m_in(obs_dim + k, model_batch), m_d(1, model_batch);
    std::vector<double> m_logp;
    sample_actions(actor.forward(m_next, m_aws), m_next_act, m_logp);
    m_in.topRows(obs_dim) = m_next;
    m_in.bottomRows(k) = m_next_act;
    const Matrix mt1 = q1_target.forward(m_in, m_t1);
    const Matrix mt2 = q2_target.forward(m_in, m_t2);
    m_in.topRows(obs_dim) = m_obs;
    m_in.bottomRows(k) = m_act;
    for (auto [q, grads, adam] :
         {std::tuple{&q1, &q1_grads, &q1_adam}, std::tuple{&q2, &q2_grads, &q2_adam}}) {
      const Matrix& qv = q->forward(m_in, m_q);
      for (int s = 0; s < model_batch; ++s)
        m_d(0, s) =
            (qv(0, s) - static_cast<float>(soft_bellman_target(m_reward[s], m_terminal[s], o.gamma, mt1(0, s),
                                                               mt2(0, s), alpha, m_logp[s]))) /
            model_batch;
      q->backward(m_q, m_d, *grads);
      adam->step(q->parameters(*grads), static_cast<float>(o.critic_learning_rate));
    }
  }

  /// The actor's step, mean(alpha log pi(a|s) - min Q(s, a)) with a reparameterised; returns the
  /// mean log pi for the temperature.
  double actor_step(float alpha) {
    const Matrix& out = actor.forward(mb_obs, aws);
    Matrix u(k, b), t(k, b), ls(k, b);
    std::vector<double> logp(b, 0.0);
    for (int s = 0; s < b; ++s)
      for (int j = 0; j < k; ++j) {
        ls(j, s) = std::clamp(out(k + j, s), min_log_std, max_log_std);
        eps(j, s) = normal(rng);
        u(j, s) = out(j, s) + std::exp(ls(j, s)) * eps(j, s);
        t(j, s) = std::tanh(u(j, s));
        logp[s] += squashed_log_prob(u(j, s), eps(j, s), ls(j, s));
      }
    q_in.bottomRows(k) = t;
    const Matrix v1 = q1.forward(q_in, q1ws);
    const Matrix v2 = q2.forward(q_in, q2ws);
    Matrix d1 = Matrix::Zero(1, b), d2 = Matrix::Zero(1, b);
    for (int s = 0; s < b; ++s) (v1(0, s) <= v2(0, s) ? d1 : d2)(0, s) = -1.0f / b;
    Matrix da = Matrix::Zero(k, b);
    MlpGradients scratch1 = q1_grads, scratch2 = q2_grads;  // gradients of Q's weights are not used here
    q1.backward(q1ws, d1, scratch1, &q_input_grad);
    da += q_input_grad.bottomRows(k);
    q2.backward(q2ws, d2, scratch2, &q_input_grad);
    da += q_input_grad.bottomRows(k);
    d_out = Matrix::Zero(2 * k, b);
    for (int s = 0; s < b; ++s)
      for (int j = 0; j < k; ++j) {
        const double tt = t(j, s), one_minus = 1.0 - tt * tt;
        const double d_u = alpha / b * 2.0 * tt * one_minus / (one_minus + 1e-6) + da(j, s) * one_minus;
        d_out(j, s) = static_cast<float>(d_u);
        const float raw = out(k + j, s);
        if (raw > min_log_std && raw < max_log_std)
          d_out(k + j, s) = static_cast<float>(d_u * std::exp(ls(j, s)) * eps(j, s) - alpha / b);
      }
    actor.backward(aws, d_out, actor_grads);
    actor_adam.step(actor.parameters(actor_grads), static_cast<float>(o.actor_learning_rate));
    return std::accumulate(logp.begin(), logp.end(), 0.0) / b;
  }

  /// One update: a minibatch from the replay buffer, critics, model residual, actor, temperature
  /// (loss -log_alpha (log pi + target entropy)) and the Polyak-averaged targets.
  void update() {
    std::uniform_int_distribution<int> pick(0, stored - 1);
    for (int s = 0; s < b; ++s) {
      picks[s] = pick(rng);
      mb_obs.col(s) = buf_obs.col(picks[s]);
      mb_next.col(s) = buf_next.col(picks[s]);
      mb_act.col(s) = buf_act.col(picks[s]);
    }
    const float alpha = std::exp(log_alpha);
    critic_step(alpha);
    if (model_batch > 0) model_step(alpha, pick);
    const double mean_logp = actor_step(alpha);
    log_alpha_grad = static_cast<float>(-(mean_logp + target_entropy));
    alpha_adam.step({{&log_alpha, &log_alpha_grad, 1}}, static_cast<float>(o.alpha_learning_rate));
    q1_target.soft_update(q1, static_cast<float>(o.tau));
    q2_target.soft_update(q2, static_cast<float>(o.tau));
  }

  Policy run(const CurveCallback& on_progress) {
    const long report_every = std::max<long>(1, std::min<long>(1000, total_steps / 20));
    for (long step = 0; step < total_steps; ++step) {
      act_and_store(step);
      if (step >= o.learning_starts && stored >= b) update();
      if (on_progress && (step + 1) % report_every == 0 && !finished.empty()) {
        const double mean = std::accumulate(finished.begin(), finished.end(), 0.0) / finished.size();
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        on_progress({static_cast<double>(step + 1), wall, mean, &policy});
        finished.clear();
      }
    }
    policy.env_steps = static_cast<double>(total_steps);
    policy.critic_kind = "action_value";
    policy.critics = {q1, q2};
    policy.hyperparameters["final_alpha"] = std::exp(log_alpha);
    policy.hyperparameters["model_queries"] = model_queries + warm_start_queries;
    return policy;
  }
};

}  // namespace

Policy train_sac(const Environment& prototype, const SacOptions& o, long total_steps, std::uint64_t seed,
                 const CurveCallback& on_progress) {
  o.validate();
  HJB_CHECK(total_steps > 0, UsageError, "--steps must be positive, got " << total_steps);
  HJB_CHECK(
      prototype.discrete_action_count() == 0, UsageError,
      "--algo sac: problem '" << prototype.problem_name() << "' has " << prototype.discrete_action_count()
                              << " discrete actions; SAC here is for continuous actions (use --algo ppo, "
                                 "which trains a categorical policy)");
  SacTraining training(prototype, o, total_steps, seed);
  return training.run(on_progress);
}

}  // namespace hjb::rl
