// Environment registry (every catalog problem with an MDP, see problems/catalog.hpp) and
// the lockstep vector environment.
#include "rl_baselines/env/environment.hpp"

#include "core/error.hpp"
#include "core/parameters.hpp"
#include "problems/catalog.hpp"

namespace hjb::rl {

std::vector<std::string> environment_names() {
  std::vector<std::string> names;
  problems::for_each_catalog_entry([&]<std::size_t I, class P>() {
    if constexpr (MdpProblem<P>) names.push_back(P::name());
  });
  return names;
}

std::unique_ptr<Environment> make_environment(const std::string& name,
                                              const std::map<std::string, double>& p) {
  std::unique_ptr<Environment> env;
  problems::for_each_catalog_entry([&]<std::size_t I, class P>() {
    if constexpr (MdpProblem<P>) {
      if (!env && P::name() == name) {
        P problem;
        apply_parameters(problem, p, "--problem.");
        env = std::make_unique<ProblemEnvironment<P>>(problem);
      }
    }
  });
  if (env) return env;
  std::string names;
  for (const auto& n : environment_names()) names += (names.empty() ? "" : ", ") + n;
  throw UsageError("--problem: no RL environment '" + name + "' (choose " + names + ")");
}

VectorEnvironment::VectorEnvironment(const Environment& prototype, int count, std::uint64_t seed)
    : m_seeds(seed) {
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
