// Environment registry (every catalog problem with an MDP, see problems/catalog.hpp) and
// the lockstep vector environment.
#include "rl_baselines/env/environment.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/parameters.hpp"
#include "problems/catalog.hpp"

namespace hjb::rl {

std::vector<std::string> environment_names() {
  std::vector<std::string> names;
  problems::for_each_catalog_entry([&]<std::size_t I, class P>() {
    if constexpr (MdpProblem<P>)
      if (std::find(names.begin(), names.end(), P::name()) == names.end()) names.push_back(P::name());
  });
  return names;
}

std::unique_ptr<Environment> make_environment(const std::string& name, const std::map<std::string, double>& p,
                                              int dim) {
  std::unique_ptr<Environment> env;
  std::string dims;
  problems::for_each_catalog_entry([&]<std::size_t I, class P>() {
    if constexpr (MdpProblem<P>) {
      if (P::name() == name) dims += (dims.empty() ? "" : ", ") + std::to_string(P::dim);
      if (!env && P::name() == name && (dim == 0 || dim == P::dim)) {
        P problem;
        apply_parameters(problem, p, "--problem.");
        env = std::make_unique<ProblemEnvironment<P>>(problem);
      }
    }
  });
  if (env) return env;
  HJB_CHECK(dims.empty(), UsageError,
            "problem '" << name << "' has no " << dim << "-D environment (dimensions: " << dims << ")");
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
