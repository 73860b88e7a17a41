// Dense float kernels of the MLPs (products, bias and activation), compiled for three instruction
// sets and chosen at run time: a portable binary that is fast on CPUs with AVX2/AVX-512 and runs
// everywhere else.
#pragma once

namespace hjb::rl::kernels {

/// On column-major arrays:
///   multiply:            C (m x n) = A (m x k) * B (k x n)
///   multiply_transposed: C (m x n) = A (m x k) * B^T, with B (n x k)
///   add_bias_activate:   Z (m x n) += bias (per column); then tanh (activation 1), max(0, .) (2)
///                        or nothing (0)
/// and the elementwise steps of backpropagation and Adam.
struct DenseKernels {
  void (*multiply)(const float* a, const float* b, float* c, long m, long k, long n);
  void (*multiply_transposed)(const float* a, const float* b, float* c, long m, long k, long n);
  void (*add_bias_activate)(float* z, const float* bias, long m, long n, int activation);
  /// gradient *= activation'(.) given the activated values (tanh: 1 - h^2; relu: h > 0).
  void (*activation_backward)(float* gradient, const float* activated, long size, int activation);
  /// Adam: m = b1 m + (1 - b1) g; s = b2 s + (1 - b2) g^2; value -= step m / (sqrt(s) + epsilon).
  void (*adam_update)(float* value, const float* gradient, float* first, float* second, long size,
                      float beta1, float beta2, float step, float epsilon);
  const char* name;  ///< "avx512", "avx2+fma" or "portable"
};

/// The kernels for this CPU: AVX-512, else AVX2 + FMA, else portable (SSE2). The environment
/// variable HJB_RL_KERNELS=portable|avx2|avx512 caps the choice (tests, reproducibility across
/// node types). Chosen once per process. Results are identical for a seed with the same kernels.
const DenseKernels& dense_kernels();

/// Each variant, for tests; nullptr when this CPU lacks the instructions (or the build lacks them).
const DenseKernels& portable_kernels();
const DenseKernels* avx2_kernels();
const DenseKernels* avx512_kernels();

}  // namespace hjb::rl::kernels
