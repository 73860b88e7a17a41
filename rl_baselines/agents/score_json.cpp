// The JSON form of a Score (`hjbench evaluate --output.json`, the Python module's evaluate).
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "rl_baselines/agents/score.hpp"

namespace hjb::rl {

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
      continue;
    }
    out += c;
  }
  return out + "\"";
}

namespace {

void json_array(std::ostringstream& os, const std::vector<double>& v) {
  os << "[";
  for (std::size_t i = 0; i < v.size(); ++i) os << (i ? "," : "") << json_number(v[i]);
  os << "]";
}

void json_summary(std::ostringstream& os, const SampleSummary& s) {
  os << "{\"count\":" << s.count << ",\"mean\":" << json_number(s.mean)
     << ",\"standard_error\":" << json_number(s.standard_error) << ",\"median\":" << json_number(s.median)
     << ",\"p90\":" << json_number(s.p90) << ",\"worst\":" << json_number(s.worst)
     << ",\"ci_low\":" << json_number(s.ci_low) << ",\"ci_high\":" << json_number(s.ci_high)
     << ",\"confidence\":" << json_number(s.confidence) << ",\"worse\":\""
     << (s.worse == Worse::larger ? "larger" : "smaller") << "\"}";
}

void json_norms(std::ostringstream& os, const ErrorNorms& e) {
  os << "{\"count\":" << e.count << ",\"l1\":" << json_number(e.count ? e.l1 : NAN)
     << ",\"l2\":" << json_number(e.count ? e.l2 : NAN) << ",\"linf\":" << json_number(e.count ? e.linf : NAN)
     << "}";
}

}  // namespace

std::string score_json(const Score& s) {
  std::ostringstream os;
  os << "{\"problem\":" << json_string(s.problem) << ",\"table\":" << json_string(s.table_path)
     << ",\"discount\":" << json_number(s.gamma) << ",\"episode_limit\":" << s.episode_limit
     << ",\"starts\":" << s.starts.size() << ",\"critic_kind\":" << json_string(s.critic_kind)
     << ",\"axes\":[";
  for (std::size_t k = 0; k < s.axes.size(); ++k) os << (k ? "," : "") << json_string(s.axes[k]);
  os << "]";
  os << ",\"gap_cost\":";
  json_summary(os, s.gap_cost);
  os << ",\"gap_certified_lower_bound\":";
  json_summary(os, s.gap_certified);
  os << ",\"table_feedback_gap\":";
  json_summary(os, s.feedback_gap);
  os << ",\"gap_return\":";
  json_summary(os, s.gap_return);
  os << ",\"policy_return\":";
  json_summary(os, s.policy_episode_return);
  os << ",\"feedback_return\":";
  json_summary(os, s.feedback_episode_return);
  os << ",\"policy_cost_beyond_episode_limit\":" << json_number(s.policy_cost_beyond_limit);
  os << ",\"reference_error\":" << json_number(s.reference_error)
     << ",\"gap_within_reference_error\":" << (s.gap_within_reference_error ? "true" : "false")
     << ",\"warning\":" << (s.warning.empty() ? std::string("null") : json_string(s.warning));
  os << ",\"refinement\":";
  if (s.refined)
    os << "{\"coarse_table\":" << json_string(s.coarse_path)
       << ",\"mean_abs\":" << json_number(s.refinement_mean)
       << ",\"max_abs\":" << json_number(s.refinement_max) << "}";
  else
    os << "null";
  os << ",\"critic_error_domain\":";
  json_norms(os, s.critic_domain);
  os << ",\"critic_error_visited\":";
  json_norms(os, s.critic_visited);
  os << ",\"critic_bellman_residual\":";
  json_norms(os, s.critic_bellman);
  os << ",\"policy_error_domain\":[";
  for (std::size_t j = 0; j < s.policy_domain.size(); ++j) {
    if (j) os << ",";
    json_norms(os, s.policy_domain[j]);
  }
  os << "]";
  os << ",\"per_start\":{\"x0\":[";
  for (std::size_t i = 0; i < s.starts.size(); ++i) {
    if (i) os << ",";
    json_array(os, s.starts[i]);
  }
  os << "],\"optimal_value\":";
  json_array(os, s.optimal_value);
  os << ",\"policy_cost\":";
  json_array(os, s.policy_cost);
  os << ",\"feedback_cost\":";
  json_array(os, s.feedback_cost);
  os << ",\"policy_return\":";
  json_array(os, s.policy_return);
  os << ",\"feedback_return\":";
  json_array(os, s.feedback_return);
  os << "}";
  os << ",\"slice\":";
  if (s.slice.n >= 2) {
    os << "{\"n\":" << s.slice.n << ",\"x\":";
    json_array(os, s.slice.x);
    os << ",\"y\":";
    json_array(os, s.slice.y);
    os << ",\"optimal\":";
    json_array(os, s.slice.optimal);
    os << ",\"critic\":";
    json_array(os, s.slice.critic);
    os << ",\"action\":";
    json_array(os, s.slice.action);
    os << ",\"feedback\":";
    json_array(os, s.slice.feedback);
    os << "}";
  } else {
    os << "null";
  }
  os << "}\n";
  return os.str();
}

}  // namespace hjb::rl
