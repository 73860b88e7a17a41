// Run-time choice of the dense kernels by CPU features.
#include "rl_baselines/nn/dense_kernels.hpp"

#include <cstdlib>
#include <cstring>

namespace hjb::rl::kernels {

#define HJB_DECLARE_KERNELS(ns)                                                                              \
  namespace ns {                                                                                             \
  void multiply(const float* a, const float* b, float* c, long m, long k, long n);                           \
  void multiply_transposed(const float* a, const float* b, float* c, long m, long k, long n);                \
  void add_bias_activate(float* z, const float* bias, long m, long n, int activation);                       \
  void activation_backward(float* gradient, const float* activated, long size, int activation);              \
  void adam_update(float* value, const float* gradient, float* first, float* second, long size, float beta1, \
                   float beta2, float step, float epsilon);                                                  \
  }
HJB_DECLARE_KERNELS(portable)
HJB_DECLARE_KERNELS(avx2)
HJB_DECLARE_KERNELS(avx512)
#undef HJB_DECLARE_KERNELS

const DenseKernels& portable_kernels() {
  static const DenseKernels k{portable::multiply,          portable::multiply_transposed,
                              portable::add_bias_activate, portable::activation_backward,
                              portable::adam_update,       "portable"};
  return k;
}

const DenseKernels* avx2_kernels() {
#if defined(HJB_HAVE_SIMD_KERNELS)
  static const DenseKernels k{avx2::multiply,          avx2::multiply_transposed,
                              avx2::add_bias_activate, avx2::activation_backward,
                              avx2::adam_update,       "avx2+fma"};
  static const bool supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return supported ? &k : nullptr;
#else
  return nullptr;
#endif
}

const DenseKernels* avx512_kernels() {
#if defined(HJB_HAVE_SIMD_KERNELS)
  static const DenseKernels k{avx512::multiply,          avx512::multiply_transposed,
                              avx512::add_bias_activate, avx512::activation_backward,
                              avx512::adam_update,       "avx512"};
  static const bool supported = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                                __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") &&
                                __builtin_cpu_supports("fma");
  return supported ? &k : nullptr;
#else
  return nullptr;
#endif
}

const DenseKernels& dense_kernels() {
  static const DenseKernels& chosen = []() -> const DenseKernels& {
    const char* cap = std::getenv("HJB_RL_KERNELS");
    const bool allow_avx512 = !cap || std::strcmp(cap, "avx512") == 0;
    const bool allow_avx2 = allow_avx512 || std::strcmp(cap, "avx2") == 0;
    if (allow_avx512)
      if (const DenseKernels* k = avx512_kernels()) return *k;
    if (allow_avx2)
      if (const DenseKernels* k = avx2_kernels()) return *k;
    return portable_kernels();
  }();
  return chosen;
}

}  // namespace hjb::rl::kernels
