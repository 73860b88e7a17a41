// Parsing, presets and validation of the time-dependent solver options.
#include "solver/algorithms/time_dependent_options.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/error.hpp"

namespace hjb {

void TimeDependentOptions::validate() const {
  HJB_CHECK(std::isfinite(cfl) && cfl > 0.0, UsageError, "--scheme.cfl must be positive, got " << cfl);
  HJB_CHECK(method == TimeMethod::semi_lagrangian || cfl <= 1.0, UsageError,
            "--scheme.cfl must not exceed 1 (the stability limit of the method of lines), got "
                << cfl << " (--scheme.method semi_lagrangian takes larger steps)");
  HJB_CHECK(cfl <= 1000.0, UsageError, "--scheme.cfl must not exceed 1000, got " << cfl);
  HJB_CHECK(inputs_per_axis >= 2 && inputs_per_axis <= 64, UsageError,
            "--scheme.inputs_per_axis must be in [2, 64], got " << inputs_per_axis);
  HJB_CHECK(std::isfinite(horizon) && horizon > 0.0, UsageError,
            "--time.horizon must be positive (the table covers t in [-horizon, 0]), got " << horizon);
  HJB_CHECK(snapshots >= 1, UsageError, "--time.snapshots must be at least 1, got " << snapshots);
  HJB_CHECK(
      snapshots <= max_snapshots && snapshot_taus.size() <= static_cast<std::size_t>(max_snapshots),
      UsageError,
      "--time.snapshots/--time.times: at most "
          << max_snapshots << " snapshots per table, got "
          << std::max<std::size_t>(snapshots, snapshot_taus.size())
          << " (each is an HDF5 dataset attached to the axis scales, whose reference list HDF5 limits to "
             "64 KiB); write fewer snapshots");
  HJB_CHECK(max_steps >= 1, UsageError, "--time.max_steps must be positive, got " << max_steps);
  for (std::size_t k = 0; k < snapshot_taus.size(); ++k) {
    const double previous = k == 0 ? 0.0 : snapshot_taus[k - 1];
    HJB_CHECK(std::isfinite(snapshot_taus[k]) && snapshot_taus[k] > previous, UsageError,
              "--time.times must list increasing times after 0 (as positive time-to-go), got "
                  << snapshot_taus[k] << " after " << previous);
  }
  HJB_CHECK(progress_seconds >= 0.0, UsageError,
            "--output.progress_seconds must be non-negative, got " << progress_seconds);
}

std::vector<double> TimeDependentOptions::snapshot_schedule() const {
  if (!snapshot_taus.empty()) return snapshot_taus;
  std::vector<double> taus;
  for (int k = 1; k <= snapshots; ++k) taus.push_back(k == snapshots ? horizon : horizon * k / snapshots);
  return taus;
}

void apply_accuracy_preset(const std::string& name, TimeDependentOptions& o) {
  if (name == "low") {
    o.derivative = DerivativeScheme::upwind1;
    o.integrator = TimeIntegrator::rk1;
  } else if (name == "medium") {
    o.derivative = DerivativeScheme::eno2;
    o.integrator = TimeIntegrator::rk2;
  } else if (name == "high") {
    o.derivative = DerivativeScheme::weno3;
    o.integrator = TimeIntegrator::rk3;
  } else if (name == "very_high") {
    o.derivative = DerivativeScheme::weno5;
    o.integrator = TimeIntegrator::rk3;
  } else {
    throw UsageError("--scheme.accuracy: unknown preset '" + name +
                     "' (choose low, medium, high, very_high)");
  }
}

namespace {
template <class E, std::size_t N>
E parse_enum(const std::string& s, const char* option, const std::pair<const char*, E> (&table)[N]) {
  std::string choices;
  for (const auto& [name, value] : table) {
    if (s == name) return value;
    choices += (choices.empty() ? "" : ", ") + std::string(name);
  }
  throw UsageError(std::string(option) + ": unknown value '" + s + "' (choose " + choices + ")");
}
template <class E, std::size_t N>
std::string name_of(E e, const std::pair<const char*, E> (&table)[N]) {
  for (const auto& [name, value] : table)
    if (value == e) return name;
  return "?";
}
constexpr std::pair<const char*, DerivativeScheme> derivative_names[] = {
    {"upwind1", DerivativeScheme::upwind1},
    {"eno2", DerivativeScheme::eno2},
    {"weno3", DerivativeScheme::weno3},
    {"weno5", DerivativeScheme::weno5}};
constexpr std::pair<const char*, TimeIntegrator> integrator_names[] = {
    {"rk1", TimeIntegrator::rk1}, {"rk2", TimeIntegrator::rk2}, {"rk3", TimeIntegrator::rk3}};
constexpr std::pair<const char*, Dissipation> dissipation_names[] = {{"local", Dissipation::local},
                                                                     {"global", Dissipation::global}};
constexpr std::pair<const char*, BoundaryCondition> boundary_names[] = {
    {"extrapolate", BoundaryCondition::extrapolate},
    {"extrapolate_away_from_zero", BoundaryCondition::extrapolate_away_from_zero},
    {"reflect", BoundaryCondition::reflect}};
constexpr std::pair<const char*, ReachMode> mode_names[] = {{"brs", ReachMode::set},
                                                            {"brt", ReachMode::tube}};
constexpr std::pair<const char*, TimeMethod> method_names[] = {
    {"method_of_lines", TimeMethod::method_of_lines}, {"semi_lagrangian", TimeMethod::semi_lagrangian}};
constexpr std::pair<const char*, SlInterpolation> interpolation_names[] = {
    {"linear", SlInterpolation::linear}, {"cubic", SlInterpolation::cubic}};
}  // namespace

DerivativeScheme parse_derivative_scheme(const std::string& s) {
  return parse_enum(s, "--scheme.derivative", derivative_names);
}
TimeIntegrator parse_time_integrator(const std::string& s) {
  return parse_enum(s, "--scheme.time_integrator", integrator_names);
}
Dissipation parse_dissipation(const std::string& s) {
  return parse_enum(s, "--scheme.dissipation", dissipation_names);
}
BoundaryCondition parse_boundary_condition(const std::string& s) {
  return parse_enum(s, "--scheme.boundary", boundary_names);
}
ReachMode parse_reach_mode(const std::string& s) { return parse_enum(s, "--solve.mode", mode_names); }
std::string to_string(DerivativeScheme s) { return name_of(s, derivative_names); }
std::string to_string(TimeIntegrator s) { return name_of(s, integrator_names); }
std::string to_string(Dissipation s) { return name_of(s, dissipation_names); }
std::string to_string(BoundaryCondition s) { return name_of(s, boundary_names); }
std::string to_string(ReachMode s) { return name_of(s, mode_names); }
TimeMethod parse_time_method(const std::string& s) { return parse_enum(s, "--scheme.method", method_names); }
SlInterpolation parse_sl_interpolation(const std::string& s) {
  return parse_enum(s, "--scheme.interpolation", interpolation_names);
}
std::string to_string(TimeMethod s) { return name_of(s, method_names); }
std::string to_string(SlInterpolation s) { return name_of(s, interpolation_names); }

}  // namespace hjb
