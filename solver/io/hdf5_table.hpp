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
// The file is written under a run-unique temporary name (attribute complete = "no") and renamed to
// PATH when complete (complete = "yes"); data/README.md. Every write is a collective decision: a
// failure on one rank throws the same RuntimeError on every rank.
#pragma once
#include <mpi.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "grids/axis.hpp"
#include "tables/table.hpp"

namespace hjb {

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
  /// Creates `tmp_path` with the axes, the time vector and empty snapshot datasets, and reserves
  /// its disk space. Collective. owned_start/owned_extent: this rank's block (row-major, axis 0
  /// slowest).
  TableWriter(MPI_Comm comm, const std::string& path, const std::string& tmp_path,
              const std::vector<Axis>& axes, const std::vector<std::int64_t>& owned_start,
              const std::vector<std::int64_t>& owned_extent, const std::vector<double>& times,
              const TableMetadata& metadata, const std::vector<std::string>& extra_datasets = {});
  ~TableWriter();
  TableWriter(const TableWriter&) = delete;
  TableWriter& operator=(const TableWriter&) = delete;
  TableWriter(TableWriter&&) = default;

  /// Reopens the temporary file `tmp_path` left by a suspended writer to write the remaining
  /// snapshots (restart, on any number of ranks). Collective. Throws ValidationError when the file
  /// is missing or its root attribute `run_identity` differs from `identity`; reopens the extra
  /// datasets named (created by the interrupted writer).
  static std::unique_ptr<TableWriter> resume(MPI_Comm comm, const std::string& path,
                                             const std::string& tmp_path, const std::vector<Axis>& axes,
                                             const std::vector<std::int64_t>& owned_start,
                                             const std::vector<std::int64_t>& owned_extent,
                                             const std::vector<double>& times, const std::string& identity,
                                             const std::vector<std::string>& extra_datasets = {});

  /// Writes snapshot k from this rank's owned values (row-major over the block). Collective.
  void write_snapshot(int k, const double* owned);
  /// Writes one of the extra datasets named at construction (e.g. "policy/action_0"), shaped
  /// like the grid. Collective.
  void write_extra(const std::string& name, const double* owned);
  /// Flushes everything written so far to disk (before a checkpoint refers to it). Collective.
  void flush();
  /// Closes the file and keeps the temporary file for a later resume(). Collective.
  void suspend();
  /// Marks the table complete, closes it, writes the XDMF sidecar (2-D/3-D; `sidecar` empty: none)
  /// through `sidecar_tmp`, and renames the table, then the sidecar, to their final names.
  /// Collective; a failure leaves no temporary file and no final name changed but the sidecar's.
  /// `final_numbers`: root numeric attributes known only at the end (e.g. the finite-horizon
  /// recursion's stationary_from_stage), written before the table is marked complete.
  void commit(const std::string& sidecar = {}, const std::string& sidecar_tmp = {},
              const std::map<std::string, double>& final_numbers = {});
  /// The temporary file being written (recorded in checkpoints for a resume).
  const std::string& temporary_path() const;

 private:
  struct Impl;
  explicit TableWriter(std::unique_ptr<Impl> impl);
  void write_block(std::int64_t dataset, const double* owned, const std::string& what);
  std::unique_ptr<Impl> m_impl;
};

/// Bytes a table of these axes with `datasets` grid-shaped datasets occupies on disk (values and a
/// margin for HDF5's metadata); used for the free-space check and the disk reservation.
double planned_table_bytes(const std::vector<Axis>& axes, std::size_t datasets);

/// The XDMF sidecar text for a 2-D or 3-D table (empty for other dimensions).
std::string xdmf_for_table(const std::string& h5_file_name, const std::vector<Axis>& axes,
                           const std::vector<double>& times);

}  // namespace hjb
