// Versions of hjbench and of the libraries it runs on.
#include "solver/io/version_attributes.hpp"

#include <hdf5.h>
#include <mpi.h>
#include <petscversion.h>

#include <sstream>

#include "core/version.hpp"

namespace hjb {

std::map<std::string, std::string> version_attributes() {
  unsigned major, minor, release;
  H5get_libversion(&major, &minor, &release);
  char mpi[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  MPI_Get_library_version(mpi, &length);
  std::string mpi_version(mpi, length);
  mpi_version = mpi_version.substr(0, mpi_version.find_first_of(",\n"));
  std::ostringstream petsc;
  petsc << PETSC_VERSION_MAJOR << "." << PETSC_VERSION_MINOR << "." << PETSC_VERSION_SUBMINOR;
  return {
      {"project_version", std::string(project_version) + " (" + git_version + ")"},
      {"hdf5_version", std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(release)},
      {"petsc_version", petsc.str()},
      {"mpi_version", mpi_version}};
}

}  // namespace hjb
