#!/usr/bin/env bash
# Installs missing packages, builds, and runs the test suite (all labels except `long`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/install_deps.sh
scripts/build.sh
cd build
ctest --output-on-failure -j "$(nproc)" -LE long "$@"
