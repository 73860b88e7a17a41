// The choice of Markov chain approximation for continuous-time stationary problems (options only;
// the builders are in markov_chain_approximation.hpp).
#pragma once

namespace hjb {

enum class ChainScheme { semi_lagrangian, kushner_dupuis };

/// How to build the chain: the scheme, and the semi-Lagrangian time step h per unit of the
/// smallest grid spacing (h = time_step_factor * min_i dx_i).
struct ChainSchemeOptions {
  ChainScheme scheme = ChainScheme::semi_lagrangian;
  double time_step_factor = 1.0;
};

inline const char* to_string(ChainScheme s) {
  return s == ChainScheme::semi_lagrangian ? "semi_lagrangian" : "kushner_dupuis";
}

}  // namespace hjb
