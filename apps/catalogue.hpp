// A catalogue of ground-truth tables (`hjbench sweep`, `hjbench index`, `evaluate --index`):
// a sweep specification expanded into a job array (a Slurm script and a plain mpirun loop, each job
// skipped when its table is complete and resumed from its checkpoint otherwise), and an index of the
// tables under a directory (JSON for people and tools, HDF5 with external links for h5py and hjbench).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "apps/command_support.hpp"

namespace hjb::apps {

/// SPEC.ini: [sweep] name, ranks, checkpoint_seconds; [solve] options every job shares (any
/// `hjbench solve` option, `key = value`, an empty value for a switch); [vary] options whose
/// alternatives, separated by '|', span the jobs (their Cartesian product, the last key fastest).
struct SweepSpec {
  std::string path, name;
  int ranks = 1;
  double checkpoint_seconds = 600;
  std::vector<std::pair<std::string, std::string>> fixed;
  std::vector<std::pair<std::string, std::vector<std::string>>> vary;
  std::string text;  ///< the file's contents (a sweep directory belongs to one specification)
};

struct SweepJob {
  int index = 0;
  std::string name;                                         ///< NAME_0000, ...
  std::vector<std::pair<std::string, std::string>> varied;  ///< this job's value of each [vary] key
  std::vector<std::string> args;                            ///< `hjbench solve` arguments (no output file)
};

/// Reads and checks SPEC.ini; UsageError naming the file, line and key for anything malformed.
SweepSpec read_sweep_spec(const std::string& path);
/// The jobs; every job's arguments parsed as `hjbench solve` would (UsageError naming the job).
std::vector<SweepJob> expand_sweep(const SweepSpec& spec);
/// Writes DIR/sweep.ini (the specification), DIR/jobs.json, DIR/run_job.sh I, DIR/run_all.sh and
/// DIR/slurm.sh, and creates DIR/tables and DIR/logs. Refuses (ValidationError) a DIR that holds
/// another specification's sweep.
void write_sweep(const SweepSpec& spec, const std::vector<SweepJob>& jobs, const std::string& dir,
                 const std::string& hjbench);

/// One table of an index.
struct IndexEntry {
  std::string path;                 ///< relative to the indexed directory
  std::string problem, mode, grid;  ///< grid: "tensor 101x101" or "sparse level 6, N nodes"
  int dimension = 0;
  long long nodes = 0;
  std::map<std::string, double> parameters;
  double wall_seconds = -1;  ///< summed over the attempts of a sweep job (-1: unknown)
  int attempts = 0;
  std::optional<Bracket> bracket;  ///< an optimum.json of the same problem beside the table
  std::string command_line, version, run_identity;
};

/// Every hjbench table under dir (recursively; checkpoints, partial tables and other files are
/// skipped). Throws ValidationError when dir is not a directory.
std::vector<IndexEntry> scan_tables(const std::string& dir);
/// Writes DIR/index.json and DIR/index.h5 (one group per table: its attributes, parameters and an
/// external link `table` to the file's root), each atomically.
void write_index(const std::string& dir, const std::vector<IndexEntry>& entries);
/// Reads DIR/index.h5 (ValidationError naming it when missing or foreign).
std::vector<IndexEntry> read_index(const std::string& dir);

/// The table for an environment: same problem and dimension, a mode in `modes`, every parameter
/// equal (relative 1e-9); the finest of several. Throws ValidationError naming the nearest
/// candidates when none matches.
IndexEntry pick_table(const std::vector<IndexEntry>& entries, const std::string& dir,
                      const std::string& problem, int dimension,
                      const std::map<std::string, double>& parameters, const std::vector<std::string>& modes);

}  // namespace hjb::apps
