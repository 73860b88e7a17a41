// I/O failures as collective decisions: a write that fails on one rank makes every rank throw the
// same error at the same point, so no rank is left waiting in a collective call. Also the test
// hook that injects failures at the write sites.
#pragma once
#include <mpi.h>

#include <functional>
#include <string>

namespace hjb {

/// Collective. `ok` is this rank's verdict and `message` its description when !ok. When any rank
/// failed, every rank throws RuntimeError (exit code 1) with the message of the lowest failing
/// rank (prefixed with its rank when the communicator has several).
void agree_on_success(MPI_Comm comm, bool ok, const std::string& message);

/// Collective. Runs `work` and agrees on its outcome: an exception on one rank becomes the same
/// RuntimeError on every rank (hjb::Error keeps its exit code when every rank raised the same one).
/// `work` must not make collective calls after a point where it may throw on one rank only.
void run_collectively(MPI_Comm comm, const std::function<void()>& work);

/// Collective. Rank 0 renames `from` to `to`; the outcome is agreed (RuntimeError on every rank).
void rename_on_rank0(MPI_Comm comm, const std::string& from, const std::string& to);

/// Test hook: whether the environment variable HJB_INJECT_IO_FAILURE names `site` for this rank.
/// Its value is a comma-separated list of SITE or SITE@RANK (SITE alone: every rank); the sites are
/// table_create, snapshot_write, sidecar, checkpoint, history. Not collective.
bool injected_io_failure(MPI_Comm comm, const char* site);

}  // namespace hjb
