// Output-path checks and removal on rank 0.
#include "solver/algorithms/output_paths.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "solver/core/error.hpp"

namespace hjb {

void check_output_path(MPI_Comm comm, const std::string& path, const std::string& option) {
  int rank;
  MPI_Comm_rank(comm, &rank);
  std::string error;
  if (rank == 0) {
    namespace fs = std::filesystem;
    const fs::path p(path);
    const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
    std::error_code ec;
    if (path.empty())
      error = option + " is empty";
    else if (fs::is_directory(p, ec))
      error = option + " " + path + " is a directory";
    else if (!fs::is_directory(dir, ec))
      error = option + ": directory " + dir.string() + " does not exist";
    else if (access(dir.c_str(), W_OK) != 0)
      error = option + ": directory " + dir.string() + " is not writable";
  }
  int length = static_cast<int>(error.size());
  MPI_Bcast(&length, 1, MPI_INT, 0, comm);
  error.resize(length);
  MPI_Bcast(error.data(), length, MPI_CHAR, 0, comm);
  if (!error.empty()) throw ValidationError(error);
}

void remove_file_on_rank0(MPI_Comm comm, const std::string& path) {
  int rank;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) std::remove(path.c_str());
  MPI_Barrier(comm);
}

}  // namespace hjb
