#include "tables/value_table.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/error.hpp"
#include "core/parse_list.hpp"
#include "grids/multilinear.hpp"

namespace hjb {

ValueTable ValueTable::read(const std::string& path) {
  ValueTable t;
  t.m_path = path;
  if (is_sparse_table(path)) {
    auto s = std::make_shared<SparseTable>(read_sparse_table(path));
    HJB_CHECK(s->complete, ValidationError, path << ": a partial table (interrupted or failed run)");
    t.m_lo = s->lo;
    t.m_hi = s->hi;
    const auto names =
        s->strings.count("axes") ? split_list(s->strings.at("axes")) : std::vector<std::string>{};
    const auto periodic =
        s->strings.count("periodic") ? split_list(s->strings.at("periodic")) : std::vector<std::string>{};
    for (int k = 0; k < s->dimension; ++k) {
      t.m_names.push_back(static_cast<int>(names.size()) == s->dimension ? names[static_cast<std::size_t>(k)]
                                                                         : "x" + std::to_string(k));
      t.m_periodic.push_back(static_cast<int>(periodic.size()) == s->dimension &&
                             periodic[static_cast<std::size_t>(k)] == "yes");
    }
    t.m_feedback = s->policy;
    for (auto& f : t.m_feedback) s->hierarchize(f);
    t.m_sparse = std::move(s);
  } else {
    auto s = std::make_shared<Table>(read_table(path));
    HJB_CHECK(s->complete, ValidationError, path << ": a partial table (interrupted or failed run)");
    HJB_CHECK(!s->values.empty(), ValidationError, path << ": a table without values");
    for (const Axis& a : s->axes) {
      t.m_names.push_back(a.name);
      t.m_lo.push_back(a.lo);
      t.m_hi.push_back(a.hi);
      t.m_periodic.push_back(a.periodic);
    }
    t.m_feedback = s->policy;
    t.m_tensor = std::move(s);
  }
  return t;
}

std::int64_t ValueTable::nodes() const {
  if (m_sparse) return static_cast<std::int64_t>(m_sparse->nodal.size());
  std::int64_t n = 1;
  for (const Axis& a : m_tensor->axes) n *= a.n;
  return n;
}

const std::map<std::string, std::string>& ValueTable::strings() const {
  return m_sparse ? m_sparse->strings : m_tensor->strings;
}
const std::map<std::string, double>& ValueTable::numbers() const {
  return m_sparse ? m_sparse->numbers : m_tensor->numbers;
}
const std::map<std::string, double>& ValueTable::problem_parameters() const {
  return m_sparse ? m_sparse->problem_parameters : m_tensor->problem_parameters;
}
std::string ValueTable::string(const std::string& key, const std::string& fallback) const {
  const auto& s = strings();
  const auto it = s.find(key);
  return it == s.end() ? fallback : it->second;
}

void ValueTable::inside(const double* x, double* y) const {
  for (int k = 0; k < dimension(); ++k) {
    const double lo = m_lo[static_cast<std::size_t>(k)], hi = m_hi[static_cast<std::size_t>(k)];
    if (m_periodic[static_cast<std::size_t>(k)]) {
      const double period = hi - lo;
      y[k] = lo + (x[k] - lo) - period * std::floor((x[k] - lo) / period);
    } else {
      y[k] = std::clamp(x[k], lo, hi);
    }
  }
}

double ValueTable::value(const double* x) const {
  double y[sparse::max_dimension > 16 ? sparse::max_dimension : 16];
  inside(x, y);
  return m_sparse ? m_sparse->evaluate(m_sparse->surplus, y)
                  : interpolate_table(m_tensor->axes, m_tensor->values.back(), y);
}

void ValueTable::feedback(const double* x, double* u) const {
  HJB_CHECK(!m_feedback.empty(), ValidationError,
            m_path << ": the table stores no feedback (/policy); solve a stationary problem to get one");
  double y[sparse::max_dimension > 16 ? sparse::max_dimension : 16];
  inside(x, y);
  for (std::size_t j = 0; j < m_feedback.size(); ++j)
    u[j] =
        m_sparse ? m_sparse->evaluate(m_feedback[j], y) : interpolate_table(m_tensor->axes, m_feedback[j], y);
}

}  // namespace hjb
