// The dense kernels for CPUs with AVX-512 (F, DQ, VL, BW), compiled with those flags and called only
// after a run-time check of the processor (dense_kernels.cpp).
#define Eigen EigenAvx512
#include <Eigen/Core>

#define HJB_KERNEL_NAMESPACE avx512
#include "rl_baselines/nn/dense_kernels_body.inc"
