// The dense kernels for any x86-64 CPU: Eigen with the build's own flags.
#include <Eigen/Core>

#define HJB_KERNEL_NAMESPACE portable
#include "rl_baselines/nn/dense_kernels_body.inc"
