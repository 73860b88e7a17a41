// Agent pieces against hand computations and finite differences; determinism of training.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "rl_baselines/agents/evaluate.hpp"
#include "rl_baselines/agents/ppo.hpp"
#include "rl_baselines/agents/sac.hpp"

using namespace hjb;
using namespace hjb::rl;

TEST(Gae, MatchesAHandComputedExample) {
  // gamma = 0.5, lambda = 0.5; episode ends after step 1.
  const std::vector<double> r{1.0, 2.0, 3.0}, v{0.5, 1.0, 2.0}, nv{1.0, 9.0, 4.0};
  const std::vector<bool> done{false, true, false};
  const auto a = generalized_advantages(r, v, nv, done, 0.5, 0.5);
  // delta_2 = 3 + 0.5*4 - 2 = 3;           A_2 = 3
  // delta_1 = 2 + 0 - 1 = 1 (done);        A_1 = 1
  // delta_0 = 1 + 0.5*1 - 0.5 = 1;         A_0 = 1 + 0.25 * A_1 = 1.25
  EXPECT_DOUBLE_EQ(a[2], 3.0);
  EXPECT_DOUBLE_EQ(a[1], 1.0);
  EXPECT_DOUBLE_EQ(a[0], 1.25);
}

TEST(PpoLoss, ClippedSurrogateValueAndGradient) {
  const double eps = 0.2;
  // ratio 1.5 with A > 0 is clipped (no gradient); ratio 0.5 with A > 0 is not; ratio 1.5 with
  // A < 0 is not clipped (pessimistic branch); ratio 0.5 with A < 0 is clipped.
  const std::vector<double> old{0.0, 0.0, 0.0, 0.0}, adv{2.0, 2.0, -1.0, -1.0};
  const std::vector<double> logp{std::log(1.5), std::log(0.5), std::log(1.5), std::log(0.5)};
  std::vector<double> grad;
  const double loss = clipped_surrogate(logp, old, adv, eps, &grad);
  EXPECT_NEAR(loss, -(1.2 * 2 + 0.5 * 2 + 1.5 * -1 + 0.8 * -1) / 4, 1e-12);
  EXPECT_EQ(grad[0], 0.0);
  EXPECT_NEAR(grad[1], -2.0 * 0.5 / 4, 1e-12);
  EXPECT_NEAR(grad[2], 1.0 * 1.5 / 4, 1e-12);
  EXPECT_EQ(grad[3], 0.0);
  // Finite differences at unclipped points.
  for (int i : {1, 2}) {
    auto up = logp, down = logp;
    up[i] += 1e-6;
    down[i] -= 1e-6;
    const double fd =
        (clipped_surrogate(up, old, adv, eps, nullptr) - clipped_surrogate(down, old, adv, eps, nullptr)) /
        2e-6;
    EXPECT_NEAR(fd, grad[i], 1e-6);
  }
}

TEST(Gaussian, NormalisingConstantIsHalfLogTwoPi) {
  EXPECT_DOUBLE_EQ(half_log_two_pi, 0.5 * std::log(2.0 * M_PI));
}

TEST(PpoLoss, GaussianLogProbGradientsMatchFiniteDifferences) {
  double d_mu, d_ls;
  const double a = 0.7, mu = -0.2, ls = -0.4;
  gaussian_log_prob(a, mu, ls, &d_mu, &d_ls);
  const double h = 1e-6;
  EXPECT_NEAR((gaussian_log_prob(a, mu + h, ls) - gaussian_log_prob(a, mu - h, ls)) / (2 * h), d_mu, 1e-6);
  EXPECT_NEAR((gaussian_log_prob(a, mu, ls + h) - gaussian_log_prob(a, mu, ls - h)) / (2 * h), d_ls, 1e-6);
  // And it is a normalised density: integrate exp over a.
  double integral = 0.0;
  for (int i = -20000; i <= 20000; ++i) integral += std::exp(gaussian_log_prob(i * 1e-3, mu, ls)) * 1e-3;
  EXPECT_NEAR(integral, 1.0, 1e-6);
}

TEST(Sac, SoftBellmanTargetByHand) {
  // r + gamma (min(Q1', Q2') - alpha log pi) = 1 + 0.9 (2 - 0.1 * (-1.5)) = 2.935
  EXPECT_NEAR(soft_bellman_target(1.0, false, 0.9, 2.0, 3.0, 0.1, -1.5), 2.935, 1e-12);
  EXPECT_EQ(soft_bellman_target(1.0, true, 0.9, 2.0, 3.0, 0.1, -1.5), 1.0);
}

TEST(Sac, SquashedLogProbIsTheDensityOfTanhOfAGaussian) {
  // Change of variables: the density of a = tanh(u) integrates to 1 over (-1, 1).
  const double mu = 0.3, ls = -0.2, sigma = std::exp(ls);
  double integral = 0.0;
  const int n = 200000;
  for (int i = 1; i < n; ++i) {
    const double a = -1.0 + 2.0 * i / n, u = std::atanh(a), eps = (u - mu) / sigma;
    integral += std::exp(squashed_log_prob(u, eps, ls)) * (2.0 / n);
  }
  EXPECT_NEAR(integral, 1.0, 2e-3);
}

TEST(Training, SameSeedGivesTheSameCurveAndPolicy) {
  auto env = make_environment("pendulum");
  PpoOptions ppo;
  ppo.rollout_steps = 256;
  auto run_ppo = [&](std::uint64_t seed) {
    std::vector<double> curve;
    const Policy p =
        train_ppo(*env, ppo, 4096, seed, [&](const CurvePoint& c) { curve.push_back(c.mean_return); });
    curve.push_back(p.actor.weights()[0](0, 0));
    return curve;
  };
  EXPECT_EQ(run_ppo(3), run_ppo(3));
  EXPECT_NE(run_ppo(3), run_ppo(4));
  SacOptions sac;
  sac.learning_starts = 200;
  auto run_sac = [&](std::uint64_t seed) {
    std::vector<double> curve;
    const Policy p =
        train_sac(*env, sac, 600, seed, [&](const CurvePoint& c) { curve.push_back(c.mean_return); });
    curve.push_back(p.actor.weights()[0](0, 0));
    return curve;
  };
  EXPECT_EQ(run_sac(5), run_sac(5));
  EXPECT_NE(run_sac(5), run_sac(6));
}

TEST(Training, CorrelatedNoiseAndTheModelResidualAreDeterministicAndCounted) {
  // The exploration options and the HJB-informed critic keep training reproducible per seed, change
  // it (they are not no-ops), and count model queries apart from environment steps.
  auto env = make_environment("pendulum");
  SacOptions sac;
  sac.learning_starts = 200;
  auto run = [&](double correlation, int model_batch) {
    SacOptions o = sac;
    o.noise_correlation = correlation;
    o.model_batch = model_batch;
    const Policy p = train_sac(*env, o, 500, 7);
    return std::pair{p.actor.weights()[0](0, 0), p.hyperparameters.at("model_queries")};
  };
  EXPECT_EQ(run(0.99, 16), run(0.99, 16));
  EXPECT_NE(run(0.99, 0).first, run(0.0, 0).first);
  EXPECT_NE(run(0.0, 16).first, run(0.0, 0).first);
  EXPECT_EQ(run(0.0, 16).second, (500 - 200) * 16.0);  // one synthetic batch per update
  EXPECT_EQ(run(0.0, 0).second, 0.0);
  PpoOptions ppo;
  ppo.rollout_steps = 256;
  ppo.noise_correlation = 0.95;
  auto run_ppo = [&](double c) {
    PpoOptions o = ppo;
    o.noise_correlation = c;
    return train_ppo(*env, o, 2048, 3).actor.weights()[0](0, 0);
  };
  EXPECT_EQ(run_ppo(0.95), run_ppo(0.95));
  EXPECT_NE(run_ppo(0.95), run_ppo(0.0));
  PpoOptions residual = ppo;
  residual.model_batch = 8;
  const Policy pr = train_ppo(*env, residual, 2048, 3);
  // 2 rollouts x 10 epochs x 4 minibatches of 256 from 4 x 256 samples, 8 model queries each.
  EXPECT_EQ(pr.hyperparameters.at("model_queries"), 2 * 10 * 4 * 8.0);
  EXPECT_NE(pr.actor.weights()[0](0, 0), run_ppo(0.95));
  sac.noise_correlation = 1.0;
  EXPECT_THROW(train_sac(*env, sac, 300, 1), UsageError);
  sac.noise_correlation = 0.0;
  sac.model_batch = -1;
  EXPECT_THROW(train_sac(*env, sac, 300, 1), UsageError);
}

TEST(Training, BadOptionsAreUsageErrors) {
  auto env = make_environment("pendulum");
  PpoOptions ppo;
  ppo.minibatch = 0;
  EXPECT_THROW(train_ppo(*env, ppo, 100, 1), UsageError);
  EXPECT_THROW(train_sac(*env, SacOptions{}, 0, 1), UsageError);
}

TEST(Evaluation, RefusesAPolicyOfAnotherProblem) {
  auto pendulum = make_environment("pendulum");
  auto car = make_environment("mountain_car");
  PpoOptions ppo;
  ppo.rollout_steps = 64;
  ppo.minibatch = 64;
  const Policy p = train_ppo(*car, ppo, 256, 1);
  EXPECT_THROW(evaluate_policy(p, *pendulum, 1, 0), ValidationError);
  EXPECT_NO_THROW(evaluate_policy(p, *car, 1, 0));
}
