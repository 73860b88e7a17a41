// The hjbench HDF5 value-table schema (version 1): collective writer and reader.
//
//   /                      attributes: schema_version, problem, and string/numeric metadata
//   /axes/<name>           1-D node coordinates, dimension scales (attributes lo, hi, periodic)
//   /time                  1-D times t_k of the snapshots (t = 0 is the terminal cost)
//   /value/snapshot_NNNN   D-D float64 value V(x, t_k) on the grid (attribute time);
//                          dimension k is attached to /axes/<name of axis k>
//   /value/final           soft link to the last snapshot
//   /problem               attributes: the problem's parameters
//   /policy/action_J       (stationary solves) component J of the optimal feedback control
// The file is written as PATH.tmp and renamed to PATH when complete (data/README.md).
#pragma once
#include <mpi.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "grids/axis.hpp"

namespace hjb {

inline constexpr int table_schema_version = 1;

struct TableMetadata {
  std::string problem;
  std::map<std::string, std::string> strings;  ///< root string attributes (scheme, command line, ...)
  std::map<std::string, double> numbers;       ///< root numeric attributes (horizon, cfl, ...)
  std::map<std::string, double> problem_parameters;
};

/// Collective writer of one table. Nothing is visible at `path` until commit() succeeds; an
/// uncommitted writer removes its temporary file when destroyed.
class TableWriter {
 public:
  /// Creates PATH.tmp with the axes, the time vector and empty snapshot datasets. Collective.
  /// owned_start/owned_extent: this rank's block (row-major, axis 0 slowest).
  TableWriter(MPI_Comm comm, const std::string& path, const std::vector<Axis>& axes,
              const std::vector<std::int64_t>& owned_start, const std::vector<std::int64_t>& owned_extent,
              const std::vector<double>& times, const TableMetadata& metadata,
              const std::vector<std::string>& extra_datasets = {});
  ~TableWriter();
  TableWriter(const TableWriter&) = delete;
  TableWriter& operator=(const TableWriter&) = delete;
  TableWriter(TableWriter&&) = default;

  /// Reopens PATH.tmp left by a suspended writer to write the remaining snapshots (restart, on any
  /// number of ranks). Collective. Throws ValidationError when the file is missing or its root
  /// attribute `run_identity` differs from `identity`.
  static std::unique_ptr<TableWriter> resume(MPI_Comm comm, const std::string& path,
                                             const std::vector<Axis>& axes,
                                             const std::vector<std::int64_t>& owned_start,
                                             const std::vector<std::int64_t>& owned_extent,
                                             const std::vector<double>& times, const std::string& identity);

  /// Writes snapshot k from this rank's owned values (row-major over the block). Collective.
  void write_snapshot(int k, const double* owned);
  /// Writes one of the extra datasets named at construction (e.g. "policy/action_0"), shaped
  /// like the grid. Collective.
  void write_extra(const std::string& name, const double* owned);
  /// Flushes everything written so far to disk (before a checkpoint refers to it). Collective.
  void flush();
  /// Closes the file and keeps PATH.tmp for a later resume(). Collective.
  void suspend();
  /// Closes the file, writes the XDMF sidecar (2-D/3-D) and renames PATH.tmp to PATH. Collective.
  void commit();

 private:
  struct Impl;
  explicit TableWriter(std::unique_ptr<Impl> impl);
  void write_block(std::int64_t dataset, const double* owned, const std::string& what);
  std::unique_ptr<Impl> m_impl;
};

/// A table read back in full (for `hjbench info`, tests and comparisons).
struct Table {
  std::vector<Axis> axes;
  std::vector<double> times;
  std::vector<std::vector<double>> values;  ///< one row-major array per snapshot
  std::map<std::string, std::string> strings;
  std::map<std::string, double> numbers;
  std::map<std::string, double> problem_parameters;
  int schema_version = 0;
};

/// Reads a whole table on the calling rank (serial HDF5 access). Throws ValidationError naming
/// the path when the file is missing, unreadable or not an hjbench table.
Table read_table(const std::string& path);

/// Reads this rank's block of snapshot k (independent parallel-safe access). Throws ValidationError.
std::vector<double> read_snapshot_block(const std::string& path, int k,
                                        const std::vector<std::int64_t>& start,
                                        const std::vector<std::int64_t>& extent);

/// The XDMF sidecar text for a 2-D or 3-D table (empty for other dimensions).
std::string xdmf_for_table(const std::string& h5_file_name, const std::vector<Axis>& axes,
                           const std::vector<double>& times);

/// Human-readable summary (hjbench info).
std::string describe_table(const Table& table, const std::string& path);

}  // namespace hjb
