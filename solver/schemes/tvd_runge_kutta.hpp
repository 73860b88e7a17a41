// TVD (strong-stability-preserving) Runge–Kutta integrators of order 1–3 as coefficient tables
// in Shu–Osher form (Shu & Osher 1988; Gottlieb & Shu 1998). Pointwise, no MPI, no PETSc.
//
// For du/dtau = L(u, tau) and step dt, stage s (s = 0, 1, ...) computes
//     u^(s+1) = keep_s u^n + weight_s (u^(s) + dt L(u^(s), tau + rate_time_s dt)),   u^(0) = u^n,
// and the last stage is u^{n+1}. Every stage is a convex combination of forward-Euler steps
// (keep_s, weight_s >= 0, keep_s + weight_s = 1): the scheme is TVD under the Euler CFL limit.
#pragma once
#include <span>

namespace hjb {

enum class TimeIntegrator { rk1, rk2, rk3 };  ///< TVD Runge–Kutta of order 1, 2, 3

struct TvdStage {
  double keep;       ///< coefficient of u^n
  double weight;     ///< coefficient of the Euler step from the previous stage
  double rate_time;  ///< L is evaluated at tau + rate_time * dt
};

/// The stages of an integrator (its order equals the number of stages).
inline std::span<const TvdStage> tvd_stages(TimeIntegrator integrator) {
  static constexpr TvdStage rk1[] = {{0.0, 1.0, 0.0}};
  static constexpr TvdStage rk2[] = {{0.0, 1.0, 0.0}, {0.5, 0.5, 1.0}};
  static constexpr TvdStage rk3[] = {{0.0, 1.0, 0.0}, {0.75, 0.25, 1.0}, {1.0 / 3.0, 2.0 / 3.0, 0.5}};
  switch (integrator) {
    case TimeIntegrator::rk1:
      return rk1;
    case TimeIntegrator::rk2:
      return rk2;
    case TimeIntegrator::rk3:
      return rk3;
  }
  return rk1;
}

/// One stage, pointwise over n values: out = keep * base + weight * (from + dt * rate).
/// `out` may alias `from` or `base`.
inline void tvd_stage_update(const TvdStage& s, double dt, const double* base, const double* from,
                             const double* rate, double* out, long n) {
  for (long l = 0; l < n; ++l) out[l] = s.keep * base[l] + s.weight * (from[l] + dt * rate[l]);
}

}  // namespace hjb
