// Environment registry and the lockstep vector environment.
#include "rl_baselines/env/environment.hpp"

#include "solver/core/error.hpp"
#include "solver/core/parameters.hpp"
#include "solver/problems/mountain_car.hpp"
#include "solver/problems/pendulum.hpp"

namespace hjb::rl {

namespace {
template <class P>
std::unique_ptr<Environment> build(const std::map<std::string, double>& parameters) {
  P problem;
  apply_parameters(problem, parameters, "--problem.");
  return std::make_unique<ProblemEnvironment<P>>(problem);
}
}  // namespace

std::vector<std::string> environment_names() { return {"pendulum", "mountain_car"}; }

std::unique_ptr<Environment> make_environment(const std::string& name, const std::map<std::string, double>& p) {
  if (name == "pendulum") return build<problems::Pendulum>(p);
  if (name == "mountain_car") return build<problems::MountainCar>(p);
  throw UsageError("--problem: no RL environment '" + name + "' (choose pendulum or mountain_car)");
}

VectorEnvironment::VectorEnvironment(const Environment& prototype, int count, std::uint64_t seed) : m_seeds(seed) {
  HJB_CHECK(count >= 1, UsageError, "the number of environments must be positive, got " << count);
  for (int i = 0; i < count; ++i) {
    m_envs.push_back(prototype.clone());
    m_envs.back()->reset(m_seeds());
  }
  m_running_return.assign(count, 0.0);
}

StepResult VectorEnvironment::step(int i, const double* action, double* final_observation) {
  const StepResult r = m_envs[i]->step(action);
  m_running_return[i] += r.reward;
  if (r.terminated || r.truncated) {
    m_envs[i]->observe(final_observation);
    m_finished.push_back(m_running_return[i]);
    m_running_return[i] = 0.0;
    m_envs[i]->reset(m_seeds());
  }
  return r;
}

std::vector<double> VectorEnvironment::take_finished_returns() {
  std::vector<double> out;
  out.swap(m_finished);
  return out;
}

}  // namespace hjb::rl
