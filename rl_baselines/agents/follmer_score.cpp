#include "rl_baselines/agents/follmer_score.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <sstream>

#include "core/error.hpp"
#include "grids/multilinear.hpp"
#include "problems/follmer.hpp"
#include "rl_baselines/nn/mlp.hpp"
#include "tables/table.hpp"

namespace hjb::rl {

namespace {

using diffusion::BatchDrift;
using diffusion::Samples;

/// The table's feedback u* at stored time s = 1 + t_k (snapshot k holds t = -k / K), interpolated
/// multilinearly in space and linearly in s between stored times.
template <int D>
class TableDrift {
 public:
  TableDrift(const Table& table, const std::string& path)
      : m_steps(static_cast<int>(table.times.size()) - 1), m_axes(table.axes) {
    for (int k = 0; k <= m_steps; ++k)
      for (int j = 0; j < D; ++j) m_u.push_back(read_table_dataset(path, table_snapshot_feedback_name(k, j)));
  }
  void operator()(double s, const std::vector<double>& x, std::vector<double>& u) const {
    double kf = std::clamp((1.0 - s) * m_steps, 0.0, static_cast<double>(m_steps));
    if (std::abs(kf - std::round(kf)) < 1e-9) kf = std::round(kf);  // a stored time, up to rounding
    const int k0 = std::min(static_cast<int>(kf), m_steps - 1);
    const double frac = kf - k0;
    u.resize(x.size());
    for (std::size_t i = 0; i < x.size(); i += D)
      for (int j = 0; j < D; ++j) {
        const double before = interpolate_table(m_axes, m_u[k0 * D + j], &x[i]);
        u[i + j] = frac == 0.0 ? before
                               : (1.0 - frac) * before +
                                     frac * interpolate_table(m_axes, m_u[(k0 + 1) * D + j], &x[i]);
      }
  }

 private:
  int m_steps;
  std::vector<Axis> m_axes;
  std::vector<std::vector<double>> m_u;  ///< [k * D + j]: component j at snapshot k
};

template <int D>
BatchDrift exact_drift(const problems::Follmer<D>& problem) {
  return [problem](double s, const std::vector<double>& x, std::vector<double>& u) {
    u.resize(x.size());
    for (std::size_t i = 0; i < x.size() / D; ++i) {
      std::array<double, D> p;
      for (int a = 0; a < D; ++a) p[a] = x[i * D + a];
      const auto v = problem.exact_drift(s, p);
      for (int a = 0; a < D; ++a) u[i * D + a] = v[a];
    }
  };
}

template <int D>
Samples target_samples(const problems::Follmer<D>& problem, std::size_t n, std::mt19937_64& rng) {
  Samples s;
  s.dim = D;
  for (std::size_t i = 0; i < n; ++i) {
    const auto y = problem.target().sample(rng);
    s.x.insert(s.x.end(), y.begin(), y.end());
  }
  return s;
}

/// Scores a drift along its own paths against the exact drift (seeds derived from `seed`).
template <int D>
DriftScore score_drift(const problems::Follmer<D>& problem, const BatchDrift& drift, int steps, std::size_t n,
                       std::uint64_t seed) {
  const BatchDrift exact = exact_drift(problem);
  const diffusion::Paths p = diffusion::euler_maruyama(D, problem.sigma, steps, n, seed, drift, &exact);
  DriftScore score;
  score.path_kl = summarize(p.kl, 0.95, 2000, seed + 1);
  score.drift_sq = summarize(p.squared, 0.95, 2000, seed + 2);
  score.drift_l2 = std::sqrt(score.drift_sq.mean);
  score.drift_l2_low = std::sqrt(std::max(0.0, score.drift_sq.ci_low));
  score.drift_l2_high = std::sqrt(score.drift_sq.ci_high);
  std::mt19937_64 rng(seed + 3);
  score.end = p.end;
  score.target = target_samples(problem, n, rng);
  score.energy_distance = diffusion::energy_distance(score.end, score.target);
  return score;
}

/// The learned drift u = (D_theta(s, x) - x) / (1 - s) of a data-predicting MLP.
template <int D>
BatchDrift learned_drift(const Mlp& net) {
  return [&net](double s, const std::vector<double>& x, std::vector<double>& u) {
    const std::size_t n = x.size() / D;
    Matrix in(D + 1, static_cast<Eigen::Index>(n));
    for (std::size_t i = 0; i < n; ++i) {
      in(0, i) = static_cast<float>(s);
      for (int a = 0; a < D; ++a) in(a + 1, i) = static_cast<float>(x[i * D + a]);
    }
    MlpWorkspace ws;
    const Matrix& out = net.forward(in, ws);
    u.resize(x.size());
    for (std::size_t i = 0; i < n; ++i)
      for (int a = 0; a < D; ++a) u[i * D + a] = (static_cast<double>(out(a, i)) - x[i * D + a]) / (1.0 - s);
  };
}

/// Denoising score matching in the data-prediction form, weighted so that the loss is the
/// drift-matching objective E_{s ~ U[0, 1 - 1/K]} |u_theta(s, X_s) - (Y - X_s) / (1 - s)|^2 (whose
/// minimiser is u*, and which equals 2 sigma^2 KL(P* || P^theta) plus a constant): r = 1 - s is drawn
/// half uniformly on [1/K, 1], half with density ~ 1/r^2 (where the drift is stiff), each sample
/// weighted by the ratio of the objective's density to that proposal. Returns the trained network's
/// score; with `curve`, also scores it at log-spaced steps (the last is train_steps: the returned
/// score). Every score uses the same paths' noise (seed + 300), so the curve's points differ by the
/// network only.
template <int D>
DriftScore train(const problems::Follmer<D>& problem, const FollmerOptions& o, int steps_k,
                 std::uint64_t train_seed, std::vector<CurvePoint>* curve) {
  std::mt19937_64 rng(o.seed + 100 + train_seed);
  std::vector<int> sizes{D + 1};
  sizes.insert(sizes.end(), o.hidden.begin(), o.hidden.end());
  sizes.push_back(D);
  Mlp net(sizes, Activation::tanh);
  net.init_orthogonal(rng, std::sqrt(2.0f), 1.0f);
  const Samples data = target_samples(problem, o.training_set, rng);
  MlpGradients grads = net.zero_gradients();
  const auto params = net.parameters(grads);
  Adam adam;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<std::size_t> pick(0, data.size() - 1);
  std::normal_distribution<double> z(0.0, 1.0);
  const double k = steps_k, r_min = 1.0 / k, sigma = problem.sigma;
  // Evaluations log-spaced from 100 steps (or fewer) to train_steps.
  std::vector<long> at;
  const double first = std::min(100.0, static_cast<double>(o.train_steps));
  const int points = curve ? o.curve_points : 1;
  for (int c = 1; c <= points; ++c) {
    const double f = points == 1 ? 1.0 : static_cast<double>(c - 1) / (points - 1);
    const long step = std::lround(first * std::pow(static_cast<double>(o.train_steps) / first, f));
    if (at.empty() || step > at.back()) at.push_back(step);
  }
  Matrix in(D + 1, o.batch), target(D, o.batch), grad(D, o.batch);
  std::vector<double> weight(static_cast<std::size_t>(o.batch)), recent;
  MlpWorkspace ws;
  const auto start = std::chrono::steady_clock::now();
  std::size_t next = 0;
  DriftScore last;
  for (long step = 1; step <= o.train_steps; ++step) {
    double loss = 0.0;
    for (int b = 0; b < o.batch; ++b) {
      const double r =
          unit(rng) < 0.5 ? r_min + (1.0 - r_min) * unit(rng) : 1.0 / (k - unit(rng) * (k - 1.0));
      const double s = 1.0 - r;
      const double density = 0.5 / (1.0 - r_min) + 0.5 / (r * r * (k - 1.0));
      weight[b] = 1.0 / ((1.0 - r_min) * r * r * density);
      const std::size_t i = pick(rng);
      in(0, b) = static_cast<float>(s);
      for (int a = 0; a < D; ++a) {
        const double y = data.x[i * D + a];
        in(a + 1, b) = static_cast<float>(s * y + sigma * std::sqrt(s * r) * z(rng));
        target(a, b) = static_cast<float>(y);
      }
    }
    const Matrix& out = net.forward(in, ws);
    for (int b = 0; b < o.batch; ++b)
      for (int a = 0; a < D; ++a) {
        const double e = static_cast<double>(out(a, b)) - target(a, b);
        loss += weight[b] * e * e / o.batch;
        grad(a, b) = static_cast<float>(2.0 * weight[b] * e / o.batch);
      }
    net.backward(ws, grad, grads);
    clip_gradient_norm(params, 100.0);
    const double progress = static_cast<double>(step - 1) / static_cast<double>(o.train_steps);
    adam.step(params, static_cast<float>(o.learning_rate * (1.0 - 0.9 * progress)));
    recent.push_back(loss);
    if (recent.size() > 100) recent.erase(recent.begin());
    if (next < at.size() && step == at[next]) {
      ++next;
      last = score_drift(problem, learned_drift<D>(net), steps_k, o.samples, o.seed + 300);
      if (curve) {
        CurvePoint point;
        point.steps = step;
        for (double l : recent) point.loss += l / static_cast<double>(recent.size());
        point.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        point.score = last;
        point.score.end.x.clear();  // the curve keeps numbers only
        point.score.target.x.clear();
        curve->push_back(point);
      }
    }
  }
  return last;
}

template <int D>
FollmerReport score(const Table& table, const FollmerOptions& o) {
  FollmerReport report;
  report.table = o.table;
  report.dim = D;
  report.samples = o.samples;
  report.seed = o.seed;
  report.train_seed = o.train_seed;
  report.inner = o.inner;
  problems::Follmer<D> problem;
  problem.visit_parameters([&](const char* name, double& value) {
    const auto it = table.problem_parameters.find(name);
    HJB_CHECK(it != table.problem_parameters.end(), ValidationError,
              o.table << ": the table does not record problem parameter '" << name << "'");
    value = it->second;
  });
  report.sigma = problem.sigma;
  const int steps_k = static_cast<int>(table.times.size()) - 1;
  HJB_CHECK(o.substeps >= 1, UsageError, "--substeps must be >= 1, got " << o.substeps);
  const int em_steps = steps_k * o.substeps;
  report.em_steps = em_steps;
  for (int k = 0; k <= steps_k; ++k)
    HJB_CHECK(std::abs(table.times[k] + static_cast<double>(k) / steps_k) < 1e-9, ValidationError,
              o.table << ": the stored times must be equally spaced on [-1, 0] (solve with --time.horizon 1 "
                         "--time.snapshots K); time "
                      << k << " is " << table.times[k]);
  // V against the closed form at every stored time, on the inner box.
  double sum = 0.0;
  for (int k = 0; k <= steps_k; ++k)
    for (std::size_t l = 0; l < table.values[k].size(); ++l) {
      std::array<double, D> x;
      std::size_t rest = l;
      bool in = true;
      for (int a = D - 1; a >= 0; --a) {
        x[a] = table.axes[a].coordinate(static_cast<std::int64_t>(rest % table.axes[a].n));
        rest /= table.axes[a].n;
        in = in && std::abs(x[a]) <= o.inner + 1e-12;
      }
      if (!in) continue;
      const double e = std::abs(table.values[k][l] - problem.exact_value(1.0 + table.times[k], x));
      sum += e;
      report.value_error_max = std::max(report.value_error_max, e);
      ++report.value_error_points;
    }
  HJB_CHECK(report.value_error_points > 0, UsageError, "--inner " << o.inner << ": no table node inside");
  report.value_error_mean = sum / static_cast<double>(report.value_error_points);
  if (D == 2) {
    for (int a = 0; a < D; ++a) {
      report.axis_lo.push_back(table.axes[a].lo);
      report.axis_hi.push_back(table.axes[a].hi);
      report.axis_n.push_back(static_cast<long>(table.axes[a].n));
    }
    for (std::size_t l = 0; l < table.values[0].size(); ++l) {
      std::array<double, D> x;
      std::size_t rest = l;
      for (int a = D - 1; a >= 0; --a) {
        x[a] = table.axes[a].coordinate(static_cast<std::int64_t>(rest % table.axes[a].n));
        rest /= table.axes[a].n;
      }
      report.log_density.push_back(problem.target().log_density(x));
    }
  }
  if (o.samples == 0) return report;
  auto draw = [&problem](std::size_t n, std::mt19937_64& rng) { return target_samples(problem, n, rng); };
  report.floor = diffusion::noise_floor(draw, o.samples, o.repeats, o.seed + 200);
  const TableDrift<D> table_reader(table, o.table);
  report.table_drift = score_drift<D>(problem, std::cref(table_reader), em_steps, o.samples, o.seed);
  const Samples closed =
      diffusion::euler_maruyama(D, problem.sigma, em_steps, o.samples, o.seed, exact_drift(problem)).end;
  report.closed_form_energy_distance = diffusion::energy_distance(closed, report.table_drift.target);
  if (o.train_steps == 0) return report;
  const auto start = std::chrono::steady_clock::now();
  report.learned_drift = train(problem, o, em_steps, o.train_seed, &report.curve);
  report.train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report.learned = true;
  report.learned_seeds.push_back(report.learned_drift);
  for (int k = 1; k < o.train_seeds; ++k)
    report.learned_seeds.push_back(train<D>(problem, o, em_steps, o.train_seed + k, nullptr));
  return report;
}

}  // namespace

FollmerReport score_follmer(const FollmerOptions& o) {
  const Table table = read_table(o.table);
  HJB_CHECK(table.complete, ValidationError, o.table << ": a partial table (interrupted or failed run)");
  const auto problem = table.strings.find("problem");
  const auto mode = table.strings.find("mode");
  HJB_CHECK(
      problem != table.strings.end() && problem->second == "follmer" && mode != table.strings.end() &&
          mode->second == "second_order",
      ValidationError,
      o.table << ": not a table of the Foellmer sampler (hjbench solve --problem.name follmer writes one)");
  HJB_CHECK(o.samples == 0 || o.samples >= 2, UsageError, "--samples: 0 (value error only) or at least 2");
  switch (table.axes.size()) {
    case 1:
      return score<1>(table, o);
    case 2:
      return score<2>(table, o);
    case 4:
      return score<4>(table, o);
    default:
      throw ValidationError(o.table + ": a Foellmer table is 1-, 2- or 4-dimensional");
  }
}

namespace {
std::string drift_json(const DriftScore& s) {
  auto summary = [](const SampleSummary& m) {
    return "{\"mean\": " + json_number(m.mean) + ", \"standard_error\": " + json_number(m.standard_error) +
           ", \"ci_low\": " + json_number(m.ci_low) + ", \"ci_high\": " + json_number(m.ci_high) + "}";
  };
  return "{\"path_kl\": " + summary(s.path_kl) + ", \"drift_l2\": {\"value\": " + json_number(s.drift_l2) +
         ", \"ci_low\": " + json_number(s.drift_l2_low) + ", \"ci_high\": " + json_number(s.drift_l2_high) +
         "}, \"energy_distance\": " + json_number(s.energy_distance) + "}";
}
}  // namespace

std::string follmer_json(const FollmerReport& r) {
  std::ostringstream os;
  os << "{\"table\": " << json_string(r.table) << ", \"dimension\": " << r.dim
     << ", \"sigma\": " << json_number(r.sigma) << ", \"euler_maruyama_steps\": " << r.em_steps
     << ", \"samples\": " << r.samples << ", \"seed\": " << r.seed
     << ",\n \"value_error\": {\"mean\": " << json_number(r.value_error_mean)
     << ", \"max\": " << json_number(r.value_error_max) << ", \"inner_box\": " << json_number(r.inner)
     << ", \"points\": " << r.value_error_points << "}";
  if (r.samples > 0) {
    os << ",\n \"noise_floor\": {\"mean\": " << json_number(r.floor.mean)
       << ", \"q95\": " << json_number(r.floor.q95) << ", \"repeats\": " << r.floor.repeats
       << "},\n \"exact\": " << drift_json(r.table_drift)
       << ",\n \"closed_form_energy_distance\": " << json_number(r.closed_form_energy_distance);
  }
  if (r.learned) {
    os << ",\n \"learned\": " << drift_json(r.learned_drift)
       << ",\n \"train_seconds\": " << json_number(r.train_seconds) << ",\n \"curve\": [";
    for (std::size_t i = 0; i < r.curve.size(); ++i)
      os << (i ? ",\n   " : "\n   ") << "{\"steps\": " << r.curve[i].steps
         << ", \"loss\": " << json_number(r.curve[i].loss)
         << ", \"seconds\": " << json_number(r.curve[i].seconds)
         << ", \"score\": " << drift_json(r.curve[i].score) << "}";
    os << "],\n \"learned_seeds\": [";
    for (std::size_t i = 0; i < r.learned_seeds.size(); ++i)
      os << (i ? ",\n   " : "\n   ") << "{\"train_seed\": " << r.train_seed + i
         << ", \"score\": " << drift_json(r.learned_seeds[i]) << "}";
    os << "]";
  }
  os << "}\n";
  return os.str();
}

}  // namespace hjb::rl
