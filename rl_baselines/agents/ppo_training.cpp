// PPO's training loop (train_ppo, ppo.hpp), phase by phase: networks, an optional critic warm start
// from a table, rollouts, advantages, and the minibatch updates of the actor (clipped surrogate,
// entropy bonus; Gaussian or categorical head), the critic (optionally clipped value loss) and the
// optional model-based Bellman residual. Hand-written gradients throughout. The random generator is
// drawn in a fixed order, so a seed gives the same policy on every run of one build.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>
#include <numeric>
#include <optional>

#include "core/error.hpp"
#include "rl_baselines/agents/ppo.hpp"
#include "rl_baselines/agents/score.hpp"

namespace hjb::rl {

namespace {

// Sampling works in float (the network's precision); the constant is rounded once, as it always was.
constexpr float half_log_two_pi_float = static_cast<float>(half_log_two_pi);
constexpr float min_log_std = -5.0f, max_log_std = 2.0f;

/// One PPO run: its options, networks, optimiser states, rollout buffers and random generator.
struct PpoTraining {
  const Environment& prototype;
  const PpoOptions& o;
  const long total_steps;
  const std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  std::mt19937_64 rng;
  std::normal_distribution<float> normal{0.0f, 1.0f};
  std::uniform_real_distribution<double> uniform{0.0, 1.0};
  const int obs_dim, k;
  const int choices;  ///< a discrete action set (Acrobot): a categorical head with one logit per action
  const bool categorical;
  const int envs, horizon, batch;
  const int state_dim;

  Policy policy;
  Mlp critic;
  Adam actor_adam, critic_adam;
  MlpGradients actor_grads, critic_grads;
  Vector log_std_grad;
  std::optional<VectorEnvironment> venv;
  RunningNormalizer return_stats;
  std::vector<double> discounted_return;
  double model_queries = 0;

  // Rollout storage (column = t * envs + i) and the states behind it (for the model-based residual).
  Eigen::MatrixXd state_buf;
  std::unique_ptr<Environment> model;
  Matrix obs_buf, act_buf;
  std::vector<double> logp_buf, value_buf, reward_buf, adv_buf, ret_buf;
  std::vector<bool> done_buf;
  Eigen::MatrixXd raw_obs;
  std::vector<double> final_obs, env_action;
  MlpWorkspace aws, cws;
  Eigen::VectorXd probability, log_probability;  ///< the categorical head at one sample
  Vector log_std;                                ///< the Gaussian head's log std at one sample
  long steps_done = 0;
  const bool correlated;
  const float corr, corr_fresh;
  Eigen::MatrixXf noise;  ///< (action, environment): the AR(1) exploration noise

  PpoTraining(const Environment& env, const PpoOptions& options, long steps, std::uint64_t seed)
      : prototype(env),
        o(options),
        total_steps(steps),
        rng(seed),
        obs_dim(env.observation_dim()),
        k(env.action_dim()),
        choices(env.discrete_action_count()),
        categorical(choices > 0),
        envs(options.environments),
        horizon(options.rollout_steps),
        batch(envs * horizon),
        state_dim(env.state_dim()),
        correlated(options.noise_correlation > 0 && choices == 0),
        corr(static_cast<float>(options.noise_correlation)),
        corr_fresh(std::sqrt(1.0f - corr * corr)) {
    init_networks(seed);
    venv.emplace(prototype, envs, rng());
    return_stats.resize(1);
    discounted_return.assign(envs, 0.0);
    if (o.warm_start_table)
      model_queries += warm_start_value_network(*o.warm_start_table, prototype, o, policy, critic,
                                                critic_grads, critic_adam, return_stats, rng);
    state_buf.resize(o.model_batch > 0 ? state_dim : 0, o.model_batch > 0 ? batch : 0);
    model = prototype.clone();
    obs_buf.resize(obs_dim, batch);
    act_buf.resize(categorical ? 1 : k, batch);
    for (auto* b : {&logp_buf, &value_buf, &reward_buf, &adv_buf, &ret_buf}) b->resize(batch);
    done_buf.resize(batch);
    raw_obs.resize(obs_dim, envs);
    final_obs.resize(obs_dim);
    env_action.resize(k);
    for (int i = 0; i < envs; ++i) venv->observe(i, raw_obs.col(i).data());
    probability.resize(std::max(choices, 1));
    log_probability.resize(std::max(choices, 1));
    log_std.resize(k);
    if (correlated) {
      noise.resize(k, envs);
      for (int i = 0; i < envs; ++i)
        for (int j = 0; j < k; ++j) noise(j, i) = normal(rng);
    }
  }

  void init_networks(std::uint64_t seed) {
    policy.algorithm = "ppo";
    policy.problem = prototype.problem_name();
    policy.state_dim = prototype.state_dim();
    policy.kind = categorical ? PolicyKind::categorical : PolicyKind::gaussian;
    for (int c = 0; c < choices; ++c) policy.discrete_actions.push_back(prototype.discrete_action(c));
    policy.state_dependent_std = o.state_dependent_std;
    policy.normalize_observations = o.normalize_observations;
    policy.observation_normalizer.resize(obs_dim);
    policy.action_low = prototype.action_low();
    policy.action_high = prototype.action_high();
    policy.hyperparameters = o.as_map();
    policy.seed = seed;
    std::vector<int> actor_sizes{obs_dim}, critic_sizes{obs_dim};
    for (int h : o.hidden) {
      actor_sizes.push_back(h);
      critic_sizes.push_back(h);
    }
    actor_sizes.push_back(categorical ? choices : (o.state_dependent_std ? 2 * k : k));
    critic_sizes.push_back(1);
    policy.actor = Mlp(actor_sizes, o.activation);
    policy.actor.init_orthogonal(rng, std::sqrt(2.0f), 0.01f);
    policy.log_std = Vector::Constant(k, static_cast<float>(o.initial_log_std));
    if (o.state_dependent_std && !categorical)
      policy.actor.biases().back().tail(k).setConstant(static_cast<float>(o.initial_log_std));
    critic = Mlp(critic_sizes, o.activation);
    critic.init_orthogonal(rng, std::sqrt(2.0f), 1.0f);
    actor_grads = policy.actor.zero_gradients();
    critic_grads = critic.zero_gradients();
    log_std_grad = Vector::Zero(k);
  }

  std::vector<ParameterView> actor_params() {
    auto p = policy.actor.parameters(actor_grads);
    if (!o.state_dependent_std && !categorical) p.push_back({policy.log_std.data(), log_std_grad.data(), k});
    return p;
  }

  /// Categorical head: softmax probabilities and log-probabilities of the logits in column `col`.
  void softmax_of(const Matrix& out, Eigen::Index col) {
    const double top = out.col(col).head(choices).cast<double>().maxCoeff();
    double sum = 0.0;
    for (int c = 0; c < choices; ++c) sum += std::exp(static_cast<double>(out(c, col)) - top);
    for (int c = 0; c < choices; ++c) {
      log_probability[c] = static_cast<double>(out(c, col)) - top - std::log(sum);
      probability[c] = std::exp(log_probability[c]);
    }
  }

  /// Log standard deviation of sample `col` (the free parameter, or the clamped second head),
  /// written into a preallocated vector: this runs once per sample on the training hot path.
  void log_std_of(const Matrix& out, Eigen::Index col) {
    if (o.state_dependent_std)
      log_std = out.col(col).tail(k).cwiseMax(min_log_std).cwiseMin(max_log_std);
    else
      log_std = policy.log_std;
  }

  /// The action of environment i at step t drawn from the policy: stored in act_buf, returned as
  /// its log-probability; env_action holds it in environment units.
  double sample_action(const Matrix& out, int i, int col) {
    double logp = 0.0;
    if (categorical) {
      softmax_of(out, i);
      const double u = uniform(rng);
      int chosen = choices - 1;
      double cumulative = 0.0;
      for (int c = 0; c < choices; ++c) {
        cumulative += probability[c];
        if (u < cumulative) {
          chosen = c;
          break;
        }
      }
      act_buf(0, col) = static_cast<float>(chosen);
      logp = log_probability[chosen];
      env_action = policy.discrete_actions[static_cast<std::size_t>(chosen)];
    } else {
      log_std_of(out, i);
      for (int j = 0; j < k; ++j) {
        float eps;
        if (correlated)
          eps = noise(j, i) = corr * noise(j, i) + corr_fresh * normal(rng);
        else
          eps = normal(rng);
        const float a = out(j, i) + std::exp(log_std[j]) * eps;
        act_buf(j, col) = a;
        logp += -0.5 * eps * eps - log_std[j] - half_log_two_pi_float;
      }
    }
    return logp;
  }

  /// One rollout of `horizon` steps in each environment.
  void collect_rollout() {
    for (int t = 0; t < horizon; ++t) {
      if (o.normalize_observations) policy.observation_normalizer.update(raw_obs);
      const Matrix obs = policy.prepare(raw_obs);
      const Matrix& out = policy.actor.forward(obs, aws);
      const Matrix& values = critic.forward(obs, cws);
      for (int i = 0; i < envs; ++i) {
        const int col = t * envs + i;
        const double logp = sample_action(out, i, col);
        obs_buf.col(col) = obs.col(i);
        logp_buf[col] = logp;
        value_buf[col] = values(0, i);
        if (!categorical) {
          const Vector clipped = act_buf.col(col).cwiseMax(-1.0f).cwiseMin(1.0f);
          policy.to_environment(clipped.data(), env_action.data());
        }
        if (o.model_batch > 0) {
          const std::vector<double> x = (*venv)[i].state();
          state_buf.col(col) = Eigen::Map<const Eigen::VectorXd>(x.data(), state_dim);
        }
        const StepResult r = venv->step(i, env_action.data(), final_obs.data());
        double reward = r.reward;
        if (o.normalize_rewards) {
          discounted_return[i] = discounted_return[i] * o.gamma + reward;
          return_stats.update(Eigen::MatrixXd::Constant(1, 1, discounted_return[i]));
          reward = std::clamp(reward / std::sqrt(return_stats.variance[0] + 1e-8), -10.0, 10.0);
        }
        if (r.terminated || r.truncated) {
          discounted_return[i] = 0.0;
          if (correlated)
            for (int j = 0; j < k; ++j) noise(j, i) = normal(rng);
        }
        if (r.truncated) {  // time limit: bootstrap from the value of the last observation
          Eigen::MatrixXd last = Eigen::Map<Eigen::VectorXd>(final_obs.data(), obs_dim);
          reward += o.gamma * critic.predict(policy.prepare(last).col(0))[0];
        }
        reward_buf[col] = reward;
        done_buf[col] = r.terminated || r.truncated;
        venv->observe(i, raw_obs.col(i).data());
      }
    }
    steps_done += batch;
  }

  /// GAE advantages and returns of the rollout, environment by environment.
  void compute_advantages() {
    const Matrix last_values = critic.forward(policy.prepare(raw_obs), cws);
    rollout_advantages(reward_buf, value_buf, done_buf, last_values, envs, o.gamma, o.gae_lambda, adv_buf,
                       ret_buf);
  }

  // Minibatch buffers (allocated once per rollout).
  Matrix mb_obs, mb_act, d_out, d_value;
  std::vector<double> mb_log_prob, mb_old_log_prob, d_log_prob;
  Eigen::MatrixXd d_mu, d_ls;

  /// The actor's step on the minibatch: clipped surrogate and entropy bonus.
  void actor_step(const std::vector<double>& adv, float lr) {
    const int m = o.minibatch;
    const Matrix& out = policy.actor.forward(mb_obs, aws);
    if (categorical) {
      // log pi(a) = z_a - logsumexp(z): d/dz_c = [c = a] - p_c; the entropy bonus -c_ent H / m
      // per sample adds c_ent / m * p_c (log p_c + H) to dL/dz_c.
      for (int s = 0; s < m; ++s) {
        softmax_of(out, s);
        mb_log_prob[s] = log_probability[static_cast<int>(mb_act(0, s))];
      }
      clipped_surrogate(mb_log_prob, mb_old_log_prob, adv, o.clip_range, &d_log_prob);
      d_out = Matrix::Zero(out.rows(), m);
      for (int s = 0; s < m; ++s) {
        softmax_of(out, s);
        const int a = static_cast<int>(mb_act(0, s));
        double entropy = 0.0;
        for (int c = 0; c < choices; ++c) entropy -= probability[c] * log_probability[c];
        for (int c = 0; c < choices; ++c)
          d_out(c, s) =
              static_cast<float>(d_log_prob[s] * ((c == a ? 1.0 : 0.0) - probability[c]) +
                                 o.entropy_coefficient / m * probability[c] * (log_probability[c] + entropy));
      }
    }
    for (int s = 0; s < m && !categorical; ++s) {
      log_std_of(out, s);
      double logp = 0.0;
      for (int j = 0; j < k; ++j)
        logp += gaussian_log_prob(mb_act(j, s), out(j, s), log_std[j], &d_mu(j, s), &d_ls(j, s));
      mb_log_prob[s] = logp;
    }
    if (!categorical) {
      clipped_surrogate(mb_log_prob, mb_old_log_prob, adv, o.clip_range, &d_log_prob);
      d_out = Matrix::Zero(out.rows(), m);
    }
    log_std_grad.setZero();
    for (int s = 0; s < m && !categorical; ++s) {
      for (int j = 0; j < k; ++j) {
        d_out(j, s) = static_cast<float>(d_log_prob[s] * d_mu(j, s));
        // The entropy sum_j (log_std_j + const) adds -c_ent / m per sample to dL/dlog_std.
        const double d_log_std = d_log_prob[s] * d_ls(j, s) - o.entropy_coefficient / m;
        if (o.state_dependent_std) {
          const float raw = out(k + j, s);
          if (raw > min_log_std && raw < max_log_std) d_out(k + j, s) = static_cast<float>(d_log_std);
        } else {
          log_std_grad[j] += static_cast<float>(d_log_std);
        }
      }
    }
    policy.actor.backward(aws, d_out, actor_grads);
    const auto ap = actor_params();
    clip_gradient_norm(ap, o.max_gradient_norm);
    actor_adam.step(ap, lr);
  }

  /// The critic's step: (optionally clipped) squared error to the GAE returns.
  void critic_step(const std::vector<int>& order, int begin, float lr) {
    const int m = o.minibatch;
    const Matrix& v = critic.forward(mb_obs, cws);
    for (int s = 0; s < m; ++s) {
      const int idx = order[begin + s];
      const double target = ret_buf[idx], diff = v(0, s) - target;
      double grad = diff;
      if (o.value_clip > 0) {
        const double old = value_buf[idx];
        const double vc = old + std::clamp(v(0, s) - old, -o.value_clip, o.value_clip);
        if ((vc - target) * (vc - target) > diff * diff)
          grad = (std::abs(v(0, s) - old) < o.value_clip) ? (vc - target) : 0.0;
      }
      d_value(0, s) = static_cast<float>(o.value_coefficient * grad / m);
    }
    critic.backward(cws, d_value, critic_grads);
    const auto cp = critic.parameters(critic_grads);
    clip_gradient_norm(cp, o.max_gradient_norm);
    critic_adam.step(cp, lr);
  }

  /// HJB-informed step: the Bellman residual of the known dynamics on rollout states under the
  /// current deterministic policy (model queries, counted apart from environment steps).
  void model_step(float lr) {
    const int mb = o.model_batch;
    const double scale = o.normalize_rewards ? std::sqrt(return_stats.variance[0] + 1e-8) : 1.0;
    Eigen::MatrixXd m_raw(obs_dim, mb), m_next(obs_dim, mb);
    std::vector<double> m_reward(mb), x(state_dim), ob(obs_dim), a(k);
    std::vector<char> m_terminal(mb);
    std::uniform_int_distribution<int> pick_sample(0, batch - 1);
    for (int s = 0; s < mb; ++s) {
      const Eigen::VectorXd xs = state_buf.col(pick_sample(rng));
      x.assign(xs.data(), xs.data() + state_dim);
      model->set_state(x);
      model->observe(ob.data());
      m_raw.col(s) = Eigen::Map<Eigen::VectorXd>(ob.data(), obs_dim);
      policy.act(ob.data(), a.data());
      const StepResult mr = model->step(a.data());
      model->observe(ob.data());
      m_next.col(s) = Eigen::Map<Eigen::VectorXd>(ob.data(), obs_dim);
      m_reward[s] = o.normalize_rewards ? std::clamp(mr.reward / scale, -10.0, 10.0) : mr.reward;
      m_terminal[s] = mr.terminated;
    }
    model_queries += mb;
    MlpWorkspace m_ws;
    const Matrix next_v = critic.forward(policy.prepare(m_next), m_ws);
    const Matrix& v_now = critic.forward(policy.prepare(m_raw), m_ws);
    Matrix m_d(1, mb);
    for (int s = 0; s < mb; ++s) {
      const double target = m_reward[s] + (m_terminal[s] ? 0.0 : o.gamma * next_v(0, s));
      m_d(0, s) = static_cast<float>(o.value_coefficient * (v_now(0, s) - target) / mb);
    }
    critic.backward(m_ws, m_d, critic_grads);
    const auto mp = critic.parameters(critic_grads);
    clip_gradient_norm(mp, o.max_gradient_norm);
    critic_adam.step(mp, lr);
  }

  /// `epochs` passes over the rollout in shuffled minibatches (the learning rate annealed linearly).
  void optimise() {
    const double progress = static_cast<double>(steps_done - batch) / static_cast<double>(total_steps);
    const float lr =
        static_cast<float>(o.learning_rate * (o.anneal_learning_rate ? std::max(0.0, 1.0 - progress) : 1.0));
    std::vector<int> order(batch);
    std::iota(order.begin(), order.end(), 0);
    const int m = o.minibatch;
    mb_obs.resize(obs_dim, m);
    mb_act.resize(act_buf.rows(), m);
    d_value.resize(1, m);
    mb_log_prob.resize(m);
    mb_old_log_prob.resize(m);
    d_log_prob.resize(m);
    d_mu.resize(k, m);
    d_ls.resize(k, m);
    for (int epoch = 0; epoch < o.epochs; ++epoch) {
      std::shuffle(order.begin(), order.end(), rng);
      for (int begin = 0; begin + m <= batch; begin += m) {
        std::vector<double> adv(m);
        for (int s = 0; s < m; ++s) {
          mb_obs.col(s) = obs_buf.col(order[begin + s]);
          mb_act.col(s) = act_buf.col(order[begin + s]);
          adv[s] = adv_buf[order[begin + s]];
          mb_old_log_prob[s] = logp_buf[order[begin + s]];
        }
        if (o.normalize_advantages && m > 1) {
          const double mean = std::accumulate(adv.begin(), adv.end(), 0.0) / m;
          double var = 0.0;
          for (double a : adv) var += (a - mean) * (a - mean);
          const double sd = std::sqrt(var / (m - 1)) + 1e-8;
          for (double& a : adv) a = (a - mean) / sd;
        }
        actor_step(adv, lr);
        critic_step(order, begin, lr);
        if (o.model_batch > 0) model_step(lr);
      }
    }
  }

  Policy run(const CurveCallback& on_progress) {
    while (steps_done < total_steps) {
      collect_rollout();
      compute_advantages();
      optimise();
      const auto finished = venv->take_finished_returns();
      if (on_progress && !finished.empty()) {
        const double mean = std::accumulate(finished.begin(), finished.end(), 0.0) / finished.size();
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        on_progress({static_cast<double>(steps_done), wall, mean, &policy});
      }
    }
    policy.env_steps = static_cast<double>(steps_done);
    policy.critic_kind = "state_value";
    policy.critics = {critic};
    policy.critic_scale = o.normalize_rewards ? std::sqrt(return_stats.variance[0] + 1e-8) : 1.0;
    policy.hyperparameters["model_queries"] = model_queries;
    return policy;
  }
};

}  // namespace

Policy train_ppo(const Environment& prototype, const PpoOptions& o, long total_steps, std::uint64_t seed,
                 const CurveCallback& on_progress) {
  o.validate();
  HJB_CHECK(total_steps > 0, UsageError, "--steps must be positive, got " << total_steps);
  PpoTraining training(prototype, o, total_steps, seed);
  return training.run(on_progress);
}

}  // namespace hjb::rl
