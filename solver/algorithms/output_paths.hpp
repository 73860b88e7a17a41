// Checks and housekeeping of the files a solve writes, decided on rank 0 and shared.
#pragma once
#include <mpi.h>

#include <string>

namespace hjb {

/// Rank 0 checks that the output's directory exists and is writable and that the path is not a
/// directory; the verdict is shared. Collective. Throws ValidationError naming `option`.
void check_output_path(MPI_Comm comm, const std::string& path, const std::string& option = "--output.file");

/// Rank 0 removes a file if it exists. Collective (barrier).
void remove_file_on_rank0(MPI_Comm comm, const std::string& path);

}  // namespace hjb
