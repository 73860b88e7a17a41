// Example: any controller scored on an RL environment built from the same problem definition as
// the solver (no PETSc, no MPI). An energy-pumping swing-up with a linear catch for Gymnasium's
// Pendulum-v1, next to doing nothing, on the same 100 seeded episodes; the mean return with its
// standard error is what `hjbench evaluate` puts next to a table's optimum.
// Run: build/examples/controller      (exit 0 when the controller beats doing nothing)
#include <cmath>
#include <cstdio>
#include <functional>
#include <vector>

#include "rl_baselines/agents/episodic.hpp"
#include "rl_baselines/agents/score.hpp"
#include "rl_baselines/env/environment.hpp"

namespace {

/// Episode returns of `controller` (state -> torque) from reset(seed + e), e = 0 .. episodes - 1.
std::vector<double> returns_of(hjb::rl::Environment& env,
                               const std::function<double(double, double)>& controller, int episodes) {
  std::vector<double> returns;
  for (int e = 0; e < episodes; ++e) {
    env.reset(1000 + static_cast<std::uint64_t>(e));
    double total = 0.0;
    for (;;) {
      const std::vector<double> x = env.state();  // (theta, omega), theta = 0 upright
      const double torque = controller(x[0], x[1]);
      const hjb::rl::StepResult r = env.step(&torque);
      total += r.reward;
      if (r.terminated || r.truncated) break;
    }
    returns.push_back(total);
  }
  return returns;
}

}  // namespace

int main() {
  const auto env = hjb::rl::make_environment("pendulum");
  const auto wrap = [](double theta) { return std::remainder(theta, 2.0 * M_PI); };
  // Near the top: a linear catch; elsewhere pump energy towards the upright energy (m = l = 1, g = 10).
  const auto swing_up = [&](double theta, double omega) {
    const double th = wrap(theta);
    if (std::abs(th) < 0.5) return std::clamp(-12.0 * th - 2.5 * omega, -2.0, 2.0);
    const double energy = 0.5 * omega * omega + 10.0 * (std::cos(th) - 1.0);  // 0 at rest upright
    return std::clamp(-2.0 * energy * (omega >= 0 ? 1.0 : -1.0), -2.0, 2.0);
  };
  const auto nothing = [](double, double) { return 0.0; };
  const auto a = hjb::rl::summarize(returns_of(*env, swing_up, 100), 0.95, 0);
  const auto b = hjb::rl::summarize(returns_of(*env, nothing, 100), 0.95, 0);
  std::printf(
      "Pendulum-v1, 100 seeded episodes: swing-up %.2f +- %.2f, no torque %.2f +- %.2f (mean return, SE)\n",
      a.mean, a.standard_error, b.mean, b.standard_error);
  return a.mean > b.mean + 3.0 * (a.standard_error + b.standard_error) ? 0 : 1;
}
