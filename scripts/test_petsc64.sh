#!/usr/bin/env bash
# Builds against Debian's PETSc with 64-bit indices (CMake preset `petsc64`) and runs the test suite.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/install_deps.sh
if ! dpkg-query -W -f='${Status}' libpetsc64-real-dev 2>/dev/null | grep -q "install ok installed"; then
  sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libpetsc64-real-dev > /dev/null
fi
cmake --preset petsc64 > build-petsc64.log 2>&1 || { cat build-petsc64.log; exit 1; }
cmake --build build-petsc64 -j "$(nproc)" >> build-petsc64.log 2>&1 || { tail -40 build-petsc64.log; exit 1; }
cd build-petsc64
ctest --output-on-failure -j "$(nproc)" -LE long "$@"
