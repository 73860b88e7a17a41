# Writes OUT from IN with the project version and `git describe` of SOURCE_DIR (or "unknown"
# outside a git checkout). Run at configure time and again at every build (the hjb_version_stamp
# target), so a table records the commit it was built from, not the one CMake last configured;
# configure_file rewrites OUT only when its text changes, so an unchanged tree rebuilds nothing.
#   cmake -DSOURCE_DIR=... -DIN=... -DOUT=... -DPROJECT_VERSION=... -P write_version.cmake
execute_process(COMMAND git describe --always --dirty --tags
  WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE HJB_GIT_VERSION
  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT HJB_GIT_VERSION)
  set(HJB_GIT_VERSION "unknown")
endif()
configure_file(${IN} ${OUT} @ONLY)
