// SAC training loop with hand-written gradients (see sac.hpp).
#include "rl_baselines/agents/sac.hpp"

#include <chrono>
#include <cmath>
#include <numeric>

#include "core/error.hpp"
#include "rl_baselines/agents/score.hpp"

namespace hjb::rl {

namespace {
constexpr float min_log_std = -20.0f, max_log_std = 2.0f;
}

void SacOptions::validate() const {
  HJB_CHECK(batch >= 1, UsageError, "--sac.batch must be positive, got " << batch);
  HJB_CHECK(buffer >= batch, UsageError, "--sac.buffer must be at least --sac.batch, got " << buffer);
  HJB_CHECK(learning_starts >= 0, UsageError, "--sac.learning_starts must be non-negative");
  HJB_CHECK(gamma > 0 && gamma <= 1, UsageError, "--sac.gamma must be in (0, 1], got " << gamma);
  HJB_CHECK(tau > 0 && tau <= 1, UsageError, "--sac.tau must be in (0, 1], got " << tau);
  HJB_CHECK(actor_learning_rate > 0 && critic_learning_rate > 0 && alpha_learning_rate > 0, UsageError,
            "--sac.*_learning_rate must be positive");
  HJB_CHECK(initial_alpha > 0, UsageError, "--sac.initial_alpha must be positive");
  HJB_CHECK(model_batch >= 0, UsageError, "--sac.model_batch must be non-negative, got " << model_batch);
  HJB_CHECK(warm_start_steps >= 1, UsageError,
            "--sac.warm_start_steps must be positive, got " << warm_start_steps);
  HJB_CHECK(noise_correlation >= 0 && noise_correlation < 1, UsageError,
            "--sac.noise_correlation must be in [0, 1), got " << noise_correlation);
  HJB_CHECK(!hidden.empty(), UsageError, "--sac.hidden needs at least one layer");
}

std::map<std::string, double> SacOptions::as_map() const {
  std::map<std::string, double> m;
  visit(*this,
        [&](const char* name, const auto& value, const char*) { m[name] = static_cast<double>(value); });
  if (!warm_start_table) m["warm_start_steps"] = 0;
  m["activation_relu"] = activation == Activation::relu;
  for (std::size_t l = 0; l < hidden.size(); ++l) m["hidden_" + std::to_string(l)] = hidden[l];
  return m;
}

Policy train_sac(const Environment& prototype, const SacOptions& o, long total_steps, std::uint64_t seed,
                 const CurveCallback& on_progress) {
  o.validate();
  HJB_CHECK(total_steps > 0, UsageError, "--steps must be positive, got " << total_steps);
  HJB_CHECK(
      prototype.discrete_action_count() == 0, UsageError,
      "--algo sac: problem '" << prototype.problem_name() << "' has " << prototype.discrete_action_count()
                              << " discrete actions; SAC here is for continuous actions (use --algo ppo, "
                                 "which trains a categorical policy)");
  const auto start = std::chrono::steady_clock::now();
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  const int obs_dim = prototype.observation_dim(), k = prototype.action_dim(), b = o.batch;
  const double target_entropy = o.target_entropy != 0.0 ? o.target_entropy : -static_cast<double>(k);

  Policy policy;
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
  Mlp& actor = policy.actor;
  actor = Mlp(actor_sizes, o.activation);
  actor.init_scaled_uniform(rng);
  Mlp q1(q_sizes, o.activation), q2(q_sizes, o.activation);
  q1.init_scaled_uniform(rng);
  q2.init_scaled_uniform(rng);
  Mlp q1_target = q1, q2_target = q2;
  float log_alpha = std::log(static_cast<float>(o.initial_alpha)), log_alpha_grad = 0.0f;
  Adam actor_adam, q1_adam, q2_adam, alpha_adam;
  MlpGradients actor_grads = actor.zero_gradients(), q1_grads = q1.zero_gradients(),
               q2_grads = q2.zero_gradients();

  double warm_start_queries = 0;
  if (o.warm_start_table) {
    // Fit Q to the one-step lookahead of the table's value: Q(s, a) = r + gamma (1 - d) (-V(s')).
    const ValueTable& table = *o.warm_start_table;
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

  // Replay buffer.
  const int capacity = static_cast<int>(std::min<long>(o.buffer, total_steps));
  Matrix buf_obs(obs_dim, capacity), buf_next(obs_dim, capacity), buf_act(k, capacity);
  // The states behind the observations, for the model-based residual (the model steps states).
  const int state_dim = prototype.state_dim(), model_batch = o.model_batch;
  Eigen::MatrixXd buf_state(model_batch > 0 ? state_dim : 0, model_batch > 0 ? capacity : 0);
  auto model = prototype.clone();
  double model_queries = 0;
  std::vector<float> buf_reward(capacity);
  std::vector<char> buf_terminal(capacity);
  int stored = 0, cursor = 0;

  auto env = prototype.clone();
  env->reset(rng());
  std::vector<double> obs(obs_dim), next_obs(obs_dim), env_action(k);
  double episode_return = 0.0;
  std::vector<double> finished;
  MlpWorkspace aws, q1ws, q2ws, tws1, tws2, aws_next;
  Matrix mb_obs(obs_dim, b), mb_next(obs_dim, b), mb_act(k, b), q_in(obs_dim + k, b), d_q(1, b), d_out;
  Matrix eps(k, b), q_input_grad;
  std::vector<int> picks(b);
  const long report_every = std::max<long>(1, std::min<long>(1000, total_steps / 20));

  // a' ~ pi(.|s') for every column of the actor's output, with log pi(a'|s') (critic targets).
  auto sample_actions = [&](const Matrix& out, Matrix& act, std::vector<double>& logp) {
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
  };
  const bool correlated = o.noise_correlation > 0;
  const float c = static_cast<float>(o.noise_correlation), c_fresh = std::sqrt(1.0f - c * c);
  std::vector<float> noise(k);
  auto restart_noise = [&] {
    for (float& e : noise) e = normal(rng);
  };
  if (correlated) restart_noise();
  for (long step = 0; step < total_steps; ++step) {
    env->observe(obs.data());
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

    if (step >= o.learning_starts && stored >= b) {
      std::uniform_int_distribution<int> pick(0, stored - 1);
      for (int s = 0; s < b; ++s) {
        picks[s] = pick(rng);
        mb_obs.col(s) = buf_obs.col(picks[s]);
        mb_next.col(s) = buf_next.col(picks[s]);
        mb_act.col(s) = buf_act.col(picks[s]);
      }
      const float alpha = std::exp(log_alpha);
      // ---- critic targets: y = r + gamma (1 - d) (min Q'(s', a') - alpha log pi(a'|s')) ----
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
      // ---- critics: mean squared error / 2 ----
      q_in.topRows(obs_dim) = mb_obs;
      q_in.bottomRows(k) = mb_act;
      for (auto [q, ws, grads, adam] :
           {std::tuple{&q1, &q1ws, &q1_grads, &q1_adam}, std::tuple{&q2, &q2ws, &q2_grads, &q2_adam}}) {
        const Matrix& qv = q->forward(q_in, *ws);
        for (int s = 0; s < b; ++s) d_q(0, s) = (qv(0, s) - y[s]) / b;
        q->backward(*ws, d_q, *grads);
        adam->step(q->parameters(*grads), static_cast<float>(o.critic_learning_rate));
      }
      // ---- HJB-informed: the same soft Bellman residual on synthetic transitions of the model ----
      if (model_batch > 0) {
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
                (qv(0, s) - static_cast<float>(soft_bellman_target(m_reward[s], m_terminal[s], o.gamma,
                                                                   mt1(0, s), mt2(0, s), alpha, m_logp[s]))) /
                model_batch;
          q->backward(m_q, m_d, *grads);
          adam->step(q->parameters(*grads), static_cast<float>(o.critic_learning_rate));
        }
      }
      // ---- actor: mean(alpha log pi(a|s) - min Q(s, a)), a reparameterised ----
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
      // ---- temperature: loss -log_alpha (log pi + target entropy) ----
      const double mean_logp = std::accumulate(logp.begin(), logp.end(), 0.0) / b;
      log_alpha_grad = static_cast<float>(-(mean_logp + target_entropy));
      alpha_adam.step({{&log_alpha, &log_alpha_grad, 1}}, static_cast<float>(o.alpha_learning_rate));
      // ---- targets ----
      q1_target.soft_update(q1, static_cast<float>(o.tau));
      q2_target.soft_update(q2, static_cast<float>(o.tau));
    }
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

}  // namespace hjb::rl
