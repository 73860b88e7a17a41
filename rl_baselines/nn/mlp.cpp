// MLP forward/backward, initialisation, Adam and gradient clipping.
#include "rl_baselines/nn/mlp.hpp"

#include <cmath>

#include "core/error.hpp"
#include "rl_baselines/nn/dense_kernels.hpp"

namespace hjb::rl {

Activation parse_activation(const std::string& name) {
  if (name == "tanh") return Activation::tanh;
  if (name == "relu") return Activation::relu;
  throw UsageError("unknown activation '" + name + "' (choose tanh or relu)");
}
std::string to_string(Activation a) { return a == Activation::tanh ? "tanh" : "relu"; }

double MlpGradients::squared_norm() const {
  double s = 0.0;
  for (const auto& w : weights) s += w.squaredNorm();
  for (const auto& b : biases) s += b.squaredNorm();
  return s;
}
void MlpGradients::scale(float factor) {
  for (auto& w : weights) w *= factor;
  for (auto& b : biases) b *= factor;
}

Mlp::Mlp(const std::vector<int>& sizes, Activation hidden) : m_sizes(sizes), m_hidden(hidden) {
  HJB_CHECK(sizes.size() >= 2, UsageError, "an MLP needs at least an input and an output size");
  for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
    HJB_CHECK(sizes[l] > 0 && sizes[l + 1] > 0, UsageError, "MLP layer sizes must be positive");
    m_weights.push_back(Matrix::Zero(sizes[l + 1], sizes[l]));
    m_biases.push_back(Vector::Zero(sizes[l + 1]));
  }
}

void Mlp::init_orthogonal(std::mt19937_64& rng, float hidden_gain, float output_gain) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (std::size_t l = 0; l < m_weights.size(); ++l) {
    Matrix& w = m_weights[l];
    const Eigen::Index rows = w.rows(), cols = w.cols();
    const bool tall = rows >= cols;
    Matrix g(tall ? rows : cols, tall ? cols : rows);
    for (Eigen::Index i = 0; i < g.size(); ++i) g.data()[i] = normal(rng);
    Eigen::HouseholderQR<Matrix> qr(g);
    Matrix q = qr.householderQ() * Matrix::Identity(g.rows(), g.cols());
    // Sign correction makes the distribution uniform (Mezzadri 2007).
    const Matrix r = qr.matrixQR();
    for (Eigen::Index j = 0; j < q.cols(); ++j)
      if (r(j, j) < 0) q.col(j) *= -1.0f;
    const float gain = (l + 1 == m_weights.size()) ? output_gain : hidden_gain;
    w = gain * (tall ? q : Matrix(q.transpose()));
    m_biases[l].setZero();
  }
}

void Mlp::init_scaled_uniform(std::mt19937_64& rng) {
  for (std::size_t l = 0; l < m_weights.size(); ++l) {
    const float bound = 1.0f / std::sqrt(static_cast<float>(m_weights[l].cols()));
    std::uniform_real_distribution<float> u(-bound, bound);
    for (Eigen::Index i = 0; i < m_weights[l].size(); ++i) m_weights[l].data()[i] = u(rng);
    for (Eigen::Index i = 0; i < m_biases[l].size(); ++i) m_biases[l][i] = u(rng);
  }
}

const Matrix& Mlp::forward(const Matrix& input, MlpWorkspace& ws) const {
  const std::size_t layers = m_weights.size();
  ws.activations.resize(layers + 1);
  ws.activations[0] = input;
  for (std::size_t l = 0; l < layers; ++l) {
    Matrix& out = ws.activations[l + 1];
    const Matrix& in = ws.activations[l];
    out.resize(m_weights[l].rows(), in.cols());
    kernels::dense_kernels().multiply(m_weights[l].data(), in.data(), out.data(), m_weights[l].rows(),
                                      m_weights[l].cols(), in.cols());
    const int activation = l + 1 < layers ? (m_hidden == Activation::tanh ? 1 : 2) : 0;
    kernels::dense_kernels().add_bias_activate(out.data(), m_biases[l].data(), out.rows(), out.cols(),
                                               activation);
  }
  return ws.activations.back();
}

void Mlp::backward(const MlpWorkspace& ws, const Matrix& output_gradient, MlpGradients& grads,
                   Matrix* input_gradient) const {
  const std::size_t layers = m_weights.size();
  grads.weights.resize(layers);
  grads.biases.resize(layers);
  Matrix delta = output_gradient;
  for (std::size_t l = layers; l-- > 0;) {
    const Matrix& in = ws.activations[l];
    grads.weights[l].resize(delta.rows(), in.rows());
    kernels::dense_kernels().multiply_transposed(delta.data(), in.data(), grads.weights[l].data(),
                                                 delta.rows(), delta.cols(), in.rows());
    grads.biases[l] = delta.rowwise().sum();
    if (l == 0 && !input_gradient) break;
    const Matrix weights_transposed = m_weights[l].transpose();
    Matrix back(weights_transposed.rows(), delta.cols());
    kernels::dense_kernels().multiply(weights_transposed.data(), delta.data(), back.data(),
                                      weights_transposed.rows(), weights_transposed.cols(), delta.cols());
    if (l == 0) {
      *input_gradient = std::move(back);
      break;
    }
    const Matrix& h = ws.activations[l];  // output of hidden layer l-1 (post-activation)
    kernels::dense_kernels().activation_backward(back.data(), h.data(), back.size(),
                                                 m_hidden == Activation::tanh ? 1 : 2);
    delta = std::move(back);
  }
}

Vector Mlp::predict(const Vector& input) const {
  Vector h = input;
  for (std::size_t l = 0; l < m_weights.size(); ++l) {
    Vector z = m_weights[l] * h + m_biases[l];
    if (l + 1 < m_weights.size()) {
      if (m_hidden == Activation::tanh)
        z = z.array().tanh();
      else
        z = z.array().max(0.0f);
    }
    h = std::move(z);
  }
  return h;
}

MlpGradients Mlp::zero_gradients() const {
  MlpGradients g;
  for (std::size_t l = 0; l < m_weights.size(); ++l) {
    g.weights.push_back(Matrix::Zero(m_weights[l].rows(), m_weights[l].cols()));
    g.biases.push_back(Vector::Zero(m_biases[l].size()));
  }
  return g;
}

std::vector<ParameterView> Mlp::parameters(const MlpGradients& grads) {
  std::vector<ParameterView> p;
  for (std::size_t l = 0; l < m_weights.size(); ++l) {
    p.push_back({m_weights[l].data(), grads.weights[l].data(), m_weights[l].size()});
    p.push_back({m_biases[l].data(), grads.biases[l].data(), m_biases[l].size()});
  }
  return p;
}

void Mlp::soft_update(const Mlp& other, float tau) {
  for (std::size_t l = 0; l < m_weights.size(); ++l) {
    m_weights[l] = (1.0f - tau) * m_weights[l] + tau * other.m_weights[l];
    m_biases[l] = (1.0f - tau) * m_biases[l] + tau * other.m_biases[l];
  }
}

void Adam::step(const std::vector<ParameterView>& params, float learning_rate) {
  if (m_first.empty())
    for (const auto& p : params) {
      m_first.push_back(Vector::Zero(p.size));
      m_second.push_back(Vector::Zero(p.size));
    }
  ++m_steps;
  const float c1 = 1.0f - std::pow(m_beta1, static_cast<float>(m_steps));
  const float c2 = 1.0f - std::pow(m_beta2, static_cast<float>(m_steps));
  const float step = learning_rate * std::sqrt(c2) / c1;
  for (std::size_t k = 0; k < params.size(); ++k) {
    kernels::dense_kernels().adam_update(params[k].value, params[k].gradient, m_first[k].data(),
                                         m_second[k].data(), params[k].size, m_beta1, m_beta2, step,
                                         m_epsilon * std::sqrt(c2));
  }
}

double clip_gradient_norm(const std::vector<ParameterView>& params, double max_norm) {
  double s = 0.0;
  for (const auto& p : params) s += Eigen::Map<const Vector>(p.gradient, p.size).squaredNorm();
  const double norm = std::sqrt(s);
  if (norm > max_norm && norm > 0.0) {
    const float factor = static_cast<float>(max_norm / norm);
    for (const auto& p : params) Eigen::Map<Vector>(const_cast<float*>(p.gradient), p.size) *= factor;
  }
  return norm;
}

}  // namespace hjb::rl
