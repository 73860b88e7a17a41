// One reader for every hjbench value table, tensor or sparse: V and the feedback at arbitrary
// points in any dimension, the problem's identity and parameters, the table's kind. No PETSc, no
// MPI calls: used by the RL side (rl_baselines), the apps and the Python module.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tables/table.hpp"

namespace hjb {

class ValueTable {
 public:
  /// Reads a tensor or sparse table (serial). Throws ValidationError naming `path` for a missing,
  /// foreign, partial or corrupt file.
  static ValueTable read(const std::string& path);

  const std::string& path() const { return m_path; }
  bool is_sparse() const { return m_sparse != nullptr; }
  int dimension() const { return static_cast<int>(m_lo.size()); }
  /// Nodes of the table's grid (tensor: the product of the axes; sparse: the stored nodes).
  std::int64_t nodes() const;
  /// Root attributes ("problem", "mode": stationary / finite_horizon / reach..., "scheme", ...).
  const std::map<std::string, std::string>& strings() const;
  const std::map<std::string, double>& numbers() const;
  const std::map<std::string, double>& problem_parameters() const;
  /// A root string attribute, or `fallback` when absent.
  std::string string(const std::string& key, const std::string& fallback = "") const;
  std::string problem() const { return string("problem", "?"); }
  std::string mode() const { return string("mode", "?"); }
  const std::vector<std::string>& axis_names() const { return m_names; }
  double lo(int k) const { return m_lo[static_cast<std::size_t>(k)]; }
  double hi(int k) const { return m_hi[static_cast<std::size_t>(k)]; }
  bool periodic(int k) const { return m_periodic[static_cast<std::size_t>(k)]; }
  /// Components of the stored optimal feedback (0 when the table has none).
  int feedback_dim() const { return static_cast<int>(m_feedback.size()); }

  /// V at x (dimension() components) from the last stored snapshot — the stationary fixed point,
  /// or the final time of a time-dependent run. Periodic axes wrap; other coordinates are clamped
  /// into the table's box (the tables store no values outside it).
  double value(const double* x) const;
  /// The optimal feedback at x, interpolated componentwise (feedback_dim() values into `u`).
  /// Throws ValidationError when the table has no feedback.
  void feedback(const double* x, double* u) const;
  double value(const std::vector<double>& x) const { return value(x.data()); }
  /// x moved into the table's box (dimension() components into y): periodic axes wrapped, the others
  /// clamped — what value() and feedback() evaluate at.
  void inside(const double* x, double* y) const;

  /// The underlying tables (exactly one is set).
  const Table* tensor_table() const { return m_tensor.get(); }
  const SparseTable* sparse_table() const { return m_sparse.get(); }

 private:
  std::string m_path;
  std::shared_ptr<const Table> m_tensor;
  std::shared_ptr<const SparseTable> m_sparse;
  std::vector<std::vector<double>> m_feedback;  ///< tensor: nodal; sparse: surpluses
  std::vector<std::string> m_names;
  std::vector<double> m_lo, m_hi;
  std::vector<bool> m_periodic;
};

}  // namespace hjb
