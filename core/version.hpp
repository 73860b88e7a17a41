// The version strings recorded in every output table: the CMake project version and `git describe`
// of the source tree when the binary was built (core/version.cpp.in, regenerated at every build
// by cmake/write_version.cmake: after a commit an incremental build records the new one).
#pragma once

namespace hjb {
extern const char* const project_version;
extern const char* const git_version;
}  // namespace hjb
