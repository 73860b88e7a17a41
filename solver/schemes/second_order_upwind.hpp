// The monotone upwind discretisation of the second-order HJB equation of the quadratic-cost family
// (core/problem_interface.hpp, SecondOrderProblem), pointwise (no MPI, no PETSc):
//
//   -V_s = sigma^2/2 Lap V + b.grad V + min_u [|u|^2 / (2 sigma^2) + u.grad V] + q.
//
// Per axis, with D+ = (V_+ - V) / h and D- = (V - V_-) / h: the diffusion by the central second
// difference, the reference drift b upwinded by its sign, and the control term minimised in closed
// form over u_i >= 0 (which moves towards V_+, so it sees D+) and u_i <= 0 (D-):
//   min_{u >= 0} [u^2 / (2 sigma^2) + u D+] = -sigma^2/2 min(D+, 0)^2,
//   min_{u <= 0} [u^2 / (2 sigma^2) + u D-] = -sigma^2/2 max(D-, 0)^2,
// the smaller of the two (Kushner & Dupuis 2001, ch. 5: the upwind chain with the control chosen
// per node). An explicit step dt is a Markov chain — the weights of V_+, V_- and V itself are
// non-negative — when dt sum_i (sigma^2 / h_i^2 + (|b_i| + |u_i|) / h_i) <= 1: the scheme is then
// monotone, stable in the maximum norm and convergent to the viscosity solution (Barles &
// Souganidis 1991), first order in h with dt ~ h^2.
#pragma once
#include <algorithm>
#include <cmath>

namespace hjb::kernels {

struct AxisUpdate {
  double rate;  ///< this axis's part of -V_s at the node
  double u;     ///< the minimising control component
  double cfl;   ///< sigma^2 / h^2 + (|b| + |u|) / h
};

/// The axis-i part of the right-hand side from the node's value v0 and its neighbours vm, vp.
inline AxisUpdate second_order_axis(double vm, double v0, double vp, double inv_h, double s2, double b) {
  const double dp = (vp - v0) * inv_h, dm = (v0 - vm) * inv_h;
  const double diffusion = 0.5 * s2 * (vp - 2.0 * v0 + vm) * inv_h * inv_h;
  const double advection = b > 0.0 ? b * dp : b * dm;
  const double forward = std::min(dp, 0.0), backward = std::max(dm, 0.0);
  const double d = forward * forward >= backward * backward ? forward : backward;
  const double u = -s2 * d;
  return {diffusion + advection - 0.5 * s2 * d * d, u,
          s2 * inv_h * inv_h + (std::abs(b) + std::abs(u)) * inv_h};
}

}  // namespace hjb::kernels
