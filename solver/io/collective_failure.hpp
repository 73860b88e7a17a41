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

/// Collective. Rank 0 reserves the disk blocks `path` (an existing file) will fill, without changing
/// its size (fallocate with FALLOC_FL_KEEP_SIZE), so that a neighbour filling the disk cannot make a
/// later write fail. A full disk: the same RuntimeError on every rank naming `path` and the bytes;
/// file systems without fallocate are left as they are.
void reserve_disk_blocks(MPI_Comm comm, const std::string& path, double bytes);

/// Room to close an HDF5 file on a full disk. HDF5 cannot recover a file whose closing flush failed:
/// its handle stays open in a broken state and MPI_Finalize then crashes inside HDF5's clean-up
/// (seen: a disk filled during a checkpoint write, every rank exited on SIGSEGV). Collective: rank 0
/// creates a spare file of `bytes` next to `path` before the HDF5 file is created (a full disk fails
/// here, before any HDF5 call, with the same RuntimeError on every rank); release() (or the
/// destructor) removes it, and is called just before the HDF5 file is closed, on success or failure.
class SpareDiskSpace {
 public:
  SpareDiskSpace(MPI_Comm comm, const std::string& path, double bytes = 1048576.0);
  ~SpareDiskSpace() { release(); }
  SpareDiskSpace(const SpareDiskSpace&) = delete;
  SpareDiskSpace& operator=(const SpareDiskSpace&) = delete;
  /// Removes the spare file (rank 0; not collective).
  void release();

 private:
  std::string m_path;
  bool m_held = false;
};

/// Test hook: whether the environment variable HJB_INJECT_IO_FAILURE names `site` for this rank.
/// Its value is a comma-separated list of SITE or SITE@RANK (SITE alone: every rank); the sites are
/// table_create, snapshot_write, sidecar, checkpoint, history, and allocation (a time-dependent run
/// throws std::bad_alloc before it marches, as a rank out of memory would). Not collective.
bool injected_io_failure(MPI_Comm comm, const char* site);

}  // namespace hjb
