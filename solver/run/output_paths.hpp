// The files a solve writes: every path checked before work starts (regular file or nothing,
// distinct from every other output, directory writable, not held by another live run, enough
// disk), run-unique temporary names, and the lock that keeps two runs off one output.
#pragma once
#include <mpi.h>

#include <string>
#include <vector>

namespace hjb {

/// One output of a run and the option that names it (for messages).
struct OutputFile {
  std::string path, option;
};

/// The outputs of one solve. Temporary names carry a tag unique to the run (rank 0's host and
/// PID), so two runs never write the same temporary file.
struct RunFiles {
  std::string table, sidecar, history, checkpoint, lock;
  std::string run_tag;
  /// PATH.<host>.<pid>.tmp
  std::string temporary(const std::string& final_path) const { return final_path + "." + run_tag + ".tmp"; }
};

/// The XDMF sidecar of a table: NAME.h5 -> NAME.xmf (other names: NAME.xmf appended).
std::string sidecar_path(const std::string& table);

/// Collective. Rank 0 checks each output before any work: the path is not empty, its directory
/// exists and is writable, an existing path is a regular file (never a directory, device, FIFO or
/// socket), and no two outputs (nor an input in `inputs`) are the same file. Throws
/// ValidationError (the same on every rank) naming the option.
void check_outputs(MPI_Comm comm, const std::vector<OutputFile>& outputs,
                   const std::vector<OutputFile>& inputs = {});

/// Collective. The run tag of rank 0 (host.pid), the same on every rank.
std::string make_run_tag(MPI_Comm comm);

/// Collective. Rank 0 checks that the file system holding `directory_of` has `bytes` available;
/// throws ValidationError naming what needs the space.
void check_free_space(MPI_Comm comm, const std::string& directory_of, double bytes, const std::string& what);

/// Available bytes on the file system holding `path`'s directory (rank 0's view; -1 if unknown).
double available_bytes(const std::string& path);

/// Collective. Rank 0 removes a file if it exists; barrier.
void remove_file_on_rank0(MPI_Comm comm, const std::string& path);

/// A lock file beside the output (OUTPUT.lock, holding "host pid") for the lifetime of the object,
/// so a second live run cannot write the same output. A lock whose process is gone (same host,
/// PID not alive) is stale and replaced, and that run's temporary table (OUTPUT.HOST.PID.tmp)
/// removed. Collective; throws ValidationError when another live run
/// holds the output (or the lock on another host cannot be checked).
class OutputLock {
 public:
  OutputLock(MPI_Comm comm, const std::string& lock_path, const std::string& output);
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

 private:
  std::string m_path;
  bool m_held = false;
};

}  // namespace hjb
