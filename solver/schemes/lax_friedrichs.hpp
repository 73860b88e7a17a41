// The Lax–Friedrichs numerical Hamiltonian, pointwise (no MPI, no PETSc).
//
// Osher & Shu (1991), as in Mitchell's ToolboxLS and hj_reachability. Marching the backward
// equation in tau = -t, V_tau = H(x, grad V), with one-sided derivative approximations p⁻, p⁺
// per axis and dissipation coefficients alpha_i >= |dH/dp_i|, the update uses
//     Ĥ(x, p⁻, p⁺) = H(x, (p⁻ + p⁺)/2) + sum_i alpha_i (p⁺_i - p⁻_i)/2.
// Ĥ is consistent (Ĥ(x, p, p) = H(x, p)) and monotone (non-increasing in p⁻, non-decreasing in p⁺)
// whenever alpha bounds |dH/dp|, which makes the first-order scheme convergent (Crandall & Lions).
#pragma once
#include <array>

namespace hjb {

/// Per-node (`local`, LLF) or grid-wide maximum (`global`, LF) dissipation coefficients.
enum class Dissipation { local, global };

template <int D>
struct LaxFriedrichsTerms {
  std::array<double, D> costate;  ///< (p⁻ + p⁺)/2: where the Hamiltonian is evaluated
  double dissipation;             ///< sum_i alpha_i (p⁺_i - p⁻_i)/2
  double cfl_rate;                ///< sum_i alpha_i / h_i: the node's bound for the stable step
};

/// sum_i alpha_i / h_i from the inverse spacings: a node's bound for the stable step, dt <= cfl / rate.
template <int D>
inline double stable_rate(const std::array<double, D>& alpha, const std::array<double, D>& inv_spacing) {
  double rate = 0.0;
  for (int a = 0; a < D; ++a) rate += alpha[a] * inv_spacing[a];
  return rate;
}

/// The pieces of the numerical Hamiltonian at one node; the value is H(x, costate) + dissipation.
template <int D>
inline LaxFriedrichsTerms<D> lax_friedrichs(const std::array<double, D>& p_left,
                                            const std::array<double, D>& p_right,
                                            const std::array<double, D>& alpha,
                                            const std::array<double, D>& inv_spacing) {
  LaxFriedrichsTerms<D> t{{}, 0.0, 0.0};
  for (int a = 0; a < D; ++a) {
    t.costate[a] = 0.5 * (p_left[a] + p_right[a]);
    t.dissipation += alpha[a] * 0.5 * (p_right[a] - p_left[a]);
  }
  t.cfl_rate = stable_rate<D>(alpha, inv_spacing);
  return t;
}

/// Ĥ for a Hamiltonian given as a callable of the costate (tests and simple callers).
template <int D, class Hamiltonian>
inline double lax_friedrichs_hamiltonian(Hamiltonian&& hamiltonian, const std::array<double, D>& p_left,
                                         const std::array<double, D>& p_right,
                                         const std::array<double, D>& alpha) {
  std::array<double, D> unit{};
  unit.fill(1.0);
  const auto t = lax_friedrichs<D>(p_left, p_right, alpha, unit);
  return hamiltonian(t.costate) + t.dissipation;
}

}  // namespace hjb
