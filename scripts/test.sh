#!/usr/bin/env bash
# Installs missing packages, builds, and runs the test suite (all labels except `long`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/install_deps.sh
scripts/build.sh
(cd build && ctest --output-on-failure -j "$(nproc)" -LE long "$@")
# In CI (CI=true) or on request (HJB_SANITIZE=1): the unit and MPI tests again under
# AddressSanitizer + UndefinedBehaviorSanitizer.
if [[ "${CI:-}" == "true" || "${HJB_SANITIZE:-0}" == "1" ]]; then
  scripts/sanitize.sh
fi
