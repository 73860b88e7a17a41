#!/usr/bin/env bash
# Applies .clang-format to every C++ file of the repository, or with --check lists the files that
# differ and exits 1 (CI runs the check as the ctest `format_check`).
# Usage: scripts/format.sh [--check]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command -v clang-format > /dev/null || { echo "clang-format not found (scripts/install_deps.sh installs it)"; exit 1; }
mapfile -t files < <(git ls-files -co --exclude-standard '*.cpp' '*.hpp' | grep -v '^build')
if [[ "${1:-}" == "--check" ]]; then
  bad=0
  for f in "${files[@]}"; do
    [[ -f "$f" ]] || continue
    if ! clang-format --dry-run -Werror "$f" > /dev/null 2>&1; then
      echo "not formatted: $f (run scripts/format.sh)"
      bad=$((bad + 1))
    fi
  done
  echo "$((${#files[@]} - bad)) formatted, $bad not formatted"
  [[ $bad -eq 0 ]]
else
  clang-format -i "${files[@]}"
fi
