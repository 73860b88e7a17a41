// Option parsing and helpers shared by the commands (command_support.hpp).
#include "apps/command_support.hpp"

#include <petscsys.h>
#include <sys/stat.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <regex>
#include <sstream>

#include "core/error.hpp"
#include "core/input_files.hpp"
#include "core/parse_list.hpp"

namespace hjb::apps {

void validate(boost::any& v, const std::vector<std::string>& values, Seed*, int) {
  po::validators::check_first_occurrence(v);
  const std::string& text = po::validators::get_single_string(values);
  std::size_t used = 0;
  unsigned long long n = 0;
  try {
    if (text.find_first_not_of("0123456789") == std::string::npos) n = std::stoull(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size())
    throw po::invalid_option_value(text);  // the message names the option and the value
  v = Seed{n};
}

std::ostream& operator<<(std::ostream& os, const Seed& seed) { return os << seed.value; }

bool parse_options(const std::vector<std::string>& args, const po::options_description& options,
                   po::variables_map& vm, const ParseSpec& spec) {
  // Boost's default style without guessing: an abbreviated option is an error, not a silent match.
  constexpr int no_guessing = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
  try {
    auto parser = po::command_line_parser(args).options(options).style(no_guessing);
    if (spec.positional) parser.positional(*spec.positional);
    po::store(parser.run(), vm);
    if (vm.count("help")) {
      std::cout << options << spec.help_epilogue;
      return false;
    }
    if (spec.config_file && vm.count("config")) {
      const std::string path = vm["config"].as<std::string>();
      std::istringstream in(read_config_text(path));  // checked first: never opens a FIFO or device
      po::store(po::parse_config_file(in, options, false), vm);
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return true;
}

std::vector<int> parse_sizes(const std::string& text, const std::string& option) {
  const std::vector<int> sizes = parse_list<int>(text, option);
  for (int v : sizes)
    HJB_CHECK(v > 0, UsageError, "--" << option << ": '" << v << "' is not a positive integer");
  return sizes;
}

std::vector<double> parse_start(const std::string& text, const Table& table) {
  const std::vector<double> x0 = parse_list<double>(text, "x0");
  for (double v : x0) HJB_CHECK(std::isfinite(v), UsageError, "--x0: " << v << " is not a finite number");
  HJB_CHECK(x0.size() == table.axes.size(), UsageError,
            "--x0 has " << x0.size() << " components, the table " << table.axes.size());
  for (std::size_t a = 0; a < x0.size(); ++a)
    HJB_CHECK(
        table.axes[a].periodic || (x0[a] >= table.axes[a].lo && x0[a] <= table.axes[a].hi), ValidationError,
        "--x0: component " << a << " = " << x0[a] << " lies outside the table's axis '" << table.axes[a].name
                           << "' [" << table.axes[a].lo << ", " << table.axes[a].hi << "]");
  return x0;
}

std::vector<std::vector<double>> seeded_starts(const rl::Environment& env, int count, std::uint64_t seed) {
  std::vector<std::vector<double>> starts;
  auto sampler = env.clone();
  for (int k = 0; k < count; ++k) {
    sampler->reset(seed + static_cast<std::uint64_t>(k));
    starts.push_back(sampler->state());
  }
  return starts;
}

rl::StartShare world_start_share() {
  rl::StartShare share;
  share.rank = PetscGlobalRank;
  share.ranks = PetscGlobalSize;
  share.sum_over_ranks = [](std::vector<double>& v) {
    MPI_Allreduce(MPI_IN_PLACE, v.data(), static_cast<int>(v.size()), MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
  };
  return share;
}

void print_evaluation(const std::string& what, const rl::Evaluation& e) {
  std::printf("%s: mean return %.2f +- %.2f (standard error) over %zu episodes\n", what.c_str(), e.mean,
              e.standard_error, e.returns.size());
}

/// The number (or string) after "key": in a flat JSON text; nullopt when absent or null.
namespace {
std::optional<std::string> json_field(const std::string& text, const std::string& key) {
  const std::regex pattern("\"" + key + "\"\\s*:\\s*(\"([^\"]*)\"|[-+0-9.eE]+)");
  std::smatch m;
  if (!std::regex_search(text, m, pattern)) return std::nullopt;
  return m[2].matched ? m[2].str() : m[1].str();
}

}  // namespace

Bracket read_bracket(const std::string& path, const std::string& problem) {
  require_input_file(path, "--optimum");
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto number = [&](const char* key) {
    const auto v = json_field(text, key);
    HJB_CHECK(v, ValidationError,
              path << ": no number \"" << key << "\" (not an optimum.json of scripts/optimum.sh?)");
    try {
      return std::stod(*v);
    } catch (const std::exception&) {
      throw ValidationError(path + ": \"" + key + "\" is not a number");
    }
  };
  Bracket b{number("lower"), number("lower_se"), number("upper"), json_field(text, "upper_kind").value_or(""),
            json_field(text, "return").value_or("")};
  HJB_CHECK(json_field(text, "problem").value_or("") == problem, ValidationError,
            path << ": the bracket of problem '" << json_field(text, "problem").value_or("?") << "', not '"
                 << problem << "'");
  HJB_CHECK(b.return_kind == "episode", ValidationError,
            path << ": a bracket of the " << b.return_kind << " return; rollout compares episode returns");
  HJB_CHECK(b.lower <= b.upper && b.lower_se >= 0, ValidationError,
            path << ": lower > upper or a negative error");
  return b;
}

/// The policy's gap to both ends: at least lower - R below the optimum (the lower end is achieved by
/// a feasible policy), at most upper - R (certified) or about that (estimate).
void print_bracket_gaps(const Bracket& b, const std::string& path, double mean, double standard_error) {
  const double se = std::sqrt(standard_error * standard_error + b.lower_se * b.lower_se);
  std::printf("optimum's bracket (%s): [%.4f, %.4f], upper %s\n", path.c_str(), b.lower, b.upper,
              b.upper_kind.c_str());
  std::printf(
      "  gap to the lower end (the policy is at least this far from optimal)   %.4f +- %.4f (standard "
      "error)\n",
      b.lower - mean, se);
  std::printf("  gap to the upper end (%s)%s %.4f +- %.4f (standard error)\n", b.upper_kind.c_str(),
              b.upper_kind == "certified" ? " (at most this far from optimal)    "
                                          : " (about this far at most)        ",
              b.upper - mean, standard_error);
  if (b.lower - mean - 2 * se <= 0)
    std::printf(
        "  warning: gap is within the reference's error: the policy's return reaches the bracket's lower end "
        "within 2 standard errors, so this bracket cannot tell it from optimal\n");
  if (mean - 2 * standard_error > b.upper)
    std::printf(
        "  warning: the policy's return is above the bracket's upper end (%s) beyond 2 standard errors: %s\n",
        b.upper_kind.c_str(),
        b.upper_kind == "certified" ? "the bracket and these episodes disagree (other problem parameters?)"
                                    : "the estimate is too low");
}

void write_text_file(const std::string& path, const std::string& text, const std::string& what,
                     bool executable) {
  const std::string tmp = path + ".tmp";
  std::ofstream out(tmp);
  out << text;
  out.close();
  if (out && executable) chmod(tmp.c_str(), 0755);
  if (!out || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw RuntimeError("cannot write " + what + " " + path);
  }
}

void write_output_json(const std::string& path, const std::string& text) {
  write_text_file(path, text, "--output.json");
}

}  // namespace hjb::apps
