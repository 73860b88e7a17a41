// The compiled core of the `hjbench` Python package (pybind11): hjbench's tables, environments and
// scoring, built from the same C++ code as the command line tool — no second definition of any
// problem. The package (python/hjbench/*.py) puts the user-facing layer on top: Gymnasium
// environments, argument checks with clear messages, paths as str or os.PathLike.
//
// Threads: HDF5 (the parallel build) is not thread-safe, so every file access holds one mutex, taken
// with the GIL released; long computations (reading, scoring a Policy, values at many points)
// release the GIL; NumPy's C API is initialised when the module loads, not by whichever thread first
// makes an array (that one-time initialisation imports a module while holding a C++ static guard,
// which deadlocks a second thread waiting on the guard while holding the GIL).
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "core/error.hpp"
#include "core/version.hpp"
#include "rl_baselines/agents/score.hpp"
#include "rl_baselines/env/environment.hpp"
#include "rl_baselines/io/policy_file.hpp"
#include "tables/value_table.hpp"

namespace py = pybind11;
using namespace hjb;

namespace {

/// HDF5 is not thread-safe: one file access at a time (taken with the GIL released).
std::mutex& hdf5_mutex() {
  static std::mutex m;
  return m;
}

/// Runs f with the GIL released and the HDF5 mutex held.
template <class F>
auto with_hdf5(F&& f) {
  py::gil_scoped_release release;
  std::lock_guard<std::mutex> lock(hdf5_mutex());
  return f();
}

/// Points beyond which value()/feedback() release the GIL.
constexpr py::ssize_t release_gil_from = 64;

/// Points as an (n, d) array (a single point of d numbers gives n = 1).
py::array_t<double, py::array::c_style | py::array::forcecast> as_points(const py::object& x, int d,
                                                                         bool& single) {
  auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(x);
  if (!a)
    throw py::value_error("points must be numbers (a sequence of " + std::to_string(d) + " or an (n, " +
                          std::to_string(d) + ") array)");
  single = a.ndim() == 1;
  if (single && a.shape(0) == d) return a.reshape({py::ssize_t{1}, py::ssize_t{d}});
  if (a.ndim() == 2 && a.shape(1) == d) return a;
  throw py::value_error("points must have " + std::to_string(d) + " components (the table's dimension)");
}

/// An observation of n numbers (any sequence or array; float32 observations are widened).
std::vector<double> as_observation(const py::object& x, int n) {
  auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(x);
  if (!a || a.ndim() > 1)
    throw py::type_error("an observation must be a sequence of " + std::to_string(n) + " numbers, got " +
                         std::string(py::str(py::type::of(x).attr("__name__"))));
  if (a.size() != n)
    throw py::value_error("the observation has " + std::to_string(a.size()) + " components, the policy " +
                          std::to_string(n));
  return {a.data(), a.data() + n};
}

/// The action a Python policy returns: an array-like of action_dim numbers, or a tuple whose first
/// item is one (Stable-Baselines3's predict returns (action, state)).
void read_action(const py::object& result, double* action, int dim) {
  py::object a = result;
  if (py::isinstance<py::tuple>(a) && py::len(a) >= 1) a = a.cast<py::tuple>()[0];
  auto arr = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(a);
  if (!arr || arr.size() != dim)
    throw py::value_error("the policy returned " + std::string(py::str(result)) + ", not " +
                          std::to_string(dim) + " action component(s)");
  const double* p = arr.data();
  for (int j = 0; j < dim; ++j) {
    if (!std::isfinite(p[j]))
      throw py::value_error("the policy returned a non-finite action (" + std::string(py::str(result)) + ")");
    action[j] = p[j];
  }
}

py::object parse_json(const std::string& text) { return py::module_::import("json").attr("loads")(text); }

/// An environment with Gymnasium's API on top of hjb::rl::Environment.
class PyEnv {
 public:
  explicit PyEnv(std::unique_ptr<rl::Environment> env) : m_env(std::move(env)) {}
  py::tuple reset(std::optional<std::uint64_t> seed) {
    if (seed)
      m_env->reset(*seed);
    else
      m_env->reset();
    return py::make_tuple(observation(), info());
  }
  py::tuple step(const py::object& action) {
    std::vector<double> a(static_cast<std::size_t>(m_env->action_dim()));
    read_action(action, a.data(), m_env->action_dim());
    const rl::StepResult r = m_env->step(a.data());
    return py::make_tuple(observation(), r.reward, r.terminated, r.truncated, info());
  }
  py::array_t<double> observation() const {
    py::array_t<double> o(m_env->observation_dim());
    m_env->observe(o.mutable_data());
    return o;
  }
  py::dict info() const {
    py::dict d;
    d["state"] = m_env->state();
    return d;
  }
  rl::Environment& env() { return *m_env; }
  const rl::Environment& env() const { return *m_env; }

 private:
  std::unique_ptr<rl::Environment> m_env;
};

rl::ScoreOptions options(int starts, std::uint64_t seed, int bootstrap, double confidence, int domain_points,
                         int slice, const ValueTable* coarse) {
  rl::ScoreOptions o;
  o.starts = starts;
  o.seed = seed;
  o.bootstrap = bootstrap;
  o.confidence = confidence;
  o.domain_points = domain_points;
  o.slice = slice;
  o.coarse = coarse;
  return o;
}

}  // namespace

PYBIND11_MODULE(_hjbench, m) {
  m.doc() = "the compiled core of the hjbench package (use `import hjbench`)";
  // NumPy's C API now, while the import lock serialises us (see the top of this file).
  py::module_::import("numpy");
  { py::array_t<double> initialise_numpy_api(1); }
  m.attr("__version__") = std::string(project_version);
  // hjbench's errors keep their meaning: bad usage -> ValueError, a refused file -> RuntimeError
  // with the message the command line would print.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const UsageError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const ValidationError& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });

  py::class_<ValueTable>(m, "Table", "An hjbench value table (tensor or sparse), read whole.")
      .def(
          py::init([](const std::string& path) { return with_hdf5([&] { return ValueTable::read(path); }); }),
          py::arg("path"))
      .def_property_readonly("path", &ValueTable::path)
      .def_property_readonly("dimension", &ValueTable::dimension)
      .def_property_readonly("is_sparse", &ValueTable::is_sparse)
      .def_property_readonly("nodes", &ValueTable::nodes)
      .def_property_readonly("problem", &ValueTable::problem)
      .def_property_readonly("mode", &ValueTable::mode)
      .def_property_readonly("axes", &ValueTable::axis_names)
      .def_property_readonly("parameters", &ValueTable::problem_parameters)
      .def_property_readonly("attributes",
                             [](const ValueTable& t) {
                               py::dict d;
                               for (const auto& [k, v] : t.strings()) d[py::str(k)] = v;
                               for (const auto& [k, v] : t.numbers()) d[py::str(k)] = v;
                               return d;
                             })
      .def_property_readonly("lo",
                             [](const ValueTable& t) {
                               std::vector<double> v;
                               for (int k = 0; k < t.dimension(); ++k) v.push_back(t.lo(k));
                               return v;
                             })
      .def_property_readonly("hi",
                             [](const ValueTable& t) {
                               std::vector<double> v;
                               for (int k = 0; k < t.dimension(); ++k) v.push_back(t.hi(k));
                               return v;
                             })
      .def_property_readonly("feedback_dim", &ValueTable::feedback_dim)
      .def(
          "value",
          [](const ValueTable& t, const py::object& x) -> py::object {
            bool single = false;
            const auto pts = as_points(x, t.dimension(), single);
            py::array_t<double> out(pts.shape(0));
            const py::ssize_t n = pts.shape(0), d = t.dimension();
            const double* in = pts.data();
            double* o = out.mutable_data();
            auto run = [&] {
              for (py::ssize_t i = 0; i < n; ++i) o[i] = t.value(in + i * d);
            };
            if (n >= release_gil_from) {
              py::gil_scoped_release release;
              run();
            } else {
              run();
            }
            if (single) return py::float_(out.at(0));
            return out;
          },
          py::arg("x"),
          "V at one point (d numbers) or at n points ((n, d) array): periodic axes wrap, others clamp")
      .def(
          "feedback",
          [](const ValueTable& t, const py::object& x) -> py::object {
            bool single = false;
            const auto pts = as_points(x, t.dimension(), single);
            const int m = t.feedback_dim();
            py::array_t<double> out({pts.shape(0), py::ssize_t{m}});
            const py::ssize_t n = pts.shape(0), d = t.dimension();
            const double* in = pts.data();
            double* o = out.mutable_data();
            auto run = [&] {
              for (py::ssize_t i = 0; i < n; ++i) t.feedback(in + i * d, o + i * m);
            };
            if (n >= release_gil_from) {
              py::gil_scoped_release release;
              run();
            } else {
              run();
            }
            if (single) return out.attr("reshape")(m);
            return out;
          },
          py::arg("x"), "the optimal feedback at one point or at n points ((n, feedback_dim) array)");

  py::class_<PyEnv>(m, "Env", "A problem's MDP (the package's hjbench.Env puts Gymnasium's API on top).")
      .def("reset", &PyEnv::reset, py::arg("seed") = py::none(),
           "start an episode from the start distribution (reseeded when seed is given): (observation, info)")
      .def("step", &PyEnv::step, py::arg("action"),
           "apply an action (environment units): (observation, reward, terminated, truncated, info)")
      .def("observation", &PyEnv::observation, "the observation of the current state (float64)")
      .def_property_readonly("state", [](const PyEnv& e) { return e.env().state(); })
      .def(
          "set_state", [](PyEnv& e, const std::vector<double>& x) { e.env().set_state(x); }, py::arg("x"),
          "start an episode from a given state")
      .def_property_readonly("problem", [](const PyEnv& e) { return e.env().problem_name(); })
      .def_property_readonly("state_dim", [](const PyEnv& e) { return e.env().state_dim(); })
      .def_property_readonly("observation_dim", [](const PyEnv& e) { return e.env().observation_dim(); })
      .def_property_readonly("action_dim", [](const PyEnv& e) { return e.env().action_dim(); })
      .def_property_readonly("action_low", [](const PyEnv& e) { return e.env().action_low(); })
      .def_property_readonly("action_high", [](const PyEnv& e) { return e.env().action_high(); })
      .def_property_readonly("observation_low", [](const PyEnv& e) { return e.env().observation_low(); })
      .def_property_readonly("observation_high", [](const PyEnv& e) { return e.env().observation_high(); })
      .def_property_readonly("start_low", [](const PyEnv& e) { return e.env().start_low(); })
      .def_property_readonly("start_high", [](const PyEnv& e) { return e.env().start_high(); })
      .def_property_readonly("discrete_action_count",
                             [](const PyEnv& e) { return e.env().discrete_action_count(); })
      .def(
          "discrete_action", [](const PyEnv& e, int k) { return e.env().discrete_action(k); }, py::arg("k"),
          "the k-th discrete action in environment units")
      .def_property_readonly("episode_limit", [](const PyEnv& e) { return e.env().episode_limit(); })
      .def_property_readonly("discount", [](const PyEnv& e) { return e.env().discount(); })
      .def_property_readonly("parameters", [](const PyEnv& e) { return e.env().parameters(); });

  m.def("environment_names", &rl::environment_names, "the problems that define an MDP");
  m.def(
      "make_env",
      [](const std::string& name, int dim, const py::kwargs& kwargs) {
        std::map<std::string, double> p;
        for (const auto& [k, v] : kwargs) p[py::str(k)] = v.cast<double>();
        return PyEnv(rl::make_environment(name, p, dim));
      },
      py::arg("name"), py::kw_only(), py::arg("dim") = 0,
      "make_env(name, dim=0, **parameters): the environment of a catalog problem (dim: lqr_mdp's 2 or 3)");

  py::class_<rl::Policy>(m, "Policy", "A policy file written by `hjbench train`.")
      .def_property_readonly("algorithm", [](const rl::Policy& p) { return p.algorithm; })
      .def_property_readonly("problem", [](const rl::Policy& p) { return p.problem; })
      .def_property_readonly("critic_kind", [](const rl::Policy& p) { return p.critic_kind; })
      .def(
          "__call__",
          [](const rl::Policy& p, const py::object& observation) {
            const std::vector<double> obs = as_observation(observation, p.actor.input_size());
            std::vector<double> a(static_cast<std::size_t>(p.action_dim()));
            p.act(obs.data(), a.data());
            return a;
          },
          py::arg("observation"), "the deterministic action (environment units)")
      .def(
          "critic",
          [](const rl::Policy& p, const py::object& observation) {
            if (p.critics.empty()) throw py::value_error("this policy file keeps no critic");
            const std::vector<double> obs = as_observation(observation, p.actor.input_size());
            return rl::policy_critic(p, obs.data());
          },
          py::arg("observation"), "the critic's value of an observation, in the discounted-return scale");
  m.def(
      "load_policy", [](const std::string& path) { return with_hdf5([&] { return rl::load_policy(path); }); },
      py::arg("path"));

  m.def(
      "evaluate",
      [](const ValueTable& table, const py::object& policy, std::optional<std::string> problem,
         const py::object& critic, int starts, std::uint64_t seed, int bootstrap, double confidence,
         int domain_points, int slice, const ValueTable* coarse) {
        const std::string name = problem ? *problem : table.problem();
        // The environment of the table's dimension when the family has one (lqr_mdp: 2 or 3); else
        // the problem's own, so that check_table_for names the mismatch.
        std::unique_ptr<rl::Environment> env;
        try {
          env = rl::make_environment(name, {}, table.dimension());
        } catch (const UsageError&) {
          env = rl::make_environment(name);
        }
        rl::Score s;
        if (py::isinstance<rl::Policy>(policy)) {
          const rl::Policy& p = policy.cast<const rl::Policy&>();
          py::gil_scoped_release release;
          s = rl::score_policy(p, *env, table,
                               options(starts, seed, bootstrap, confidence, domain_points, slice, coarse));
        } else {
          if (!PyCallable_Check(policy.ptr()))
            throw py::type_error("policy must be callable: observation -> action");
          const int obs_dim = env->observation_dim(), act_dim = env->action_dim();
          rl::Controller c;
          // The environment's work runs without the GIL; each call into Python takes it.
          c.act = [&](const double* o, double* a) {
            py::gil_scoped_acquire gil;
            py::array_t<double> obs(obs_dim);
            std::copy(o, o + obs_dim, obs.mutable_data());
            read_action(policy(obs), a, act_dim);
          };
          if (!critic.is_none()) {
            c.critic_kind = "python";
            c.critic = [&](const double* o) {
              py::gil_scoped_acquire gil;
              py::array_t<double> obs(obs_dim);
              std::copy(o, o + obs_dim, obs.mutable_data());
              const py::object v = critic(obs);
              try {
                return v.cast<double>();
              } catch (const py::cast_error&) {
                throw py::type_error("the critic returned " + std::string(py::str(v)) + ", not a number");
              }
            };
          }
          py::gil_scoped_release release;
          s = rl::score_controller(
              c, *env, table, options(starts, seed, bootstrap, confidence, domain_points, slice, coarse));
        }
        // A gap the table cannot resolve is said in words, as the command line does (the dict keeps
        // gap_within_reference_error, reference_error and warning).
        if (s.gap_within_reference_error)
          py::module_::import("warnings")
              .attr("warn")(s.warning, py::module_::import("builtins").attr("UserWarning"), 2);
        return parse_json(rl::score_json(s));
      },
      py::arg("table"), py::arg("policy"), py::kw_only(), py::arg("problem") = py::none(),
      py::arg("critic") = py::none(), py::arg("starts") = 100, py::arg("seed") = 1000000,
      py::arg("bootstrap") = 2000, py::arg("confidence") = 0.95, py::arg("domain_points") = 4096,
      py::arg("slice") = 41, py::arg("coarse") = nullptr,
      R"(Scores a policy against a stationary table of its problem: the same computation and numbers as
`hjbench evaluate` (a dict with the JSON's keys: gap_cost, gap_certified_lower_bound, gap_return, ...).

policy: a Policy (hjbench.load_policy) or any callable observation -> action; a tuple result uses
its first item, so `lambda o: model.predict(o, deterministic=True)` works for Stable-Baselines3.
critic: optional callable observation -> value in the discounted-return scale (for critic errors).
Episode e starts from the environment's reset(seed + e). When the gap's confidence interval reaches
into the table's own error at the starts (reference_error), a UserWarning says so in words and the
dict has gap_within_reference_error = True: the table cannot tell the policy from optimal.)");
}
