// The library and build versions recorded in every table.
#pragma once
#include <map>
#include <string>

namespace hjb {

/// project_version (with git describe), hdf5_version, petsc_version, mpi_version.
std::map<std::string, std::string> version_attributes();

}  // namespace hjb
