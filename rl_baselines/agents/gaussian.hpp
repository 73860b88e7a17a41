// Constants and densities of the Gaussian policies shared by PPO and SAC.
#pragma once

namespace hjb::rl {

/// log(2 pi) / 2: the normalising constant of a one-dimensional Gaussian log-density
/// (checked against std::log in the unit tests).
inline constexpr double half_log_two_pi = 0.91893853320467274;

}  // namespace hjb::rl
