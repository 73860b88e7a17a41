// Small multilayer perceptrons on Eigen (float32) with hand-written backpropagation, Adam and
// gradient clipping. Samples are columns: an input batch is (inputs x batch).
#pragma once
#include <Eigen/Dense>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace hjb::rl {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;
using Vector = Eigen::Matrix<float, Eigen::Dynamic, 1>;

enum class Activation { tanh, relu };
Activation parse_activation(const std::string& name);  ///< "tanh" or "relu"; throws UsageError
std::string to_string(Activation a);

/// A flat view of one parameter block and its gradient (for the optimiser).
struct ParameterView {
  float* value;
  const float* gradient;
  Eigen::Index size;
};

/// Gradients with the shapes of an Mlp's parameters.
struct MlpGradients {
  std::vector<Matrix> weights;
  std::vector<Vector> biases;
  double squared_norm() const;
  void scale(float factor);
};

/// Activations kept by forward() for backward().
struct MlpWorkspace {
  std::vector<Matrix> activations;  ///< activations[0] = input, activations[L] = output
};

/// y = W_L h_{L-1} + b_L, h_k = act(W_k h_{k-1} + b_k): hidden layers use `hidden`, the output
/// layer is linear.
class Mlp {
 public:
  Mlp() = default;
  Mlp(const std::vector<int>& sizes, Activation hidden);

  /// Orthogonal initialisation (Saxe et al. 2014) with the given gains, zero biases.
  void init_orthogonal(std::mt19937_64& rng, float hidden_gain, float output_gain);
  /// PyTorch's default: weights and biases uniform in +-1/sqrt(fan_in).
  void init_scaled_uniform(std::mt19937_64& rng);

  /// Forward pass of a batch; the result is ws.activations.back().
  const Matrix& forward(const Matrix& input, MlpWorkspace& ws) const;
  /// Backward pass: given dL/d(output) for the batch of the last forward(), sets `grads` and, if
  /// requested, dL/d(input).
  void backward(const MlpWorkspace& ws, const Matrix& output_gradient, MlpGradients& grads,
                Matrix* input_gradient = nullptr) const;
  /// Single-sample forward without allocation beyond two small vectors.
  Vector predict(const Vector& input) const;

  MlpGradients zero_gradients() const;
  std::vector<ParameterView> parameters(const MlpGradients& grads);
  /// Polyak averaging: this = (1 - tau) this + tau other.
  void soft_update(const Mlp& other, float tau);

  int input_size() const { return m_sizes.front(); }
  int output_size() const { return m_sizes.back(); }
  const std::vector<int>& sizes() const { return m_sizes; }
  Activation hidden_activation() const { return m_hidden; }
  std::vector<Matrix>& weights() { return m_weights; }
  std::vector<Vector>& biases() { return m_biases; }
  const std::vector<Matrix>& weights() const { return m_weights; }
  const std::vector<Vector>& biases() const { return m_biases; }

 private:
  std::vector<int> m_sizes;
  Activation m_hidden = Activation::tanh;
  std::vector<Matrix> m_weights;
  std::vector<Vector> m_biases;
};

/// Adam (Kingma & Ba 2015) over any set of parameter views, with bias correction.
class Adam {
 public:
  explicit Adam(float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f)
      : m_beta1(beta1), m_beta2(beta2), m_epsilon(epsilon) {}
  void step(const std::vector<ParameterView>& params, float learning_rate);

 private:
  float m_beta1, m_beta2, m_epsilon;
  long m_steps = 0;
  std::vector<Vector> m_first, m_second;
};

/// Scales the gradients so their global L2 norm is at most max_norm; returns the norm before.
double clip_gradient_norm(const std::vector<ParameterView>& params, double max_norm);

}  // namespace hjb::rl
