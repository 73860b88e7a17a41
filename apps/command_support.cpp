// Option parsing and helpers shared by the commands (command_support.hpp).
#include "apps/command_support.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
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

void print_evaluation(const std::string& what, const rl::Evaluation& e) {
  std::printf("%s: mean return %.2f +- %.2f (standard error) over %zu episodes\n", what.c_str(), e.mean,
              e.standard_error, e.returns.size());
}

void write_output_json(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  std::ofstream out(tmp);
  out << text;
  out.close();
  if (!out || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw RuntimeError("cannot write --output.json " + path);
  }
}

}  // namespace hjb::apps
