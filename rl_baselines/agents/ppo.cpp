// PPO training loop with hand-written gradients of the clipped objective (see ppo.hpp).
#include "rl_baselines/agents/ppo.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>
#include <numeric>

#include "core/error.hpp"
#include "rl_baselines/agents/score.hpp"

namespace hjb::rl {

namespace {
// Sampling works in float (the network's precision); the constant is rounded once, as it always was.
constexpr float half_log_two_pi_float = static_cast<float>(half_log_two_pi);
constexpr float min_log_std = -5.0f, max_log_std = 2.0f;
}  // namespace

void PpoOptions::validate() const {
  HJB_CHECK(warm_start_steps >= 1, UsageError,
            "--ppo.warm_start_steps must be positive, got " << warm_start_steps);
  HJB_CHECK(noise_correlation >= 0 && noise_correlation < 1, UsageError,
            "--ppo.noise_correlation must be in [0, 1), got " << noise_correlation);
  HJB_CHECK(environments >= 1, UsageError, "--ppo.environments must be positive, got " << environments);
  HJB_CHECK(rollout_steps >= 1, UsageError, "--ppo.rollout_steps must be positive, got " << rollout_steps);
  HJB_CHECK(epochs >= 1, UsageError, "--ppo.epochs must be positive, got " << epochs);
  HJB_CHECK(minibatch >= 1 && minibatch <= environments * rollout_steps, UsageError,
            "--ppo.minibatch must be in [1, environments x rollout_steps], got " << minibatch);
  HJB_CHECK(gamma > 0 && gamma <= 1, UsageError, "--ppo.gamma must be in (0, 1], got " << gamma);
  HJB_CHECK(gae_lambda >= 0 && gae_lambda <= 1, UsageError,
            "--ppo.gae_lambda must be in [0, 1], got " << gae_lambda);
  HJB_CHECK(clip_range > 0, UsageError, "--ppo.clip_range must be positive, got " << clip_range);
  HJB_CHECK(learning_rate > 0, UsageError, "--ppo.learning_rate must be positive, got " << learning_rate);
  HJB_CHECK(max_gradient_norm > 0, UsageError, "--ppo.max_gradient_norm must be positive");
  HJB_CHECK(!hidden.empty(), UsageError, "--ppo.hidden needs at least one layer");
}

std::map<std::string, double> PpoOptions::as_map() const {
  std::map<std::string, double> m;
  visit(*this,
        [&](const char* name, const auto& value, const char*) { m[name] = static_cast<double>(value); });
  if (!warm_start_table) m.erase("warm_start_steps");
  m["activation_relu"] = activation == Activation::relu;
  for (std::size_t l = 0; l < hidden.size(); ++l) m["hidden_" + std::to_string(l)] = hidden[l];
  return m;
}

std::vector<double> generalized_advantages(const std::vector<double>& rewards,
                                           const std::vector<double>& values,
                                           const std::vector<double>& next_values,
                                           const std::vector<bool>& dones, double gamma, double lambda) {
  std::vector<double> adv(rewards.size());
  double running = 0.0;
  for (std::size_t t = rewards.size(); t-- > 0;) {
    const double keep = dones[t] ? 0.0 : 1.0;
    const double delta = rewards[t] + gamma * keep * next_values[t] - values[t];
    running = delta + gamma * lambda * keep * running;
    adv[t] = running;
  }
  return adv;
}

double clipped_surrogate(const std::vector<double>& log_prob, const std::vector<double>& old_log_prob,
                         const std::vector<double>& advantages, double clip_range,
                         std::vector<double>* d_log_prob) {
  const double n = static_cast<double>(log_prob.size());
  double loss = 0.0;
  if (d_log_prob) d_log_prob->assign(log_prob.size(), 0.0);
  for (std::size_t i = 0; i < log_prob.size(); ++i) {
    const double ratio = std::exp(log_prob[i] - old_log_prob[i]), a = advantages[i];
    const double unclipped = ratio * a, clipped = std::clamp(ratio, 1.0 - clip_range, 1.0 + clip_range) * a;
    loss -= std::min(unclipped, clipped) / n;
    // The gradient flows only where the unclipped term is the minimum.
    if (d_log_prob && unclipped <= clipped) (*d_log_prob)[i] = -a * ratio / n;
  }
  return loss;
}

Policy train_ppo(const Environment& prototype, const PpoOptions& o, long total_steps, std::uint64_t seed,
                 const CurveCallback& on_progress) {
  o.validate();
  HJB_CHECK(total_steps > 0, UsageError, "--steps must be positive, got " << total_steps);
  const auto start = std::chrono::steady_clock::now();
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const int obs_dim = prototype.observation_dim(), k = prototype.action_dim();
  // A discrete action set (Acrobot): a categorical head with one logit per action.
  const int choices = prototype.discrete_action_count();
  const bool categorical = choices > 0;
  const int envs = o.environments, horizon = o.rollout_steps, batch = envs * horizon;

  Policy policy;
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
  Mlp critic(critic_sizes, o.activation);
  critic.init_orthogonal(rng, std::sqrt(2.0f), 1.0f);

  Adam actor_adam, critic_adam;
  MlpGradients actor_grads = policy.actor.zero_gradients(), critic_grads = critic.zero_gradients();
  Vector log_std_grad = Vector::Zero(k);
  auto actor_params = [&] {
    auto p = policy.actor.parameters(actor_grads);
    if (!o.state_dependent_std && !categorical) p.push_back({policy.log_std.data(), log_std_grad.data(), k});
    return p;
  };

  VectorEnvironment venv(prototype, envs, rng());
  RunningNormalizer return_stats;
  return_stats.resize(1);
  std::vector<double> discounted_return(envs, 0.0);
  double model_queries = 0;
  if (o.warm_start_table) {
    const ValueTable& table = *o.warm_start_table;
    check_table_for(table, prototype);
    auto probe = prototype.clone();
    const int dim = table.dimension(), wb = 256;
    std::vector<double> x(dim), ob(obs_dim);
    auto sample = [&](Eigen::MatrixXd& raw, std::vector<double>& value) {
      for (int s = 0; s < wb; ++s) {
        for (int d = 0; d < dim; ++d)
          x[d] = std::uniform_real_distribution<double>(table.lo(d), table.hi(d))(rng);
        probe->set_state(x);
        probe->observe(ob.data());
        raw.col(s) = Eigen::Map<Eigen::VectorXd>(ob.data(), obs_dim);
        value[s] = -table.value(x);  // the return scale: V = -return
      }
    };
    Eigen::MatrixXd raw(obs_dim, wb);
    std::vector<double> target(wb);
    double scale = 1.0;
    if (o.normalize_observations || o.normalize_rewards) {  // seed the statistics from one batch
      sample(raw, target);
      if (o.normalize_observations) policy.observation_normalizer.update(raw);
      if (o.normalize_rewards) {
        return_stats.update(Eigen::Map<Eigen::MatrixXd>(target.data(), 1, wb));
        scale = std::sqrt(return_stats.variance[0] + 1e-8);
      }
    }
    MlpWorkspace w_ws;
    Matrix w_d(1, wb);
    for (int it = 0; it < o.warm_start_steps; ++it) {
      sample(raw, target);
      const Matrix& v = critic.forward(policy.prepare(raw), w_ws);
      for (int s = 0; s < wb; ++s) w_d(0, s) = static_cast<float>((v(0, s) - target[s] / scale) / wb);
      critic.backward(w_ws, w_d, critic_grads);
      critic_adam.step(critic.parameters(critic_grads), static_cast<float>(o.learning_rate));
    }
    critic_adam = Adam{};  // training starts with fresh moments
    model_queries += static_cast<double>(wb) * o.warm_start_steps;
  }

  // States behind the rollout's observations, for the model-based residual.
  const int state_dim = prototype.state_dim();
  Eigen::MatrixXd state_buf(o.model_batch > 0 ? state_dim : 0, o.model_batch > 0 ? batch : 0);
  auto model = prototype.clone();

  // Rollout storage (column = t * envs + i).
  Matrix obs_buf(obs_dim, batch), act_buf(categorical ? 1 : k, batch);
  std::vector<double> logp_buf(batch), value_buf(batch), reward_buf(batch), adv_buf(batch), ret_buf(batch);
  std::vector<bool> done_buf(batch);
  Eigen::MatrixXd raw_obs(obs_dim, envs);
  std::vector<double> final_obs(obs_dim), env_action(k);
  for (int i = 0; i < envs; ++i) venv.observe(i, raw_obs.col(i).data());
  MlpWorkspace aws, cws;

  // Categorical head: softmax probabilities and log-probabilities of the logits in column `col`.
  Eigen::VectorXd probability(std::max(choices, 1)), log_probability(std::max(choices, 1));
  auto softmax_of = [&](const Matrix& out, Eigen::Index col) {
    const double top = out.col(col).head(choices).cast<double>().maxCoeff();
    double sum = 0.0;
    for (int c = 0; c < choices; ++c) sum += std::exp(static_cast<double>(out(c, col)) - top);
    for (int c = 0; c < choices; ++c) {
      log_probability[c] = static_cast<double>(out(c, col)) - top - std::log(sum);
      probability[c] = std::exp(log_probability[c]);
    }
  };

  // Log standard deviation of sample `col` (the free parameter, or the clamped second head),
  // written into a preallocated vector: this runs once per sample on the training hot path.
  Vector log_std(k);
  auto log_std_of = [&](const Matrix& out, Eigen::Index col) {
    if (o.state_dependent_std)
      log_std = out.col(col).tail(k).cwiseMax(min_log_std).cwiseMin(max_log_std);
    else
      log_std = policy.log_std;
  };

  long steps_done = 0;
  std::vector<double> recent_returns;
  const bool correlated = o.noise_correlation > 0 && !categorical;
  const float corr = static_cast<float>(o.noise_correlation), corr_fresh = std::sqrt(1.0f - corr * corr);
  Eigen::MatrixXf noise;  // (action, environment): the AR(1) exploration noise
  if (correlated) {
    noise.resize(k, envs);
    for (int i = 0; i < envs; ++i)
      for (int j = 0; j < k; ++j) noise(j, i) = normal(rng);
  }
  while (steps_done < total_steps) {
    // ---- collect a rollout ----
    for (int t = 0; t < horizon; ++t) {
      if (o.normalize_observations) policy.observation_normalizer.update(raw_obs);
      const Matrix obs = policy.prepare(raw_obs);
      const Matrix& out = policy.actor.forward(obs, aws);
      const Matrix& values = critic.forward(obs, cws);
      for (int i = 0; i < envs; ++i) {
        const int col = t * envs + i;
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
        obs_buf.col(col) = obs.col(i);
        logp_buf[col] = logp;
        value_buf[col] = values(0, i);
        if (!categorical) {
          const Vector clipped = act_buf.col(col).cwiseMax(-1.0f).cwiseMin(1.0f);
          policy.to_environment(clipped.data(), env_action.data());
        }
        if (o.model_batch > 0) {
          const std::vector<double> x = venv[i].state();
          state_buf.col(col) = Eigen::Map<const Eigen::VectorXd>(x.data(), state_dim);
        }
        const StepResult r = venv.step(i, env_action.data(), final_obs.data());
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
        venv.observe(i, raw_obs.col(i).data());
      }
    }
    steps_done += batch;
    // ---- advantages ----
    const Matrix last_values = critic.forward(policy.prepare(raw_obs), cws);
    for (int i = 0; i < envs; ++i) {
      std::vector<double> r(horizon), v(horizon), nv(horizon);
      std::vector<bool> d(horizon);
      for (int t = 0; t < horizon; ++t) {
        const int col = t * envs + i;
        r[t] = reward_buf[col];
        v[t] = value_buf[col];
        d[t] = done_buf[col];
        nv[t] = (t + 1 < horizon) ? value_buf[col + envs] : last_values(0, i);
      }
      const auto adv = generalized_advantages(r, v, nv, d, o.gamma, o.gae_lambda);
      for (int t = 0; t < horizon; ++t) {
        adv_buf[t * envs + i] = adv[t];
        ret_buf[t * envs + i] = adv[t] + v[t];
      }
    }
    // ---- optimise ----
    const double progress = static_cast<double>(steps_done - batch) / static_cast<double>(total_steps);
    const float lr =
        static_cast<float>(o.learning_rate * (o.anneal_learning_rate ? std::max(0.0, 1.0 - progress) : 1.0));
    std::vector<int> order(batch);
    std::iota(order.begin(), order.end(), 0);
    const int m = o.minibatch;
    Matrix mb_obs(obs_dim, m), mb_act(act_buf.rows(), m), d_out, d_value(1, m);
    // Per-sample log-probabilities of the minibatch and their derivatives (allocated once).
    std::vector<double> mb_log_prob(m), mb_old_log_prob(m), d_log_prob(m);
    Eigen::MatrixXd d_mu(k, m), d_ls(k, m);
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
        // Actor: clipped surrogate and entropy bonus.
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
              d_out(c, s) = static_cast<float>(d_log_prob[s] * ((c == a ? 1.0 : 0.0) - probability[c]) +
                                               o.entropy_coefficient / m * probability[c] *
                                                   (log_probability[c] + entropy));
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
        // Critic: (optionally clipped) squared error to the GAE returns.
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
        if (o.model_batch > 0) {  // the Bellman residual of the known dynamics on rollout states
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
      }
    }
    const auto finished = venv.take_finished_returns();
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

}  // namespace hjb::rl
