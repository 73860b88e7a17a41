// The dense kernels for CPUs with AVX2 and FMA, compiled with -mavx2 -mfma and called only after a
// run-time check of the processor (dense_kernels.cpp).
#define Eigen EigenAvx2
#include <Eigen/Core>

#define HJB_KERNEL_NAMESPACE avx2
#include "rl_baselines/nn/dense_kernels_body.inc"
