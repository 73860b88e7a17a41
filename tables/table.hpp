// Reading hjbench value tables without PETSc or MPI calls: tensor-grid tables (Table) and
// sparse-grid tables (SparseTable), read whole on the calling process with serial HDF5 access. The
// schema is in data/README.md; the solver's collective writers are in solver/io/.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "grids/axis.hpp"
#include "grids/sparse/adaptive_sparse_grid.hpp"
#include "grids/sparse/sparse_grid.hpp"

namespace hjb {

/// 2 added the root attribute `complete` (yes/no). Readers accept 1 and 2 and refuse newer files.
inline constexpr int table_schema_version = 2;

/// The dataset name of snapshot k under /value ("snapshot_0000", ...).
inline std::string table_snapshot_name(int k) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "snapshot_%04d", k);
  return buf;
}

/// The dataset of component j of the feedback stored with snapshot k by second-order tables
/// ("policy/snapshot_0000/action_0", ...): written by the solver, read by `hjbench diffusion`.
inline std::string table_snapshot_feedback_name(int k, int j) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "policy/snapshot_%04d/action_%d", k, j);
  return buf;
}

/// A table read back in full (for `hjbench info`, tests and comparisons).
struct Table {
  std::vector<Axis> axes;
  std::vector<double> times;
  std::vector<std::vector<double>> values;  ///< one row-major array per snapshot
  /// Stationary tables: component J of the optimal feedback (/policy/action_J), row-major.
  std::vector<std::vector<double>> policy;
  std::map<std::string, std::string> strings;
  std::map<std::string, double> numbers;
  std::map<std::string, double> problem_parameters;
  int schema_version = 0;
  bool complete = true;  ///< false for a partial (temporary) file of an interrupted or failed run
};

/// Reads a whole table on the calling rank (serial HDF5 access). Throws ValidationError naming
/// the path when the file is missing, unreadable or not an hjbench table.
Table read_table(const std::string& path);

/// Reads one dataset of a table whole (e.g. a second-order table's policy/snapshot_KKKK/action_J).
/// Throws ValidationError naming the path and the dataset when it is missing or unreadable.
std::vector<double> read_table_dataset(const std::string& path, const std::string& name);

/// Reads this rank's block of snapshot k (independent parallel-safe access). Throws ValidationError.
std::vector<double> read_snapshot_block(const std::string& path, int k,
                                        const std::vector<std::int64_t>& start,
                                        const std::vector<std::int64_t>& extent);

/// Human-readable summary (hjbench info).
std::string describe_table(const Table& table, const std::string& path);

/// What a table is, without its values: root attributes, problem parameters and the grid (for
/// catalogues of many tables, `hjbench index`).
struct TableHeader {
  std::map<std::string, std::string> strings;
  std::map<std::string, double> numbers, problem_parameters;
  bool sparse = false, complete = true;
  int dimension = 0;
  long long nodes = 0;
  std::vector<Axis> axes;  ///< tensor tables
  std::string grid;        ///< "tensor 101x101 on [lo, hi] x ..." or "sparse level L, N nodes"
};
/// Reads a table's header (serial). Throws ValidationError naming the path when it is not an
/// hjbench table (tensor or sparse).
TableHeader read_table_header(const std::string& path);

/// True when `path` is an HDF5 file with root attribute grid_type = "sparse".
bool is_sparse_table(const std::string& path);

/// The a-posteriori error indicator a sparse time-dependent table carries (/error): the same run
/// one and two levels coarser (same options), D1 = V_L - V_{L-1} and D2 = V_{L-1} - V_{L-2} at this
/// grid's nodes with their surpluses (D2 empty below level 3). The indicator at x is
/// max(2 |I D1(x)|, |I D2(x)|): twice the last change, or the change before it where the last one
/// happens to vanish (measured on the 4-D eikonal front: above the error at 99-100 % of points,
/// about 9x the mean error; docs/guide.md, "Sparse grids"). An estimate, not a bound.
struct SparseErrorEstimate {
  std::vector<double> difference, surplus;                ///< D1 and its surpluses
  std::vector<double> coarse_difference, coarse_surplus;  ///< D2 and its surpluses (may be empty)
  int coarse_level = 0;                                   ///< L - 1
};

struct SparseTable {
  int dimension = 0, level = 0;
  sparse::Basis basis = sparse::Basis::boundary;
  std::vector<int> caps;
  std::vector<double> lo, hi, nodal, surplus;
  std::vector<std::vector<double>> policy;
  std::map<std::string, std::string> strings;
  std::map<std::string, double> numbers, problem_parameters;
  bool complete = true;
  bool adaptive = false;
  /// The node set the values live on, regular or adaptive, behind one interface.
  std::shared_ptr<const sparse::Grid> nodes;
  std::optional<SparseErrorEstimate> error;  ///< absent in tables written without one
  /// The error indicator at x (requires `error`).
  double error_indicator(const double* x) const {
    const double last = 2.0 * std::abs(evaluate(error->surplus, x));
    return error->coarse_surplus.empty() ? last
                                         : std::max(last, std::abs(evaluate(error->coarse_surplus, x)));
  }
  /// The regular grid the table was written on (rebuilt from level, caps and box).
  sparse::SparseGrid grid() const { return {dimension, level, lo, hi, caps, basis}; }
  /// On the table's grid: nodal values -> surpluses, and the interpolant.
  void hierarchize(std::vector<double>& values) const { nodes->hierarchize(values); }
  double evaluate(const std::vector<double>& surpluses, const double* x) const {
    return nodes->evaluate(surpluses, x);
  }
};

/// Reads a sparse table (serial). Throws ValidationError naming the path for a missing, foreign
/// or inconsistent file.
SparseTable read_sparse_table(const std::string& path);

/// Human-readable summary (hjbench info).
std::string describe_sparse_table(const SparseTable& table, const std::string& path);

}  // namespace hjb
