// Checks of a solve's outputs before work, and the output lock.
#include "solver/run/run_setup.hpp"

#include <cstdio>
#include <filesystem>

#include "solver/io/checkpoint.hpp"
#include "solver/run/memory_plan.hpp"

namespace hjb {

PreparedOutputs prepare_outputs(MPI_Comm comm, const SolveConfig& config, double table_bytes,
                                double checkpoint_bytes) {
  PreparedOutputs out;
  RunFiles& f = out.files;
  f.table = config.output.file;
  f.sidecar = sidecar_path(config.output.file);
  f.history = config.output.history;
  f.checkpoint = config.checkpoint.file;
  f.lock = config.output.file + ".lock";
  f.run_tag = make_run_tag(comm);
  std::vector<OutputFile> outputs{{f.table, "--output.file"},
                                  {f.sidecar, "the XDMF sidecar of --output.file"},
                                  {f.checkpoint, "--checkpoint.file"},
                                  {f.lock, "the lock file of --output.file"}};
  if (!f.history.empty()) outputs.push_back({f.history, "--output.history"});
  // The restart file is read, and normally is the checkpoint this run keeps writing; it must not
  // be any other output.
  std::vector<OutputFile> others(outputs.begin(), outputs.end());
  others.erase(others.begin() + 2);
  check_outputs(comm, outputs);
  if (!config.checkpoint.restart.empty())
    check_outputs(comm, others, {{config.checkpoint.restart, "--restart"}});
  // A stop writes one checkpoint; periodic checkpoints keep the previous one until the next is
  // complete, so two may exist at once.
  const double checkpoints =
      config.control.checkpoint_every_steps > 0 || config.control.checkpoint_every_seconds > 0 ? 2.0 : 1.0;
  if (config.dry_run) {
    check_free_space(comm, f.table,
                     config.checkpoint.restart.empty() ? table_bytes + checkpoints * checkpoint_bytes
                                                       : checkpoints * checkpoint_bytes,
                     "the table and its checkpoints");
    return out;
  }
  out.lock = std::make_unique<OutputLock>(comm, f.lock, f.table);

  // An existing checkpoint of this output belongs to an interrupted run: never discard it silently.
  int rank;
  MPI_Comm_rank(comm, &rank);
  int exists = rank == 0 && std::filesystem::exists(f.checkpoint);
  MPI_Bcast(&exists, 1, MPI_INT, 0, comm);
  const bool continuing = !config.checkpoint.restart.empty();
  if (exists && !continuing) {
    HJB_CHECK(config.checkpoint.overwrite, ValidationError,
              "--checkpoint.file "
                  << f.checkpoint
                  << " exists: an interrupted run of this output left it (with its partial table); "
                     "pass --restart "
                  << f.checkpoint << " to continue that run, or --overwrite to discard it");
    if (rank == 0) {
      if (const auto header = peek_checkpoint_header(f.checkpoint);
          header && !header->partial_table.empty()) {
        // A partial table, or the component directory of a stopped combination-technique run.
        std::error_code ignored;
        if (header->partial_table.ends_with(".components") &&
            std::filesystem::is_directory(header->partial_table, ignored))
          std::filesystem::remove_all(header->partial_table, ignored);
        else
          std::remove(header->partial_table.c_str());
      }
      std::remove(f.checkpoint.c_str());
    }
    MPI_Barrier(comm);
  }
  check_free_space(comm, f.table,
                   continuing ? checkpoints * checkpoint_bytes : table_bytes + checkpoints * checkpoint_bytes,
                   "the table and its checkpoints");
  return out;
}

}  // namespace hjb
