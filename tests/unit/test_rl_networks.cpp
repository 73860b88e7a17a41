// MLP gradients against central finite differences (in double, from float parameters), Adam,
// orthogonal initialisation, policy files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "rl_baselines/io/policy_file.hpp"
#include "rl_baselines/nn/mlp.hpp"

using namespace hjb;
using namespace hjb::rl;

namespace {

/// Loss = sum(output .* weights_out) so dL/doutput = weights_out. `pattern` receives the signs of
/// the hidden activations: a finite difference is only meaningful for ReLU when it is unchanged.
double loss_of(const Mlp& net, const Matrix& x, const Matrix& w_out, std::vector<bool>* pattern = nullptr) {
  MlpWorkspace ws;
  const Matrix& y = net.forward(x, ws);
  if (pattern) {
    pattern->clear();
    for (std::size_t l = 1; l + 1 < ws.activations.size(); ++l)
      for (Eigen::Index i = 0; i < ws.activations[l].size(); ++i)
        pattern->push_back(ws.activations[l].data()[i] > 0);
  }
  return static_cast<double>((y.array() * w_out.array()).sum());
}

void check_gradients(Activation act) {
  std::mt19937_64 rng(11);
  Mlp net({3, 7, 5, 2}, act);
  net.init_scaled_uniform(rng);
  Matrix x = Matrix::Random(3, 4), w_out = Matrix::Random(2, 4);
  MlpWorkspace ws;
  net.forward(x, ws);
  MlpGradients g;
  Matrix dx;
  net.backward(ws, w_out, g, &dx);
  const float h = 1e-2f;
  std::vector<bool> base, up_pattern, down_pattern;
  loss_of(net, x, w_out, &base);
  double worst = 0.0;
  int checked = 0, total = 0;
  // Central difference of the loss in one float parameter, skipped when it crosses a ReLU kink.
  auto check = [&](float& p, double analytic) {
    ++total;
    const float saved = p;
    p = saved + h;
    const double up = loss_of(net, x, w_out, &up_pattern);
    p = saved - h;
    const double down = loss_of(net, x, w_out, &down_pattern);
    p = saved;
    if (up_pattern != base || down_pattern != base) return;
    ++checked;
    const double fd = (up - down) / (2 * h);
    worst = std::max(worst, std::abs(fd - analytic) / (1e-2 + std::abs(fd)));
  };
  for (std::size_t l = 0; l < net.weights().size(); ++l) {
    for (Eigen::Index i = 0; i < net.weights()[l].size(); ++i)
      check(net.weights()[l].data()[i], g.weights[l].data()[i]);
    for (Eigen::Index i = 0; i < net.biases()[l].size(); ++i)
      check(net.biases()[l].data()[i], g.biases[l].data()[i]);
  }
  for (Eigen::Index i = 0; i < x.size(); ++i) check(x.data()[i], dx.data()[i]);
  EXPECT_LT(worst, 2e-2) << "activation " << to_string(act);
  EXPECT_GT(checked, total * 3 / 4) << "too few parameters away from ReLU kinks";
}

}  // namespace

TEST(Mlp, BackpropagationMatchesFiniteDifferencesTanh) { check_gradients(Activation::tanh); }
TEST(Mlp, BackpropagationMatchesFiniteDifferencesRelu) { check_gradients(Activation::relu); }

TEST(Mlp, BatchForwardEqualsSingleSamplePredict) {
  std::mt19937_64 rng(3);
  Mlp net({4, 16, 16, 3}, Activation::tanh);
  net.init_orthogonal(rng, 1.4f, 0.5f);
  Matrix x = Matrix::Random(4, 5);
  MlpWorkspace ws;
  const Matrix y = net.forward(x, ws);
  for (int c = 0; c < 5; ++c) EXPECT_LT((net.predict(x.col(c)) - y.col(c)).norm(), 1e-5);
}

TEST(Mlp, OrthogonalInitialisationHasOrthonormalRowsOrColumnsTimesGain) {
  std::mt19937_64 rng(5);
  Mlp net({8, 32, 4}, Activation::tanh);
  net.init_orthogonal(rng, 2.0f, 0.5f);
  const Matrix& w0 = net.weights()[0];  // 32 x 8: orthonormal columns times 2
  EXPECT_LT((w0.transpose() * w0 - 4.0f * Matrix::Identity(8, 8)).norm(), 1e-4);
  const Matrix& w1 = net.weights()[1];  // 4 x 32: orthonormal rows times 0.5
  EXPECT_LT((w1 * w1.transpose() - 0.25f * Matrix::Identity(4, 4)).norm(), 1e-4);
}

TEST(Adam, FirstStepMovesEachParameterByTheLearningRateAgainstItsGradient) {
  Vector p(3), g(3);
  p << 1.0f, 2.0f, 3.0f;
  g << 0.5f, -4.0f, 0.0f;
  Adam adam;
  adam.step({{p.data(), g.data(), 3}}, 0.1f);
  EXPECT_NEAR(p[0], 0.9f, 1e-5);
  EXPECT_NEAR(p[1], 2.1f, 1e-5);
  EXPECT_NEAR(p[2], 3.0f, 1e-5);
}

TEST(Adam, MinimisesAQuadratic) {
  Vector p = Vector::Constant(4, 5.0f), g(4);
  Adam adam;
  for (int k = 0; k < 2000; ++k) {
    g = 2.0f * (p.array() - 1.0f).matrix();
    adam.step({{p.data(), g.data(), 4}}, 0.05f);
  }
  EXPECT_LT((p.array() - 1.0f).abs().maxCoeff(), 1e-2);
}

TEST(GradientClipping, ScalesToTheMaximumNorm) {
  Vector a(2), b(1);
  a << 3.0f, 0.0f;
  b << 4.0f;
  Vector pa = a, pb = b;
  const double norm = clip_gradient_norm({{pa.data(), a.data(), 2}, {pb.data(), b.data(), 1}}, 1.0);
  EXPECT_NEAR(norm, 5.0, 1e-6);
  EXPECT_NEAR(std::sqrt(a.squaredNorm() + b.squaredNorm()), 1.0, 1e-6);
}

TEST(PolicyFile, RoundTripReproducesActionsAndCriticsAndCorruptFilesAreRejected) {
  std::mt19937_64 rng(9);
  Policy p;
  p.algorithm = "ppo";
  p.problem = "pendulum";
  p.actor = Mlp({3, 8, 1}, Activation::tanh);
  p.actor.init_orthogonal(rng, 1.0f, 1.0f);
  p.log_std = Vector::Constant(1, -0.3f);
  p.normalize_observations = true;
  p.observation_normalizer.resize(3);
  p.observation_normalizer.mean << 0.1, -0.2, 0.5;
  p.observation_normalizer.variance << 0.5, 0.6, 4.0;
  p.action_low = {-2.0};
  p.action_high = {2.0};
  p.hyperparameters = {{"gamma", 0.97}};
  p.seed = 42;
  const std::string path = testing::TempDir() + "/hjb_policy_" + std::to_string(getpid()) + ".h5";
  save_policy(path, p);
  const Policy q = load_policy(path);
  EXPECT_EQ(q.problem, "pendulum");
  EXPECT_EQ(q.seed, 42u);
  EXPECT_EQ(q.hyperparameters.at("gamma"), 0.97);
  const double obs[3] = {0.3, 0.9, -1.5};
  double a1, a2;
  p.act(obs, &a1);
  q.act(obs, &a2);
  EXPECT_EQ(a1, a2);
  EXPECT_TRUE(q.critics.empty());  // none stored: none loaded
  // With the critics kept (PPO's V; SAC's twin Q of [observation, action]): the same predictions.
  for (const char* kind : {"state_value", "action_value"}) {
    Policy c = p;
    c.critic_kind = kind;
    c.critic_scale = 73.25;  // PPO's return scale under reward normalisation
    const int inputs = std::string(kind) == "state_value" ? 3 : 4;
    for (int k = 0; k < (inputs == 3 ? 1 : 2); ++k) {
      c.critics.emplace_back(std::vector<int>{inputs, 6, 5, 1}, k ? Activation::relu : Activation::tanh);
      c.critics.back().init_orthogonal(rng, 1.0f, 1.0f);
    }
    save_policy(path, c);
    const Policy d = load_policy(path);
    EXPECT_EQ(d.critic_kind, kind);
    EXPECT_EQ(d.critic_scale, c.critic_scale);
    ASSERT_EQ(d.critics.size(), c.critics.size());
    Vector x = Vector::LinSpaced(inputs, -0.7f, 0.9f);
    for (std::size_t k = 0; k < c.critics.size(); ++k) {
      EXPECT_EQ(d.critics[k].hidden_activation(), c.critics[k].hidden_activation());
      EXPECT_EQ(d.critics[k].predict(x)[0], c.critics[k].predict(x)[0]) << kind << " " << k;
    }
  }
  std::ofstream(path, std::ios::trunc) << "garbage";
  EXPECT_THROW(load_policy(path), ValidationError);
  std::filesystem::remove(path);
  EXPECT_THROW(load_policy(path), ValidationError);
}

#include "rl_baselines/nn/dense_kernels.hpp"

namespace {
/// Every kernel variant this CPU can run against a plain double-precision reference.
void check_kernels(const hjb::rl::kernels::DenseKernels& k) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (const auto [m, kk, n] : {std::array<long, 3>{64, 3, 256}, std::array<long, 3>{1, 64, 256},
                                std::array<long, 3>{64, 64, 1}, std::array<long, 3>{17, 5, 9}}) {
    std::vector<float> a(m * kk), b(kk * n), bt(n * kk), c(m * n), ct(m * n), bias(m);
    for (auto& x : a) x = u(rng);
    for (auto& x : b) x = u(rng);
    for (auto& x : bias) x = u(rng);
    for (long i = 0; i < kk; ++i)
      for (long j = 0; j < n; ++j) bt[j + i * n] = b[i + j * kk];  // B^T stored n x k
    k.multiply(a.data(), b.data(), c.data(), m, kk, n);
    k.multiply_transposed(a.data(), bt.data(), ct.data(), m, kk, n);
    double worst = 0.0;
    for (long i = 0; i < m; ++i)
      for (long j = 0; j < n; ++j) {
        double exact = 0.0;
        for (long p = 0; p < kk; ++p) exact += double(a[i + p * m]) * double(b[p + j * kk]);
        worst = std::max({worst, std::abs(c[i + j * m] - exact), std::abs(ct[i + j * m] - exact)});
      }
    EXPECT_LT(worst, 1e-4) << k.name << " " << m << "x" << kk << "x" << n;
    std::vector<float> z = c;
    k.add_bias_activate(z.data(), bias.data(), m, n, 1);
    double worst_tanh = 0.0;
    for (long i = 0; i < m; ++i)
      for (long j = 0; j < n; ++j)
        worst_tanh = std::max(worst_tanh, std::abs(z[i + j * m] - std::tanh(double(c[i + j * m]) + bias[i])));
    EXPECT_LT(worst_tanh, 1e-5) << k.name;
  }
}
}  // namespace

TEST(DenseKernels, EveryVariantThisCpuRunsMatchesTheReference) {
  check_kernels(hjb::rl::kernels::portable_kernels());
  if (const auto* k = hjb::rl::kernels::avx2_kernels()) check_kernels(*k);
  if (const auto* k = hjb::rl::kernels::avx512_kernels()) check_kernels(*k);
  std::printf("kernels chosen on this CPU: %s\n", hjb::rl::kernels::dense_kernels().name);
}
